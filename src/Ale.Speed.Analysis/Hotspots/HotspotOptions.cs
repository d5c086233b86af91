using Ale.Speed.Core.Statistics;

namespace Ale.Speed.Analysis.Hotspots;

/// <summary>What a hotspot ranking looks for.</summary>
public enum HotspotKind : byte
{
    /// <summary>Where and when an hour of control catches the most serious speeding.</summary>
    Speeding = 0,
    /// <summary>Where and when A-traktor/moped activity is likely (reported class, or a speed-pattern heuristic).</summary>
    ATraktor = 1,
}

/// <summary>Settings of <see cref="HotspotRanker"/> (documented in docs/analysis.md).</summary>
public sealed record HotspotOptions
{
    public HotspotKind Kind { get; init; } = HotspotKind.Speeding;

    /// <summary>How many ranked windows to list (<c>--top N</c>).</summary>
    public int Top { get; init; } = 10;

    /// <summary>A window with fewer vehicles (over the whole period) is not ranked but listed as insufficient data. Default: the statistics' minimum sample.</summary>
    public int? MinimumVehicles { get; init; }

    /// <summary>Weight of a vehicle in a fine band and in no licence band.</summary>
    public double FineWeight { get; init; } = 1;

    /// <summary>Weight of a vehicle in a licence band whose consequence is a warning.</summary>
    public double LicenceWarningWeight { get; init; } = 3;

    /// <summary>Weight of a vehicle in a licence band whose consequence is a revocation.</summary>
    public double LicenceRevocationWeight { get; init; } = 5;

    /// <summary>The speed band that legal A-traktors and mopeds drive in: [from, to) km/h.</summary>
    public int ClusterFromKmh { get; init; } = 25;

    public int ClusterToKmh { get; init; } = 35;

    /// <summary>Evening hours (local): [from, to).</summary>
    public int EveningFromHour { get; init; } = 18;

    public int EveningToHour { get; init; } = 23;

    /// <summary>Weekday daytime baseline (local, Monday–Friday): [from, to).</summary>
    public int BaselineFromHour { get; init; } = 7;

    public int BaselineToHour { get; init; } = 18;

    /// <summary>The heuristic only judges sites whose baseline median (V50) is at least this, and at least <see cref="ClusterToKmh"/> + 15.</summary>
    public double MinimumBaselineMedianKmh { get; init; } = 50;

    /// <summary>The heuristic needs at least this many baseline vehicles.</summary>
    public int MinimumBaselineVehicles { get; init; } = 200;

    /// <summary>A flagged window's cluster share must exceed the baseline's by at least this (0–1).</summary>
    public double MinimumExcessShare { get; init; } = 0.05;

    /// <summary>… by at least this many vehicles over the period.</summary>
    public double MinimumExcessVehicles { get; init; } = 5;

    /// <summary>… and by at least this many standard errors (one-sided binomial z).</summary>
    public double MinimumZ { get; init; } = 3;

    /// <summary>A window observed in fewer hours (of its hour of the week, outages excluded) is not ranked: one hour is one sample.</summary>
    public int MinimumObservedHours { get; init; } = 3;

    /// <summary>
    /// A window with fewer passages that count (speeding: over the limit by more than the reportable margin; A-traktor:
    /// classified or excess passages) over the period is not ranked.
    /// </summary>
    public int MinimumOffences { get; init; } = 5;

    /// <summary>One-sided level of the lower confidence bound that windows are ranked on.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    public StatisticsOptions Statistics { get; init; } = StatisticsOptions.Default;

    public int EffectiveMinimumVehicles => MinimumVehicles ?? Statistics.MinimumSample;

    public bool TryValidate(out string? error)
    {
        error = Top < 1 ? "--top must be at least 1."
            : EffectiveMinimumVehicles < 1 ? "The minimum number of vehicles must be at least 1."
            : MinimumObservedHours < 1 ? "The minimum of observed hours must be at least 1."
            : MinimumOffences < 0 ? "The minimum number of passages must not be negative."
            : ConfidenceLevel is not (>= 0.5 and < 1) ? "The confidence level must lie in [0.5, 1)."
            : FineWeight < 0 || LicenceWarningWeight < 0 || LicenceRevocationWeight < 0 ? "Weights must not be negative."
            : ClusterFromKmh < 0 || ClusterToKmh <= ClusterFromKmh || ClusterToKmh > 250 ? "The cluster band must be [from, to) with 0 <= from < to <= 250."
            : EveningFromHour is < 0 or > 23 || EveningToHour <= EveningFromHour || EveningToHour > 24 ? "Evening hours must be [from, to) within 0-24."
            : BaselineFromHour is < 0 or > 23 || BaselineToHour <= BaselineFromHour || BaselineToHour > 24 ? "Baseline hours must be [from, to) within 0-24."
            : null;
        if (error is null && !Statistics.TryValidate(out error))
        {
            return false;
        }

        return error is null;
    }
}
