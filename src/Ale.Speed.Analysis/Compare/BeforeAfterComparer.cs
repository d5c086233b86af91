using System.Globalization;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Data;
using Ale.Speed.Analysis.Notes;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Statistics;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Coverage;

namespace Ale.Speed.Analysis.Compare;

/// <summary>
/// Before/after evaluation of a measure at one site, with the <b>day</b> as the unit of variation: each day's mean, V85
/// and share over the limit (reweighted to the before period's mix of times of day) is one observation; the change is
/// the difference of day-type-weighted means of daily figures, its interval a t interval from the day-to-day variance
/// pooled within day types. Optionally against a control site (difference in differences, day by day). Methods:
/// docs/analysis.md.
/// </summary>
public static class BeforeAfterComparer
{
    private const double Quantile85 = 0.85;

    // A day whose times of day hold less than this share of the usual traffic (an outage) is left out.
    private const double MinimumDayCoverage = 0.75;

    private static readonly string[] s_figures = ["mean", "v85", "shareOverLimit"];

    /// <param name="beforeBins">Stored bins (writers merged) of the before period: the site's and, with a control, the control's.</param>
    /// <param name="afterBins">Likewise for the after period.</param>
    /// <param name="coverage">
    /// Stored unit coverage of both periods (the site's and the control's): where present, a time of day without a
    /// working unit is missing and a quiet one with a working unit is observed, instead of judging by traffic alone.
    /// </param>
    public static CompareResult Compare(IReadOnlyList<StoredBin> beforeBins, IReadOnlyList<StoredBin> afterBins, string siteId,
        Period before, Period after, SiteCatalog catalog, CompareOptions? options = null, StoredCoverage? coverage = null)
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
        string? controlId = options.ControlSiteId;
        List<StoredBin> b = Select(beforeBins, siteId, before, direction);
        List<StoredBin> a = Select(afterBins, siteId, after, direction);
        coverage ??= StoredCoverage.None;
        HourSet siteAlive = coverage.AliveHours(siteId);
        var siteBefore = new PeriodDays(b, before, siteAlive);
        var siteAfter = new PeriodDays(a, after, siteAlive);
        var leftOut = new List<DayLeftOut>();
        double[]?[] siteWeights = siteBefore.BandWeights();
        Dictionary<DateOnly, DayFigures> sB = siteBefore.Figures(siteWeights, siteId, options, leftOut);
        Dictionary<DateOnly, DayFigures> sA = siteAfter.Figures(siteWeights, siteId, options, leftOut);
        Dictionary<DateOnly, DayFigures>? cB = null;
        Dictionary<DateOnly, DayFigures>? cA = null;
        if (controlId is not null)
        {
            HourSet controlAlive = coverage.AliveHours(controlId);
            var controlBefore = new PeriodDays(Select(beforeBins, controlId, before, direction), before, controlAlive);
            double[]?[] controlWeights = controlBefore.BandWeights();
            cB = controlBefore.Figures(controlWeights, controlId, options, leftOut);
            cA = new PeriodDays(Select(afterBins, controlId, after, direction), after, controlAlive).Figures(controlWeights, controlId, options, leftOut);
        }

        List<Observation> obsB = Join(sB, cB, siteId, controlId, leftOut);
        List<Observation> obsA = Join(sA, cA, siteId, controlId, leftOut);
        int[] daysB = CountByType(obsB);
        int[] daysA = CountByType(obsA);
        int[] types = [.. Enumerable.Range(0, DayParts.DayTypeCount).Where(t => daysB[t] > 0 && daysA[t] > 0)];
        var weights = new double[DayParts.DayTypeCount];
        long typeVehicles = types.Sum(t => obsB.Where(o => o.DayType == t).Sum(o => o.Vehicles));
        foreach (int t in types)
        {
            weights[t] = obsB.Where(o => o.DayType == t).Sum(o => o.Vehicles) / (double)typeVehicles;
        }

        int usedB = types.Sum(t => daysB[t]);
        int usedA = types.Sum(t => daysA[t]);
        int df = usedB + usedA - 2 * types.Length;
        bool enough = usedB >= options.MinimumDays && usedA >= options.MinimumDays && df >= 1;
        double alpha = 1 - options.ConfidenceLevel;
        double tQuantile = enough ? Distributions.StudentQuantile(1 - alpha / 2, df) : double.NaN;
        var changes = new List<FigureChange>();
        Bin bAll = StoredBins.Merge(b);
        Bin aAll = StoredBins.Merge(a);
        for (int f = 0; f < s_figures.Length; f++)
        {
            double minimum = f == 2 ? options.MinimumShareChange : options.MinimumChangeKmh;
            changes.Add(enough
                ? Change(f, obsB, obsA, types, weights, tQuantile, df, minimum, controlId is not null)
                : new FigureChange(s_figures[f], Pooled(f, bAll), Pooled(f, aAll), Pooled(f, aAll) - Pooled(f, bAll), double.NaN, double.NaN,
                    Verdict.InsufficientData, minimum, double.NaN, "not computed: too few days"));
        }

