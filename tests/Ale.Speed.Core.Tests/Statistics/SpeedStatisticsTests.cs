using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Statistics;
using Ale.Speed.Core.Tests.Bins;

namespace Ale.Speed.Core.Tests.Statistics;

public sealed class SpeedStatisticsTests
{
    public static TheoryData<int, int, int> Sets()
    {
        var data = new TheoryData<int, int, int>();
        int seed = 1000;
        foreach (int limit in RawVehicles.Limits)
        {
            foreach (int count in new[] { 2, 29, 30, 311, 4000 })
            {
                data.Add(seed++, limit, count);
            }
        }

        data.Add(seed++, 0, 1500); // 0: mixed limits
        data.Add(seed, 0, 17);
        return data;
    }

    private static List<RawVehicle> Make(int seed, int limit, int count)
        => limit == 0 ? RawVehicles.GenerateMixed(new Random(seed), count) : RawVehicles.Generate(new Random(seed), count, limit);

    private static void AssertRelative(double expected, double actual, double tolerance = 1e-9)
        => Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    [Theory]
    [MemberData(nameof(Sets))]
    public void MeanAndStandardDeviation_MatchRawSpeeds(int seed, int limit, int count)
    {
        List<RawVehicle> vehicles = Make(seed, limit, count);
        Bin bin = RawVehicles.BinOf(vehicles);
        double[] speeds = [.. vehicles.Select(v => v.SpeedKmh)];
        double mean = speeds.Average();
        double squares = speeds.Sum(s => (s - mean) * (s - mean));

        AssertRelative(mean, SpeedStatistics.Mean(bin));
        AssertRelative(Math.Sqrt(squares / (speeds.Length - 1)), SpeedStatistics.StandardDeviation(bin));
        AssertRelative(Math.Sqrt(squares / speeds.Length), SpeedStatistics.StandardDeviation(bin, StandardDeviationKind.Population));
        Assert.Equal(speeds.Max(), SpeedStatistics.Max(bin));
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void Percentiles_WithinOneKmhOfSortedRawSpeeds(int seed, int limit, int count)
    {
        List<RawVehicle> vehicles = Make(seed, limit, count);
        Bin bin = RawVehicles.BinOf(vehicles);
        foreach (double q in new[] { 0.05, 0.5, 0.85, 0.95, 1.0 })
        {
            double expected = RawVehicles.EmpiricalQuantile(vehicles, q);
            double actual = SpeedStatistics.Percentile(bin, q);
            Assert.True(Math.Abs(expected - actual) <= 1.0, $"q={q}: empirical {expected}, histogram {actual}");
            Assert.True(actual <= vehicles.Max(v => v.SpeedKmh));
        }

        Assert.Equal(SpeedStatistics.Percentile(bin, 0.85), SpeedStatistics.V85(bin));
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void SpeedIndexAndShares_ExactFromOwnLimits(int seed, int limit, int count)
    {
        List<RawVehicle> vehicles = Make(seed, limit, count);
        Bin bin = RawVehicles.BinOf(vehicles);
        double n = vehicles.Count;

        SpeedIndex index = SpeedStatistics.SpeedIndex(bin);
        Assert.Equal(vehicles.Count(v => v.SpeedKmh <= v.LimitKmh) / n, index.ShareWithinLimit);
        Assert.Equal(vehicles.Count(v => v.SpeedKmh <= v.LimitKmh + 5) / n, index.ShareWithinLimitPlus5);
        Assert.Equal(vehicles.Count(v => v.SpeedKmh > v.LimitKmh + 30) / n, index.ShareMoreThan30Over);
        AssertRelative(vehicles.Average(v => v.SpeedKmh), index.MeanKmh);
        Assert.Equal(vehicles.Count(v => v.SpeedKmh > v.LimitKmh) / n, SpeedStatistics.ShareOverLimit(bin));
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void FineAndLicenceBands_ExactCountsPerBand(int seed, int limit, int count)
    {
        List<RawVehicle> vehicles = Make(seed, limit, count);
        Bin bin = RawVehicles.BinOf(vehicles);
        PenaltySchedule sweden = PenaltySchedule.Sweden;

        // The Swedish table, written out here rather than read from the schedule.
        (int From, int? To)[] fineEdges = [(0, 10), (10, 15), (15, 20), (20, 25), (25, 30), (30, 35), (35, 40), (40, 50), (50, null)];
        FineBandCount[] fines = SpeedStatistics.FineBandCounts(bin, sweden);
        Assert.Equal(fineEdges.Length, fines.Length);
        for (int i = 0; i < fineEdges.Length; i++)
        {
            (int from, int? to) = fineEdges[i];
            Assert.Equal(RawVehicles.CountExcess(vehicles, from, to, l => l <= 50), fines[i].CountLimitAtMost50);
            Assert.Equal(RawVehicles.CountExcess(vehicles, from, to, l => l > 50), fines[i].CountLimitOver50);
        }

        (int From, int? To)[] low = [(15, 20), (20, 30), (30, 40), (40, 50), (50, 60), (60, null)];
        LicenceBandCount[] lowCounts = SpeedStatistics.LicenceBandCountsLimitAtMost30(bin, sweden);
        Assert.Equal(low.Select(b => RawVehicles.CountExcess(vehicles, b.From, b.To, l => l <= 30)), lowCounts.Select(c => c.Count));

        (int From, int? To)[] high = [(24, 30), (30, 40), (40, 50), (50, 60), (60, 70), (70, 80), (80, null)];
        LicenceBandCount[] highCounts = SpeedStatistics.LicenceBandCountsLimitFrom40(bin, sweden);
        Assert.Equal(high.Select(b => RawVehicles.CountExcess(vehicles, b.From, b.To, l => l >= 40)), highCounts.Select(c => c.Count));
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void FineBands_WithReportableMargin_ShiftEdgesByMargin(int seed, int limit, int count)
    {
        List<RawVehicle> vehicles = Make(seed, limit, count);
        Bin bin = RawVehicles.BinOf(vehicles);
        FineBandCount[] fines = SpeedStatistics.FineBandCounts(bin, PenaltySchedule.Sweden with { ReportableMarginKmh = 3 });
        Assert.Equal(RawVehicles.CountExcess(vehicles, 3, 13), fines[0].Count);
        Assert.Equal(RawVehicles.CountExcess(vehicles, 53, null), fines[^1].Count);
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void Summarize_OverLimitFiguresAndBandCounts_EqualEachFigureOnItsOwn(int seed, int limit, int count)
    {
        // Mixed limits put vehicles in every limit category, so each count must come from its own band and category;
        // a few vehicles under one limit make a compact bin, read without arrays.
        Bin dense = Bin.Merge(RawVehicles.BinOf(Make(seed, limit, count)), RawVehicles.BinOf(RawVehicles.GenerateMixed(new Random(seed), count)));
        Bin few = RawVehicles.BinOf(RawVehicles.Generate(new Random(seed), Math.Min(count, 20), limit == 0 ? 50 : limit));
        PenaltySchedule schedule = PenaltySchedule.Sweden with { ReportableMarginKmh = seed % 3 };
        foreach (Bin bin in new[] { dense, few })
        {
            SpeedSummary summary = SpeedStatistics.Summarize(bin, new StatisticsOptions { Penalties = schedule });

            Assert.Equal(SpeedStatistics.FineBandCounts(bin, schedule), summary.FineBands);
            Assert.Equal(SpeedStatistics.LicenceBandCountsLimitAtMost30(bin, schedule), summary.LicenceBandsLimitAtMost30);
            Assert.Equal(SpeedStatistics.LicenceBandCountsLimitFrom40(bin, schedule), summary.LicenceBandsLimitFrom40);
            Assert.Equal(schedule.LicenceBandsLimitFrom40[^1], summary.LicenceBandsLimitFrom40[^1].Licence);
            Assert.Equal(SpeedStatistics.SpeedIndex(bin), summary.SpeedIndex);
            Assert.Equal(bin.CountOverLimit, summary.CountOverLimit);
            Assert.Equal(SpeedStatistics.ShareOverLimit(bin), summary.ShareOverLimit);
            Assert.Equal(SpeedStatistics.Pace(bin), summary.Pace);
        }

        Assert.True(few.IsCompact);
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void Pace_IsBusiestTenKmhBandLowestOnTies(int seed, int limit, int count)
    {
        List<RawVehicle> vehicles = Make(seed, limit, count);
        Bin bin = RawVehicles.BinOf(vehicles);
        int bestLower = -1;
        long best = -1;
        for (int k = 0; k + 10 <= 256; k++)
        {
            long inBand = vehicles.LongCount(v => v.SpeedKmh >= k && v.SpeedKmh < k + 10);
            if (inBand > best)
            {
                (best, bestLower) = (inBand, k);
            }
        }

        PaceBand? pace = SpeedStatistics.Pace(bin);
        Assert.NotNull(pace);
        Assert.Equal((bestLower, best), (pace.Value.LowerKmh, pace.Value.Count));
        Assert.Equal(best / (double)vehicles.Count, pace.Value.Share);
    }

    [Fact]
    public void Percentile_HandComputedInterpolation()
    {
        var bin = new Bin(50);
        foreach (double s in new[] { 40.1, 40.2, 40.3, 40.4, 50.1, 50.2, 50.3, 50.4, 50.5, 50.6 })
        {
            bin.Add(s);
        }

        // q·n = 5: bucket [50, 51) with F = 4, f = 6 → 50 + (5 − 4) / 6.
        Assert.Equal(50 + 1.0 / 6, SpeedStatistics.V50(bin), 12);
        // q·n = 8.5 → 50 + 4.5 / 6 = 50.75, clamped to the maximum 50.6.
        Assert.Equal(50.6, SpeedStatistics.V85(bin));
        // q·n = 4 exactly on the boundary after bucket 40: the upper edge of that bucket, not the next non-empty one.
        Assert.Equal(41.0, SpeedStatistics.Percentile(bin, 0.4), 12);
        // q = 0: the lower edge of the lowest non-empty bucket.
        Assert.Equal(40.0, SpeedStatistics.Percentile(bin, 0));
    }

    [Fact]
    public void Pace_Tie_TakesLowestBand()
    {
        var bin = new Bin(50);
        bin.Add(20.5);
        bin.Add(60.5);
        Assert.Equal(11, SpeedStatistics.Pace(bin)!.Value.LowerKmh); // [11, 21) is the first band holding one vehicle
    }

    [Fact]
    public void EmptyBin_FiguresAreNaNAndFlagged()
    {
        SpeedSummary summary = SpeedStatistics.Summarize(new Bin(50));
        Assert.Equal(0, summary.Count);
        Assert.True(summary.IsBelowMinimumSample);
        Assert.True(double.IsNaN(summary.MeanKmh));
        Assert.True(double.IsNaN(summary.V85Kmh));
        Assert.True(double.IsNaN(summary.MaxKmh));
        Assert.True(double.IsNaN(summary.SpeedIndex.ShareWithinLimit));
        Assert.Null(summary.Pace);
        Assert.All(summary.FineBands, b => Assert.Equal(0, b.Count));
    }

    [Fact]
    public void StandardDeviation_OneVehicle_SampleIsNaNPopulationIsZero()
    {
        var bin = new Bin(50);
        bin.Add(51);
        Assert.True(double.IsNaN(SpeedStatistics.StandardDeviation(bin)));
        Assert.Equal(0, SpeedStatistics.StandardDeviation(bin, StandardDeviationKind.Population));
    }

    [Theory]
    [InlineData(29, true)]
    [InlineData(30, false)]
    public void Summarize_MinimumSample_FlagsBelowDefaultThirty(int count, bool flagged)
    {
        List<RawVehicle> vehicles = RawVehicles.Generate(new Random(5), count, 50);
        SpeedSummary summary = SpeedStatistics.Summarize(RawVehicles.BinOf(vehicles));
        Assert.Equal(flagged, summary.IsBelowMinimumSample);
        Assert.Equal(30, summary.MinimumSample);
        Assert.False(double.IsNaN(summary.V85Kmh)); // flagged, not hidden
        Assert.True(SpeedStatistics.Summarize(RawVehicles.BinOf(vehicles), new StatisticsOptions { MinimumSample = 100 }).IsBelowMinimumSample);
    }

    [Fact]
    public void Summarize_GathersTheSameFiguresAsTheSingleMethods()
    {
        Bin bin = RawVehicles.BinOf(RawVehicles.GenerateMixed(new Random(3), 800));
        SpeedSummary summary = SpeedStatistics.Summarize(bin);
        Assert.Equal(800, summary.Count);
        Assert.Equal(Bin.MixedLimits, summary.LimitKmh);
        Assert.Equal(SpeedStatistics.V95(bin), summary.V95Kmh);
        Assert.Equal(SpeedStatistics.SpeedIndex(bin), summary.SpeedIndex);
        Assert.Equal(bin.CountOverLimit, summary.CountOverLimit);
        Assert.Equal(SpeedStatistics.FineBandCounts(bin, PenaltySchedule.Sweden), summary.FineBands);
        Assert.Equal(SpeedStatistics.Pace(bin), summary.Pace);
    }

    [Fact]
    public void Sweden_TableAsPublished()
    {
        PenaltySchedule s = PenaltySchedule.Sweden;
        Assert.Equal(
            ["1-10", "11-15", "16-20", "21-25", "26-30", "31-35", "36-40", "41-50", "over 50"],
            s.FineBands.Select(b => b.Band.Label));
        // Roads of 50 or lower: over 40 goes to a prosecutor; roads above 50: 41-50 over is still a 4 000 kr fine.
        Assert.Equal([2000, 2400, 2800, 3200, 3600, 4000, 4000, null, null], s.FineBands.Select(b => b.FineSekLimitAtMost50));
        Assert.Equal([1500, 2000, 2400, 2800, 3200, 3600, 4000, 4000, null], s.FineBands.Select(b => b.FineSekLimitOver50));
        Assert.Equal(["16-20", "21-30", "31-40", "41-50", "51-60", "over 60"], s.LicenceBandsLimitAtMost30.Select(b => b.Band.Label));
        Assert.Equal([0, 2, 3, 4, 5, 6], s.LicenceBandsLimitAtMost30.Select(b => b.IndicativeMonths));
        Assert.Equal([false, false, false, false, true, true], s.LicenceBandsLimitAtMost30.Select(b => b.MonthsAtLeast));
        Assert.Equal(["25-30", "31-40", "41-50", "51-60", "61-70", "71-80", "over 80"], s.LicenceBandsLimitFrom40.Select(b => b.Band.Label));
        Assert.Equal([0, 2, 3, 4, 5, 6, 8], s.LicenceBandsLimitFrom40.Select(b => b.IndicativeMonths));
        Assert.True(s.LicenceBandsLimitFrom40[0].IsWarning);
        Assert.Equal(0, s.ReportableMarginKmh);
        Assert.True(s.TryValidate(out _));
    }

    [Fact]
    public void PenaltySchedule_OverlappingOrOutOfRangeBands_Invalid()
    {
        PenaltySchedule overlapping = PenaltySchedule.Sweden with { FineBands = [new(new(0, 10), 1, 1), new(new(5, 15), 1, 1)] };
        Assert.False(overlapping.TryValidate(out string? error));
        Assert.Contains("FineBands", error, StringComparison.Ordinal);
        Assert.False((PenaltySchedule.Sweden with { ReportableMarginKmh = 25 }).TryValidate(out _)); // 80 + 25 > 100
        Assert.False((PenaltySchedule.Sweden with { ReportableMarginKmh = -1 }).TryValidate(out _));
        Assert.Throws<ArgumentException>(() => SpeedStatistics.Summarize(new Bin(50), new StatisticsOptions { Penalties = overlapping }));
    }

    [Fact]
    public void Percentile_ShareOutsideZeroToOne_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => SpeedStatistics.Percentile(new Bin(50), 1.01));
}
