using System.Text.Json;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Data;
using Ale.Speed.Analysis.Notes;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Coverage;

namespace Ale.Speed.Analysis.Compare;

/// <summary>What <c>ale-speed compare</c> asks for.</summary>
public sealed record CompareRequest
{
    public required string SiteId { get; init; }

    public required Period Before { get; init; }

    public required Period After { get; init; }

    public CompareOptions Options { get; init; } = new();

    /// <summary>Table, CSV or JSON.</summary>
    public OutputFormat Format { get; init; } = OutputFormat.Table;
}

#pragma warning disable CA1819 // DTOs for JSON.

/// <summary>The JSON document of a comparison. Intervals are of after − before (minus the control's change with a control); null where not computed.</summary>
public sealed record CompareDocument(string Site, string Name, string Direction, PeriodDto Before, PeriodDto After, double ConfidenceLevel,
    Note Verdict, string PrimaryFigure, Note Summary, double MinimumChangeKmh, double MinimumShareChange, string? ControlSite, string? ControlName,
    bool SelectedByRanking, long BeforeVehicles, long AfterVehicles, DayCountDto BeforeDays, DayCountDto AfterDays, DayCountWeightsDto DayTypeWeights,
    int DegreesOfFreedom, FigureChangeDto[] Changes, DayLeftOutDto[] DaysLeftOut,
    int[] BeforeLimitsKmh, int[] AfterLimitsKmh, bool LimitChanged, string[] BeforeDisplays, string[] AfterDisplays, bool DisplayChanged, Note[] Notes);

public sealed record FigureChangeDto(string Figure, double? Before, double? After, double? Change, double? Lower, double? Upper, Note Verdict,
    double MinimumChange, double? ControlChange, string Method);

public sealed record DayCountDto(int Weekday, int Weekend);

public sealed record DayCountWeightsDto(double Weekday, double Weekend);

public sealed record DayLeftOutDto(string Site, string Date, Note Reason);

#pragma warning restore CA1819

/// <summary>The entry point of <c>ale-speed compare</c>.</summary>
public static class CompareCommand
{
    /// <summary>Reads both periods of the site, compares, writes to <paramref name="output"/>. Returns 0; throws <see cref="AnalysisRequestException"/> for a bad request.</summary>
    public static async Task<int> RunAsync(CompareRequest request, BinReader reader, SiteCatalog catalog, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Format == OutputFormat.Html)
        {
            throw new AnalysisRequestException("compare writes table, csv or json (html is offered by report).");
        }

