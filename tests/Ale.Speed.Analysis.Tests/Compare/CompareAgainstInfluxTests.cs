using System.Text.Json;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Coverage;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Analysis.Tests.Compare;

/// <summary>
/// <c>compare</c> through a real InfluxDB 1.6: 5-minute bins of two writers, an after period across the autumn
/// daylight-saving change (a 25-hour local day), read back and grouped into local days by the command.
/// </summary>
[Collection(InfluxCollection.Name)]
public sealed class CompareAgainstInfluxTests(InfluxFixture fixture)
{
    private static readonly Period s_before = new(Traffic.Local(2026, 10, 5), Traffic.Local(2026, 10, 19));
    private static readonly Period s_after = new(Traffic.Local(2026, 10, 19), Traffic.Local(2026, 11, 2));


    private async Task<JsonElement> CompareJsonAsync(SiteCatalog catalog, CompareOptions options)
    {
        var output = new StringWriter();
        var request = new CompareRequest { SiteId = "cmp-influx-site", Before = s_before, After = s_after, Options = options, Format = OutputFormat.Json };
        Assert.Equal(0, await CompareCommand.RunAsync(request, new BinReader(fixture.Server.QueryClient()), catalog, output, CancellationToken.None));
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    [Fact]
    public async Task Compare_StoredBinsOfTwoWriters_DaysAcrossTheDstChange_MatchTheRawVehicles()
    {
        var site = new Site("cmp-influx-site", "Nol, Nolvägen", 50);
        var control = new Site("cmp-influx-control", "Bohus, control", 50);
        var unit = new Unit { Id = "u-site", Site = site };
        var controlUnit = new Unit { Id = "u-control", Site = control };
        var catalog = new SiteCatalog([site, control], [
            new CatalogUnit("u-site", site.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1)),
            new CatalogUnit("u-control", control.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1)),
        ]);
        var random = new Random(2026);
        List<Vehicle> before = DailyTraffic.Days(unit, s_before, random, dailySd: 1, perDay: 300);
        List<Vehicle> after = DailyTraffic.Days(unit, s_after, random, dailySd: 1, change: -3, perDay: 300);
        List<Vehicle> controlVehicles = [.. DailyTraffic.Days(controlUnit, s_before, random, 1, perDay: 300), .. DailyTraffic.Days(controlUnit, s_after, random, 1, perDay: 300)];
        List<Vehicle> all = [.. before, .. after, .. controlVehicles];
        await Traffic.WriteAsync(fixture.Server, all.Where((_, i) => i % 2 == 0), "cabinet-1");
        await Traffic.WriteAsync(fixture.Server, all.Where((_, i) => i % 2 == 1), "cabinet-2");

        JsonElement alone = await CompareJsonAsync(catalog, new CompareOptions());
        (double change, double half, int df, double beforeMean) = DailyTraffic.OwnDailyMeanComparison(before, after);
        JsonElement mean = alone.GetProperty("changes")[0];
        Assert.Equal("decrease", alone.GetProperty("verdict").GetString());
        Assert.Equal(change, mean.GetProperty("change").GetDouble(), 9);
        Assert.Equal(change - half, mean.GetProperty("lower").GetDouble(), 9);
        Assert.Equal(beforeMean, mean.GetProperty("before").GetDouble(), 9);
        Assert.Equal(df, alone.GetProperty("degreesOfFreedom").GetInt32());
        // 14 local days after, one of them 25 hours long: 10 weekdays, 4 weekend days.
        Assert.Equal(10, alone.GetProperty("afterDays").GetProperty("weekday").GetInt32());
        Assert.Equal(4, alone.GetProperty("afterDays").GetProperty("weekend").GetInt32());
        Assert.Equal(before.Count, alone.GetProperty("beforeVehicles").GetInt64());
        Assert.Equal(1.0, alone.GetProperty("minimumChangeKmh").GetDouble());

