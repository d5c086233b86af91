using Ale.Speed.Analysis.Data;
using Ale.Speed.Analysis.Notes;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Core.Statistics;
using Ale.Speed.Core.Time;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;

namespace Ale.Speed.Analysis.Reports;

#pragma warning disable CA1819 // DTOs for JSON: arrays are what is serialised.

/// <summary>The JSON document of a report (docs/analysis.md). Figures that are undefined (no vehicles) are null.</summary>
/// <param name="Sites">
/// The rows: a list, or (from <see cref="ReportJson.ToStreamingDocument"/>) projected one at a time as the serializer
/// writes them, so a year by day of many sites never holds every row's DTO at once.
/// </param>
public sealed record ReportDocument(PeriodDto Period, string GroupBy, int MinimumSample, string[] Notes, IEnumerable<ReportRowDto> Sites, SiteCoverageDto[] Coverage);

public sealed record PeriodDto(DateTimeOffset From, DateTimeOffset To, int Hours);

public sealed record ReportRowDto(
    string Site,
    string Name,
    string Direction,
    string Display,
    string Group,
    DateTimeOffset GroupFrom,
    DateTimeOffset GroupTo,
    int? HourOfWeek,
    int? LimitKmh,
    int[] LimitsKmh,
    long Vehicles,
    double? MeanKmh,
    double? SdKmh,
    double? V50Kmh,
    double? V85Kmh,
    double? V95Kmh,
    double? MaxKmh,
    long OverLimit,
    double? ShareOverLimit,
    SpeedIndexDto SpeedIndex,
    PaceDto? Pace,
    FineBandDto[] FineBands,
    LicenceBandDto[] LicenceBands,
    Dictionary<string, long> Classes,
    int HoursWithData,
    int HoursInPeriod,
    bool BelowMinimumSample);

/// <summary>Hastighetsindexets mått for this site (Trafikverket's index itself covers cars without trailer at fixed points).</summary>
public sealed record SpeedIndexDto(double? MeanKmh, double? ShareWithinLimit, double? ShareWithinLimitPlus5, double? ShareMoreThan30Over);

public sealed record PaceDto(int FromKmh, int ToKmh, long Vehicles, double Share);

/// <param name="Band">"1-10" … "over 40" km/h over the limit.</param>
/// <param name="FineSekLimitAtMost50">The fine on roads with limit ≤ 50 (null: prosecutor).</param>
public sealed record FineBandDto(string Band, long Vehicles, long VehiclesLimitAtMost50, long VehiclesLimitOver50, int? FineSekLimitAtMost50, int? FineSekLimitOver50);

/// <param name="Roads">"limit<=30" or "limit>=40": which table of consequences applies.</param>
/// <param name="Months">Indicative months of revocation, 0 = warning.</param>
public sealed record LicenceBandDto(string Roads, string Band, int Months, bool MonthsAtLeast, long Vehicles);

public sealed record SiteCoverageDto(string Site, string Name, int HoursInPeriod, int HoursWithData, int HoursObserved, DateTimeOffset? CoverageFrom, GapDto[] Gaps, SilentDto[] SilentUnits, string[] DisplayModes, Note[] Notes);

public sealed record GapDto(DateTimeOffset From, DateTimeOffset To, int Hours, bool LikelyOutage, bool FromCoverage);

public sealed record SilentDto(string[] Units, string Display, DateTimeOffset From, DateTimeOffset To, int Hours);

#pragma warning restore CA1819

internal static class ReportJson
{
    public static ReportDocument ToDocument(Report report) => ToDocument(report, [.. report.Rows.Select(ToDto)]);

    /// <summary>
    /// As <see cref="ToDocument(Report)"/>, with each row's DTO made as it is written and dropped after: over 50 sites by
    /// day for a year the DTOs alone took ~100 MB (bands and class dictionaries per row).
    /// </summary>
    public static ReportDocument ToStreamingDocument(Report report) => ToDocument(report, report.Rows.Select(ToDto));

