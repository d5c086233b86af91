using Ale.Speed.Analysis.Data;
using Ale.Speed.Analysis.Notes;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Statistics;

namespace Ale.Speed.Analysis.Reports;

/// <summary>How report rows are grouped in time (local time).</summary>
public enum ReportGrouping : byte
{
    /// <summary>The whole period.</summary>
    Total = 0,
    /// <summary>One row per local day (23, 24 or 25 hours).</summary>
    Day = 1,
    /// <summary>One row per local hour of the week, Monday 00 … Sunday 23, pooled over the weeks of the period.</summary>
    HourOfWeek = 2,
    /// <summary>One row per local ISO week from Monday 00:00 (167, 168 or 169 hours); the first and last may be partial.</summary>
    Week = 3,
}

/// <summary>A time group: the period, a local day or ISO week (e.g. <c>2025-W10</c>), or an hour of the week.</summary>
/// <param name="FromMs">Start of the group within the period (for an hour of the week: its first occurrence).</param>
/// <param name="ToMs">End of the group within the period (for an hour of the week: the end of its last occurrence).</param>
/// <param name="HourOfWeek">0 = Monday 00–01 … 167 = Sunday 23–24, for <see cref="ReportGrouping.HourOfWeek"/>.</param>
public sealed record ReportGroup(string Label, long FromMs, long ToMs, int? HourOfWeek)
{
    /// <summary>A day or week the period cuts (it starts or ends inside it): <see cref="FromMs"/>/<see cref="ToMs"/> are the period's edges.</summary>
    public bool Partial { get; init; }
}

/// <summary>
/// One line of a report: a site, one display mode, one direction (or <c>all</c>), one time group; every figure from the
/// exactly merged bin of that scope.
/// </summary>
public sealed record ReportRow
{
    public required string SiteId { get; init; }

    public required string SiteName { get; init; }

    /// <summary><c>in</c>, <c>out</c>, <c>unknown</c> or <c>all</c> (every direction merged).</summary>
    public required string Direction { get; init; }

    /// <summary><c>on</c> or <c>stealth</c>: display modes are never merged in a row.</summary>
    public required string Display { get; init; }

    public required ReportGroup Group { get; init; }

    /// <summary>The limits in force in the row's bins, ascending (two or more when the limit changed).</summary>
    public required IReadOnlyList<int> LimitsKmh { get; init; }

    /// <summary>The single limit, or null when there were none or several.</summary>
    public int? LimitKmh => LimitsKmh.Count == 1 ? LimitsKmh[0] : null;

    public required SpeedSummary Summary { get; init; }

    /// <summary>Hours of the group that hold at least one bin of this row's scope.</summary>
    public required int HoursWithData { get; init; }

    /// <summary>Hours of the group within the period.</summary>
    public required int HoursInGroup { get; init; }

    /// <summary>Vehicles per class (indexed as <see cref="Bin.ClassCounts"/>).</summary>
    public required IReadOnlyList<long> ClassCounts { get; init; }

    /// <summary>
    /// The merged bin, for charts: in the rows of a total report only (null in rows by day or hour of the week, which
    /// keep their figures alone: a bin per row of a year by day over 50 sites would hold hundreds of MB).
    /// </summary>
    public required Bin? Bin { get; init; }
}

/// <summary>A unit stream that stored nothing for at least its SilentAfter.</summary>
/// <param name="UnitIds">Bins carry no unit id, so silence is seen per site and display mode and named by the units of that stream.</param>
public sealed record SilentStretch(IReadOnlyList<string> UnitIds, string Display, long FromMs, long ToMs);

/// <summary>Coverage of one site over the whole period.</summary>
public sealed record SiteCoverage
{
    public required string SiteId { get; init; }

    public required string SiteName { get; init; }

    public required int HoursInPeriod { get; init; }

    public required int HoursWithData { get; init; }

    /// <summary>Hours of the period outside outages: with a working unit (stored coverage) or, without coverage, outside likely outages.</summary>
    public required int HoursObserved { get; init; }

    /// <summary>The first hour of the period with stored coverage (Unix ms); null when none is stored and outages are inferred.</summary>
    public long? CoverageFromMs { get; init; }

    /// <summary>Every run of hours without any bin at the site (and, where coverage is stored, without a working unit).</summary>
    public required IReadOnlyList<HourGap> Gaps { get; init; }

    public required IReadOnlyList<SilentStretch> SilentUnits { get; init; }

    /// <summary>The display modes with data in the period.</summary>
    public required IReadOnlyList<string> DisplayModes { get; init; }

    /// <summary>Plain-language notes: both display modes present, limit changed, no data at all.</summary>
    public required IReadOnlyList<Note> Notes { get; init; }
}

/// <summary>A report over a period.</summary>
public sealed record Report
{
    public required Period Period { get; init; }

    public required ReportGrouping Grouping { get; init; }

    public required int MinimumSample { get; init; }

    public required IReadOnlyList<ReportRow> Rows { get; init; }

    public required IReadOnlyList<SiteCoverage> Coverage { get; init; }
}