        int[] bLimits = [.. b.Select(x => x.Bin.LimitKmh).Distinct().Order()];
        int[] aLimits = [.. a.Select(x => x.Bin.LimitKmh).Distinct().Order()];
        string[] bDisplays = [.. b.Select(x => x.Key.DisplayMode).Distinct().Order().Select(StoredBins.DisplayName)];
        string[] aDisplays = [.. a.Select(x => x.Key.DisplayMode).Distinct().Order().Select(StoredBins.DisplayName)];
        bool limitChanged = bLimits.Length > 0 && aLimits.Length > 0 && !bLimits.SequenceEqual(aLimits);
        bool displayChanged = bDisplays.Length > 0 && aDisplays.Length > 0 && !bDisplays.SequenceEqual(aDisplays);
        string? controlName = controlId is null ? null : catalog.NameOf(controlId);

        var notes = new List<Note>();
        if (!enough)
        {
            notes.Add(new TooFewDays(usedB, usedA, options.MinimumDays));
        }

        notes.Add(new DayIsTheUnit(weights[0], weights[1], df));
        notes.Add(controlId is null ? new NoControlSite() : new WithControlSite(controlName!, controlId));
        notes.Add(new MeasuredNotFines());
        if (options.SelectedByRanking)
        {
            notes.Add(new RegressionToTheMean());
        }

        if (siteAlive.Count > 0)
        {
            notes.Add(new OutagesFromCoverage(siteAlive.Min()));
        }

        if (leftOut.Count > 0)
        {
            notes.Add(new LeftOutDays([.. leftOut]));
        }

        if (types.Length < DayParts.DayTypeCount && enough)
        {
            notes.Add(new OnlyDayTypes(types));
        }

        if (limitChanged)
        {
            notes.Add(new LimitChangedBetween(bLimits, aLimits));
        }
        else if (bLimits.Length > 1 || aLimits.Length > 1)
        {
            notes.Add(new LimitChangedWithin());
        }

        if (displayChanged)
        {
            notes.Add(new DisplayChangedBetween(bDisplays, aDisplays));
        }
        else if (bDisplays.Length > 1 || aDisplays.Length > 1)
        {
            notes.Add(new DisplaysMixed());
        }