    private static ReportDocument ToDocument(Report report, IEnumerable<ReportRowDto> rows) => new(
        new PeriodDto(Format.Local(report.Period.FromMs), Format.Local(report.Period.ToMs), report.Period.HourCount),
        OutputNames.Name(report.Grouping),
        report.MinimumSample,
        [Wording.MeasuredNotFines, Wording.SpeedIndexMeasures],
        rows,
        [.. report.Coverage.Select(c => new SiteCoverageDto(c.SiteId, c.SiteName, c.HoursInPeriod, c.HoursWithData, c.HoursObserved,
            c.CoverageFromMs is long coverageFrom ? Format.Local(coverageFrom) : null,
            [.. c.Gaps.Select(g => new GapDto(Format.Local(g.FromMs), Format.Local(g.ToMs), g.Hours, g.LikelyOutage, g.FromCoverage))],
            [.. c.SilentUnits.Select(s => new SilentDto([.. s.UnitIds], s.Display, Format.Local(s.FromMs), Format.Local(s.ToMs), (int)((s.ToMs - s.FromMs) / StockholmTime.HourMs)))],
            [.. c.DisplayModes], [.. c.Notes]))]);

    public static ReportRowDto ToDto(ReportRow row)
    {
        SpeedSummary s = row.Summary;
        return new ReportRowDto(
            row.SiteId, row.SiteName, row.Direction, row.Display, row.Group.Label,
            Format.Local(row.Group.FromMs), Format.Local(row.Group.ToMs), row.Group.HourOfWeek,
            row.LimitKmh, [.. row.LimitsKmh], s.Count,
            Format.Finite(s.MeanKmh), Format.Finite(s.StandardDeviationKmh), Format.Finite(s.V50Kmh), Format.Finite(s.V85Kmh), Format.Finite(s.V95Kmh), Format.Finite(s.MaxKmh),
            s.CountOverLimit, Format.Finite(s.ShareOverLimit),
            new SpeedIndexDto(Format.Finite(s.SpeedIndex.MeanKmh), Format.Finite(s.SpeedIndex.ShareWithinLimit), Format.Finite(s.SpeedIndex.ShareWithinLimitPlus5), Format.Finite(s.SpeedIndex.ShareMoreThan30Over)),
            s.Pace is PaceBand p ? new PaceDto(p.LowerKmh, p.UpperKmh, p.Count, p.Share) : null,
            [.. s.FineBands.Select(f => new FineBandDto(f.Label, f.Count, f.CountLimitAtMost50, f.CountLimitOver50, f.Fine.FineSekLimitAtMost50, f.Fine.FineSekLimitOver50))],
            [.. LicenceBands(row)],
            Classes(row),
            row.HoursWithData, row.HoursInGroup, s.IsBelowMinimumSample);
    }

    /// <summary>
    /// The licence tables that apply to the row's limits (both when the limit crossed 30/40 in the period), and the
    /// table for limits of 30 or lower wherever classified vehicles drove under a class limit of 30 (A-traktors).
    /// </summary>
    public static IEnumerable<LicenceBandDto> LicenceBands(ReportRow row)
    {
        bool atMost30 = row.LimitsKmh.Any(l => l is > 0 and <= 30) || row.Summary.LicenceBandsLimitAtMost30.Any(c => c.Count > 0);
        bool from40 = row.LimitsKmh.Any(l => l > 30);
        if (atMost30)
        {
            foreach (LicenceBandCount c in row.Summary.LicenceBandsLimitAtMost30)
            {
                yield return new LicenceBandDto("limit<=30", c.Label, c.Licence.IndicativeMonths, c.Licence.MonthsAtLeast, c.Count);
            }
        }

        if (from40)
        {
            foreach (LicenceBandCount c in row.Summary.LicenceBandsLimitFrom40)
            {
                yield return new LicenceBandDto("limit>=40", c.Label, c.Licence.IndicativeMonths, c.Licence.MonthsAtLeast, c.Count);
            }
        }
    }

    private static Dictionary<string, long> Classes(ReportRow row)
    {
        var classes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (VehicleClass c in Enum.GetValues<VehicleClass>())
        {
            long n = row.ClassCounts[(int)c];
            if (n > 0)
            {
                classes[BinSchema.ClassName(c)] = n;
            }
        }

        return classes;
    }
}
