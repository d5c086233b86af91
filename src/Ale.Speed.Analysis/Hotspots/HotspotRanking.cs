using Ale.Speed.Analysis.Notes;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Time;

namespace Ale.Speed.Analysis.Hotspots;

/// <summary>One site × local hour of the week, pooled over the period, with its score and the reasons for it.</summary>
public sealed record HotspotWindow
{
    public required string SiteId { get; init; }

    public required string SiteName { get; init; }

    /// <summary>0 = Monday 00–01 … 167 = Sunday 23–24 (local).</summary>
    public required int HourOfWeek { get; init; }

    public string Label => StockholmTime.HourOfWeekLabel(HourOfWeek);

    /// <summary>Display modes of the window's data (both directions are merged: a control covers the road).</summary>
    public required IReadOnlyList<string> Displays { get; init; }

    public required IReadOnlyList<int> LimitsKmh { get; init; }

    public required long Vehicles { get; init; }

    /// <summary>Hours of this slot in the period, less those inside likely outages.</summary>
    public required int ObservedHours { get; init; }

    public required double VehiclesPerHour { get; init; }

    public required long OverLimit { get; init; }

    public required double ShareOverLimit { get; init; }

    public required double V85Kmh { get; init; }

    /// <summary>Vehicles in a fine band and in no licence band.</summary>
    public required long FineOnly { get; init; }

    public required long LicenceWarnings { get; init; }

    public required long LicenceRevocations { get; init; }

    /// <summary>
    /// Speeding: weighted measured passages over the limit (beyond the reportable margin) per observed hour. A-traktor:
    /// classified or excess passages per observed hour.
    /// </summary>
    public required double Score { get; init; }

    /// <summary>The lower confidence bound of <see cref="Score"/> (one-sided, <see cref="HotspotOptions.ConfidenceLevel"/>): what the ranking orders by.</summary>
    public required double ScoreLowerBound { get; init; }

    /// <summary>The passages that count toward the minimum (speeding: over the limit beyond the margin; A-traktor: classified or excess).</summary>
    public required long Offences { get; init; }

    /// <summary>Why a window is not ranked (too few vehicles, hours or passages); null when it qualifies.</summary>
    public NotRanked? NotRankedBecause { get; init; }

    /// <summary>Why the window scores what it does.</summary>
    public required Note Explanation { get; init; }

    /// <summary>1-based rank; null when not ranked (insufficient data).</summary>
    public int? Rank { get; init; }

    /// <summary>For A-traktor windows: "reported class" or "speed pattern".</summary>
    public string? Basis { get; init; }

    /// <summary>For A-traktor windows: a likelihood statement, never a fact about a vehicle.</summary>
    public Note? Likelihood { get; init; }

    public long? ClusterVehicles { get; init; }

    public double? ClusterShare { get; init; }

    public double? BaselineClusterShare { get; init; }

    public double? Z { get; init; }
}

/// <summary>A site the A-traktor heuristic did not judge, and why.</summary>
public sealed record SiteNotAssessed(string SiteId, string SiteName, Note Reason);

/// <summary>The result of <see cref="HotspotRanker.Rank"/>.</summary>
public sealed record HotspotRanking
{
    public required Period Period { get; init; }

    public required HotspotOptions Options { get; init; }

    /// <summary>The top windows, best first.</summary>
    public required IReadOnlyList<HotspotWindow> Ranked { get; init; }

    /// <summary>
    /// Windows below a minimum (vehicles, observed hours, passages) that would have entered the top list on their score:
    /// worth measuring longer, not worth a control yet. At most <see cref="HotspotOptions.Top"/>.
    /// </summary>
    public required IReadOnlyList<HotspotWindow> InsufficientData { get; init; }

    /// <summary>How many windows had data but too little of it (vehicles, observed hours, passages) to rank.</summary>
    public required int InsufficientWindowCount { get; init; }

    public required IReadOnlyList<SiteNotAssessed> NotAssessed { get; init; }

    /// <summary>How the score is computed, in one paragraph.</summary>
    public required Note Method { get; init; }

    /// <summary>What the figures cannot show (measured speeds, not offences; what a speed radar cannot see).</summary>
    public required IReadOnlyList<Note> Limitations { get; init; }
}