        JsonElement withControl = await CompareJsonAsync(catalog, new CompareOptions { ControlSiteId = control.Id, SelectedByRanking = true });
        Assert.Equal("decrease", withControl.GetProperty("verdict").GetString());
        Assert.Equal(control.Id, withControl.GetProperty("controlSite").GetString());
        Assert.True(double.IsFinite(withControl.GetProperty("changes")[0].GetProperty("controlChange").GetDouble()));
        Assert.Contains(withControl.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("Regression to the mean", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Compare_ReadsTheStoredCoverage_AndLeavesOutADayWhoseUnitWasDownMostOfEachTimeOfDay()
    {
        // The worker's coverage points on InfluxDB: the unit worked every hour but 07-09, 10-15, 16-18 and 19-22 on
        // 28 October, when the few hours it saw still put vehicles in every time of day.
        var site = new Site("cmp-cov-site", "Älvängen, coverage", 50);
        var unit = new Unit { Id = "u-cov", Site = site };
        var catalog = new SiteCatalog([site], [new CatalogUnit("u-cov", site.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1))]);
        var outageDay = new DateOnly(2026, 10, 28);
        bool Dead(DateOnly d, int h) => d == outageDay && h is (>= 7 and < 9) or (>= 10 and < 15) or (>= 16 and < 18) or (>= 19 and < 22);
        var random = new Random(2810);
        List<Vehicle> vehicles = [.. DailyTraffic.Days(unit, s_before, random, dailySd: 1), .. DailyTraffic.Days(unit, s_after, random, dailySd: 1, hourMissing: Dead)];
        await Traffic.WriteAsync(fixture.Server, vehicles, "cabinet-cov");
        using var http = new HttpClient();
        using var writer = new InfluxWriter(http, fixture.Server.Options() with { MaxRetryAttempts = 0, BatchSize = 10_000 });
        using LineBatch batch = writer.CreateBatch();
        for (long window = s_before.FromMs; window < s_after.ToMs; window += 300_000)
        {
            DateTimeOffset local = Traffic.ToLocal(window);
            if (!Dead(DateOnly.FromDateTime(local.DateTime), local.Hour))
            {
                CoverageSchema.Write(batch.Writer, new CoveragePoint(site.Id, unit.Id, DisplayMode.DisplayOn, window, 300_000, 1, true), "cabinet-cov", batch.Precision);
            }
        }

        InfluxWriteResult written = await writer.WriteAsync(batch);
        Assert.True(written.IsComplete, $"{written.Failure} {written.Message}");

        var output = new StringWriter();
        var request = new CompareRequest { SiteId = site.Id, Before = s_before, After = s_after, Format = OutputFormat.Json };
        Assert.Equal(0, await CompareCommand.RunAsync(request, new BinReader(fixture.Server.QueryClient()), catalog, output, CancellationToken.None));
        JsonElement result = JsonDocument.Parse(output.ToString()).RootElement;

        JsonElement leftOut = Assert.Single(result.GetProperty("daysLeftOut").EnumerateArray(), d => d.GetProperty("date").GetString() == "2026-10-28");
        Assert.Contains("no working unit for 12 of its hours (stored coverage)", leftOut.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(9, result.GetProperty("afterDays").GetProperty("weekday").GetInt32()); // 10 weekdays, one left out
        Assert.Contains(result.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("Outages are taken from the stored unit coverage", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Compare_UnknownControlSite_IsARequestError()
    {
        var site = new Site("cmp-influx-site", "Nol", 50);
        var catalog = new SiteCatalog([site], [new CatalogUnit("u", site.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1))]);
        var request = new CompareRequest { SiteId = site.Id, Before = s_before, After = s_after, Options = new CompareOptions { ControlSiteId = "nowhere" } };
        var ex = await Assert.ThrowsAsync<AnalysisRequestException>(() => CompareCommand.RunAsync(request, new BinReader(fixture.Server.QueryClient()), catalog, TextWriter.Null, CancellationToken.None));
        Assert.Contains("nowhere", ex.Message, StringComparison.Ordinal);
    }
}
