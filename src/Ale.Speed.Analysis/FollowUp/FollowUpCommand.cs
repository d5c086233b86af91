using System.Globalization;
using System.Text.Json;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.Data;
using Ale.Speed.Analysis.Notes;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Statistics;
using Ale.Speed.Core.Time;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Coverage;
using CompareOptions = Ale.Speed.Analysis.Compare.CompareOptions;

namespace Ale.Speed.Analysis.FollowUp;

/// <summary>What <c>ale-speed followup</c> asks for.</summary>
public sealed record FollowUpRequest
{
    public required Period Period { get; init; }

    public OutputFormat Format { get; init; } = OutputFormat.Table;

    /// <summary>The commitment from the configuration, or null.</summary>
    public Commitment? Commitment { get; init; }

    public SiteMap Map { get; init; } = SiteMap.None;

    /// <summary>Days before and after a site's first control that the before/after comparison takes.</summary>
    public int EffectDays { get; init; } = 14;

    /// <summary>The comparison's settings (a control site, the minimum change that matters…), as <c>compare</c> takes them.</summary>
    public CompareOptions Compare { get; init; } = new() { SelectedByRanking = true };

    public StatisticsOptions Statistics { get; init; } = StatisticsOptions.Default;
}

/// <summary>The entry point of <c>ale-speed followup</c> (docs/analysis.md).</summary>
public static class FollowUpCommand
{
    /// <summary>
    /// The before period of a site whose first control in the follow-up starts at <paramref name="firstControlMs"/>: the
    /// <paramref name="days"/> local days before that control's day.
    /// </summary>
    public static Period BeforePeriod(long firstControlMs, int days)
    {
        DateOnly day = StockholmTime.LocalDate(firstControlMs);
        return new Period(StockholmTime.StartOfDay(day.AddDays(-days)), StockholmTime.StartOfDay(day));
    }

    /// <summary>The after period: <paramref name="days"/> local days from the first control's day on (the control's day included).</summary>
    public static Period AfterPeriod(long firstControlMs, int days)
    {
        DateOnly day = StockholmTime.LocalDate(firstControlMs);
        return new Period(StockholmTime.StartOfDay(day), StockholmTime.StartOfDay(day.AddDays(days)));
    }

    public static async Task<int> RunAsync(FollowUpRequest request, FollowUpStore store, BinReader reader, SiteCatalog catalog, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        Write(await BuildAsync(request, store, reader, catalog, ct).ConfigureAwait(false), request.Format, output);
        return 0;
    }

    /// <summary>
    /// The document <see cref="RunAsync"/> writes (<see cref="Write"/>), for a caller that keeps it (the dashboard); the
    /// request's format is not used. Throws <see cref="AnalysisRequestException"/> for a bad request.
    /// </summary>
    public static async Task<FollowUpDocument> BuildAsync(FollowUpRequest request, FollowUpStore store, BinReader reader, SiteCatalog catalog, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(catalog);
        if (request.EffectDays is < 3 or > 90)
        {
            throw new AnalysisRequestException("--days must be between 3 and 90.");
        }

        if (!request.Compare.TryValidate(out string? error) || !request.Statistics.TryValidate(out error))
        {
            throw new AnalysisRequestException(error!);
        }

        string? controlSite = request.Compare.ControlSiteId;
        if (controlSite is not null && !catalog.TryGetSite(controlSite, out _))
        {
            throw new AnalysisRequestException($"Unknown control site '{controlSite}'. Known sites: {ControlsCommand.KnownSites(catalog)}.");
        }

        IReadOnlyList<PoliceControl> controls = await store.ControlsAsync(request.Period, ct).ConfigureAwait(false);
        IReadOnlyList<ResidentConcern> concerns = await store.ConcernsAsync(request.Period, ct).ConfigureAwait(false);
        IReadOnlyList<StoredBin> bins = await StoredBins.ReadMergedAsync(reader, request.Period, null, BinGrain.Period, ct).ConfigureAwait(false);
        StoredCoverage coverage = await reader.ReadCoverageAsync(request.Period.FromMs, request.Period.ToMs, null, ct).ConfigureAwait(false);
        Report report = ReportBuilder.Build(bins, request.Period, catalog, ReportGrouping.Total, request.Statistics, coverage: coverage);

        var effects = new Dictionary<string, CompareDocument>(StringComparer.Ordinal);
        foreach (IGrouping<string, PoliceControl> site in controls.GroupBy(c => c.SiteId))
        {
            long first = site.Min(c => c.FromMs);
            CompareOptions options = request.Compare with { ControlSiteId = controlSite == site.Key ? null : controlSite };
            CompareResult result = await CompareCommand.ReadAndCompareAsync(reader, catalog, site.Key, BeforePeriod(first, request.EffectDays), AfterPeriod(first, request.EffectDays), options, ct)
                .ConfigureAwait(false);
            effects[site.Key] = CompareCommand.ToDocument(result);
        }

        return Build(request, controls, concerns, report, effects, catalog);
    }