        Write(await BuildAsync(request, reader, catalog, ct).ConfigureAwait(false), request.Format, output);
        return 0;
    }

    /// <summary>
    /// The comparison <see cref="RunAsync"/> writes (<see cref="Write"/>), for a caller that keeps it (the dashboard); the
    /// request's format is not used. Throws <see cref="AnalysisRequestException"/> for a bad request.
    /// </summary>
    public static Task<CompareResult> BuildAsync(CompareRequest request, BinReader reader, SiteCatalog catalog, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(catalog);
        if (!catalog.TryGetSite(request.SiteId, out _))
        {
            throw new AnalysisRequestException($"Unknown site '{request.SiteId}'. Known sites: {string.Join(", ", catalog.Sites.Select(s => s.Id).Order(StringComparer.Ordinal))}.");
        }

        if (!request.Options.TryValidate(out string? error))
        {
            throw new AnalysisRequestException(error!);
        }

        string? control = request.Options.ControlSiteId;
        if (control is not null && (control == request.SiteId || !catalog.TryGetSite(control, out _)))
        {
            throw new AnalysisRequestException(control == request.SiteId
                ? "The control site must be another site than the one compared."
                : $"Unknown control site '{control}'. Known sites: {string.Join(", ", catalog.Sites.Select(s => s.Id).Order(StringComparer.Ordinal))}.");
        }

        return ReadAndCompareAsync(reader, catalog, request.SiteId, request.Before, request.After, request.Options, ct);
    }

    /// <summary>
    /// Reads what a comparison needs (the hour bins and stored coverage of the site and of the control site, both
    /// periods) and compares: the one path of <c>compare</c>, <c>followup</c> and the dashboard.
    /// </summary>
    public static async Task<CompareResult> ReadAndCompareAsync(BinReader reader, SiteCatalog catalog, string siteId, Period before, Period after,
        CompareOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        var beforeBins = new List<StoredBin>();
        var afterBins = new List<StoredBin>();
        var coverage = new StoredCoverage();
        foreach (string site in options.ControlSiteId is { } control ? [siteId, control] : (string[])[siteId])
        {
            beforeBins.AddRange(await StoredBins.ReadMergedAsync(reader, before, site, BinGrain.Hour, ct).ConfigureAwait(false));
            afterBins.AddRange(await StoredBins.ReadMergedAsync(reader, after, site, BinGrain.Hour, ct).ConfigureAwait(false));
            coverage.UnionWith(await reader.ReadCoverageAsync(before.FromMs, before.ToMs, site, ct).ConfigureAwait(false));
            coverage.UnionWith(await reader.ReadCoverageAsync(after.FromMs, after.ToMs, site, ct).ConfigureAwait(false));
        }

        return BeforeAfterComparer.Compare(beforeBins, afterBins, siteId, before, after, catalog, options, coverage);
    }

    public static void Write(CompareResult result, OutputFormat format, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        switch (format)
        {
            case OutputFormat.Json:
                output.Write(JsonSerializer.Serialize(ToDocument(result), AnalysisJsonContext.Default.CompareDocument));
                output.WriteLine();
                break;
            case OutputFormat.Csv:
                var csv = new CsvWriter(output);
                csv.Field("site").Field("name").Field("direction").Field("control").Field("figure").Field("before").Field("after").Field("change").Field("lower").Field("upper")
                    .Field("controlChange").Field("minimumChange").Field("verdict").Field("confidenceLevel").Field("method").EndLine();
                foreach (FigureChange c in result.Changes)
                {
                    csv.Field(result.SiteId).Field(result.SiteName).Field(result.Direction).Field(result.ControlSiteId).Field(c.Figure).Field(c.Before).Field(c.After).Field(c.Change)
                        .Field(c.Lower).Field(c.Upper).Field(c.ControlChange).Field(c.MinimumChange).Field(BeforeAfterComparer.Text(c.Verdict)).Field(result.ConfidenceLevel).Field(c.Method).EndLine();
                }

                break;
            default:
                WriteTable(result, output);
                break;
        }
    }

    public static CompareDocument ToDocument(CompareResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        FigureChange primary = r.Changes[(int)r.Primary];
        return new CompareDocument(r.SiteId, r.SiteName, r.Direction,
            new PeriodDto(Format.Local(r.Before.FromMs), Format.Local(r.Before.ToMs), r.Before.HourCount),
            new PeriodDto(Format.Local(r.After.FromMs), Format.Local(r.After.ToMs), r.After.HourCount),
            r.ConfidenceLevel, new VerdictNote(r.Verdict), primary.Figure, r.Summary,
            r.Changes[0].MinimumChange, r.Changes[2].MinimumChange, r.ControlSiteId, r.ControlSiteName, r.SelectedByRanking,
            r.BeforeVehicles, r.AfterVehicles, new DayCountDto(r.BeforeDays[0], r.BeforeDays[1]), new DayCountDto(r.AfterDays[0], r.AfterDays[1]),
            new DayCountWeightsDto(r.DayTypeWeights[0], r.DayTypeWeights[1]), r.DegreesOfFreedom,
            [.. r.Changes.Select(c => new FigureChangeDto(c.Figure, Format.Finite(c.Before), Format.Finite(c.After), Format.Finite(c.Change),
                Format.Finite(c.Lower), Format.Finite(c.Upper), new VerdictNote(c.Verdict), c.MinimumChange, Format.Finite(c.ControlChange), c.Method))],
            [.. r.DaysLeftOut.Select(d => new DayLeftOutDto(d.Site, d.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), d.Reason))],
            [.. r.BeforeLimitsKmh], [.. r.AfterLimitsKmh], r.LimitChanged, [.. r.BeforeDisplays], [.. r.AfterDisplays], r.DisplayChanged, [.. r.Notes]);
    }

    private static void WriteTable(CompareResult r, TextWriter output)
    {
        output.WriteLine($"Before/after at {r.SiteName} ({r.SiteId}), direction {r.Direction}{(r.ControlSiteId is null ? "" : $", control site {r.ControlSiteName} ({r.ControlSiteId})")}");
        output.WriteLine($"  before {Format.LocalShort(r.Before.FromMs)} – {Format.LocalShort(r.Before.ToMs)}: {r.BeforeVehicles} vehicles, {r.BeforeDays[0]} weekdays + {r.BeforeDays[1]} weekend days used");
        output.WriteLine($"  after  {Format.LocalShort(r.After.FromMs)} – {Format.LocalShort(r.After.ToMs)}: {r.AfterVehicles} vehicles, {r.AfterDays[0]} weekdays + {r.AfterDays[1]} weekend days used");
        output.WriteLine();
        bool control = r.ControlSiteId is not null;
        var table = new TextTable(["figure", "before", "after", "change", $"{r.ConfidenceLevel:P0} interval", .. control ? (string[])["control change"] : [], "matters from", "verdict"]);
        foreach (FigureChange c in r.Changes)
        {
            bool share = c.Figure == "shareOverLimit";
            string V(double v) => share ? Format.Percent(v) : Format.Number(v);
            string D(double v) => share ? Format.Signed(v * 100) + " pp" : Format.Signed(v);
            string M(double v) => share ? Format.Number(v * 100) + " pp" : Format.Number(v) + " km/h";
            string[] controlColumn = control ? [double.IsFinite(c.ControlChange) ? D(c.ControlChange) : "-"] : [];
            table.Add([c.Figure, V(c.Before), V(c.After), D(c.Change), double.IsFinite(c.Lower) ? $"{D(c.Lower)} .. {D(c.Upper)}" : "-", .. controlColumn, M(c.MinimumChange), BeforeAfterComparer.Text(c.Verdict)]);
        }

        table.WriteTo(output);
        output.WriteLine();
        output.WriteLine(NoteText.English.Text(r.Summary));
        foreach (string note in NoteText.English.Texts(r.Notes))
        {
            output.WriteLine("note: " + note);
        }
    }
}
