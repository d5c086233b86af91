using Ale.Speed.Analysis.Hotspots;

namespace Ale.Speed.Analysis.Notes;

/// <summary>How the speeding score is computed, with the options it used.</summary>
public sealed record SpeedingMethod(HotspotOptions Options) : Note;

/// <summary>How the A-traktor/moped score is computed, with the options it used.</summary>
public sealed record ATraktorMethod(HotspotOptions Options) : Note;

/// <summary>Counts are measured passages over the limit minus the reportable margin: not offences, not fines.</summary>
public sealed record PassagesNotOffences(int MarginKmh) : Note;

/// <summary>What a speed radar cannot see of A-traktors and mopeds; the pattern counts passages in the band.</summary>
public sealed record RadarCannotSee(int ClusterFromKmh, int ClusterToKmh) : Note;

/// <summary>A reported class is the device's estimate; what a reported length can and cannot tell.</summary>
public sealed record ClassAndLengthAreEstimates : Note;

/// <summary>What a window has too little of to be ranked.</summary>
public enum Shortfall : byte
{
    Vehicles = 0,
    ObservedHours = 1,
    Passages = 2,
}

/// <summary>One minimum a window does not reach: it has <paramref name="Count"/>, fewer than <paramref name="Minimum"/>.</summary>
public readonly record struct Short(Shortfall Of, long Count, long Minimum);

/// <summary>Why a window is not ranked: the minimums it does not reach.</summary>
public sealed record NotRanked(IReadOnlyList<Short> Shortfalls) : Note;

/// <summary>A speeding window's score and what it is made of.</summary>
public sealed record SpeedingExplanation(double Score, double LowerBound, double ConfidenceLevel, double FineOnlyPerHour, double FineWeight,
    double WarningsPerHour, double WarningWeight, double RevocationsPerHour, double RevocationWeight, double VehiclesPerHour, int ObservedHours,
    double ShareOverLimit, double V85Kmh) : Note;

/// <summary>An A-traktor window where the units report a class.</summary>
public sealed record ClassifiedExplanation(long Flagged, long Passages, double Score, double LowerBound, double ConfidenceLevel, int ObservedHours) : Note;

/// <summary>The speed band the A-traktor pattern counts; <paramref name="ByLength"/>: only passages of car or two-wheeler length.</summary>
public readonly record struct ClusterBand(double FromKmh, double ToKmh, bool ByLength);

/// <summary>Where units report lengths: the band's car-length and short passages, and short passages above <paramref name="ShortFastAboveKmh"/>.</summary>
public sealed record LengthCounts(long CarLength, long Short, long ShortFast, double ShortFastAboveKmh);

/// <summary>An A-traktor window found by the speed pattern: its share in the band against the weekday-daytime baseline.</summary>
public sealed record PatternExplanation(double Share, long Passages, ClusterBand Band, double BaselineShare, double BaselineMedianKmh, double Excess,
    double Score, double LowerBound, double ConfidenceLevel, double Z, LengthCounts? Lengths) : Note;

/// <summary>The likelihood statement of a window the units classified.</summary>
public sealed record ClassifiedLikelihood : Note;

/// <summary>The likelihood statement of a window found by the speed pattern.</summary>
public sealed record PatternLikelihood(bool Strong, ClusterBand Band) : Note;

/// <summary>A site not assessed: too little weekday-daytime traffic for a baseline, and no reported class.</summary>
public sealed record NoBaseline(long Vehicles, int MinimumVehicles) : Note;

/// <summary>A site not assessed: weekday-daytime traffic too slow for the band to mean anything, and no reported class.</summary>
public sealed record SlowBaseline(int ClusterFromKmh, int ClusterToKmh, double MedianKmh, double MinimumMedianKmh) : Note;
