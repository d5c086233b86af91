namespace Ale.Speed.Analysis.Notes;

/// <summary>The site is not in the configuration.</summary>
public sealed record SiteNotConfigured : Note;

/// <summary>No data in the period.</summary>
public sealed record NoData : Note;

/// <summary>Both display modes have data; they are reported separately.</summary>
public sealed record BothDisplayModes : Note;

/// <summary>Unit coverage is stored from <paramref name="FromMs"/>, after the period's start.</summary>
public sealed record CoverageStoredFrom(long FromMs) : Note;

/// <summary>Unit coverage is stored for the whole period.</summary>
public sealed record CoverageStored : Note;

/// <summary>No unit coverage is stored: outages are inferred from runs of hours without data.</summary>
public sealed record NoCoverageStored : Note;

/// <summary>The speed limit changed in the period.</summary>
public sealed record LimitChangedInPeriod(IReadOnlyList<int> LimitsKmh) : Note;
