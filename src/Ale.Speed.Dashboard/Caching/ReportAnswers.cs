using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Time;
using Microsoft.AspNetCore.Http;

namespace Ale.Speed.Dashboard.Caching;

/// <summary>
/// What a report answer depends on, normalised: the period in Unix ms (however <c>from</c>/<c>to</c> were written), the
/// site and the grouping — not the order of the parameters, the format or the language. The statistics are always the
/// report's defaults (<see cref="ReportRequest.Statistics"/>), as for <c>ale-speed report</c>.
/// </summary>
internal readonly record struct ReportQuery(long FromMs, long ToMs, string? SiteId, ReportGrouping By)
{
    public ReportQuery(Period period, string? siteId, ReportGrouping by) : this(period.FromMs, period.ToMs, siteId, by)
    {
    }

    public Period Period => new(FromMs, ToMs);
}

/// <summary>
/// Reports for the pages and <c>/api/report</c>, built by <see cref="ReportCommand.BuildAsync"/> exactly as
/// <c>ale-speed report</c> builds them, and kept in the <see cref="AnswerCache"/>.
/// </summary>
internal sealed class ReportAnswers(DashboardData data, AnswerCache cache)
{
    /// <summary>Bytes a report row holds, estimated high: its merged bin (a dense 1 km/h histogram and counters) and its summary.</summary>
    private const long BytesPerRow = 8 * 1024;

    public TimeSpan MaxAge => cache.MaxAge;

    public async Task<Answer<Report>> GetAsync(HttpContext context, ReportQuery query)
    {
        ArgumentNullException.ThrowIfNull(context);
        long started = data.TimeProvider.GetTimestamp();
        Answer<Report> answer = await cache.GetOrReadAsync(query, ct => ReportCommand.BuildAsync(
            new ReportRequest { Period = query.Period, SiteId = query.SiteId, By = query.By }, data.Reader, data.Catalog, ct),
            EstimateBytes, context.RequestAborted).ConfigureAwait(false);
        ServerTiming.Add(context, answer.FromCache, data.TimeProvider.GetElapsedTime(started));
        return answer;
    }

    private static long EstimateBytes(Report report) => 4096 + (report.Rows.Count * BytesPerRow) + report.Coverage.Sum(c => 1024L + (c.Gaps.Count * 64L));
}
