using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Statistics;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Xunit.Abstractions;

namespace Ale.Speed.Analysis.Tests.Compare;

public sealed class BeforeAfterComparerTests(ITestOutputHelper log)
{
    private const string SiteId = "cmp-site";
    private static readonly Period s_before = new(Traffic.Local(2026, 4, 6), Traffic.Local(2026, 4, 20));
    private static readonly Period s_after = new(Traffic.Local(2026, 5, 4), Traffic.Local(2026, 5, 18));

    private static Site MakeSite(int limit = 50) => new(SiteId, "Skepplanda, väg 1960", limit);

    private static SiteCatalog Catalog(Site site) => new([site], [new CatalogUnit("u1", SiteId, DisplayMode.DisplayOn, TimeSpan.FromHours(1))]);

    private static IEnumerable<Vehicle> Sample(Unit unit, Period period, int count, Random random, Func<long, double> speed, Func<long, bool>? when = null)
    {
        for (int i = 0; i < count; i++)
        {
            long ms;
            do
            {
                ms = period.FromMs + random.NextInt64(period.ToMs - period.FromMs);
            }
            while (when is not null && !when(ms));

            yield return Traffic.Vehicle(unit, ms, speed(ms), random.Next(2) == 0 ? Direction.Approaching : Direction.Receding);
        }
    }

    private static bool IsWeekend(long ms) => Traffic.ToLocal(ms).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    private static CompareResult Run(IEnumerable<Vehicle> before, IEnumerable<Vehicle> after, Site site, CompareOptions? options = null)
    {
        List<StoredBin> b = Traffic.Bin(before);
        List<StoredBin> a = Traffic.Bin(after);
        return BeforeAfterComparer.Compare(b, a, SiteId, s_before, s_after, Catalog(site), options);
    }

    [Fact]
    public void Compare_KnownShiftOfMinus5_IsASignificantDecreaseInEveryFigure()
    {
        Site site = MakeSite();
        var unit = new Unit { Id = "u1", Site = site };
        var random = new Random(7);
        CompareResult result = Run(
            Sample(unit, s_before, 3000, random, _ => Traffic.Normal(random, 50, 7)),
            Sample(unit, s_after, 3000, random, _ => Traffic.Normal(random, 45, 7)), site);

        Assert.Equal(Verdict.SignificantDecrease, result.Verdict);
        Assert.All(result.Changes, c => Assert.Equal(Verdict.SignificantDecrease, c.Verdict));
        FigureChange mean = result.Changes[0];
        Assert.Equal("mean", mean.Figure);
        Assert.InRange(mean.Change, -5.8, -4.2);
        Assert.InRange(mean.Upper - mean.Lower, 0.4, 1.5);
        Assert.True(mean.Lower < mean.Change && mean.Change < mean.Upper);
        Assert.InRange(result.Changes[1].Change, -6.5, -3.5);
        Assert.InRange(result.Changes[2].Change, -0.35, -0.15); // share over 50: about 50 % -> 24 %
        Assert.StartsWith("Significant decrease in mean speed", result.Summary, StringComparison.Ordinal);
        Assert.False(result.LimitChanged);
        Assert.False(result.DisplayChanged);
    }

    [Fact]
    public void Compare_TwoSamplesOfOneDistribution_FalseAlarmsNearTheNominalFivePercent()
    {
        Site site = MakeSite();
        var unit = new Unit { Id = "u1", Site = site };
        const int Pairs = 200;
        int[] alarms = new int[3];
        for (int seed = 0; seed < Pairs; seed++)
        {
            var random = new Random(1000 + seed);
            CompareResult result = Run(
                Sample(unit, s_before, 300, random, _ => Traffic.Normal(random, 50, 7)),
                Sample(unit, s_after, 300, random, _ => Traffic.Normal(random, 50, 7)), site);
            for (int f = 0; f < 3; f++)
            {
                if (result.Changes[f].Verdict != Verdict.NoDetectableChange)
                {
                    alarms[f]++;
                }
            }
        }

        log.WriteLine($"false alarms in {Pairs} pairs: mean {alarms[0]}, V85 {alarms[1]}, share over limit {alarms[2]}");
        // Nominal 5 %: 10 of 200. Allow sampling noise up to 10 %, and at least one alarm (the intervals are not absurdly wide).
        Assert.All(alarms, a => Assert.InRange(a, 1, Pairs / 10));
    }