    /// <summary>Writes a follow-up document as JSON, HTML, CSV or a terminal table.</summary>
    public static void Write(FollowUpDocument document, OutputFormat format, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(output);
        switch (format)
        {
            case OutputFormat.Json:
                output.Write(JsonSerializer.Serialize(document, AnalysisJsonContext.Default.FollowUpDocument));
                output.WriteLine();
                break;
            case OutputFormat.Html:
                FollowUpRenderer.WriteHtml(document, output);
                break;
            case OutputFormat.Csv:
                FollowUpRenderer.WriteCsv(document, output);
                break;
            default:
                FollowUpRenderer.WriteTable(document, output);
                break;
        }
    }

    /// <summary>The document from what was read (pure; for tests and a dashboard).</summary>
    public static FollowUpDocument Build(FollowUpRequest request, IReadOnlyList<PoliceControl> controls, IReadOnlyList<ResidentConcern> concerns, Report report,
        IReadOnlyDictionary<string, CompareDocument> effects, SiteCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(controls);
        ArgumentNullException.ThrowIfNull(concerns);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(effects);
        ArgumentNullException.ThrowIfNull(catalog);
        Period period = request.Period;
        (ResidentConcern Concern, string? Site)[] linked = [.. concerns.Select(c => (c, request.Map.SiteOf(c)))];
        string[] siteIds = [.. catalog.Sites.Select(s => s.Id).Union(controls.Select(c => c.SiteId)).Union(linked.Where(l => l.Site is not null).Select(l => l.Site!))
            .Distinct().Order(StringComparer.Ordinal)];
        var sites = new List<FollowUpSiteDto>();
        foreach (string id in siteIds)
        {
            PoliceControl[] here = [.. controls.Where(c => c.SiteId == id)];
            ResidentConcern[] felt = [.. linked.Where(l => l.Site == id).Select(l => l.Concern)];
            MeasuredDto[] measured = [.. report.Rows.Where(r => r.SiteId == id && r.Direction == ReportBuilder.AllDirections).Select(r => new MeasuredDto(r.Display,
                r.Summary.Count, Format.Finite(r.Summary.MeanKmh), Format.Finite(r.Summary.V85Kmh), Format.Finite(r.Summary.ShareOverLimit), r.Summary.IsBelowMinimumSample,
                r.HoursWithData, r.HoursInGroup))];
            sites.Add(new FollowUpSiteDto(id, catalog.NameOf(id), here.Length, here.Sum(c => c.Hours), here.Sum(c => c.Checked ?? 0), here.Sum(c => c.Reported ?? 0),
                here.Sum(c => c.Licences ?? 0), here.Count(c => c.Checked is null), felt.Length, Counts(felt), measured, effects.GetValueOrDefault(id)));
        }

        PlaceWithoutSiteDto[] places = [.. linked.Where(l => l.Site is null).Select(l => l.Concern)
            .GroupBy(c => c.Place.Trim().ToLowerInvariant())
            .Select(g =>
            {
                GeoPoint? at = g.Select(c => c.Position).FirstOrDefault(p => p is not null);
                (string? nearest, double metres) = request.Map.Nearest(at);
                return new PlaceWithoutSiteDto(g.First().Place, g.Count(), Counts(g), at?.Latitude, at?.Longitude, nearest, nearest is null ? null : Math.Round(metres));
            })
            .OrderByDescending(p => p.Concerns).ThenBy(p => p.Place, StringComparer.Ordinal)];

        CommitmentDto? commitment = null;
        var notes = new List<Note>();
        if (request.Commitment is { } promise)
        {
            commitment = new CommitmentDto(promise.Title, Dto(promise.Period),
                [.. promise.Targets.Select(t => new TargetDto(FollowUpNames.Name(t.Kind), t.Text, t.Count,
                    controls.Count(c => c.Kind == t.Kind && promise.Period.Contains(c.FromMs))))]);
            if (promise.Period != period)
            {
                notes.Add(new TargetsForCommitmentPeriod(promise.Period.FromMs, promise.Period.ToMs));
            }
        }
        else
        {
            notes.Add(new NoCommitment());
        }

        notes.Add(new EffectMethod(request.EffectDays));
        notes.Add(new ControlsRegressToTheMean());
        notes.Add(new ReportsAreFelt());
        notes.Add(new MeasuredNotFines());

        var totals = new FollowUpTotalsDto(controls.Count, controls.Sum(c => c.Hours), controls.Sum(c => c.Checked ?? 0), controls.Sum(c => c.Reported ?? 0),
            controls.Sum(c => c.Licences ?? 0), concerns.Count, linked.Count(l => l.Site is null));
        return new FollowUpDocument(Dto(period), commitment, totals, [.. sites], places, [.. controls.Select(c => ControlsCommand.ToDto(c, catalog))], request.EffectDays, [.. notes]);
    }

    private static PeriodDto Dto(Period period) => new(Format.Local(period.FromMs), Format.Local(period.ToMs), period.HourCount);

    private static ConcernCountsDto Counts(IEnumerable<ResidentConcern> concerns)
    {
        ResidentConcern[] all = [.. concerns];
        return new ConcernCountsDto(all.Count(c => c.Kind == ConcernKind.Speeding), all.Count(c => c.Kind == ConcernKind.Moped), all.Count(c => c.Kind == ConcernKind.ATraktor));
    }
}
