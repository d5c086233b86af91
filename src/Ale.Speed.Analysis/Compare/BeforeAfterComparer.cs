using System.Globalization;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Data;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Statistics;
using Ale.Speed.Influx.Bins;

namespace Ale.Speed.Analysis.Compare;

/// <summary>
/// Before/after evaluation of a measure at one site: the change in mean, V85 and share over the limit with confidence
/// intervals, the after period post-stratified to the before period's mix of day types and times of day
/// (<see cref="WeekStrata"/>), and notes when the limit or the display mode changed. Methods: docs/analysis.md.
/// </summary>
public static class BeforeAfterComparer
{
    private const double Quantile85 = 0.85;

    public static CompareResult Compare(IReadOnlyList<StoredBin> beforeBins, IReadOnlyList<StoredBin> afterBins, string siteId,
        Period before, Period after, SiteCatalog catalog, CompareOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(beforeBins);
        ArgumentNullException.ThrowIfNull(afterBins);
        ArgumentNullException.ThrowIfNull(catalog);
        options ??= new CompareOptions();
        if (!options.TryValidate(out string? error))
        {
            throw new ArgumentException(error, nameof(options));
        }

        string? direction = options.Direction is null or "all" ? null : options.Direction;
        List<StoredBin> b = Select(beforeBins, siteId, before, direction);
        List<StoredBin> a = Select(afterBins, siteId, after, direction);
        Bin[] bStrata = Strata(b);
        Bin[] aStrata = Strata(a);
        long bTotal = bStrata.Sum(s => s.Count);
        long aTotal = aStrata.Sum(s => s.Count);

        var weights = new double[WeekStrata.Count];
        var dropped = new List<DroppedStratum>();
        long bCompared = 0;
        for (int h = 0; h < WeekStrata.Count; h++)
        {
            if (bStrata[h].Count >= options.MinimumStratumVehicles && aStrata[h].Count >= options.MinimumStratumVehicles)
            {
                bCompared += bStrata[h].Count;
            }
            else if (bStrata[h].Count + aStrata[h].Count > 0)
            {
                dropped.Add(new DroppedStratum(WeekStrata.Label(h), bStrata[h].Count, aStrata[h].Count));
            }
        }

        long aCompared = 0;
        for (int h = 0; h < WeekStrata.Count; h++)
        {
            if (bStrata[h].Count >= options.MinimumStratumVehicles && aStrata[h].Count >= options.MinimumStratumVehicles)
            {
                weights[h] = bStrata[h].Count / (double)bCompared;
                aCompared += aStrata[h].Count;
            }
        }

        double mix = 0;
        for (int h = 0; h < WeekStrata.Count; h++)
        {
            mix += Math.Abs(Share(bStrata[h].Count, bTotal) - Share(aStrata[h].Count, aTotal));
        }

        mix /= 2;
        Bin aAll = Bin.Merge(aStrata);
        int minimum = options.Statistics.MinimumSample;
        bool enough = bCompared >= minimum && aCompared >= minimum;
        double alpha = 1 - options.ConfidenceLevel;
        double z = Distributions.NormalQuantile(1 - alpha / 2);
        var changes = new List<FigureChange>();
        if (enough)
        {
            var bs = new StratifiedSample(bStrata, weights);
            var @as = new StratifiedSample(aStrata, weights);

            double meanDiff = @as.Mean - bs.Mean;
            double meanVar = bs.MeanVariance + @as.MeanVariance;
            double denominator = bs.SatterthwaiteDenominator + @as.SatterthwaiteDenominator;
            double df = denominator > 0 ? meanVar * meanVar / denominator : double.PositiveInfinity;
            double t = Distributions.StudentQuantile(1 - alpha / 2, Math.Max(df, 1));
            double meanHalf = t * Math.Sqrt(meanVar);
            changes.Add(Change("mean", bs.Mean, @as.Mean, meanDiff, meanHalf, string.Create(CultureInfo.InvariantCulture,
                $"Welch t interval from exact per-stratum sums and sums of squares, Welch-Satterthwaite df = {df:F0}")));

            var (bV85, _, _, bSe) = bs.QuantileInterval(Quantile85, z);
            var (aV85, _, _, aSe) = @as.QuantileInterval(Quantile85, z);
            changes.Add(Change("v85", bV85, aV85, aV85 - bV85, z * Math.Sqrt(bSe * bSe + aSe * aSe),
                "Woodruff interval per period from the 1 km/h histograms (distribution-free), standard errors combined as Price-Bonett"));

            double shareDiff = @as.ShareOverLimit - bs.ShareOverLimit;
            changes.Add(Change("shareOverLimit", bs.ShareOverLimit, @as.ShareOverLimit, shareDiff, z * Math.Sqrt(bs.ShareVariance + @as.ShareVariance),
                "two-proportion normal approximation, stratified, Agresti-Caffo adjusted variances"));
        }
        else
        {
            Bin bAll = Bin.Merge(bStrata);
            changes.Add(Insufficient("mean", SpeedStatistics.Mean(bAll), SpeedStatistics.Mean(aAll)));
            changes.Add(Insufficient("v85", SpeedStatistics.V85(bAll), SpeedStatistics.V85(aAll)));
            changes.Add(Insufficient("shareOverLimit", SpeedStatistics.ShareOverLimit(bAll), SpeedStatistics.ShareOverLimit(aAll)));
        }

        int[] bLimits = [.. b.Select(x => x.Bin.LimitKmh).Distinct().Order()];
        int[] aLimits = [.. a.Select(x => x.Bin.LimitKmh).Distinct().Order()];
        string[] bDisplays = [.. b.Select(x => x.Key.DisplayMode).Distinct().Order().Select(StoredBins.DisplayName)];
        string[] aDisplays = [.. a.Select(x => x.Key.DisplayMode).Distinct().Order().Select(StoredBins.DisplayName)];
        bool limitChanged = bLimits.Length > 0 && aLimits.Length > 0 && !bLimits.SequenceEqual(aLimits);
        bool displayChanged = bDisplays.Length > 0 && aDisplays.Length > 0 && !bDisplays.SequenceEqual(aDisplays);

        var notes = new List<string>();
        if (!enough)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"Too few vehicles to compare: {bCompared} before and {aCompared} after in the strata both periods share; at least {minimum} each are needed."));
        }

        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"The after period is reweighted to the before period's mix of day types and times of day ({WeekStrata.Count} strata: Mon-Fri/Sat/Sun x 00-06, 06-09, 09-15, 15-18, 18-22, 22-24); the mixes differ by {mix:P0} (total variation distance)."));
        if (dropped.Count > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"Left out because one period had fewer than {options.MinimumStratumVehicles} vehicles there: {string.Join(", ", dropped.Select(d => $"{d.Stratum} ({d.BeforeVehicles} before, {d.AfterVehicles} after)"))}."));
        }

        if (limitChanged)
        {
            notes.Add($"The speed limit changed between the periods (before {string.Join("/", bLimits)} km/h, after {string.Join("/", aLimits)} km/h): the share over the limit compares each vehicle with the limit in force when it passed, so it measures compliance, not speed.");
        }
        else if (bLimits.Length > 1 || aLimits.Length > 1)
        {
            notes.Add("The speed limit changed within a period; each vehicle is compared with the limit in force when it passed.");
        }

        if (displayChanged)
        {
            notes.Add($"The display mode changed between the periods (before: {string.Join("+", bDisplays)}, after: {string.Join("+", aDisplays)}): drivers who see their speed slow down, so part of any change may come from the sign itself.");
        }
        else if (bDisplays.Length > 1 || aDisplays.Length > 1)
        {
            notes.Add("A period holds data from both display modes (on and stealth); the figures mix them.");
        }

        FigureChange primary = changes[(int)options.Primary];
        string dirName = direction ?? "all";
        return new CompareResult
        {
            SiteId = siteId,
            SiteName = catalog.NameOf(siteId),
            Direction = dirName,
            Before = before,
            After = after,
            ConfidenceLevel = options.ConfidenceLevel,
            BeforeVehicles = bTotal,
            AfterVehicles = aTotal,
            BeforeVehiclesCompared = bCompared,
            AfterVehiclesCompared = aCompared,
            Changes = changes,
            Primary = options.Primary,
            Verdict = primary.Verdict,
            Summary = SummaryText(primary, options.ConfidenceLevel),
            MixDifference = mix,
            AfterMeanUnweighted = SpeedStatistics.Mean(aAll),
            AfterV85Unweighted = SpeedStatistics.V85(aAll),
            AfterShareOverLimitUnweighted = SpeedStatistics.ShareOverLimit(aAll),
            DroppedStrata = dropped,
            BeforeLimitsKmh = bLimits,
            AfterLimitsKmh = aLimits,
            BeforeDisplays = bDisplays,
            AfterDisplays = aDisplays,
            LimitChanged = limitChanged,
            DisplayChanged = displayChanged,
            Notes = notes,
        };
    }

    /// <summary>"significant decrease", "significant increase", "no detectable change", "insufficient data".</summary>
    public static string Text(Verdict verdict) => verdict switch
    {
        Verdict.SignificantDecrease => "significant decrease",
        Verdict.SignificantIncrease => "significant increase",
        Verdict.InsufficientData => "insufficient data",
        _ => "no detectable change",
    };

    private static List<StoredBin> Select(IReadOnlyList<StoredBin> bins, string siteId, Period period, string? direction)
        => [.. bins.Where(x => x.Key.SiteId == siteId && period.Contains(x.Key.WindowStartMs)
            && (direction is null || StoredBins.DirectionName(x.Key.Direction) == direction))];

    private static Bin[] Strata(List<StoredBin> bins)
    {
        var strata = new Bin[WeekStrata.Count];
        for (int h = 0; h < strata.Length; h++)
        {
            strata[h] = new Bin();
        }

        foreach (StoredBin stored in bins)
        {
            strata[WeekStrata.Of(stored.Key.WindowStartMs)].MergeFrom(stored.Bin);
        }

        return strata;
    }

    private static FigureChange Change(string figure, double before, double after, double change, double halfWidth, string method)
    {
        double lower = change - halfWidth;
        double upper = change + halfWidth;
        Verdict verdict = !double.IsFinite(lower) || !double.IsFinite(upper) ? Verdict.InsufficientData
            : upper < 0 ? Verdict.SignificantDecrease
            : lower > 0 ? Verdict.SignificantIncrease
            : Verdict.NoDetectableChange;
        return new FigureChange(figure, before, after, change, lower, upper, verdict, method);
    }

    private static FigureChange Insufficient(string figure, double before, double after)
        => new(figure, before, after, after - before, double.NaN, double.NaN, Verdict.InsufficientData, "not computed: too few vehicles");

    private static string SummaryText(FigureChange primary, double level)
    {
        string what = primary.Figure switch
        {
            "mean" => "mean speed",
            "v85" => "V85",
            _ => "share over the limit",
        };
        bool share = primary.Figure == "shareOverLimit";
        string Amount(double v) => share
            ? string.Create(CultureInfo.InvariantCulture, $"{v * 100:+0.0;-0.0;0.0} percentage points")
            : string.Create(CultureInfo.InvariantCulture, $"{v:+0.0;-0.0;0.0} km/h");
        string interval = string.Create(CultureInfo.InvariantCulture, $"{level:P0} CI {Amount(primary.Lower)} to {Amount(primary.Upper)}");
        string verdict = Text(primary.Verdict);
        string capital = char.ToUpperInvariant(verdict[0]) + verdict[1..];
        return primary.Verdict == Verdict.InsufficientData
            ? $"{capital}: too few vehicles to judge the change in {what}."
            : $"{capital} in {what}: {Amount(primary.Change)} ({interval}).";
    }

    private static double Share(long count, long total) => total == 0 ? 0 : count / (double)total;
}
