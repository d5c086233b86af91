using System.Text.Json;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Influx.Tests.LineProtocol;

/// <summary>The encoder's escaping checked where it matters: a real InfluxDB 1.6 reads back what was meant.</summary>
[Collection(InfluxCollection.Name)]
public sealed class LineProtocolRoundTripTests(InfluxFixture fixture)
{
    private const long May1Ms = 1_746_057_600_000; // 2025-05-01T00:00:00Z

    private static readonly string[] s_sites =
    [
        "Ale torg, Nödinge",
        "Älvängen=centrum",
        "Surte  (two spaces)",
        "Bohus,Göta älv=väg 45",
        "C:\\temp\\x",
        "quote \"inside\"",
    ];

    private async Task<InfluxWriteResult> WriteAsync(Action<LineBatch> fill, TimestampPrecision precision = TimestampPrecision.Seconds)
    {
        using var http = new HttpClient();
        using var writer = new InfluxWriter(http, fixture.Server.Options() with { Precision = precision, MaxRetryAttempts = 0 });
        using var batch = writer.CreateBatch();
        fill(batch);
        var result = await writer.WriteAsync(batch);
        Assert.True(result.IsComplete, $"{result.Failure} {result.StatusCode} {result.Message}");
        return result;
    }

    [Fact]
    public async Task TagValues_WithCommasSpacesEqualsAndNonAscii_ReadBackEqual()
    {
        await WriteAsync(batch =>
        {
            for (var i = 0; i < s_sites.Length; i++)
            {
                batch.Writer.Measurement("rt_tags").Tag("site", s_sites[i]).Field("n", (long)i).Timestamp(May1Ms, TimestampPrecision.Seconds);
            }
        });

        var series = await fixture.Server.QueryClient().QueryAsync("SHOW TAG VALUES FROM \"rt_tags\" WITH KEY = \"site\"");
        var values = series.Single().Values.Select(row => row[1].GetString()).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(s_sites.Order(StringComparer.Ordinal).ToArray(), values);

        var rows = await fixture.Server.QueryClient().QueryAsync("SELECT \"n\" FROM \"rt_tags\" GROUP BY \"site\"");
        foreach (var row in rows)
        {
            var index = Array.IndexOf(s_sites, row.Tags["site"]);
            Assert.True(index >= 0, row.Tags["site"]);
            Assert.Equal(index, row.Values.Single()[1].GetInt64());
        }

        Assert.Equal(s_sites.Length, rows.Count);
    }

    [Fact]
    public async Task MeasurementTagKeysAndFieldKeys_WithSpecialCharacters_ReadBackEqual()
    {
        const string measurement = "rt speed,bins=v1 Nödinge";
        const string tagKey = "site name,kind=a";
        const string fieldKey = "mean kmh,all=yes";
        await WriteAsync(batch => batch.Writer.Measurement(measurement).Tag(tagKey, "Ale torg").Field(fieldKey, 42.5)
            .Timestamp(May1Ms, TimestampPrecision.Seconds));

        var client = fixture.Server.QueryClient();
        var measurements = (await client.QueryAsync("SHOW MEASUREMENTS")).Single().Values.Select(r => r[0].GetString());
        Assert.Contains(measurement, measurements);

        var tagKeys = (await client.QueryAsync($"SHOW TAG KEYS FROM {Quote(measurement)}")).Single().Values.Select(r => r[0].GetString());
        Assert.Equal([tagKey], tagKeys);

        var rows = (await client.QueryAsync($"SELECT * FROM {Quote(measurement)}")).Single();
        Assert.Equal(42.5, rows.Values.Single()[rows.IndexOf(fieldKey)].GetDouble());
        Assert.Equal("Ale torg", rows.Values.Single()[rows.IndexOf(tagKey)].GetString());
    }

    [Fact]
    public async Task FieldValues_OfEveryType_ReadBackEqual()
    {
        double[] floats = [0.1, 3.0, -2.5, 1e20, 1.5e-7, 0.30000000000000004, double.MaxValue, -double.Epsilon * 1e10];
        long[] integers = [0, 123, -42, long.MaxValue, long.MinValue];
        string[] strings = ["", "say \"hej\"", "C:\\temp\\", "a\\\"b", "Ale torg, Nödinge = 1", "tab\there"];

        await WriteAsync(batch =>
        {
            var t = May1Ms;
            foreach (var f in floats)
            {
                batch.Writer.Measurement("rt_float").Field("x", f).Timestamp(t += 1000, TimestampPrecision.Seconds);
            }

            foreach (var i in integers)
            {
                batch.Writer.Measurement("rt_int").Field("x", i).Timestamp(t += 1000, TimestampPrecision.Seconds);
            }

            foreach (var s in strings)
            {
                batch.Writer.Measurement("rt_string").Field("x", s).Timestamp(t += 1000, TimestampPrecision.Seconds);
            }

            batch.Writer.Measurement("rt_bool").Field("x", true).Timestamp(t += 1000, TimestampPrecision.Seconds);
            batch.Writer.Measurement("rt_bool").Field("x", false).Timestamp(t += 1000, TimestampPrecision.Seconds);
        });

        var client = fixture.Server.QueryClient();
        Assert.Equal(floats, await Column(client, "rt_float", v => v.GetDouble()));
        Assert.Equal(integers, await Column(client, "rt_int", v => v.GetInt64()));
        Assert.Equal(strings, await Column(client, "rt_string", v => v.GetString()));
        Assert.Equal(new[] { true, false }, await Column(client, "rt_bool", v => v.GetBoolean()));
    }

    [Theory]
    [InlineData(TimestampPrecision.Seconds, 1_746_057_601_000L)]
    [InlineData(TimestampPrecision.Milliseconds, 1_746_057_601_234L)]
    [InlineData(TimestampPrecision.Microseconds, 1_746_057_601_234L)]
    [InlineData(TimestampPrecision.Nanoseconds, 1_746_057_601_234L)]
    public async Task Timestamps_InEachPrecision_ReadBackAsTheSameInstant(TimestampPrecision precision, long unixMs)
    {
        var measurement = $"rt_time_{precision}";
        await WriteAsync(batch => batch.Writer.Measurement(measurement).Field("x", 1L).Timestamp(unixMs, precision), precision);

        var series = (await fixture.Server.QueryClient().QueryAsync($"SELECT \"x\" FROM \"{measurement}\"")).Single();
        Assert.Equal(unixMs, series.Values.Single()[0].GetInt64());
    }

    private static async Task<T[]> Column<T>(InfluxQueryClient client, string measurement, Func<JsonElement, T> read)
    {
        var series = (await client.QueryAsync($"SELECT \"x\" FROM \"{measurement}\"")).Single();
        return series.Values.Select(row => read(row[1])).ToArray();
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
