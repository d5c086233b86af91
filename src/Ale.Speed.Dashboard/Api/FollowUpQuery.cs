using Ale.Speed.Analysis.FollowUp;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Time;
using Microsoft.AspNetCore.Http;

namespace Ale.Speed.Dashboard.Api;

/// <summary>
/// The query of <c>/followup</c> and <c>/api/followup</c>, named like <c>ale-speed followup</c>'s options (<c>from</c>,
/// <c>to</c>, <c>days</c>, <c>control</c>, <c>min-change</c>), turned into the request that command builds.
/// </summary>
internal static class FollowUpQuery
{
    public static readonly string[] Parameters = ["from", "to", "days", "control", "min-change", "format"];

    /// <summary>The registers and the commitment, or a 400 when the dashboard was built without them.</summary>
    public static DashboardFollowUp Source(DashboardData data)
        => data.FollowUp ?? throw new AnalysisRequestException("This dashboard has no follow-up registers (ale-speed serve reads them from AleSpeed:Influx).");

    /// <summary>Without from/to the page follows the commitment's period up, or without a commitment the last <paramref name="defaultDays"/> days.</summary>
    public static Period DefaultPeriod(DashboardFollowUp source, long nowMs, int defaultDays)
        => source.Commitment?.Period ?? AnalysisQuery.DefaultPeriod(nowMs, defaultDays);

    /// <summary>The request <c>followup</c> builds from the same options; <paramref name="defaultPeriod"/> when from and to are both absent (the page), else both required (the API).</summary>
    public static FollowUpRequest Request(IQueryCollection query, OutputFormat format, DashboardFollowUp source, Period? defaultPeriod)
    {
        Period period = defaultPeriod is Period fallback && AnalysisQuery.Value(query, "from") is null && AnalysisQuery.Value(query, "to") is null
            ? fallback
            : AnalysisQuery.Period(query, 0, null);
        return new FollowUpRequest
        {
            Period = period,
            Format = format,
            Commitment = source.Commitment,
            Map = source.Map,
            EffectDays = AnalysisQuery.Integer(query, "days") ?? new FollowUpRequest { Period = period }.EffectDays,
            Compare = new Analysis.Compare.CompareOptions { SelectedByRanking = true, ControlSiteId = AnalysisQuery.Value(query, "control"), MinimumChangeKmh = AnalysisQuery.MinChange(query) },
        };
    }
}
