using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Time;

namespace Ale.Speed.Analysis.FollowUp;

/// <summary>What <c>ale-speed controls add</c> was given, as typed (checked here, all at once, before anything is stored).</summary>
public sealed record ControlInput(string? SiteId, string? From, string? To, int? Checked = null, int? Reported = null, int? Licences = null,
    string? Kind = null, string? Note = null);

#pragma warning disable CA1819 // DTOs for JSON.

public sealed record ControlListDocument(ControlDto[] Controls);

public sealed record ControlDto(string Id, string Site, string Name, string Kind, DateTimeOffset From, DateTimeOffset To, double Hours,
    int? Checked, int? Reported, int? Licences, string? Note);

#pragma warning restore CA1819

/// <summary>The entry points of <c>ale-speed controls add|list|remove</c> (docs/analysis.md).</summary>
public static class ControlsCommand
{
    /// <summary>A control longer than this is refused as a typing mistake in <c>--to</c>.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(7);

    public const int MaxNoteLength = 500;

    /// <summary>
    /// Checks <paramref name="input"/> and stores the control; writes its new id (one line) to <paramref name="output"/>.
    /// Throws <see cref="AnalysisRequestException"/> naming every mistake, and then stores nothing.
    /// </summary>
    public static async Task<int> AddAsync(ControlInput input, FollowUpStore store, SiteCatalog catalog, TimeProvider time, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(output);
        PoliceControl control = Validate(input, catalog, time);
        string id = await NewIdAsync(store, FollowUpStore.ControlMeasurement, 'k', control.FromMs, ct).ConfigureAwait(false);
        control = control with { Id = id };
        await store.AddAsync(control, ct).ConfigureAwait(false);
        await output.WriteLineAsync(id.AsMemory(), ct).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Every mistake of <paramref name="input"/> at once (as one <see cref="AnalysisRequestException"/>), or the control without an id.</summary>
    public static PoliceControl Validate(ControlInput input, SiteCatalog catalog, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(time);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(input.SiteId) || !catalog.TryGetSite(input.SiteId, out _))
        {
            errors.Add($"--site: unknown site '{input.SiteId}'. Known sites: {KnownSites(catalog)}.");
        }

        bool times = PeriodParser.TryParseTime(input.From, out long fromMs, out string? error);
        if (!times)
        {
            errors.Add("--from: " + error);
        }

        if (!PeriodParser.TryParseTime(input.To, out long toMs, out error))
        {
            errors.Add("--to: " + error);
            times = false;
        }

        if (times && toMs <= fromMs)
        {
            errors.Add($"--to ({input.To}) must come after --from ({input.From}).");
        }
        else if (times && toMs - fromMs > (long)MaxDuration.TotalMilliseconds)
        {
            errors.Add($"--from {input.From} to --to {input.To} is longer than {MaxDuration.TotalDays:0} days: enter each control on its own.");
        }

        if (times && fromMs > time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            errors.Add($"--from ({input.From}) lies in the future: register a control once it has been done.");
        }

        Count("--checked", input.Checked, errors);
        Count("--reported", input.Reported, errors);
        Count("--licences", input.Licences, errors);
        if (input.Checked is int c and >= 0 && input.Reported is int r && r > c)
        {
            errors.Add($"--reported ({r}) is more than --checked ({c}): the reported drivers are among those checked.");
        }

        if (!FollowUpNames.TryParse(input.Kind, out ControlKind kind))
        {
            errors.Add($"--kind '{input.Kind}' is not one of {FollowUpNames.ControlKinds}.");
        }

        string? note = string.IsNullOrWhiteSpace(input.Note) ? null : OneLine(input.Note);
        if (note is { Length: > MaxNoteLength })
        {
            errors.Add($"--note is {note.Length} characters long; at most {MaxNoteLength}.");
        }

        if (errors.Count > 0)
        {
            throw new AnalysisRequestException("the control was not stored:\n  " + string.Join("\n  ", errors));
        }

        return new PoliceControl("", input.SiteId!, fromMs, toMs, kind, input.Checked, input.Reported, input.Licences, note);
    }

