using Ale.Speed.Influx.LineProtocol;

namespace Ale.Speed.Influx.Tests.Support;

public static class Points
{
    public const long May1Ms = 1_746_057_600_000; // 2025-05-01T00:00:00Z

    /// <summary>Adds <paramref name="count"/> points of <paramref name="measurement"/>, one per second, field n = i.</summary>
    public static LineBatch Fill(LineBatch batch, string measurement, int count, string site = "Ale torg, Nödinge")
    {
        for (var i = 0; i < count; i++)
        {
            batch.Writer.Measurement(measurement).Tag("site", site).Tag("direction", "in")
                .Field("n", (long)i).Field("mean_kmh", 40 + (i % 100) / 10.0)
                .Timestamp(May1Ms + (i * 1000L), batch.Precision);
        }

        return batch;
    }
}
