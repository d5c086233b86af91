using Ale.Speed.Core.Bins;

namespace Ale.Speed.Core.Statistics;

/// <summary>Whether a standard deviation describes the vehicles measured (population) or estimates traffic at large (sample).</summary>
public enum StandardDeviationKind : byte
{
    /// <summary>Divisor n − 1: the estimate of the spread of traffic at the site. The default.</summary>
    Sample = 0,
    /// <summary>Divisor n: the spread of exactly these vehicles.</summary>
    Population = 1,
}

/// <summary>
/// The one implementation of every speed statistic, computed from a (merged) <see cref="Bin"/>. The CLI, reports and
/// dashboard all call these. Formulas are documented in docs/statistics.md.
/// </summary>
public static class SpeedStatistics
{
    /// <summary>Mean speed (km/h), exact from the integer sum; NaN when empty.</summary>
    public static double Mean(Bin bin)
    {
        ArgumentNullException.ThrowIfNull(bin);
        return bin.Count == 0 ? double.NaN : bin.SumCentiKmh / (double)bin.Count / 100.0;
    }

    /// <summary>
    /// Standard deviation (km/h) from the integer sums: the numerator n·Σx² − (Σx)² is computed exactly in 128-bit
    /// integers, so there is no cancellation. Sample: NaN below two vehicles; population: NaN when empty.
    /// </summary>
    public static double StandardDeviation(Bin bin, StandardDeviationKind kind = StandardDeviationKind.Sample)
    {
        ArgumentNullException.ThrowIfNull(bin);
        long n = bin.Count;
        if (n == 0 || (kind == StandardDeviationKind.Sample && n < 2))
        {
            return double.NaN;
        }

        UInt128 sum = (UInt128)(ulong)bin.SumCentiKmh;
        UInt128 numerator = (UInt128)(ulong)n * bin.SumOfSquaresCentiKmh - sum * sum;
        double divisor = kind == StandardDeviationKind.Sample ? (double)n * (n - 1) : (double)n * n;
        return Math.Sqrt((double)numerator / divisor) / 100.0;
    }