    /// <summary>Lists the controls that start in <paramref name="period"/> (all when null).</summary>
    public static async Task<int> ListAsync(Period? period, OutputFormat format, FollowUpStore store, SiteCatalog catalog, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(output);
        if (format == OutputFormat.Html)
        {
            throw new AnalysisRequestException("controls list writes table, csv or json.");
        }

        IReadOnlyList<PoliceControl> controls = await store.ControlsAsync(period, ct).ConfigureAwait(false);
        switch (format)
        {
            case OutputFormat.Json:
                var document = new ControlListDocument([.. controls.Select(c => ToDto(c, catalog))]);
                output.Write(JsonSerializer.Serialize(document, AnalysisJsonContext.Default.ControlListDocument));
                output.WriteLine();
                break;
            case OutputFormat.Csv:
                var csv = new CsvWriter(output);
                csv.Field("id").Field("site").Field("name").Field("kind").Field("from").Field("to").Field("hours").Field("checked").Field("reported")
                    .Field("licences").Field("note").EndLine();
                foreach (PoliceControl c in controls)
                {
                    csv.Field(c.Id).Field(c.SiteId).Field(catalog.NameOf(c.SiteId)).Field(FollowUpNames.Name(c.Kind)).Field(Format.LocalIso(c.FromMs))
                        .Field(Format.LocalIso(c.ToMs)).Field(c.Hours).Field(c.Checked).Field(c.Reported).Field(c.Licences).Field(c.Note).EndLine();
                }

                break;
            default:
                var table = new TextTable("id", "site", "kind", "from", "to", "hours", "checked", "reported", "licences", "note");
                foreach (PoliceControl c in controls)
                {
                    table.Add(c.Id, c.SiteId, FollowUpNames.Name(c.Kind), Format.LocalShort(c.FromMs), Format.LocalShort(c.ToMs), Format.Number(c.Hours),
                        Optional(c.Checked), Optional(c.Reported), Optional(c.Licences), c.Note ?? "");
                }

                table.WriteTo(output);
                output.WriteLine($"Controls: {controls.Count} (removed ones not shown; '-' = not reported).");
                break;
        }

        return 0;
    }

    /// <summary>Marks a control removed; its id is never given again. Unknown or already removed: <see cref="AnalysisRequestException"/>.</summary>
    public static async Task<int> RemoveAsync(string id, FollowUpStore store, TimeProvider time, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(output);
        if (string.IsNullOrWhiteSpace(id) || !IsId(id))
        {
            throw new AnalysisRequestException($"'{id}' is not a control id (as 'controls add' prints and 'controls list' shows, e.g. k261130-3fa2).");
        }

        PoliceControl? removed = await store.RemoveControlAsync(id, time.GetUtcNow().ToUnixTimeMilliseconds(), ct).ConfigureAwait(false)
            ?? throw new AnalysisRequestException($"No control has the id '{id}' ('controls list' shows them).");
        await output.WriteLineAsync($"removed {removed.Id} ({removed.SiteId}, {Format.LocalShort(removed.FromMs)})".AsMemory(), ct).ConfigureAwait(false);
        return 0;
    }

    internal static ControlDto ToDto(PoliceControl c, SiteCatalog catalog)
        => new(c.Id, c.SiteId, catalog.NameOf(c.SiteId), FollowUpNames.Name(c.Kind), Format.Local(c.FromMs), Format.Local(c.ToMs), c.Hours,
            c.Checked, c.Reported, c.Licences, c.Note);

    /// <summary>
    /// A new id: <paramref name="prefix"/>, the local date as yyMMdd, a dash and 4 random hex digits, checked against
    /// every stored entry (removed ones too), so an id is never given twice.
    /// </summary>
    internal static async Task<string> NewIdAsync(FollowUpStore store, string measurement, char prefix, long timeMs, CancellationToken ct)
    {
        string day = StockholmTime.ToLocal(timeMs).ToString("yyMMdd", CultureInfo.InvariantCulture);
        for (int attempt = 0; attempt < 20; attempt++)
        {
            string id = string.Create(CultureInfo.InvariantCulture, $"{prefix}{day}-{RandomNumberGenerator.GetInt32(0x10000):x4}");
            if (!await store.ExistsAsync(measurement, id, ct).ConfigureAwait(false))
            {
                return id;
            }
        }

        throw new AnalysisRequestException($"Could not find a free id for {day}: too many entries on one day.");
    }

    internal static bool IsId(string id) => id.Length <= 40 && id.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '-');

    internal static string KnownSites(SiteCatalog catalog) => string.Join(", ", catalog.Sites.Select(s => s.Id).Order(StringComparer.Ordinal));

    /// <summary>Line protocol carries no line breaks: a multi-line text is joined with spaces.</summary>
    internal static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static void Count(string option, int? value, List<string> errors)
    {
        if (value is < 0)
        {
            errors.Add($"{option} {value} must be 0 or more.");
        }
    }

    private static string Optional(int? value) => value is int v ? Format.Integer(v) : "-";
}
