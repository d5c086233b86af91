using System.Text.Json;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Data;
using Ale.Speed.Analysis.Hotspots;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Coverage;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Analysis.Tests.Reports;

/// <summary>
/// Stored unit coverage on a real InfluxDB 1.6: a quiet road with a working unit is observed with zero vehicles, a short
/// outage is an outage, and data without coverage falls back to inferring outages from long runs without data (and says
/// so). Observed hours are checked against what this test knows it wrote.
/// </summary>
[Collection(InfluxCollection.Name)]
public sealed class CoverageAgainstInfluxTests(InfluxFixture fixture) : IAsyncLifetime
{
    private const long WindowMs = 300_000;
    private static readonly long s_from = Traffic.Local(2026, 11, 9);   // a Monday
    private static readonly long s_to = Traffic.Local(2026, 11, 23);    // two weeks, no DST change
    private static readonly long s_outageFrom = Traffic.Local(2026, 11, 18, 10); // second Wednesday 10-13
    private static readonly long s_outageTo = Traffic.Local(2026, 11, 18, 13);

    private readonly Site _quiet = new("cov-quiet", "Quiet road, unit working at night", 40);
    private readonly Site _outage = new("cov-outage", "Three-hour outage", 40);
    private readonly Site _old = new("cov-old", "Data from before coverage", 40);
    private readonly HashSet<long> _oldHoursWithTraffic = [];
    private SiteCatalog _catalog = null!;

