using Ale.Speed.Analysis.Notes;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Statistics;

namespace Ale.Speed.Analysis.Compare;

/// <summary>What a before/after comparison concludes about one figure.</summary>
public enum Verdict : byte
{
    /// <summary>The interval holds 0: no change beyond what day-to-day variation explains.</summary>
    NoChange = 0,
    /// <summary>Lower after than day-to-day variation explains, by at least the minimum change that matters.</summary>
    Decrease = 1,
    /// <summary>Higher after than day-to-day variation explains, by at least the minimum change that matters.</summary>
    Increase = 2,
    /// <summary>Too few days in a period to estimate the day-to-day variation.</summary>
    InsufficientData = 3,
    /// <summary>Beyond day-to-day variation, but smaller than the minimum change that matters.</summary>
    BelowMinimumChange = 4,
}

/// <summary>The figure a before/after verdict rests on (chosen in advance, so three tests do not triple the false alarms).</summary>
public enum PrimaryFigure : byte
{
    Mean = 0,
    V85 = 1,
    ShareOverLimit = 2,
}

/// <summary>Settings of <see cref="BeforeAfterComparer"/> (docs/analysis.md).</summary>
public sealed record CompareOptions
{
    /// <summary>Two-sided confidence level of every interval.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    public PrimaryFigure Primary { get; init; } = PrimaryFigure.Mean;

    /// <summary><c>in</c>, <c>out</c>, <c>unknown</c>, or null for all directions merged.</summary>
    public string? Direction { get; init; }

    /// <summary>The smallest change in mean or V85 (km/h) that the verdict calls a decrease or an increase.</summary>
    public double MinimumChangeKmh { get; init; } = 1;

    /// <summary>The smallest change in the share over the limit (0–1; 0.02 = 2 percentage points) that counts.</summary>
    public double MinimumShareChange { get; init; } = 0.02;

    /// <summary>A site without the measure, to take out changes common to both roads (difference in differences); null for none.</summary>
    public string? ControlSiteId { get; init; }

    /// <summary>True when the site was chosen because it ranked high (a hotspot list): adds the regression-to-the-mean warning.</summary>
    public bool SelectedByRanking { get; init; }

    /// <summary>Usable days each period needs for a verdict (the day is the unit of variation).</summary>
    public int MinimumDays { get; init; } = 3;

    /// <summary>A day with fewer vehicles than this is left out (its figure would be mostly noise).</summary>
    public int MinimumDayVehicles { get; init; } = 30;

    public StatisticsOptions Statistics { get; init; } = StatisticsOptions.Default;

    public bool TryValidate(out string? error)
    {
        error = ConfidenceLevel is not (> 0.5 and < 1) ? "The confidence level must lie in (0.5, 1)."
            : !(MinimumChangeKmh >= 0 && MinimumChangeKmh <= 50) ? "The minimum change must lie in 0-50 km/h."
            : !(MinimumShareChange >= 0 && MinimumShareChange <= 1) ? "The minimum change of the share must lie in 0-1."
            : MinimumDays < 2 ? "A comparison needs at least 2 days per period."
            : MinimumDayVehicles < 1 ? "A day needs at least 1 vehicle."
            : Direction is not (null or "in" or "out" or "unknown" or "all") ? $"Unknown direction '{Direction}' (in, out, unknown or all)."
            : null;
        return error is null && Statistics.TryValidate(out error);
    }
}

/// <summary>
/// The change in one figure, after − before, with its interval and verdict. Before and after are day-type-weighted
/// means of daily figures; with a control site, <see cref="Change"/> and the interval are of the site's change minus the
/// control's (<see cref="ControlChange"/>).
/// </summary>
public sealed record FigureChange(string Figure, double Before, double After, double Change, double Lower, double Upper, Verdict Verdict,
    double MinimumChange, double ControlChange, string Method);

/// <summary>A day left out of the comparison, and why.</summary>
public sealed record DayLeftOut(string Site, DateOnly Date, Note Reason);

/// <summary>The result of <see cref="BeforeAfterComparer.Compare"/>.</summary>
public sealed record CompareResult
{
    public required string SiteId { get; init; }

    public required string SiteName { get; init; }

    public required string Direction { get; init; }

    public required Period Before { get; init; }

    public required Period After { get; init; }

    public required double ConfidenceLevel { get; init; }

    /// <summary>Null without a control site.</summary>
    public required string? ControlSiteId { get; init; }

    public required string? ControlSiteName { get; init; }

    public required bool SelectedByRanking { get; init; }

    /// <summary>Vehicles at the site in each period.</summary>
    public required long BeforeVehicles { get; init; }

    public required long AfterVehicles { get; init; }

    /// <summary>Usable days per day type (index 0 weekday, 1 weekend).</summary>
    public required IReadOnlyList<int> BeforeDays { get; init; }

    public required IReadOnlyList<int> AfterDays { get; init; }

    /// <summary>Weight of each day type (the before period's share of vehicles on the day types both periods have).</summary>
    public required IReadOnlyList<double> DayTypeWeights { get; init; }

    /// <summary>Degrees of freedom of the day-to-day variance (days − cells); 0 when not computed.</summary>
    public required int DegreesOfFreedom { get; init; }

    public required IReadOnlyList<DayLeftOut> DaysLeftOut { get; init; }

    /// <summary>Mean, V85 and share over the limit.</summary>
    public required IReadOnlyList<FigureChange> Changes { get; init; }

    public required PrimaryFigure Primary { get; init; }

    /// <summary>The verdict of the primary figure.</summary>
    public required Verdict Verdict { get; init; }

    /// <summary>What the primary figure did, for people.</summary>
    public required Note Summary { get; init; }

    public required IReadOnlyList<int> BeforeLimitsKmh { get; init; }

    public required IReadOnlyList<int> AfterLimitsKmh { get; init; }

    public required IReadOnlyList<string> BeforeDisplays { get; init; }

    public required IReadOnlyList<string> AfterDisplays { get; init; }

    public required bool LimitChanged { get; init; }

    public required bool DisplayChanged { get; init; }

    /// <summary>Method, caveats and warnings in plain words (cause, regression to the mean, limit or display changes, left-out days).</summary>
    public required IReadOnlyList<Note> Notes { get; init; }
}