    [Fact]
    public void Compare_DifferentWeekdayMix_IsReweighted_NoChangeWhereTheUnweightedMeanWouldMislead()
    {
        Site site = MakeSite();
        var unit = new Unit { Id = "u1", Site = site };
        var random = new Random(11);
        double Speed(long ms) => Traffic.Normal(random, IsWeekend(ms) ? 56 : 46, 5);
        // Before: every day alike. After: nearly only weekdays (weekends are faster, so the plain mean drops).
        CompareResult result = Run(
            Sample(unit, s_before, 4000, random, Speed),
            Sample(unit, s_after, 3000, random, Speed, ms => !IsWeekend(ms) || random.Next(10) == 0).Concat(
                Sample(unit, s_after, 1000, random, Speed, ms => !IsWeekend(ms))), site);

        Assert.Equal(Verdict.NoDetectableChange, result.Verdict);
        Assert.InRange(result.Changes[0].Change, -0.6, 0.6);
        Assert.True(result.AfterMeanUnweighted < result.Changes[0].Before - 1.5, $"unweighted {result.AfterMeanUnweighted} vs before {result.Changes[0].Before}");
        Assert.True(result.MixDifference > 0.15, $"mix difference {result.MixDifference}");
        Assert.Contains(result.Notes, n => n.Contains("reweighted to the before period's mix", StringComparison.Ordinal));
    }

    [Fact]
    public void Compare_LimitChangedBetweenPeriods_IsReported()
    {
        var site = new Site(SiteId, "Surte", [new SpeedLimitPeriod(long.MinValue, 50), new SpeedLimitPeriod(s_after.FromMs - 86_400_000, 40)]);
        var unit = new Unit { Id = "u1", Site = site };
        var random = new Random(3);
        CompareResult result = Run(
            Sample(unit, s_before, 500, random, _ => Traffic.Normal(random, 47, 6)),
            Sample(unit, s_after, 500, random, _ => Traffic.Normal(random, 44, 6)), site);

        Assert.True(result.LimitChanged);
        Assert.Equal([50], result.BeforeLimitsKmh);
        Assert.Equal([40], result.AfterLimitsKmh);
        Assert.Contains(result.Notes, n => n.Contains("speed limit changed between the periods", StringComparison.Ordinal));
        // Compliance got worse although speeds fell: each vehicle is judged against its own limit.
        Assert.Equal(Verdict.SignificantIncrease, result.Changes[2].Verdict);
    }

    [Fact]
    public void Compare_DisplayModeChangedBetweenPeriods_IsReported()
    {
        Site site = MakeSite();
        var on = new Unit { Id = "u1", Site = site };
        var stealth = new Unit { Id = "u1", Site = site, DisplayMode = DisplayMode.Stealth };
        var random = new Random(5);
        CompareResult result = Run(
            Sample(on, s_before, 500, random, _ => Traffic.Normal(random, 47, 6)),
            Sample(stealth, s_after, 500, random, _ => Traffic.Normal(random, 50, 6)), site);

        Assert.True(result.DisplayChanged);
        Assert.Equal(["on"], result.BeforeDisplays);
        Assert.Equal(["stealth"], result.AfterDisplays);
        Assert.Contains(result.Notes, n => n.Contains("display mode changed", StringComparison.Ordinal));
    }

    [Fact]
    public void Compare_TooFewVehicles_SaysInsufficientData()
    {
        Site site = MakeSite();
        var unit = new Unit { Id = "u1", Site = site };
        var random = new Random(9);
        CompareResult result = Run(
            Sample(unit, s_before, 12, random, _ => 60),
            Sample(unit, s_after, 12, random, _ => 30), site);

        Assert.Equal(Verdict.InsufficientData, result.Verdict);
        Assert.StartsWith("Insufficient data", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void StratifiedSample_WithItsOwnMix_GivesTheSameMeanAndV85AsCoreStatistics()
    {
        Site site = MakeSite();
        var unit = new Unit { Id = "u1", Site = site };
        var random = new Random(13);
        List<StoredBin> bins = Traffic.Bin(Sample(unit, s_before, 2000, random, _ => Traffic.Normal(random, 50, 8)));
        var strata = new Bin[WeekStrata.Count];
        for (int h = 0; h < strata.Length; h++)
        {
            strata[h] = Bin.Merge(bins.Where(b => WeekStrata.Of(b.Key.WindowStartMs) == h).Select(b => b.Bin));
        }

        Bin all = Bin.Merge(bins.Select(b => b.Bin));
        double[] weights = [.. strata.Select(s => s.Count / (double)all.Count)];
        var sample = new StratifiedSample(strata, weights);

        Assert.Equal(SpeedStatistics.Mean(all), sample.Mean, 9);
        Assert.Equal(SpeedStatistics.V85(all), sample.Quantile(0.85), 6);
        Assert.Equal(SpeedStatistics.ShareOverLimit(all), sample.ShareOverLimit, 12);
    }

    [Theory]
    [InlineData(0.975, double.PositiveInfinity, 1.959964)]
    [InlineData(0.975, 30, 2.042272)]
    [InlineData(0.975, 10, 2.228139)]
    [InlineData(0.995, 60, 2.660283)]
    public void StudentQuantile_MatchesTables(double p, double df, double expected)
        => Assert.Equal(expected, Distributions.StudentQuantile(p, df), 3);
}