    public async Task InitializeAsync()
    {
        _catalog = new SiteCatalog([_quiet, _outage, _old], [
            new CatalogUnit("u-quiet", _quiet.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1)),
            new CatalogUnit("u-outage", _outage.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(6)),
            new CatalogUnit("u-old", _old.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1)),
        ]);

        var random = new Random(20261109);
        var vehicles = new List<Vehicle>();
        var coverage = new List<CoveragePoint>();
        var units = new Dictionary<string, Unit>
        {
            ["u-quiet"] = new() { Id = "u-quiet", Site = _quiet },
            ["u-outage"] = new() { Id = "u-outage", Site = _outage },
            ["u-old"] = new() { Id = "u-old", Site = _old },
        };

        for (long hour = s_from; hour < s_to; hour += Traffic.HourMs)
        {
            int hourOfDay = Traffic.ToLocal(hour).Hour;
            bool outage = hour >= s_outageFrom && hour < s_outageTo;
            bool day = hourOfDay is >= 7 and < 19;
            if (day)
            {
                Add(units["u-quiet"], hour, 8, 30);
                Add(units["u-old"], hour, 8, 30);
                _oldHoursWithTraffic.Add(hour);
            }

            if (!outage)
            {
                // The outage site: the second Wednesday's 10-13 is gone; the first one's is fast.
                bool fast = Traffic.HourOfWeek(hour) is 58 or 59 or 60;
                Add(units["u-outage"], hour, fast ? 40 : 10, fast ? 85 : 30);
            }

            for (long window = hour; window < hour + Traffic.HourMs; window += WindowMs)
            {
                coverage.Add(new CoveragePoint(_quiet.Id, "u-quiet", DisplayMode.DisplayOn, window, WindowMs, day ? 3 : 0, true));
                if (!outage)
                {
                    coverage.Add(new CoveragePoint(_outage.Id, "u-outage", DisplayMode.DisplayOn, window, WindowMs, 3, true));
                }
            }
        }

        await Traffic.WriteAsync(fixture.Server, vehicles, "cov-writer");
        using var http = new HttpClient();
        using var writer = new InfluxWriter(http, fixture.Server.Options() with { MaxRetryAttempts = 0, BatchSize = 10_000 });
        using LineBatch batch = writer.CreateBatch();
        foreach (CoveragePoint point in coverage)
        {
            // Two writers saw the same unit (a shared subscription): coverage is the union, not double.
            CoverageSchema.Write(batch.Writer, point, point.WindowStartMs % (2 * WindowMs) == 0 ? "cabinet-1" : "cabinet-2", batch.Precision);
        }

        InfluxWriteResult result = await writer.WriteAsync(batch);
        Assert.True(result.IsComplete, $"{result.Failure} {result.Message}");

        void Add(Unit unit, long hour, int count, double speed)
        {
            for (int i = 0; i < count; i++)
            {
                vehicles.Add(Traffic.Vehicle(unit, hour + random.NextInt64(Traffic.HourMs), Traffic.Normal(random, speed, 2)));
            }
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Report_CountsQuietHoursWithAWorkingUnitAsObserved_AndEveryHourWithoutOneAsAnOutage()
    {
        JsonElement coverage = (await ReportJsonAsync()).GetProperty("coverage");
        JsonElement Site(string id) => coverage.EnumerateArray().Single(c => c.GetProperty("site").GetString() == id);
        int hours = (int)((s_to - s_from) / Traffic.HourMs);

        // Quiet nights with a working unit: every hour observed, no gap, although half the hours have no vehicle.
        JsonElement quiet = Site(_quiet.Id);
        Assert.Equal(hours, quiet.GetProperty("hoursObserved").GetInt32());
        Assert.Equal(_oldHoursWithTraffic.Count, quiet.GetProperty("hoursWithData").GetInt32());
        Assert.Empty(quiet.GetProperty("gaps").EnumerateArray());
        Assert.NotEqual(JsonValueKind.Null, quiet.GetProperty("coverageFrom").ValueKind);

        // Three hours without a working unit: an outage, although shorter than the unit's SilentAfter (6 h).
        JsonElement outage = Site(_outage.Id);
        Assert.Equal(hours - 3, outage.GetProperty("hoursObserved").GetInt32());
        JsonElement gap = Assert.Single(outage.GetProperty("gaps").EnumerateArray());
        Assert.Equal((s_outageFrom, s_outageTo, 3, true, true), (gap.GetProperty("from").GetDateTimeOffset().ToUnixTimeMilliseconds(),
            gap.GetProperty("to").GetDateTimeOffset().ToUnixTimeMilliseconds(), gap.GetProperty("hours").GetInt32(),
            gap.GetProperty("likelyOutage").GetBoolean(), gap.GetProperty("fromCoverage").GetBoolean()));

        // No coverage stored: the nights (at least SilentAfter long) are inferred outages, and the report says how it knows.
        JsonElement old = Site(_old.Id);
        Assert.Equal(_oldHoursWithTraffic.Count, old.GetProperty("hoursObserved").GetInt32());
        Assert.Equal(JsonValueKind.Null, old.GetProperty("coverageFrom").ValueKind);
        Assert.All(old.GetProperty("gaps").EnumerateArray(), g => Assert.False(g.GetProperty("fromCoverage").GetBoolean()));
        Assert.Contains(old.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("No unit coverage is stored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Report_WithoutCoverage_WouldReadTheShortOutageAsTrafficAndTheQuietNightsAsOutages()
    {
        // The contrast that makes coverage worth storing: the same bins without it.
        var reader = new BinReader(fixture.Server.QueryClient());
        var period = new Period(s_from, s_to);
        IReadOnlyList<StoredBin> bins = await StoredBins.ReadMergedAsync(reader, period, null, BinGrain.Period, CancellationToken.None);
        Report inferred = ReportBuilder.Build(bins, period, _catalog, ReportGrouping.Total);
        int hours = (int)((s_to - s_from) / Traffic.HourMs);
        Assert.Equal(hours, inferred.Coverage.Single(c => c.SiteId == _outage.Id).HoursObserved);
        Assert.Equal(_oldHoursWithTraffic.Count, inferred.Coverage.Single(c => c.SiteId == _quiet.Id).HoursObserved);
    }

    [Fact]
    public async Task Hotspots_DivideByTheHoursWithAWorkingUnit()
    {
        var output = new StringWriter();
        var request = new HotspotRequest
        {
            Period = new Period(s_from, s_to),
            Format = OutputFormat.Json,
            Options = new HotspotOptions { MinimumObservedHours = 1, MinimumVehicles = 10, MinimumOffences = 1 },
        };
        Assert.Equal(0, await HotspotsCommand.RunAsync(request, new BinReader(fixture.Server.QueryClient()), _catalog, output, CancellationToken.None));
        JsonElement[] windows = [.. JsonDocument.Parse(output.ToString()).RootElement.GetProperty("ranked").EnumerateArray()
            .Where(w => w.GetProperty("site").GetString() == _outage.Id)];

        // Wednesday 10, 11 and 12: two weeks of that hour, one of them inside the outage, so one observed hour each.
        Assert.Equal([58, 59, 60], windows.Select(w => w.GetProperty("hourOfWeek").GetInt32()).Order());
        Assert.All(windows, w => Assert.Equal((1, 40.0), (w.GetProperty("observedHours").GetInt32(), w.GetProperty("vehiclesPerHour").GetDouble())));
    }

    private async Task<JsonElement> ReportJsonAsync()
    {
        var output = new StringWriter();
        var request = new ReportRequest { Period = new Period(s_from, s_to), By = ReportGrouping.Total, Format = OutputFormat.Json };
        Assert.Equal(0, await ReportCommand.RunAsync(request, new BinReader(fixture.Server.QueryClient()), _catalog, output, CancellationToken.None));
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }
}
