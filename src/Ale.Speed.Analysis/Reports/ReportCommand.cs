using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Data;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Statistics;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Coverage;

namespace Ale.Speed.Analysis.Reports;

/// <summary>What <c>ale-speed report</c> asks for.</summary>
public sealed record ReportRequest
{
    public required Period Period { get; init; }

    /// <summary>One site, or null for all.</summary>
    public string? SiteId { get; init; }

    public ReportGrouping By { get; init; } = ReportGrouping.Total;

    public OutputFormat Format { get; init; } = OutputFormat.Table;

    public StatisticsOptions Statistics { get; init; } = StatisticsOptions.Default;
}

/// <summary>A request the analysis cannot answer (unknown site, format not offered…); the message is for the user.</summary>
public sealed class AnalysisRequestException : Exception
{
    public AnalysisRequestException()
    {
    }

    public AnalysisRequestException(string message) : base(message)
    {
    }

    public AnalysisRequestException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>The entry point of <c>ale-speed report</c>.</summary>
public static class ReportCommand
{
    // Sites whose reads are under way while a site's rows are made (by day and by week over every site).
    private const int SitesReadAhead = 2;

    /// <summary>
    /// Reads the bins of the period, builds the report and writes it to <paramref name="output"/> (nothing else is
    /// written there). Returns 0. Throws <see cref="AnalysisRequestException"/> for a request that cannot be answered.
    /// </summary>
    /// <remarks>HTML: the key figures of the whole period, and charts by hour of the week (or by day or week with <c>--by</c>).</remarks>
    public static async Task<int> RunAsync(ReportRequest request, BinReader reader, SiteCatalog catalog, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        if (request.Format != OutputFormat.Html && BuildsSiteBySite(request))
        {
            Render(await BuildSiteBySiteAsync(request, reader, catalog, ct).ConfigureAwait(false), request.Format, output);
            return 0;
        }

        (IReadOnlyList<StoredBin> bins, StoredCoverage coverage) = await ReadAsync(request, reader, catalog, ct).ConfigureAwait(false);
        Write(bins, request, catalog, output, coverage);
        return 0;
    }

    /// <summary>
    /// The report <see cref="RunAsync"/> renders as table, CSV or JSON (<see cref="Render"/>), for a caller that keeps it
    /// (the dashboard). Throws <see cref="AnalysisRequestException"/> for a request that cannot be answered.
    /// </summary>
    public static async Task<Report> BuildAsync(ReportRequest request, BinReader reader, SiteCatalog catalog, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (BuildsSiteBySite(request))
        {
            return await BuildSiteBySiteAsync(request, reader, catalog, ct).ConfigureAwait(false);
        }

        (IReadOnlyList<StoredBin> bins, StoredCoverage coverage) = await ReadAsync(request, reader, catalog, ct).ConfigureAwait(false);
        return ReportBuilder.Build(bins, request.Period, catalog, request.By, request.Statistics, request.SiteId, coverage);
    }

    /// <summary>
    /// Rows by day or week over every site: a row per site, direction and day, and one merged bin per site, direction
    /// and day to make them from (~36,500 bins, ~220 MB for 50 sites × a year). Read and made one site at a time, only
    /// a few sites' bins are held.
    /// </summary>
    private static bool BuildsSiteBySite(ReportRequest request) => request is { SiteId: null, By: ReportGrouping.Day or ReportGrouping.Week };