    /// <summary>
    /// The speed that a share <paramref name="q"/> (0–1) of vehicles do not exceed, by linear interpolation within the
    /// 1 km/h histogram: P = L + (q·n − F) / f · w, where the bucket is the lowest non-empty one whose cumulative count
    /// reaches q·n, L its lower edge, F the count below it, f its count and w = 1 km/h. When q·n falls exactly on a bucket
    /// boundary the result is the upper edge of the lower bucket. The result never exceeds the bin's maximum speed.
    /// NaN when empty. Accurate to the bucket: within 1 km/h of any empirical definition.
    /// </summary>
    public static double Percentile(Bin bin, double q)
    {
        ArgumentNullException.ThrowIfNull(bin);
        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "A percentile share lies in [0, 1].");
        }

        long n = bin.Count;
        if (n == 0)
        {
            return double.NaN;
        }

        double target = q * n;
        double nearest = Math.Round(target);
        if (Math.Abs(target - nearest) <= 1e-9 * Math.Max(1.0, target))
        {
            // 0.85 * 100 is not exactly 85 in binary; snap, so that the boundary rule above holds as written.
            target = nearest;
        }

        if (bin.TryGetCompactEntries(out ReadOnlySpan<int> entries))
        {
            return CompactPercentile(bin, entries, target);
        }

        ReadOnlySpan<long> counts = bin.Histogram.UsedCounts;
        int first = bin.Histogram.FirstUsedBucket;
        long below = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            long f = counts[i];
            if (f == 0)
            {
                continue;
            }

            if (below + f >= target)
            {
                double p = first + i + (target - below) / f;
                return Math.Min(p, bin.MaxKmh);
            }

            below += f;
        }

        return bin.MaxKmh; // not reached: the last non-empty bucket reaches n
    }

    /// <summary>
    /// <see cref="Percentile"/> on a compact bin's sorted speeds: the same walk over the same bucket counts (the runs of
    /// entries in one 1 km/h bucket), so the same arithmetic and the same result to the last bit.
    /// </summary>
    private static double CompactPercentile(Bin bin, ReadOnlySpan<int> entries, double target)
    {
        long below = 0;
        int i = 0;
        while (i < entries.Length)
        {
            int bucket = SpeedHistogram.BucketOf(entries[i] >> Bin.ClassBits);
            int end = i + 1;
            while (end < entries.Length && SpeedHistogram.BucketOf(entries[end] >> Bin.ClassBits) == bucket)
            {
                end++;
            }

            long f = end - i;
            if (below + f >= target)
            {
                double p = bucket + (target - below) / f;
                return Math.Min(p, bin.MaxKmh);
            }

            below += f;
            i = end;
        }

        return bin.MaxKmh; // not reached: the last bucket reaches n
    }

    public static double V50(Bin bin) => Percentile(bin, 0.50);

    public static double V85(Bin bin) => Percentile(bin, 0.85);

    public static double V95(Bin bin) => Percentile(bin, 0.95);

    /// <summary>The highest speed, exact (0.01 km/h); NaN when empty.</summary>
    public static double Max(Bin bin)
    {
        ArgumentNullException.ThrowIfNull(bin);
        return bin.MaxKmh;
    }

    /// <summary>Share (0–1) of vehicles faster than their limit; NaN when empty.</summary>
    public static double ShareOverLimit(Bin bin)
    {
        ArgumentNullException.ThrowIfNull(bin);
        return Share(bin.CountOverLimit, bin.Count);
    }

    /// <summary>Trafikverket's hastighetsindex: mean; shares within the limit, within limit + 5, and more than 30 over. Exact.</summary>
    public static SpeedIndex SpeedIndex(Bin bin)
    {
        ArgumentNullException.ThrowIfNull(bin);
        long n = bin.Count;
        return new SpeedIndex(
            Mean(bin),
            Share(bin.CountWithinLimit, n),
            Share(bin.CountWithinLimitPlus(5), n),
            Share(bin.CountOverLimitBy(30), n));
    }

    /// <summary>Vehicles per fine band, split by the column (limit ≤ 50 / &gt; 50) that applies to each.</summary>
    public static FineBandCount[] FineBandCounts(Bin bin, PenaltySchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(bin);
        ArgumentNullException.ThrowIfNull(schedule);
        schedule.Validate();
        return FineBandCountsOf(bin, schedule);
    }

    /// <summary>Vehicles per licence band on roads with a limit of 30 or lower.</summary>
    public static LicenceBandCount[] LicenceBandCountsLimitAtMost30(Bin bin, PenaltySchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(bin);
        ArgumentNullException.ThrowIfNull(schedule);
        schedule.Validate();
        return LicenceBandCountsOf(bin, schedule, schedule.LicenceBandsLimitAtMost30, fromLimit40: false);
    }

    /// <summary>Vehicles per licence band on roads with a limit of 40 or higher.</summary>
    public static LicenceBandCount[] LicenceBandCountsLimitFrom40(Bin bin, PenaltySchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(bin);
        ArgumentNullException.ThrowIfNull(schedule);
        schedule.Validate();
        return LicenceBandCountsOf(bin, schedule, schedule.LicenceBandsLimitFrom40, fromLimit40: true);
    }

    private static FineBandCount[] FineBandCountsOf(Bin bin, PenaltySchedule schedule)
    {
        var result = new FineBandCount[schedule.FineBands.Count];
        for (int i = 0; i < result.Length; i++)
        {
            FineBand fine = schedule.FineBands[i];
            (long atMost50, long over50) = FineCounts(bin, fine.Band, schedule.ReportableMarginKmh);
            result[i] = new FineBandCount(fine, atMost50, over50);
        }

        return result;
    }

    /// <summary>The 10 km/h band [k, k+10) holding the most vehicles, the lowest k on ties; null when empty.</summary>
    public static PaceBand? Pace(Bin bin)
    {
        ArgumentNullException.ThrowIfNull(bin);
        if (bin.Count == 0)
        {
            return null;
        }

        Span<long> counts = stackalloc long[SpeedHistogram.BucketCount];
        bin.CopyHistogramTo(counts);
        return Pace(counts, bin.Count);
    }

    private static PaceBand? Pace(ReadOnlySpan<long> counts, long total)
    {
        const int Width = 10;
        if (total == 0)
        {
            return null;
        }

        long window = 0;
        for (int k = 0; k < Width; k++)
        {
            window += counts[k];
        }

        long best = window;
        int bestLower = 0;
        for (int lower = 1; lower + Width <= counts.Length; lower++)
        {
            window += counts[lower + Width - 1] - counts[lower - 1];
            if (window > best)
            {
                best = window;
                bestLower = lower;
            }
        }

        return new PaceBand(bestLower, best, Share(best, total));
    }

    /// <summary>Every figure at once.</summary>
    public static SpeedSummary Summarize(Bin bin, StatisticsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bin);
        options ??= StatisticsOptions.Default;
        options.Validate();

        // The counts copied once (a compact bin builds no arrays), every over-limit figure then read from them.
        Span<long> histogram = stackalloc long[SpeedHistogram.BucketCount];
        Span<long> buckets = stackalloc long[LimitCategories.Count * Bin.OverLimitBucketCount];
        bin.CopyCountsTo(histogram, buckets);
        var excess = new ExcessCounts(buckets, stackalloc long[ExcessCounts.Length]);
        long n = bin.Count;
        long overLimit = excess.Over(0);
        (FineBandCountList fines, LicenceBandCountList atMost30, LicenceBandCountList from40) = BandCounts(excess, options.Penalties);
        return new SpeedSummary
        {
            Count = n,
            IsBelowMinimumSample = IsBelowMinimumSample(bin, options.MinimumSample),
            MinimumSample = options.MinimumSample,
            LimitKmh = bin.LimitKmh,
            MeanKmh = Mean(bin),
            StandardDeviationKmh = StandardDeviation(bin),
            V50Kmh = V50(bin),
            V85Kmh = V85(bin),
            V95Kmh = V95(bin),
            MaxKmh = Max(bin),
            SpeedIndex = new SpeedIndex(Mean(bin), Share(n - overLimit, n), Share(n - excess.Over(5), n), Share(excess.Over(30), n)),
            CountOverLimit = overLimit,
            ShareOverLimit = Share(overLimit, n),
            FineBands = fines,
            LicenceBandsLimitAtMost30 = atMost30,
            LicenceBandsLimitFrom40 = from40,
            Pace = Pace(histogram, n),
        };
    }

    /// <summary>True when the bin holds fewer than <paramref name="minimumSample"/> vehicles.</summary>
    public static bool IsBelowMinimumSample(Bin bin, int minimumSample)
    {
        ArgumentNullException.ThrowIfNull(bin);
        return bin.Count < minimumSample;
    }

    private static LicenceBandCount[] LicenceBandCountsOf(Bin bin, PenaltySchedule schedule, IReadOnlyList<LicenceBand> bands, bool fromLimit40)
    {
        var result = new LicenceBandCount[bands.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = new LicenceBandCount(bands[i], LicenceCount(bin, bands[i].Band, schedule.ReportableMarginKmh, fromLimit40));
        }

        return result;
    }

    /// <summary>Vehicles in a fine band on roads with a limit of 50 or lower, and above 50.</summary>
    private static (long AtMost50, long Over50) FineCounts(Bin bin, SpeedingBand band, int margin)
        => (Count(bin, LimitCategory.AtMost30, band, margin) + Count(bin, LimitCategory.From31To50, band, margin), Count(bin, LimitCategory.Over50, band, margin));

    /// <summary>Vehicles in a licence band on the roads it applies to (limit 40 or higher, or 30 or lower).</summary>
    private static long LicenceCount(Bin bin, SpeedingBand band, int margin, bool fromLimit40)
        => fromLimit40
            ? Count(bin, LimitCategory.From31To50, band, margin) + Count(bin, LimitCategory.Over50, band, margin)
            : Count(bin, LimitCategory.AtMost30, band, margin);

    /// <summary>
    /// Every band count of a summary in one array (two per fine band, then the licence bands of both tables), read
    /// through the schedule's bands: a report of 55,000 rows keeps 31 counts per row, not a copy of every band.
    /// </summary>
    private static (FineBandCountList Fines, LicenceBandCountList AtMost30, LicenceBandCountList From40) BandCounts(ExcessCounts excess, PenaltySchedule schedule)
    {
        int margin = schedule.ReportableMarginKmh;
        IReadOnlyList<FineBand> fines = schedule.FineBands;
        IReadOnlyList<LicenceBand> atMost30 = schedule.LicenceBandsLimitAtMost30;
        IReadOnlyList<LicenceBand> from40 = schedule.LicenceBandsLimitFrom40;
        long[] counts = new long[2 * fines.Count + atMost30.Count + from40.Count];
        int at = 0;
        for (int i = 0; i < fines.Count; i++)
        {
            SpeedingBand band = fines[i].Band;
            counts[at++] = excess.In(LimitCategory.AtMost30, band, margin) + excess.In(LimitCategory.From31To50, band, margin);
            counts[at++] = excess.In(LimitCategory.Over50, band, margin);
        }

        int atMost30Offset = at;
        for (int i = 0; i < atMost30.Count; i++)
        {
            counts[at++] = excess.In(LimitCategory.AtMost30, atMost30[i].Band, margin);
        }

        int from40Offset = at;
        for (int i = 0; i < from40.Count; i++)
        {
            SpeedingBand band = from40[i].Band;
            counts[at++] = excess.In(LimitCategory.From31To50, band, margin) + excess.In(LimitCategory.Over50, band, margin);
        }

        return (new FineBandCountList(fines, counts), new LicenceBandCountList(atMost30, counts, atMost30Offset), new LicenceBandCountList(from40, counts, from40Offset));
    }

    /// <summary>
    /// A bin's over-limit buckets summed from each bucket up, per limit category, so that every band (a, b] is one
    /// difference: the same integer counts as <see cref="Bin.CountOverLimitBy(LimitCategory, int, int?)"/>.
    /// </summary>
    private readonly ref struct ExcessCounts
    {
        private const int Stride = Bin.OverLimitBucketCount + 1;

        public const int Length = LimitCategories.Count * Stride;

        private readonly Span<long> _fromBucket;

        public ExcessCounts(ReadOnlySpan<long> buckets, Span<long> fromBucket)
        {
            _fromBucket = fromBucket;
            for (int c = 0; c < LimitCategories.Count; c++)
            {
                Span<long> category = fromBucket.Slice(c * Stride, Stride);
                ReadOnlySpan<long> own = buckets.Slice(c * Bin.OverLimitBucketCount, Bin.OverLimitBucketCount);
                category[^1] = 0;
                for (int k = own.Length - 1; k >= 0; k--)
                {
                    category[k] = category[k + 1] + own[k];
                }
            }
        }

        /// <summary>Vehicles of every category more than <paramref name="kmh"/> over their limit.</summary>
        public long Over(int kmh)
        {
            long total = 0;
            for (int c = 0; c < LimitCategories.Count; c++)
            {
                total += _fromBucket[c * Stride + kmh];
            }

            return total;
        }

        /// <summary>Vehicles of <paramref name="category"/> in <paramref name="band"/> shifted by <paramref name="margin"/> (buckets a..b-1 hold (a, b]).</summary>
        public long In(LimitCategory category, SpeedingBand band, int margin)
        {
            int offset = (int)category * Stride;
            int end = band.OverToInclusiveKmh is int to ? to + margin : Bin.OverLimitBucketCount;
            return _fromBucket[offset + band.OverFromExclusiveKmh + margin] - _fromBucket[offset + end];
        }
    }

    private static long Count(Bin bin, LimitCategory category, SpeedingBand band, int margin)
        => bin.CountOverLimitBy(category, band.OverFromExclusiveKmh + margin, band.OverToInclusiveKmh + margin);

    private static double Share(long count, long total) => total == 0 ? double.NaN : count / (double)total;
}
