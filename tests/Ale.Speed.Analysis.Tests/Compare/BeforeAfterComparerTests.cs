using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Coverage;
using Xunit.Abstractions;

namespace Ale.Speed.Analysis.Tests.Compare;

public sealed class BeforeAfterComparerTests(ITestOutputHelper log)
{
    private const string SiteId = "cmp-site";
    private const string ControlId = "cmp-control";

    // Two whole weeks each, Monday to Monday, away from the daylight-saving shifts.
    private static readonly Period s_before = new(Traffic.Local(2026, 4, 6), Traffic.Local(2026, 4, 20));
    private static readonly Period s_after = new(Traffic.Local(2026, 5, 4), Traffic.Local(2026, 5, 18));

    private static Site MakeSite(string id = SiteId, int limit = 50) => new(id, id == SiteId ? "Skepplanda, väg 1960" : "Alafors, control", limit);

    private static SiteCatalog Catalog(params Site[] sites)
        => new(sites, sites.Select(s => new CatalogUnit("u-" + s.Id, s.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1))));

    private static CompareResult Run(IEnumerable<Vehicle> before, IEnumerable<Vehicle> after, SiteCatalog catalog, CompareOptions? options = null)
        => BeforeAfterComparer.Compare(Traffic.Bin(before), Traffic.Bin(after), SiteId, s_before, s_after, catalog, options);

    /// <summary>
    /// Seeds for the false-alarm and power runs: reduced in the suite; <c>ALE_SPEED_LARGE_RUNS=1</c> runs the large run
    /// whose figures docs/analysis.md reports.
    /// </summary>
    private static int SeedsFor(int reduced, int large) => Environment.GetEnvironmentVariable("ALE_SPEED_LARGE_RUNS") == "1" ? large : reduced;

    /// <summary>The most false alarms out of <paramref name="seeds"/> that a nominal 5 % allows, three binomial standard deviations up.</summary>
    private static int MostFalseAlarms(int seeds) => (int)Math.Ceiling(seeds * 0.05 + 3 * Math.Sqrt(seeds * 0.05 * 0.95));

    [Fact]
    public void Compare_DailyOffsetSd1AndNoChange_FalseAlarmsAtMostAboutFivePercent()
    {
        // The situation that made the per-vehicle intervals call noise a change: a daily offset of sd 1 km/h, nothing done.
        Site site = MakeSite();
        var unit = new Unit { Id = "u-" + SiteId, Site = site };
        SiteCatalog catalog = Catalog(site);
        int seeds = SeedsFor(reduced: 200, large: 2_000);
        int[] reported = new int[3];
        int[] beyondVariation = new int[3];
        int headline = 0;
        for (int seed = 0; seed < seeds; seed++)
        {
            var random = new Random(10_000 + seed);
            CompareResult result = Run(DailyTraffic.Days(unit, s_before, random, dailySd: 1), DailyTraffic.Days(unit, s_after, random, dailySd: 1), catalog);
            for (int f = 0; f < 3; f++)
            {
                Verdict v = result.Changes[f].Verdict;
                Assert.NotEqual(Verdict.InsufficientData, v);
                reported[f] += v is Verdict.Decrease or Verdict.Increase ? 1 : 0;
                beyondVariation[f] += v == Verdict.NoChange ? 0 : 1;
            }

            headline += result.Verdict is Verdict.Decrease or Verdict.Increase ? 1 : 0;
        }

        log.WriteLine($"{seeds} seeds, daily sd 1 km/h, no change: interval without 0: mean {beyondVariation[0]}, V85 {beyondVariation[1]}, share {beyondVariation[2]}; "
            + $"reported decrease/increase: mean {reported[0]}, V85 {reported[1]}, share {reported[2]}; headline verdict {headline}");
        // A 95 % interval excludes 0 in 5 % of seeds when nothing changed: at most three binomial sd above, and not so
        // rarely that the interval is needlessly wide (it would lose power). Reported changes can only be fewer.
        int most = MostFalseAlarms(seeds);
        Assert.All(beyondVariation, n => Assert.InRange(n, seeds / 100, most));
        Assert.All(reported, n => Assert.InRange(n, 0, most));
    }

    [Fact]
    public void Compare_ThreeKmhDecreaseWithDailyOffsetSd1_IsFoundByEveryFigure()
    {
        Site site = MakeSite();
        var unit = new Unit { Id = "u-" + SiteId, Site = site };
        SiteCatalog catalog = Catalog(site);
        int seeds = SeedsFor(reduced: 100, large: 1_000);
        int[] found = new int[3];
        for (int seed = 0; seed < seeds; seed++)
        {
            var random = new Random(20_000 + seed);
            CompareResult result = Run(DailyTraffic.Days(unit, s_before, random, dailySd: 1), DailyTraffic.Days(unit, s_after, random, dailySd: 1, change: -3), catalog);
            for (int f = 0; f < 3; f++)
            {
                found[f] += result.Changes[f].Verdict == Verdict.Decrease ? 1 : 0;
            }

            Assert.InRange(result.Changes[0].Change, -5, -1);
        }

        log.WriteLine($"{seeds} seeds, daily sd 1 km/h, a 3 km/h decrease found (decrease reported): mean {found[0]}, V85 {found[1]}, share {found[2]}");
        Assert.All(found, n => Assert.True(n >= seeds * 95 / 100, $"a 3 km/h decrease was found in {n} of {seeds} seeds"));
    }

    [Fact]
    public void Compare_MeanChangeAndInterval_EqualTheTestsOwnDailyComputationFromRawVehicles()
    {
        Site site = MakeSite();
        var unit = new Unit { Id = "u-" + SiteId, Site = site };
        var random = new Random(42);
        // An outage on two mornings, so that the time-of-day reweighting and the coverage rule both matter.
        List<Vehicle> before = DailyTraffic.Days(unit, s_before, random, dailySd: 1.5, hourMissing: (d, h) => d.Day == 9 && h is >= 6 and < 9);
        List<Vehicle> after = DailyTraffic.Days(unit, s_after, random, dailySd: 1.5, change: -1.2, hourMissing: (d, h) => d.Day == 12 && h is >= 5 and < 18);
        CompareResult result = Run(before, after, Catalog(site));

        (double change, double half, int df, double beforeMean) = DailyTraffic.OwnDailyMeanComparison(before, after);
        FigureChange mean = result.Changes[0];
        Assert.Equal(change, mean.Change, 9);
        Assert.Equal(change - half, mean.Lower, 9);
        Assert.Equal(change + half, mean.Upper, 9);
        Assert.Equal(beforeMean, mean.Before, 9);
        Assert.Equal(df, result.DegreesOfFreedom);
        Assert.Equal(23, df); // 14 + 13 days (12 May lost most of its hours) less 4 cells (period x day type)
        Assert.Contains(result.DaysLeftOut, d => d.Date == new DateOnly(2026, 5, 12));
        Assert.DoesNotContain(result.DaysLeftOut, d => d.Date == new DateOnly(2026, 4, 9));
    }

    /// <summary>Coverage as the worker stores it: every hour of both periods alive except <paramref name="dead"/>.</summary>
    private static StoredCoverage AliveExcept(string siteId, Func<DateOnly, int, bool> dead)
    {
        var coverage = new StoredCoverage();
        foreach (Period period in (Period[])[s_before, s_after])
        {
            foreach (long hour in period.HourStarts())
            {
                DateTimeOffset local = Traffic.ToLocal(hour);
                if (!dead(DateOnly.FromDateTime(local.DateTime), local.Hour))
                {
                    coverage.Add(siteId, DisplayMode.DisplayOn, hour);
                }
            }
        }

        return coverage;
    }

    [Fact]
    public void Compare_StoredCoverage_LeavesOutADayWhoseUnitWorkedOnlyTheFirstHourOfEachTimeOfDay()
    {
        // 12 May: the unit worked 06-07, 09-10, 15-16 and 18-19 of the day's busy hours. Every time of day holds
        // vehicles, so traffic alone keeps the day, although its figure is made of four hours and reweighted as if whole.
        static bool Dead(DateOnly d, int h) => d == new DateOnly(2026, 5, 12) && h is (>= 7 and < 9) or (>= 10 and < 15) or (>= 16 and < 18) or (>= 19 and < 22);
        Site site = MakeSite();
        var unit = new Unit { Id = "u-" + SiteId, Site = site };
        var random = new Random(4242);
        List<Vehicle> before = DailyTraffic.Days(unit, s_before, random, dailySd: 1);
        List<Vehicle> after = DailyTraffic.Days(unit, s_after, random, dailySd: 1, hourMissing: Dead);
        SiteCatalog catalog = Catalog(site);

        CompareResult byTraffic = BeforeAfterComparer.Compare(Traffic.Bin(before), Traffic.Bin(after), SiteId, s_before, s_after, catalog);
        CompareResult byCoverage = BeforeAfterComparer.Compare(Traffic.Bin(before), Traffic.Bin(after), SiteId, s_before, s_after, catalog,
            coverage: AliveExcept(SiteId, Dead));

        Assert.DoesNotContain(byTraffic.DaysLeftOut, d => d.Date == new DateOnly(2026, 5, 12));
        DayLeftOut leftOut = Assert.Single(byCoverage.DaysLeftOut, d => d.Date == new DateOnly(2026, 5, 12));
        Assert.Contains("no working unit for 12 of its hours (stored coverage)", leftOut.Reason?.ToString(), StringComparison.Ordinal);
        Assert.Equal(byTraffic.AfterDays.Sum() - 1, byCoverage.AfterDays.Sum());
        Assert.Equal(byTraffic.DegreesOfFreedom - 1, byCoverage.DegreesOfFreedom);
        Assert.Contains(byCoverage.Notes, n => n.ToString().StartsWith("Outages are taken from the stored unit coverage", StringComparison.Ordinal));
        Assert.DoesNotContain(byTraffic.Notes, n => n.ToString().StartsWith("Outages are taken from the stored unit coverage", StringComparison.Ordinal));
    }

    [Fact]
    public void Compare_StoredCoverageWithoutOutages_ChangesNoFigure()
    {
        // A unit that always worked: coverage adds nothing the traffic did not show, so every figure is the same.
        Site site = MakeSite();
        var unit = new Unit { Id = "u-" + SiteId, Site = site };
        var random = new Random(99);
        List<Vehicle> before = DailyTraffic.Days(unit, s_before, random, dailySd: 1.5, hourMissing: (d, h) => d.Day == 9 && h is >= 6 and < 9);
        List<Vehicle> after = DailyTraffic.Days(unit, s_after, random, dailySd: 1.5, change: -1.2);
        SiteCatalog catalog = Catalog(site);

        CompareResult byTraffic = BeforeAfterComparer.Compare(Traffic.Bin(before), Traffic.Bin(after), SiteId, s_before, s_after, catalog);
        CompareResult byCoverage = BeforeAfterComparer.Compare(Traffic.Bin(before), Traffic.Bin(after), SiteId, s_before, s_after, catalog,
            coverage: AliveExcept(SiteId, (_, _) => false));

        Assert.Equal(byTraffic.Changes.Select(c => (c.Change, c.Lower, c.Upper, c.Verdict)), byCoverage.Changes.Select(c => (c.Change, c.Lower, c.Upper, c.Verdict)));
        Assert.Equal(byTraffic.DaysLeftOut.Select(d => d.Date), byCoverage.DaysLeftOut.Select(d => d.Date));
    }

    [Fact]
    public void Compare_WithAControlSiteSharingTheWeather_TakesOutTheCommonDailyOffsets()
    {
        Site site = MakeSite();
        Site control = MakeSite(ControlId, 60);
        var unit = new Unit { Id = "u-" + SiteId, Site = site };
        var controlUnit = new Unit { Id = "u-" + ControlId, Site = control };
        var random = new Random(77);
        // Large day-to-day swings (sd 3) that both roads share, and a season effect of +2 km/h on both; the measure takes 2 km/h at the site.
        var offsets = new Dictionary<DateOnly, double>();
        double Shared(DateOnly d) => offsets.TryGetValue(d, out double o) ? o : offsets[d] = Traffic.Normal(random, d.Month == 5 ? 2 : 0, 3);
        List<Vehicle> before = [.. DailyTraffic.Days(unit, s_before, random, 0, sharedOffsets: Shared), .. DailyTraffic.Days(controlUnit, s_before, random, 0, sharedOffsets: Shared)];
        List<Vehicle> after = [.. DailyTraffic.Days(unit, s_after, random, 0, change: -2, sharedOffsets: Shared), .. DailyTraffic.Days(controlUnit, s_after, random, 0, sharedOffsets: Shared)];
        SiteCatalog catalog = Catalog(site, control);

        CompareResult alone = Run(before, after, catalog);
        CompareResult withControl = Run(before, after, catalog, new CompareOptions { ControlSiteId = ControlId });

        FigureChange m = withControl.Changes[0];
        log.WriteLine($"alone: {alone.Summary}\nwith control: {withControl.Summary}");
        Assert.Equal(Verdict.Decrease, withControl.Verdict);
        Assert.InRange(m.Change, -2.6, -1.4);
        Assert.InRange(m.ControlChange, -6, 8); // the control moved with the weather and the season
        Assert.True(m.Upper - m.Lower < (alone.Changes[0].Upper - alone.Changes[0].Lower) / 3, "the control narrows the interval");
        Assert.Contains("relative to the control site", withControl.Summary?.ToString(), StringComparison.Ordinal);
        Assert.Contains(withControl.Notes, n => n.ToString().Contains("changes common to both roads", StringComparison.Ordinal));
        Assert.Contains(alone.Notes, n => n.ToString().Contains("Without a control site", StringComparison.Ordinal));
    }

    [Fact]
    public void Compare_ChangeBeyondVariationButBelowTheMinimum_IsNotCalledADecrease()
    {
        Site site = MakeSite();
        var unit = new Unit { Id = "u-" + SiteId, Site = site };
        var random = new Random(5);
        List<Vehicle> before = DailyTraffic.Days(unit, s_before, random, dailySd: 0.05, perDay: 3000);
        List<Vehicle> after = DailyTraffic.Days(unit, s_after, random, dailySd: 0.05, change: -0.6, perDay: 3000);

        CompareResult strict = Run(before, after, Catalog(site));
        CompareResult lenient = Run(before, after, Catalog(site), new CompareOptions { MinimumChangeKmh = 0.5 });

        Assert.True(strict.Changes[0].Upper < 0, "the interval excludes 0");
        Assert.Equal(Verdict.BelowMinimumChange, strict.Verdict);
        Assert.Equal(Verdict.Decrease, lenient.Verdict);
        string text = BeforeAfterComparer.Text(strict.Verdict);
        Assert.DoesNotContain("decrease", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("increase", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("smallest change that matters", strict.Summary?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void VerdictWords_IncreaseAndDecreaseOnlyWhenAChangeIsReported()
    {
        foreach (Verdict v in Enum.GetValues<Verdict>())
        {
            string text = BeforeAfterComparer.Text(v);
            bool reported = v is Verdict.Decrease or Verdict.Increase;
            Assert.Equal(reported, text.Contains("crease", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void Compare_SelectedByRanking_WarnsOfRegressionToTheMean()
    {
        Site site = MakeSite();
        var unit = new Unit { Id = "u-" + SiteId, Site = site };
        var random = new Random(8);
        CompareResult result = Run(DailyTraffic.Days(unit, s_before, random, 1), DailyTraffic.Days(unit, s_after, random, 1), Catalog(site), new CompareOptions { SelectedByRanking = true });
        CompareResult plain = Run(DailyTraffic.Days(unit, s_before, random, 1), DailyTraffic.Days(unit, s_after, random, 1), Catalog(site));

        Assert.Contains(result.Notes, n => n.ToString().StartsWith("Regression to the mean", StringComparison.Ordinal));
        Assert.DoesNotContain(plain.Notes, n => n.ToString().StartsWith("Regression to the mean", StringComparison.Ordinal));
    }

    [Fact]
    public void Compare_LimitChangedBetweenPeriods_IsReported()
    {
        var site = new Site(SiteId, "Surte", [new SpeedLimitPeriod(long.MinValue, 50), new SpeedLimitPeriod(s_after.FromMs - 86_400_000, 40)]);
        var unit = new Unit { Id = "u-" + SiteId, Site = site };
        var random = new Random(3);
        CompareResult result = Run(DailyTraffic.Days(unit, s_before, random, 0.5), DailyTraffic.Days(unit, s_after, random, 0.5, change: -3), Catalog(site));

        Assert.True(result.LimitChanged);
        Assert.Equal([50], result.BeforeLimitsKmh);
        Assert.Equal([40], result.AfterLimitsKmh);
        Assert.Contains(result.Notes, n => n.ToString().Contains("speed limit changed between the periods", StringComparison.Ordinal));
        // Compliance got worse although speeds fell: each vehicle is judged against its own limit.
        Assert.Equal(Verdict.Decrease, result.Changes[0].Verdict);
        Assert.Equal(Verdict.Increase, result.Changes[2].Verdict);
    }

    [Fact]
    public void Compare_DisplayModeChangedBetweenPeriods_IsReported()
    {
        Site site = MakeSite();
        var on = new Unit { Id = "u-" + SiteId, Site = site };
        var stealth = new Unit { Id = "u-" + SiteId, Site = site, DisplayMode = DisplayMode.Stealth };
        var random = new Random(5);
        CompareResult result = Run(DailyTraffic.Days(on, s_before, random, 0.5), DailyTraffic.Days(stealth, s_after, random, 0.5), Catalog(site));

        Assert.True(result.DisplayChanged);
        Assert.Equal(["on"], result.BeforeDisplays);
        Assert.Equal(["stealth"], result.AfterDisplays);
        Assert.Contains(result.Notes, n => n.ToString().Contains("display mode changed", StringComparison.Ordinal));
    }

    [Fact]
    public void Compare_TooFewDays_SaysInsufficientData()
    {
        Site site = MakeSite();
        var unit = new Unit { Id = "u-" + SiteId, Site = site };
        var random = new Random(9);
        // Thousands of vehicles, but on two days only: they cannot show how much days differ.
        List<Vehicle> before = DailyTraffic.Days(unit, s_before, random, 1, perDay: 3000).Where(v => Traffic.ToLocal(v.TimestampMs).Day is 7 or 8).ToList();
        CompareResult result = Run(before, DailyTraffic.Days(unit, s_after, random, 1, change: -8, perDay: 3000), Catalog(site));

        Assert.Equal(Verdict.InsufficientData, result.Verdict);
        Assert.StartsWith("Insufficient data", result.Summary?.ToString(), StringComparison.Ordinal);
        Assert.Equal([2, 0], result.BeforeDays);
    }

    [Theory]
    [InlineData(0.975, double.PositiveInfinity, 1.959964)]
    [InlineData(0.975, 30, 2.042272)]
    [InlineData(0.975, 10, 2.228139)]
    [InlineData(0.975, 5, 2.570582)]
    [InlineData(0.975, 2, 4.302653)]
    [InlineData(0.975, 1, 12.706205)]
    [InlineData(0.995, 60, 2.660283)]
    [InlineData(0.025, 3, -3.182446)]
    public void StudentQuantile_MatchesTables(double p, double df, double expected)
        => Assert.Equal(expected, Distributions.StudentQuantile(p, df), 5);
}
