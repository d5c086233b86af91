using System.Buffers;
using System.Text;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Ingest;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Tests.Support;
using Ale.Speed.Core.Vehicles;
using Microsoft.Extensions.Time.Testing;

namespace Ale.Speed.Core.Tests.Ingest;

/// <summary>An OPS243's own uptime clock (<c>time</c>) is mapped to wall-clock time, so detection does not depend on read timing.</summary>
public sealed class DeviceClockTests
{
    private const long T0 = 1_750_000_000_000;

    private sealed class ListSink : IVehicleSink
    {
        public List<Vehicle> Vehicles { get; } = [];

        public void Accept(in Vehicle vehicle) => Vehicles.Add(vehicle);
    }

    private static UnitIngest Make()
    {
        var unit = new Unit { Id = "ops", Site = new Site("s", "s", 50), Format = FrameFormat.Ops243Json, SpeedUnit = SpeedUnit.KilometresPerHour };
        return new UnitIngest(unit, FrameParsers.Create(FrameFormat.Ops243Json, SpeedUnit.KilometresPerHour), new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(T0 + 600_000)));
    }

    private static string Burst(double startSeconds, double kmh, int readings)
    {
        var lines = new StringBuilder();
        for (int i = 0; i < readings; i++)
        {
            lines.Append(System.Globalization.CultureInfo.InvariantCulture, $"{{\"speed\":{kmh - (readings - 1) + i:0.0},\"direction\":\"inbound\",\"time\":{startSeconds + i * 0.05:0.000}}}\n");
        }

        return lines.ToString();
    }

    [Fact]
    public void TwoBurstsReadInOneStalledRead_AreTwoVehicles_AtTheirDeviceTimes()
    {
        UnitIngest ingest = Make();
        var sink = new ListSink();
        // A first read calibrates: device time 100.25 s arrived at T0 + 250 ms.
        ingest.Ingest(Sequences.OneSegment(Encoding.ASCII.GetBytes(Burst(100.0, 52, 6))), T0 + 250, sink);
        // Then a busy machine read two vehicles' readings at once, late: by arrival time they would be one burst.
        string stalled = Burst(103.0, 61, 6) + Burst(104.5, 58, 6);
        ingest.Ingest(Sequences.OneSegment(Encoding.ASCII.GetBytes(stalled)), T0 + 5_500, sink);
        ingest.Complete(sink);

        // The very first reading is placed at its read's arrival (nothing better is known yet); after that, device time.
        Assert.Equal([T0 + 250, T0 + 3_000, T0 + 4_500], sink.Vehicles.Select(v => v.TimestampMs));
        Assert.Equal([52.0, 61.0, 58.0], sink.Vehicles.Select(v => Math.Round(v.SpeedKmh, 6)));
        Assert.All(sink.Vehicles.Skip(1), v => Assert.Equal(250, v.DurationMs));
    }

    [Fact]
    public void ClockGoingBackwards_TheUnitRestarted_IsLearnedAgainFromArrival()
    {
        UnitIngest ingest = Make();
        var sink = new ListSink();
        ingest.Ingest(Sequences.OneSegment(Encoding.ASCII.GetBytes(Burst(5000.0, 52, 4))), T0, sink);
        // Rebooted: its clock starts again near 0, ten minutes later by our clock.
        ingest.Ingest(Sequences.OneSegment(Encoding.ASCII.GetBytes(Burst(2.0, 48, 4))), T0 + 600_000, sink);
        ingest.Complete(sink);

        Assert.Equal(2, sink.Vehicles.Count);
        Assert.InRange(sink.Vehicles[0].TimestampMs, T0 - 200, T0);
        Assert.InRange(sink.Vehicles[1].TimestampMs, T0 + 600_000 - 200, T0 + 600_000);
    }
}