    /// <summary>
    /// The same report as reading every site at once: the configured sites one by one, then those only the data names.
    /// The next sites' reads are under way while a site's rows are made, so InfluxDB's answers, their parsing and the
    /// rows overlap on every core (<see cref="SitesReadAhead"/> + 1 sites' bins are held at most).
    /// </summary>
    private static async Task<Report> BuildSiteBySiteAsync(ReportRequest request, BinReader reader, SiteCatalog catalog, CancellationToken ct)
    {
        Validate(request, reader, catalog);
        BinGrain grain = GrainOf(request);
        string[] configured = [.. catalog.Sites.Select(s => s.Id)];
        Task<StoredCoverage> coverageRead = reader.ReadCoverageAsync(request.Period.FromMs, request.Period.ToMs, null, ct);
        // Read i is of the i-th configured site; read configured.Length, of every site the catalog does not name.
        var reads = new Queue<Task<IReadOnlyList<StoredBin>>>();
        for (int i = 0; i <= Math.Min(SitesReadAhead, configured.Length); i++)
        {
            reads.Enqueue(ReadSite(i));
        }

        StoredCoverage coverage = await coverageRead.ConfigureAwait(false);
        var parts = new List<Report>(configured.Length);
        for (int i = 0; i < configured.Length; i++)
        {
            IReadOnlyList<StoredBin> bins = await reads.Dequeue().ConfigureAwait(false);
            if (i + SitesReadAhead + 1 <= configured.Length)
            {
                reads.Enqueue(ReadSite(i + SitesReadAhead + 1));
            }

            parts.Add(ReportBuilder.Build(bins, request.Period, catalog, request.By, request.Statistics, configured[i], coverage));
        }

        foreach (IGrouping<string, StoredBin> site in (await reads.Dequeue().ConfigureAwait(false)).GroupBy(b => b.Key.SiteId))
        {
            parts.Add(ReportBuilder.Build([.. site], request.Period, catalog, request.By, request.Statistics, site.Key, coverage));
        }

        parts.Sort((a, b) => string.CompareOrdinal(a.Coverage[0].SiteId, b.Coverage[0].SiteId));
        return new Report
        {
            Period = request.Period,
            Grouping = request.By,
            MinimumSample = request.Statistics.MinimumSample,
            Rows = [.. parts.SelectMany(p => p.Rows)],
            Coverage = [.. parts.SelectMany(p => p.Coverage)],
        };

        // The i-th configured site, and after the last, every site the catalog does not name.
        Task<IReadOnlyList<StoredBin>> ReadSite(int i) => StoredBins.ReadMergedAsync(reader, request.Period,
            i < configured.Length ? new BinFilter { SiteId = configured[i] } : new BinFilter { ExcludeSites = configured }, grain, ct);
    }

    private static async Task<(IReadOnlyList<StoredBin> Bins, StoredCoverage Coverage)> ReadAsync(ReportRequest request, BinReader reader, SiteCatalog catalog, CancellationToken ct)
    {
        Validate(request, reader, catalog);
        // Both at once: InfluxDB answers the coverage while the bins stream in.
        Task<StoredCoverage> coverage = reader.ReadCoverageAsync(request.Period.FromMs, request.Period.ToMs, request.SiteId, ct);
        IReadOnlyList<StoredBin> bins = await StoredBins.ReadMergedAsync(reader, request.Period, request.SiteId, GrainOf(request), ct).ConfigureAwait(false);
        return (bins, await coverage.ConfigureAwait(false));
    }

    private static void Validate(ReportRequest request, BinReader reader, SiteCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(catalog);
        if (request.SiteId is not null && !catalog.TryGetSite(request.SiteId, out _))
        {
            throw new AnalysisRequestException($"Unknown site '{request.SiteId}'. Known sites: {string.Join(", ", catalog.Sites.Select(s => s.Id).Order(StringComparer.Ordinal))}.");
        }

        if (!request.Statistics.TryValidate(out string? error))
        {
            throw new AnalysisRequestException(error!);
        }
    }

    /// <summary>The coarsest bins the request's groupings can be built from (HTML adds a series by hour of the week or by day).</summary>
    public static BinGrain GrainOf(ReportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.By switch
        {
            ReportGrouping.Day or ReportGrouping.Week => BinGrain.Day,
            ReportGrouping.HourOfWeek => BinGrain.HourOfWeek,
            _ => request.Format == OutputFormat.Html ? BinGrain.HourOfWeek : BinGrain.Period,
        };
    }

    /// <summary>The rendering half of <see cref="RunAsync"/>, for bins already read.</summary>
    public static void Write(IReadOnlyList<StoredBin> bins, ReportRequest request, SiteCatalog catalog, TextWriter output, StoredCoverage? coverage = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Format == OutputFormat.Html)
        {
            Report total = ReportBuilder.Build(bins, request.Period, catalog, ReportGrouping.Total, request.Statistics, request.SiteId, coverage);
            ReportGrouping seriesBy = request.By is ReportGrouping.Day or ReportGrouping.Week ? request.By : ReportGrouping.HourOfWeek;
            Report series = ReportBuilder.Build(bins, request.Period, catalog, seriesBy, request.Statistics, request.SiteId, coverage);
            HtmlReportRenderer.Write(total, series, output);
            return;
        }

        Render(ReportBuilder.Build(bins, request.Period, catalog, request.By, request.Statistics, request.SiteId, coverage), request.Format, output);
    }

    /// <summary>Writes a built report as a terminal table, CSV or JSON (HTML needs two reports: <see cref="Write"/>).</summary>
    public static void Render(Report report, OutputFormat format, TextWriter output)
    {
        switch (format)
        {
            case OutputFormat.Csv:
                ReportRenderer.WriteCsv(report, output);
                break;
            case OutputFormat.Json:
                ReportRenderer.WriteJson(report, output);
                break;
            case OutputFormat.Table:
                ReportRenderer.WriteTable(report, output);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "HTML needs the total and a series: ReportCommand.Write.");
        }
    }
}
