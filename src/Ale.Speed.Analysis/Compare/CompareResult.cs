using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Statistics;

namespace Ale.Speed.Analysis.Compare;

/// <summary>What a confidence interval says about a change.</summary>
public enum Verdict : byte
{
    NoDetectableChange = 0,
    SignificantDecrease = 1,
    SignificantIncrease = 2,
    /// <summary>Too few vehicles in a period to conclude anything.</summary>
    InsufficientData = 3,
}

/// <summary>The figure a before/after verdict rests on (chosen in advance, so three tests do not triple the false alarms).</summary>
public enum PrimaryFigure : byte
{
    Mean = 0,
    V85 = 1,
    ShareOverLimit = 2,
}

/// <summary>Settings of <see cref="BeforeAfterComparer"/>.</summary>
public sealed record CompareOptions
{
    /// <summary>Two-sided confidence level of every interval.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    public PrimaryFigure Primary { get; init; } = PrimaryFigure.Mean;

    /// <summary><c>in</c>, <c>out</c>, <c>unknown</c>, or null for all directions merged.</summary>
    public string? Direction { get; init; }

    /// <summary>Strata with fewer vehicles than this in either period are left out of both (a variance needs two).</summary>
    public int MinimumStratumVehicles { get; init; } = 2;

    public StatisticsOptions Statistics { get; init; } = StatisticsOptions.Default;

    public bool TryValidate(out string? error)
    {
        error = ConfidenceLevel is not (> 0.5 and < 1) ? "The confidence level must lie in (0.5, 1)."
            : MinimumStratumVehicles < 2 ? "A stratum needs at least 2 vehicles."
            : Direction is not (null or "in" or "out" or "unknown" or "all") ? $"Unknown direction '{Direction}' (in, out, unknown or all)."
            : null;
        return error is null && Statistics.TryValidate(out error);
    }
}

/// <summary>The change in one figure, after − before, with its interval and verdict.</summary>
public sealed record FigureChange(string Figure, double Before, double After, double Change, double Lower, double Upper, Verdict Verdict, string Method);

/// <summary>A stratum left out of the comparison because one period had (almost) no vehicles in it.</summary>
public sealed record DroppedStratum(string Stratum, long BeforeVehicles, long AfterVehicles);

/// <summary>The result of <see cref="BeforeAfterComparer.Compare"/>.</summary>
public sealed record CompareResult
{
    public required string SiteId { get; init; }

    public required string SiteName { get; init; }

    public required string Direction { get; init; }

    public required Period Before { get; init; }

    public required Period After { get; init; }

    public required double ConfidenceLevel { get; init; }

    /// <summary>Vehicles in each period (all strata).</summary>
    public required long BeforeVehicles { get; init; }

    public required long AfterVehicles { get; init; }

    /// <summary>Vehicles in the strata both periods share (what the figures are computed from).</summary>
    public required long BeforeVehiclesCompared { get; init; }

    public required long AfterVehiclesCompared { get; init; }

    /// <summary>Mean, V85 and share over the limit. Before: the before period; after: reweighted to the before period's mix.</summary>
    public required IReadOnlyList<FigureChange> Changes { get; init; }

    public required PrimaryFigure Primary { get; init; }

    /// <summary>The verdict of the primary figure.</summary>
    public required Verdict Verdict { get; init; }

    /// <summary>One sentence for people.</summary>
    public required string Summary { get; init; }

    /// <summary>Total variation distance between the periods' mixes of strata (0 = the same mix, 1 = disjoint).</summary>
    public required double MixDifference { get; init; }

    /// <summary>The after figures without reweighting (all strata), to show what the reweighting changed.</summary>
    public required double AfterMeanUnweighted { get; init; }

    public required double AfterV85Unweighted { get; init; }

    public required double AfterShareOverLimitUnweighted { get; init; }

    public required IReadOnlyList<DroppedStratum> DroppedStrata { get; init; }

    public required IReadOnlyList<int> BeforeLimitsKmh { get; init; }

    public required IReadOnlyList<int> AfterLimitsKmh { get; init; }

    public required IReadOnlyList<string> BeforeDisplays { get; init; }

    public required IReadOnlyList<string> AfterDisplays { get; init; }

    public required bool LimitChanged { get; init; }

    public required bool DisplayChanged { get; init; }

    /// <summary>Guards and caveats in plain words: reweighting, limit or display changes, dropped strata, too little data.</summary>
    public required IReadOnlyList<string> Notes { get; init; }
}
