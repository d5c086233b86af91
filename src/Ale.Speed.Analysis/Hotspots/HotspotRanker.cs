using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Data;
using Ale.Speed.Analysis.Notes;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Statistics;
using Ale.Speed.Core.Time;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Coverage;

namespace Ale.Speed.Analysis.Hotspots;

/// <summary>
/// Ranks site × hour-of-week windows for enforcement (speeding) or for A-traktor/moped activity. Methods and weights:
/// docs/analysis.md.
/// </summary>
public static class HotspotRanker
{
    /// <param name="bins">Stored bins with writers merged; bins outside the period are ignored.</param>
    /// <param name="coverage">Stored unit coverage: where present, observed hours are the hours with a working unit.</param>
    public static HotspotRanking Rank(IReadOnlyList<StoredBin> bins, Period period, SiteCatalog catalog, HotspotOptions options, StoredCoverage? coverage = null)
    {
        ArgumentNullException.ThrowIfNull(bins);
        var slots = new HotspotSlots(period);
        foreach (StoredBin stored in bins)
        {
            slots.Add(stored);
        }

        return Rank(slots, catalog, options, coverage);
    }

    /// <param name="slots">The period's bins, merged as they were read.</param>
    /// <param name="coverage">Stored unit coverage: where present, observed hours are the hours with a working unit.</param>
    public static HotspotRanking Rank(HotspotSlots slots, SiteCatalog catalog, HotspotOptions options, StoredCoverage? coverage = null)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.TryValidate(out string? error))
        {
            throw new ArgumentException(error, nameof(options));
        }

        Period period = slots.Period;
        int[] hoursPerSlot = slots.HoursPerSlot();
        var candidates = new List<HotspotWindow>();
        var notAssessed = new List<SiteNotAssessed>();
        foreach ((string siteId, HotspotSlots.Site site) in slots.Sites)
        {
            CountObservedHours(slots, site, hoursPerSlot, catalog.SilentAfter(siteId), (coverage ?? StoredCoverage.None).AliveHours(siteId));
            string name = catalog.NameOf(siteId);
            if (options.Kind == HotspotKind.Speeding)
            {
                candidates.AddRange(SpeedingWindows(siteId, name, site.Slots, options));
            }
            else
            {
                candidates.AddRange(ATraktorWindows(siteId, name, site.Slots, options, notAssessed));
            }
        }

        candidates = [.. candidates.Select(w => w with { NotRankedBecause = NotRankedBecause(w, options) })];
        // Ranked on the lower confidence bound: of hundreds of noisy windows, the highest raw rate is mostly luck.
        List<HotspotWindow> ranked = [.. candidates.Where(w => w.NotRankedBecause is null)
            .OrderByDescending(w => w.ScoreLowerBound).ThenByDescending(w => w.Score).ThenBy(w => w.SiteId, StringComparer.Ordinal).ThenBy(w => w.HourOfWeek)
            .Take(options.Top)
            .Select((w, i) => w with { Rank = i + 1 })];
        double bar = ranked.Count == options.Top ? ranked[^1].ScoreLowerBound : 0;
        var insufficient = candidates.Where(w => w.NotRankedBecause is not null).ToList();
        return new HotspotRanking
        {
            Period = period,
            Options = options,
            Ranked = ranked,
            InsufficientData = [.. insufficient.Where(w => w.Score > bar).OrderByDescending(w => w.Score).Take(options.Top)],
            InsufficientWindowCount = insufficient.Count,
            NotAssessed = notAssessed,
            Method = Method(options),
            Limitations = Limitations(options),
        };
    }

    /// <summary>What the ranking cannot show, said in every output.</summary>
    public static IReadOnlyList<Note> Limitations(HotspotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Kind == HotspotKind.ATraktor
            ? [new PassagesNotOffences(options.Statistics.Penalties.ReportableMarginKmh), new RadarCannotSee(options.ClusterFromKmh, options.ClusterToKmh), new ClassAndLengthAreEstimates()]
            : [new PassagesNotOffences(options.Statistics.Penalties.ReportableMarginKmh)];
    }

    private static NotRanked? NotRankedBecause(HotspotWindow w, HotspotOptions options)
    {
        var shortfalls = new List<Short>();
        if (w.Vehicles < options.EffectiveMinimumVehicles)
        {
            shortfalls.Add(new Short(Shortfall.Vehicles, w.Vehicles, options.EffectiveMinimumVehicles));
        }

        if (w.ObservedHours < options.MinimumObservedHours)
        {
            shortfalls.Add(new Short(Shortfall.ObservedHours, w.ObservedHours, options.MinimumObservedHours));
        }

        if (w.Offences < options.MinimumOffences)
        {
            shortfalls.Add(new Short(Shortfall.Passages, w.Offences, options.MinimumOffences));
        }

        return shortfalls.Count == 0 ? null : new NotRanked(shortfalls);
    }

    /// <summary>
    /// The one-sided lower confidence bound of a weighted Poisson count per hour: the count scaled to an effective
    /// Poisson count n = X²/Σw²c, and n's lower limit by Wilson–Hilferty, n(1 − 1/(9n) − z/(3√n))³ (Breslow &amp; Day).
    /// </summary>
    internal static double PoissonLowerBound(double weighted, double weightedSquares, double hours, double z)
    {
        if (weighted <= 0 || weightedSquares <= 0 || hours <= 0)
        {
            return 0;
        }

        double n = weighted * weighted / weightedSquares;
        double lower = n * Math.Pow(Math.Max(0, 1 - 1 / (9 * n) - z / (3 * Math.Sqrt(n))), 3);
        return lower * (weightedSquares / weighted) / hours;
    }

    public static Note Method(HotspotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Kind == HotspotKind.Speeding ? new SpeedingMethod(options) : new ATraktorMethod(options);
    }

    /// <summary>The hours each hour of the week of the site was observed: its hours in the period, less those in likely outages.</summary>
    private static void CountObservedHours(HotspotSlots slots, HotspotSlots.Site site, int[] hoursPerSlot, TimeSpan silentAfter, HourSet aliveHours)
    {
        for (int h = 0; h < site.Slots.Length; h++)
        {
            site.Slots[h].ObservedHours = hoursPerSlot[h];
        }

        foreach (HourGap gap in StoredBins.Gaps(slots.Period, site.Hours, aliveHours, silentAfter))
        {
            if (gap.LikelyOutage)
            {
                for (long hour = gap.FromMs; hour < gap.ToMs; hour += StockholmTime.HourMs)
                {
                    site.Slots[slots.HourOfWeek(hour)].ObservedHours--;
                }
            }
        }
    }

    private static IEnumerable<HotspotWindow> SpeedingWindows(string siteId, string name, HotspotSlots.Slot[] slots, HotspotOptions options)
    {
        double z = Compare.Distributions.NormalQuantile(options.ConfidenceLevel);
        for (int h = 0; h < slots.Length; h++)
        {
            HotspotSlots.Slot slot = slots[h];
            if (slot.Bin.Count == 0 || slot.ObservedHours == 0)
            {
                continue;
            }

            SpeedSummary s = SpeedStatistics.Summarize(slot.Bin, options.Statistics);
            (long fineOnly, long warnings, long revocations) = Severity(s);
            double hours = slot.ObservedHours;
            double weighted = options.FineWeight * fineOnly + options.LicenceWarningWeight * warnings + options.LicenceRevocationWeight * revocations;
            double squares = options.FineWeight * options.FineWeight * fineOnly + options.LicenceWarningWeight * options.LicenceWarningWeight * warnings
                + options.LicenceRevocationWeight * options.LicenceRevocationWeight * revocations;
            double score = weighted / hours;
            double lower = PoissonLowerBound(weighted, squares, hours, z);
            var explanation = new SpeedingExplanation(score, lower, options.ConfidenceLevel, fineOnly / hours, options.FineWeight, warnings / hours, options.LicenceWarningWeight,
                revocations / hours, options.LicenceRevocationWeight, s.Count / hours, slot.ObservedHours, s.ShareOverLimit, s.V85Kmh);
            yield return Window(siteId, name, h, slot, s, fineOnly, warnings, revocations, score, lower, fineOnly + warnings + revocations, explanation);
        }
    }

    private static IEnumerable<HotspotWindow> ATraktorWindows(string siteId, string name, HotspotSlots.Slot[] slots, HotspotOptions options, List<SiteNotAssessed> notAssessed)
    {
        var classes = new Bin();
        foreach (HotspotSlots.Slot slot in slots)
        {
            classes.MergeFrom(slot.Bin);
        }

        bool reportsClass = classes.Count > classes.CountOf(VehicleClass.Unknown);
        // Lengths are used where most passages have one: then the pattern counts only car-length and short passages.
        bool reportsLength = !reportsClass && classes.CountOf(LengthPattern.Reported) * 2 >= classes.Count && classes.Count > 0;
        double zLower = Compare.Distributions.NormalQuantile(options.ConfidenceLevel);
        var windows = new List<HotspotWindow>();
        if (reportsClass)
        {
            for (int h = 0; h < slots.Length; h++)
            {
                HotspotSlots.Slot slot = slots[h];
                long flagged = slot.Bin.CountOf(VehicleClass.ATraktor) + slot.Bin.CountOf(VehicleClass.Moped);
                if (flagged == 0 || slot.ObservedHours == 0)
                {
                    continue;
                }

                SpeedSummary s = SpeedStatistics.Summarize(slot.Bin, options.Statistics);
                (long fineOnly, long warnings, long revocations) = Severity(s);
                double score = flagged / (double)slot.ObservedHours;
                double lower = PoissonLowerBound(flagged, flagged, slot.ObservedHours, zLower);
                var explanation = new ClassifiedExplanation(flagged, s.Count, score, lower, options.ConfidenceLevel, slot.ObservedHours);
                windows.Add(Window(siteId, name, h, slot, s, fineOnly, warnings, revocations, score, lower, flagged, explanation) with
                {
                    Basis = "reported class",
                    Likelihood = new ClassifiedLikelihood(),
                    ClusterVehicles = flagged,
                    ClusterShare = flagged / (double)s.Count,
                });
            }

            return windows;
        }

        var baseline = new Bin();
        for (int h = 0; h < slots.Length; h++)
        {
            int day = h / 24;
            int hour = h % 24;
            if (day < 5 && hour >= options.BaselineFromHour && hour < options.BaselineToHour)
            {
                baseline.MergeFrom(slots[h].Bin);
            }
        }

        double medianFloor = Math.Max(options.MinimumBaselineMedianKmh, options.ClusterToKmh + 15);
        double baselineMedian = SpeedStatistics.V50(baseline);
        if (baseline.Count < options.MinimumBaselineVehicles)
        {
            notAssessed.Add(new SiteNotAssessed(siteId, name, new NoBaseline(baseline.Count, options.MinimumBaselineVehicles)));
            return windows;
        }

        if (!(baselineMedian >= medianFloor))
        {
            notAssessed.Add(new SiteNotAssessed(siteId, name, new SlowBaseline(options.ClusterFromKmh, options.ClusterToKmh, baselineMedian, medianFloor)));
            return windows;
        }

        long baselineCluster = reportsLength ? LengthClusterCount(baseline) : ClusterCount(baseline, options);
        double b = baselineCluster / (double)baseline.Count;
        // A baseline share of 0 would make any single vehicle significant: never assume it below one vehicle in the baseline.
        double bVariance = Math.Max(b, 1.0 / baseline.Count);
        for (int h = 0; h < slots.Length; h++)
        {
            HotspotSlots.Slot slot = slots[h];
            int day = h / 24;
            int hour = h % 24;
            bool candidate = day >= 5 || (hour >= options.EveningFromHour && hour < options.EveningToHour);
            if (!candidate || slot.Bin.Count == 0 || slot.ObservedHours == 0)
            {
                continue;
            }

            long n = slot.Bin.Count;
            long c = reportsLength ? LengthClusterCount(slot.Bin) : ClusterCount(slot.Bin, options);
            double share = c / (double)n;
            double excess = c - b * n;
            double zScore = excess / Math.Sqrt(n * bVariance * (1 - bVariance));
            if (share - b < options.MinimumExcessShare || excess < options.MinimumExcessVehicles || zScore < options.MinimumZ)
            {
                continue;
            }

            SpeedSummary s = SpeedStatistics.Summarize(slot.Bin, options.Statistics);
            (long fineOnly, long warnings, long revocations) = Severity(s);
            double score = excess / slot.ObservedHours;
            double lower = Math.Max(0, excess - zLower * Math.Sqrt(n * bVariance * (1 - bVariance))) / slot.ObservedHours;
            bool strong = zScore >= 2 * options.MinimumZ && share >= 2 * b + 0.1;
            ClusterBand band = reportsLength
                ? new ClusterBand(LengthPatterns.SlowFromKmh, LengthPatterns.SlowToKmh, ByLength: true)
                : new ClusterBand(options.ClusterFromKmh, options.ClusterToKmh, ByLength: false);
            LengthCounts? lengths = reportsLength
                ? new LengthCounts(slot.Bin.CountOf(LengthPattern.CarLengthAt25To35), slot.Bin.CountOf(LengthPattern.ShortAt25To35), slot.Bin.CountOf(LengthPattern.ShortOver45), LengthPatterns.ShortFastAboveKmh)
                : null;
            var explanation = new PatternExplanation(share, n, band, b, baselineMedian, excess, score, lower, options.ConfidenceLevel, zScore, lengths);
            windows.Add(Window(siteId, name, h, slot, s, fineOnly, warnings, revocations, score, lower, (long)Math.Floor(excess), explanation) with
            {
                Basis = reportsLength ? "speed pattern and reported length" : "speed pattern",
                Likelihood = new PatternLikelihood(strong, band),
                ClusterVehicles = c,
                ClusterShare = share,
                BaselineClusterShare = b,
                Z = zScore,
            });
        }

        return windows;
    }

    private static long LengthClusterCount(Bin bin)
        => bin.CountOf(LengthPattern.CarLengthAt25To35) + bin.CountOf(LengthPattern.ShortAt25To35);

    private static long ClusterCount(Bin bin, HotspotOptions options)
    {
        // Bucket k holds [k, k+1) km/h, so [from, to) is buckets from … to−1: exact at integer edges.
        ReadOnlySpan<long> counts = bin.Histogram.Counts;
        long total = 0;
        for (int k = options.ClusterFromKmh; k < options.ClusterToKmh && k < counts.Length; k++)
        {
            total += counts[k];
        }

        return total;
    }

    /// <summary>Each vehicle once, at its most serious band: revocation, warning, or a fine band only.</summary>
    private static (long FineOnly, long Warnings, long Revocations) Severity(SpeedSummary s)
    {
        // Indexed loops: thousands of windows per ranking, and no enumerator for any of them.
        long fines = 0, warnings = 0, revocations = 0;
        for (int i = 0; i < s.FineBands.Count; i++)
        {
            fines += s.FineBands[i].Count;
        }

        AddLicences(s.LicenceBandsLimitAtMost30);
        AddLicences(s.LicenceBandsLimitFrom40);
        return (Math.Max(0, fines - warnings - revocations), warnings, revocations);

        void AddLicences(IReadOnlyList<LicenceBandCount> bands)
        {
            for (int i = 0; i < bands.Count; i++)
            {
                if (bands[i].Licence.IsWarning)
                {
                    warnings += bands[i].Count;
                }
                else
                {
                    revocations += bands[i].Count;
                }
            }
        }
    }

    private static HotspotWindow Window(string siteId, string name, int hourOfWeek, HotspotSlots.Slot slot, SpeedSummary s, long fineOnly, long warnings, long revocations, double score, double scoreLowerBound, long offences, Note explanation)
        => new()
        {
            SiteId = siteId,
            SiteName = name,
            HourOfWeek = hourOfWeek,
            Displays = [.. slot.Displays],
            LimitsKmh = [.. slot.Limits],
            Vehicles = s.Count,
            ObservedHours = slot.ObservedHours,
            VehiclesPerHour = s.Count / (double)slot.ObservedHours,
            OverLimit = s.CountOverLimit,
            ShareOverLimit = s.ShareOverLimit,
            V85Kmh = s.V85Kmh,
            FineOnly = fineOnly,
            LicenceWarnings = warnings,
            LicenceRevocations = revocations,
            Score = score,
            ScoreLowerBound = scoreLowerBound,
            Offences = offences,
            Explanation = explanation,
        };
}
