using System.Globalization;
using System.Text.Json;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Devices.Simulation;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Tests.Support;
using Microsoft.Extensions.Hosting;

namespace Ale.Speed.Worker.Tests.EndToEnd;

/// <summary>The report on data written through the worker into a real InfluxDB equals what the test computes from the raw vehicles.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ReportThroughWorkerTests
{
    [Fact]
    public async Task Report_OnWorkerWrittenBins_EqualsFiguresFromTheRawVehicles()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("e2e_report");
        DateTimeOffset start = DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / 86_400_000 * 86_400_000).AddDays(-3);
        run.AddUnit("u-1", "nodinge-ale-torg", 40, start, TimeSpan.FromDays(1), seed: 21);
        run.AddUnit("u-2", "nol-vag-45", 70, start, TimeSpan.FromDays(1), seed: 22);
        run.AddUnit("u-3", "skepplanda-byvagen", 30, start, TimeSpan.FromDays(1), seed: 23);
        run.Configure();
        using (IHost host = run.BuildHost(exitWhenDone: true))
        {
            await host.RunAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }

        WorkerSettings settings = run.Settings();
        var catalog = new SiteCatalog(settings.Sites, settings.Units.Select(u => new CatalogUnit(u.Unit.Id, u.Unit.Site.Id, u.Unit.DisplayMode, u.SilentAfter)));
        Assert.True(PeriodParser.TryParse(start.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            start.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), out Period period, out string? error), error);
        var output = new StringWriter();
        int exit = await ReportCommand.RunAsync(new ReportRequest { Period = period, Format = OutputFormat.Json },
            new BinReader(new InfluxQueryClient(run.Influx.Http, run.Influx.Options())), catalog, output, CancellationToken.None);
        Assert.Equal(0, exit);

        using JsonDocument report = JsonDocument.Parse(output.ToString());
        foreach (SimulatedUnit unit in run.Units)
        {
            JsonElement all = report.RootElement.GetProperty("sites").EnumerateArray()
                .Single(s => s.GetProperty("site").GetString() == unit.SiteId && s.GetProperty("direction").GetString() == "all");
            double[] raw = [.. unit.Vehicles.Select(v => v.SpeedKmh).Order()];
            Assert.Equal(raw.Length, all.GetProperty("vehicles").GetInt64());
            Assert.Equal(unit.LimitKmh, all.GetProperty("limitKmh").GetInt32());
            Assert.Equal(raw.Average(), all.GetProperty("meanKmh").GetDouble(), 1e-6);
            Assert.Equal(unit.Vehicles.Count(v => v.SpeedKmh > ClassLimits.Own(unit.LimitKmh, v.Class)) / (double)raw.Length, all.GetProperty("shareOverLimit").GetDouble(), 1e-12);
            double empiricalV85 = raw[(int)Math.Ceiling(0.85 * raw.Length) - 1];
            Assert.InRange(all.GetProperty("v85Kmh").GetDouble(), empiricalV85 - 1, empiricalV85 + 1);
            AssertOtherFigures(unit, raw, all);
        }
    }

    /// <summary>The rest of a report row, each from the raw speeds with the test's own edges (DOMAIN.md's tables).</summary>
    private static void AssertOtherFigures(SimulatedUnit unit, double[] raw, JsonElement all)
    {
        double n = raw.Length;
        // Each vehicle against its own limit: the posted one, or its class's when stricter; bands by that limit.
        (long Excess, int Limit)[] own = [.. unit.Vehicles.Select(v => ClassLimits.Own(unit.LimitKmh, v.Class)).Zip(unit.Vehicles, (l, v) => ((long)Math.Round(v.SpeedKmh * 100) - l * 100L, l))];
        long[] excessCenti = [.. own.Select(o => o.Excess)];
        long Over(int fromExclusive, int? toInclusive, Func<int, bool> roads) => own.LongCount(o => roads(o.Limit) && o.Excess > fromExclusive * 100L && (toInclusive is not { } to || o.Excess <= to * 100L));

        // Percentiles within the histogram's 1 km/h resolution; the maximum exactly.
        Assert.InRange(all.GetProperty("v50Kmh").GetDouble(), raw[(int)Math.Ceiling(0.50 * n) - 1] - 1, raw[(int)Math.Ceiling(0.50 * n) - 1] + 1);
        Assert.InRange(all.GetProperty("v95Kmh").GetDouble(), raw[(int)Math.Ceiling(0.95 * n) - 1] - 1, raw[(int)Math.Ceiling(0.95 * n) - 1] + 1);
        Assert.Equal(raw[^1], all.GetProperty("maxKmh").GetDouble(), 1e-9);

        // Trafikverket's speed index: shares within the limit, within the limit + 5, more than 30 over.
        JsonElement index = all.GetProperty("speedIndex");
        Assert.Equal(excessCenti.Count(e => e <= 0) / n, index.GetProperty("shareWithinLimit").GetDouble(), 1e-12);
        Assert.Equal(excessCenti.Count(e => e <= 500) / n, index.GetProperty("shareWithinLimitPlus5").GetDouble(), 1e-12);
        Assert.Equal(excessCenti.Count(e => e > 3000) / n, index.GetProperty("shareMoreThan30Over").GetDouble(), 1e-12);

        // Fine bands: over by (0,10], (10,15], …, (35,40], (40,50], more than 50.
        int[] fineEdges = [0, 10, 15, 20, 25, 30, 35, 40, 50];
        long[] fines = [.. fineEdges.Select((from, i) => Over(from, i + 1 < fineEdges.Length ? fineEdges[i + 1] : null, _ => true))];
        Assert.Equal(fines, all.GetProperty("fineBands").EnumerateArray().Select(b => b.GetProperty("vehicles").GetInt64()));

        // Licence bands depend on the limit: 30 or lower, or 40 and higher (an A-traktor counts as under 30 anywhere).
        int[] low = [15, 20, 30, 40, 50, 60];
        int[] high = [24, 30, 40, 50, 60, 70, 80];
        long[] lowCounts = [.. low.Select((from, i) => Over(from, i + 1 < low.Length ? low[i + 1] : null, l => l <= 30))];
        long[] highCounts = [.. high.Select((from, i) => Over(from, i + 1 < high.Length ? high[i + 1] : null, l => l > 30))];
        JsonElement[] licenceRows = [.. all.GetProperty("licenceBands").EnumerateArray()];
        Assert.Equal(own.Any(o => o.Limit <= 30) ? lowCounts : [], licenceRows.Where(r => r.GetProperty("roads").GetString() == "limit<=30").Select(r => r.GetProperty("vehicles").GetInt64()));
        Assert.Equal(own.Any(o => o.Limit > 30) ? highCounts : [], licenceRows.Where(r => r.GetProperty("roads").GetString() == "limit>=40").Select(r => r.GetProperty("vehicles").GetInt64()));

        // Classes as the units reported them; hours with data.
        JsonElement classes = all.GetProperty("classes");
        foreach (IGrouping<Core.Vehicles.VehicleClass, SimulatedVehicle> group in unit.Vehicles.GroupBy(v => v.Class))
        {
            Assert.Equal(group.LongCount(), classes.GetProperty(BinSchema.ClassName(group.Key)).GetInt64());
        }

        Assert.Equal(unit.Vehicles.Select(v => v.TimestampMs / 3_600_000).Distinct().Count(), all.GetProperty("hoursWithData").GetInt32());
    }
}