        FigureChange primary = changes[(int)options.Primary];
        return new CompareResult
        {
            SiteId = siteId,
            SiteName = catalog.NameOf(siteId),
            Direction = direction ?? "all",
            Before = before,
            After = after,
            ConfidenceLevel = options.ConfidenceLevel,
            ControlSiteId = controlId,
            ControlSiteName = controlName,
            SelectedByRanking = options.SelectedByRanking,
            BeforeVehicles = bAll.Count,
            AfterVehicles = aAll.Count,
            BeforeDays = daysB,
            AfterDays = daysA,
            DayTypeWeights = weights,
            DegreesOfFreedom = enough ? df : 0,
            DaysLeftOut = leftOut,
            Changes = changes,
            Primary = options.Primary,
            Verdict = primary.Verdict,
            Summary = primary.Verdict == Verdict.InsufficientData
                ? new InsufficientSummary(usedB, usedA, options.MinimumDays)
                : new ChangeSummary(options.Primary, primary.Change, primary.Lower, primary.Upper, options.ConfidenceLevel, primary.Verdict, primary.MinimumChange, controlName),
            BeforeLimitsKmh = bLimits,
            AfterLimitsKmh = aLimits,
            BeforeDisplays = bDisplays,
            AfterDisplays = aDisplays,
            LimitChanged = limitChanged,
            DisplayChanged = displayChanged,
            Notes = notes,
        };
    }

    /// <summary>The verdict as written in every output: the words "increase" and "decrease" only when a change is reported.</summary>
    public static string Text(Verdict verdict) => NoteText.English.Text(verdict);

    private static List<StoredBin> Select(IReadOnlyList<StoredBin> bins, string siteId, Period period, string? direction)
        => [.. bins.Where(x => x.Key.SiteId == siteId && period.Contains(x.Key.WindowStartMs)
            && (direction is null || StoredBins.DirectionName(x.Key.Direction) == direction))];

    private static FigureChange Change(int f, List<Observation> before, List<Observation> after, int[] types, double[] weights,
        double tQuantile, int df, double minimum, bool control)
    {
        // Pooled within-cell variance of the daily values (site − control with a control), cells = period × day type.
        double squares = 0;
        double variance = 0;
        double change = 0;
        double siteBefore = 0;
        double siteAfter = 0;
        double controlChange = 0;
        foreach (int t in types)
        {
            Observation[] bt = [.. before.Where(o => o.DayType == t)];
            Observation[] at = [.. after.Where(o => o.DayType == t)];
            double mb = bt.Average(o => o.Value(f));
            double ma = at.Average(o => o.Value(f));
            squares += bt.Sum(o => Math.Pow(o.Value(f) - mb, 2)) + at.Sum(o => Math.Pow(o.Value(f) - ma, 2));
            variance += weights[t] * weights[t] * (1.0 / bt.Length + 1.0 / at.Length);
            change += weights[t] * (ma - mb);
            siteBefore += weights[t] * bt.Average(o => o.Site[f]);
            siteAfter += weights[t] * at.Average(o => o.Site[f]);
            if (control)
            {
                controlChange += weights[t] * (at.Average(o => o.Control![f]) - bt.Average(o => o.Control![f]));
            }
        }

        double half = tQuantile * Math.Sqrt(squares / df * variance);
        double lower = change - half;
        double upper = change + half;
        Verdict verdict = !double.IsFinite(lower) || !double.IsFinite(upper) ? Verdict.InsufficientData
            : lower <= 0 && upper >= 0 ? Verdict.NoChange
            : Math.Abs(change) < minimum ? Verdict.BelowMinimumChange
            : change < 0 ? Verdict.Decrease
            : Verdict.Increase;
        string what = f switch { 0 => "daily mean", 1 => "daily V85", _ => "daily share over the limit" };
        string method = string.Create(CultureInfo.InvariantCulture,
            $"t interval on the {what}{(control ? " minus the control site's" : "")}, day-to-day variance pooled within day types, df = {df}");
        return new FigureChange(s_figures[f], siteBefore, siteAfter, change, lower, upper, verdict, minimum, control ? controlChange : double.NaN, method);
    }

    private static double Pooled(int f, Bin bin) => f switch
    {
        0 => SpeedStatistics.Mean(bin),
        1 => SpeedStatistics.V85(bin),
        _ => SpeedStatistics.ShareOverLimit(bin),
    };

    private static List<Observation> Join(Dictionary<DateOnly, DayFigures> site, Dictionary<DateOnly, DayFigures>? control, string siteId,
        string? controlId, List<DayLeftOut> leftOut)
    {
        var observations = new List<Observation>();
        foreach ((DateOnly date, DayFigures day) in site.OrderBy(p => p.Key))
        {
            if (control is null)
            {
                observations.Add(new Observation(day.DayType, day.Vehicles, day.Values, null));
            }
            else if (control.TryGetValue(date, out DayFigures? other))
            {
                observations.Add(new Observation(day.DayType, day.Vehicles, day.Values, other.Values));
            }
            else
            {
                leftOut.Add(new DayLeftOut(siteId, date, new DayWithoutControl(controlId!)));
            }
        }

        return observations;
    }

    private static int[] CountByType(List<Observation> observations)
    {
        var counts = new int[DayParts.DayTypeCount];
        foreach (Observation o in observations)
        {
            counts[o.DayType]++;
        }

        return counts;
    }

    /// <summary>One day's figures: mean, V85, share over the limit (reweighted to the period's times of day).</summary>
    private sealed record DayFigures(int DayType, long Vehicles, double[] Values);

    /// <summary>One day of the comparison: the site's figures and, with a control, the control's.</summary>
    private sealed record Observation(int DayType, long Vehicles, double[] Site, double[]? Control)
    {
        public double Value(int f) => Control is null ? Site[f] : Site[f] - Control[f];
    }

    /// <summary>A period's bins of one site, merged per local day and time of day, and which of the day's hours were observed.</summary>
    private sealed class PeriodDays
    {
        private readonly SortedDictionary<DateOnly, (int DayType, Bin[] Bands)> _days = [];
        private readonly long[,] _totals = new long[DayParts.DayTypeCount, DayParts.BandCount];

        // Per day judged by stored coverage (every hour of it after coverage began): per time of day, its hours and
        // the observed ones (a working unit, or a bin). Days not in here are judged by their traffic.
        private readonly Dictionary<DateOnly, (int[] Hours, int[] Observed)> _observed = [];

        public PeriodDays(List<StoredBin> bins, Period period, HourSet aliveHours)
        {
            foreach (StoredBin stored in bins)
            {
                (DateOnly date, int dayType, int band) = DayParts.Of(stored.Key.WindowStartMs);
                if (!_days.TryGetValue(date, out (int DayType, Bin[] Bands) day))
                {
                    day = (dayType, [.. Enumerable.Range(0, DayParts.BandCount).Select(_ => new Bin())]);
                    _days.Add(date, day);
                }

                day.Bands[band].MergeFrom(stored.Bin);
                _totals[dayType, band] += stored.Bin.Count;
            }

            if (aliveHours.Count == 0)
            {
                return;
            }

            long coverageFrom = aliveHours.Min;
            HourSet binHours = StoredBins.CoveredHours(bins);
            var partlyBeforeCoverage = new HashSet<DateOnly>();
            foreach (long hour in period.HourStarts())
            {
                (DateOnly date, _, int band) = DayParts.Of(hour);
                if (hour < coverageFrom)
                {
                    partlyBeforeCoverage.Add(date);
                    continue;
                }

                if (!_observed.TryGetValue(date, out (int[] Hours, int[] Observed) day))
                {
                    day = (new int[DayParts.BandCount], new int[DayParts.BandCount]);
                    _observed.Add(date, day);
                }

                day.Hours[band]++;
                day.Observed[band] += aliveHours.Contains(hour) || binHours.Contains(hour) ? 1 : 0;
            }

            // A day on which coverage began part-way is judged by its traffic, as the days before it.
            foreach (DateOnly date in partlyBeforeCoverage)
            {
                _observed.Remove(date);
            }
        }

        /// <summary>Per day type, the share of the period's vehicles in each time of day; null for a day type without vehicles.</summary>
        public double[]?[] BandWeights()
        {
            var weights = new double[]?[DayParts.DayTypeCount];
            for (int t = 0; t < weights.Length; t++)
            {
                long total = 0;
                for (int band = 0; band < DayParts.BandCount; band++)
                {
                    total += _totals[t, band];
                }

                if (total > 0)
                {
                    weights[t] = [.. Enumerable.Range(0, DayParts.BandCount).Select(band => _totals[t, band] / (double)total)];
                }
            }

            return weights;
        }

        public Dictionary<DateOnly, DayFigures> Figures(double[]?[] weights, string siteId, CompareOptions options, List<DayLeftOut> leftOut)
        {
            var figures = new Dictionary<DateOnly, DayFigures>();
            foreach ((DateOnly date, (int dayType, Bin[] bands)) in _days)
            {
                long vehicles = bands.Sum(x => x.Count);
                if (vehicles < options.MinimumDayVehicles)
                {
                    leftOut.Add(new DayLeftOut(siteId, date, new DayTooFewVehicles(vehicles, options.MinimumDayVehicles)));
                    continue;
                }

                double[] usual = weights[dayType] ?? [.. bands.Select(x => x.Count / (double)vehicles)];
                bool byCoverage = _observed.TryGetValue(date, out (int[] Hours, int[] Observed) observed);
                double covered = 0;
                for (int band = 0; band < bands.Length; band++)
                {
                    // A time of day without vehicles gives no speeds, whatever the reason; by coverage, one with vehicles
                    // counts only for the share of its hours with a working unit (a unit down 10-15 leaves 09-15 as 09-10).
                    covered += bands[band].Count == 0 ? 0 : usual[band] * (byCoverage ? observed.Observed[band] / (double)Math.Max(1, observed.Hours[band]) : 1);
                }

                if (covered < MinimumDayCoverage)
                {
                    string[] none = [.. Enumerable.Range(0, bands.Length).Where(x => bands[x].Count == 0 && usual[x] > 0).Select(DayParts.BandLabel)];
                    int? unobserved = byCoverage ? observed.Hours.Sum() - observed.Observed.Sum() : null;
                    leftOut.Add(new DayLeftOut(siteId, date, new DayPartlyCovered(covered, none, unobserved)));
                    continue;
                }

                double[] w = [.. Enumerable.Range(0, bands.Length).Select(x => bands[x].Count > 0 ? usual[x] / covered : 0)];
                var sample = new StratifiedSample(bands, w);
                figures.Add(date, new DayFigures(dayType, vehicles, [sample.Mean, sample.Quantile(Quantile85), sample.ShareOverLimit]));
            }

            return figures;
        }
    }
}
