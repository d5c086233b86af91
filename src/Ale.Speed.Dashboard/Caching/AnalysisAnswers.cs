using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.FollowUp;
using Ale.Speed.Analysis.Hotspots;
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

/// <summary>What a hotspot ranking depends on besides the dashboard's fixed statistics: the period, the kind and the length of the list.</summary>
internal readonly record struct HotspotQuery(long FromMs, long ToMs, HotspotKind Kind, int Top)
{
    public HotspotQuery(HotspotRequest request) : this(request.Period.FromMs, request.Period.ToMs, request.Options.Kind, request.Options.Top)
    {
    }
}

/// <summary>What a before/after comparison depends on: the site, both periods and the options the query sets.</summary>
internal readonly record struct CompareQuery(string SiteId, Period Before, Period After, string? ControlSiteId, double MinimumChangeKmh, bool SelectedByRanking)
{
    public CompareQuery(CompareRequest request)
        : this(request.SiteId, request.Before, request.After, request.Options.ControlSiteId, request.Options.MinimumChangeKmh, request.Options.SelectedByRanking)
    {
    }
}

/// <summary>What a follow-up depends on besides the dashboard's registers and commitment: the period, the days either side of a control and the comparison's options.</summary>
internal readonly record struct FollowUpDocumentQuery(Period Period, int EffectDays, string? ControlSiteId, double MinimumChangeKmh)
{
    public FollowUpDocumentQuery(FollowUpRequest request) : this(request.Period, request.EffectDays, request.Compare.ControlSiteId, request.Compare.MinimumChangeKmh)
    {
    }
}

/// <summary>
/// The analyses the pages and the API render — reports, hotspot rankings, comparisons, follow-ups — built by the CLI
/// commands' own <c>BuildAsync</c> exactly as <c>ale-speed report|hotspots|compare|followup</c> build them, and kept in
/// the <see cref="AnswerCache"/> under their normalised query. Each read is added to the request's Server-Timing.
/// </summary>
internal sealed class AnalysisAnswers(DashboardData data, AnswerCache cache)
{
    /// <summary>Bytes a report row holds, estimated high: its merged bin (a dense 1 km/h histogram and counters) and its summary.</summary>
    private const long BytesPerRow = 8 * 1024;

    /// <summary>Bytes of a hotspot window, a compared figure or a follow-up site, estimated high (their texts included).</summary>
    private const long BytesPerItem = 2 * 1024;

    public TimeSpan MaxAge => cache.MaxAge;

    public Task<Answer<Report>> ReportAsync(HttpContext context, ReportQuery query)
        => GetAsync(context, query, ct => ReportCommand.BuildAsync(new ReportRequest { Period = query.Period, SiteId = query.SiteId, By = query.By }, data.Reader, data.Catalog, ct),
            static report => 4096 + (report.Rows.Count * BytesPerRow) + report.Coverage.Sum(c => 1024L + (c.Gaps.Count * 64L)));

    public Task<Answer<HotspotRanking>> HotspotsAsync(HttpContext context, HotspotRequest request)
        => GetAsync(context, new HotspotQuery(request), ct => HotspotsCommand.BuildAsync(request, data.Reader, data.Catalog, ct),
            static ranking => 8192 + ((ranking.Ranked.Count + ranking.InsufficientData.Count + ranking.NotAssessed.Count) * BytesPerItem));

    public Task<Answer<CompareResult>> CompareAsync(HttpContext context, CompareRequest request)
        => GetAsync(context, new CompareQuery(request), ct => CompareCommand.BuildAsync(request, data.Reader, data.Catalog, ct),
            static result => 4096 + ((result.Changes.Count + result.DaysLeftOut.Count) * BytesPerItem));

    public Task<Answer<FollowUpDocument>> FollowUpAsync(HttpContext context, FollowUpRequest request, FollowUpStore store)
        => GetAsync(context, new FollowUpDocumentQuery(request), ct => FollowUpCommand.BuildAsync(request, store, data.Reader, data.Catalog, ct),
            static document => 8192 + ((document.Sites.Length * 4) + document.Controls.Length + document.PlacesWithoutSite.Length) * BytesPerItem);

    /// <remarks><paramref name="read"/> may run again in the background after the request has ended: it takes only the query and <see cref="DashboardData"/>.</remarks>
    private async Task<Answer<T>> GetAsync<T>(HttpContext context, object key, Func<CancellationToken, Task<T>> read, Func<T, long> estimateBytes)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        long started = data.TimeProvider.GetTimestamp();
        Answer<T> answer = await cache.GetOrReadAsync(key, read, estimateBytes, context.RequestAborted).ConfigureAwait(false);
        ServerTiming.Add(context, answer.Source, answer.RefreshStarted, data.TimeProvider.GetElapsedTime(started));
        return answer;
    }
}
