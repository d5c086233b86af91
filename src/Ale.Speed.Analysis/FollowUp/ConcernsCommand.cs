using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Time;

namespace Ale.Speed.Analysis.FollowUp;

/// <summary>What <c>ale-speed concerns add</c> was given, as typed.</summary>
/// <param name="At">Coordinates as <c>LAT,LON</c> (WGS 84 degrees), e.g. <c>57.9166,12.0703</c>.</param>
public sealed record ConcernInput(string? Place, string? SiteId = null, string? Received = null, string? Kind = null, string? At = null);

/// <summary>Where residents' reports are linked to sites: the configured sites' positions and how near counts as "at" a site.</summary>
public sealed record SiteMap(IReadOnlyDictionary<string, GeoPoint> Positions, double NearSiteMetres)
{
    public static SiteMap None { get; } = new(new Dictionary<string, GeoPoint>(), 300);

    /// <summary>
    /// The site a report is about: the one it names, else the nearest site within <see cref="NearSiteMetres"/> of its
    /// position, else null (a place without a sign).
    /// </summary>
    public string? SiteOf(ResidentConcern concern)
    {
        ArgumentNullException.ThrowIfNull(concern);
        if (concern.SiteId is not null)
        {
            return concern.SiteId;
        }

        (string? site, double metres) = Nearest(concern.Position);
        return site is not null && metres <= NearSiteMetres ? site : null;
    }

    /// <summary>The nearest site with a position and its distance; (null, NaN) without positions.</summary>
    public (string? Site, double Metres) Nearest(GeoPoint? position)
    {
        string? best = null;
        double metres = double.NaN;
        if (position is GeoPoint p)
        {
            foreach ((string site, GeoPoint at) in Positions.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                double d = p.DistanceMetres(at);
                if (best is null || d < metres)
                {
                    (best, metres) = (site, d);
                }
            }
        }

        return (best, metres);
    }
}

/// <summary>A row of an import that was not stored, and why.</summary>
public sealed record ConcernReject(int Line, string Reason);

/// <summary>The outcome of <see cref="ConcernsCommand.Parse"/>: the reports to store and the rows refused.</summary>
public sealed record ConcernImport(IReadOnlyList<ResidentConcern> Concerns, IReadOnlyList<ConcernReject> Rejects, int Rows);

#pragma warning disable CA1819 // DTOs for JSON.

public sealed record ConcernListDocument(ConcernDto[] Concerns);

/// <param name="Site">The site the report named (null when it named none).</param>
/// <param name="LinkedSite">The site it is counted at: the one it named, or the nearest within NearSiteMetres.</param>
public sealed record ConcernDto(string Id, DateTimeOffset Received, string Place, string Kind, string? Site, string? LinkedSite, double? Latitude, double? Longitude,
    string? NearestSite, double? NearestSiteMetres, string Source);

#pragma warning restore CA1819

/// <summary>The entry points of <c>ale-speed concerns add|import|list</c> (docs/analysis.md).</summary>
public static class ConcernsCommand
{
    public const int MaxPlaceLength = 200;

    /// <summary>The columns an import reads (case-insensitive; Swedish names too); others are ignored.</summary>
    private static readonly Dictionary<string, string> s_columns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["place"] = "place", ["plats"] = "place",
        ["received"] = "received", ["date"] = "received", ["datum"] = "received", ["mottagen"] = "received",
        ["kind"] = "kind", ["typ"] = "kind", ["problem"] = "kind",
        ["site"] = "site", ["mätplats"] = "site",
        ["latitude"] = "latitude", ["lat"] = "latitude",
        ["longitude"] = "longitude", ["lon"] = "longitude", ["lng"] = "longitude",
    };

    /// <summary>Checks and stores one report; writes its id. Every mistake at once as <see cref="AnalysisRequestException"/>, nothing stored.</summary>
    public static async Task<int> AddAsync(ConcernInput input, FollowUpStore store, SiteCatalog catalog, TimeProvider time, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(output);
        var errors = new List<string>();
        long nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        GeoPoint? position = null;
        if (input.At is not null)
        {
            string[] parts = input.At.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !TryNumber(parts[0], out double lat) || !TryNumber(parts[1], out double lon) || !GeoPoint.IsValid(lat, lon))
            {
                errors.Add($"--at '{input.At}' is not a position LAT,LON in degrees (e.g. 57.9166,12.0703).");
            }
            else
            {
                position = new GeoPoint(lat, lon);
            }
        }

        ResidentConcern? concern = Check(input.Place, input.SiteId, input.Received ?? Today(nowMs), input.Kind, position, "cli", catalog, nowMs, errors, "--");
        if (concern is null)
        {
            throw new AnalysisRequestException("the report was not stored:\n  " + string.Join("\n  ", errors));
        }

        string id = await ControlsCommand.NewIdAsync(store, FollowUpStore.ConcernMeasurement, 'r', concern.ReceivedMs, ct).ConfigureAwait(false);
        await store.AddAsync([concern with { Id = id }], ct).ConfigureAwait(false);
        await output.WriteLineAsync(id.AsMemory(), ct).ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// Imports a survey tool's CSV: the rows that check out are stored (in one request), every other row is counted and
    /// listed with its line and reason. Importing the same file again stores nothing twice (ids follow from the rows).
    /// </summary>
    public static async Task<int> ImportAsync(string path, FollowUpStore store, SiteCatalog catalog, SiteMap map, TimeProvider time, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(output);
        if (!File.Exists(path))
        {
            throw new AnalysisRequestException($"'{path}' does not exist.");
        }

        string text = await File.ReadAllTextAsync(path, ct).ConfigureAwait(false);
        ConcernImport import = Parse(text, "import:" + Path.GetFileName(path), catalog, time.GetUtcNow().ToUnixTimeMilliseconds());
        await store.AddAsync(import.Concerns, ct).ConfigureAwait(false);
        int linked = import.Concerns.Count(c => map.SiteOf(c) is not null);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{import.Rows} rows: {import.Concerns.Count} reports stored ({linked} at a site, {import.Concerns.Count - linked} at places without a sign), {import.Rejects.Count} rejected").AsMemory(), ct).ConfigureAwait(false);
        foreach (ConcernReject reject in import.Rejects)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  rejected line {reject.Line}: {reject.Reason}").AsMemory(), ct).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>
    /// Reads the CSV (comma- or semicolon-separated, as the header line shows; with semicolons a decimal comma is
    /// accepted in coordinates). A header naming a <c>place</c> and a <c>received</c> column is required; a whole file
    /// that cannot be read is an <see cref="AnalysisRequestException"/>.
    /// </summary>
    public static ConcernImport Parse(string text, string source, SiteCatalog catalog, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(catalog);
        text = text.TrimStart('\uFEFF');
        int firstLineEnd = text.IndexOfAny(['\r', '\n']);
        string header = firstLineEnd < 0 ? text : text[..firstLineEnd];
        char delimiter = header.Count(c => c == ';') > header.Count(c => c == ',') ? ';' : ',';
        List<(int Line, string[] Fields)> records = CsvWriter.ParseLines(text, delimiter);
        if (records.Count == 0)
        {
            throw new AnalysisRequestException("The file is empty: a header line is needed (place, received, kind, site, latitude, longitude).");
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        string[] names = records[0].Fields;
        for (int i = 0; i < names.Length; i++)
        {
            if (s_columns.TryGetValue(names[i].Trim(), out string? column) && !index.ContainsKey(column))
            {
                index[column] = i;
            }
        }

        if (!index.ContainsKey("place") || !index.ContainsKey("received"))
        {
            throw new AnalysisRequestException($"The header ({string.Join(delimiter, names)}) needs a 'place' and a 'received' column (also: kind, site, latitude, longitude; Swedish plats, datum, typ, mätplats).");
        }

        var concerns = new List<ResidentConcern>();
        var rejects = new List<ConcernReject>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int rows = 0;
        foreach ((int line, string[] fields) in records.Skip(1))
        {
            if (fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            rows++;
            string? Field(string column) => index.TryGetValue(column, out int i) && i < fields.Length && !string.IsNullOrWhiteSpace(fields[i]) ? fields[i].Trim() : null;
            if (fields.Length > names.Length)
            {
                rejects.Add(new ConcernReject(line, $"{fields.Length} fields, the header has {names.Length} (an unquoted '{delimiter}' in a field?)."));
                continue;
            }

            var errors = new List<string>();
            GeoPoint? position = null;
            string? latText = Field("latitude");
            string? lonText = Field("longitude");
            if (latText is not null || lonText is not null)
            {
                if (latText is null || lonText is null)
                {
                    errors.Add("only one of latitude and longitude.");
                }
                else if (!TryNumber(delimiter == ';' ? latText.Replace(',', '.') : latText, out double lat)
                    || !TryNumber(delimiter == ';' ? lonText.Replace(',', '.') : lonText, out double lon) || !GeoPoint.IsValid(lat, lon))
                {
                    errors.Add($"'{latText}', '{lonText}' is not a position in degrees.");
                }
                else
                {
                    position = new GeoPoint(lat, lon);
                }
            }

            ResidentConcern? concern = Check(Field("place"), Field("site"), Field("received"), Field("kind"), position, source, catalog, nowMs, errors, "");
            if (concern is null)
            {
                rejects.Add(new ConcernReject(line, string.Join(" ", errors)));
                continue;
            }

            // The same row twice in a file is two reports; the same file twice is the same reports.
            string content = string.Join('\u001f', concern.ReceivedMs.ToString(CultureInfo.InvariantCulture), concern.Place, FollowUpNames.Name(concern.Kind),
                concern.SiteId ?? "", position?.Latitude.ToString("R", CultureInfo.InvariantCulture) ?? "", position?.Longitude.ToString("R", CultureInfo.InvariantCulture) ?? "");
            int occurrence = seen[content] = seen.GetValueOrDefault(content) + 1;
            byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(content + '\u001f' + occurrence.ToString(CultureInfo.InvariantCulture)));
            string day = StockholmTime.ToLocal(concern.ReceivedMs).ToString("yyMMdd", CultureInfo.InvariantCulture);
            concerns.Add(concern with { Id = $"r{day}-{Convert.ToHexStringLower(hash.AsSpan(0, 4))}" });
        }

        return new ConcernImport(concerns, rejects, rows);
    }

    /// <summary>Lists the reports received in <paramref name="period"/> (all when null) with the site each is counted at.</summary>
    public static async Task<int> ListAsync(Period? period, OutputFormat format, FollowUpStore store, SiteMap map, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(output);
        ConcernDto[] concerns = [.. (await store.ConcernsAsync(period, ct).ConfigureAwait(false)).Select(c => ToDto(c, map))];
        switch (format)
        {
            case OutputFormat.Json:
                output.Write(JsonSerializer.Serialize(new ConcernListDocument(concerns), AnalysisJsonContext.Default.ConcernListDocument));
                output.WriteLine();
                break;
            case OutputFormat.Csv:
                var csv = new CsvWriter(output);
                csv.Field("id").Field("received").Field("place").Field("kind").Field("site").Field("linkedSite").Field("latitude").Field("longitude")
                    .Field("nearestSite").Field("nearestSiteMetres").Field("source").EndLine();
                foreach (ConcernDto c in concerns)
                {
                    csv.Field(c.Id).Field(c.Received.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)).Field(c.Place).Field(c.Kind).Field(c.Site)
                        .Field(c.LinkedSite).Field(c.Latitude).Field(c.Longitude).Field(c.NearestSite).Field(c.NearestSiteMetres).Field(c.Source).EndLine();
                }

                break;
            case OutputFormat.Table:
                var table = new TextTable("id", "received", "kind", "place", "counted at", "source");
                foreach (ConcernDto c in concerns)
                {
                    table.Add(c.Id, c.Received.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), c.Kind, c.Place, c.LinkedSite ?? "(no site)", c.Source);
                }

                table.WriteTo(output);
                output.WriteLine($"Reports: {concerns.Length}, {concerns.Count(c => c.LinkedSite is null)} at places without a sign.");
                break;
            default:
                throw new AnalysisRequestException("concerns list writes table, csv or json.");
        }

        return 0;
    }

    internal static ConcernDto ToDto(ResidentConcern c, SiteMap map)
    {
        (string? nearest, double metres) = map.Nearest(c.Position);
        return new ConcernDto(c.Id, Format.Local(c.ReceivedMs), c.Place, FollowUpNames.Name(c.Kind), c.SiteId, map.SiteOf(c), c.Position?.Latitude, c.Position?.Longitude,
            nearest, nearest is null ? null : Math.Round(metres), c.Source);
    }

    private static ResidentConcern? Check(string? place, string? siteId, string? received, string? kindText, GeoPoint? position, string source, SiteCatalog catalog,
        long nowMs, List<string> errors, string option)
    {
        place = string.IsNullOrWhiteSpace(place) ? null : ControlsCommand.OneLine(place);
        if (place is null)
        {
            errors.Add($"{option}place is missing (a street, a crossing, a stretch of road).");
        }
        else if (place.Length > MaxPlaceLength)
        {
            errors.Add($"{option}place is {place.Length} characters long; at most {MaxPlaceLength}.");
        }

        if (siteId is not null && !catalog.TryGetSite(siteId, out _))
        {
            errors.Add($"{option}site: unknown site '{siteId}'. Known sites: {ControlsCommand.KnownSites(catalog)}.");
        }

        long receivedMs = 0;
        if (!PeriodParser.TryParseTime(received, out receivedMs, out string? error))
        {
            errors.Add($"{option}received: {error}");
        }
        else if (receivedMs > nowMs)
        {
            errors.Add($"{option}received ({received}) lies in the future.");
        }

        if (!FollowUpNames.TryParse(kindText, out ConcernKind kind))
        {
            errors.Add($"{option}kind '{kindText}' is not one of {FollowUpNames.ConcernKinds}.");
        }

        return errors.Count > 0 ? null : new ResidentConcern("", receivedMs, place!, kind, siteId, position, source);
    }

    private static string Today(long nowMs) => StockholmTime.LocalDate(nowMs).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static bool TryNumber(string text, out double value) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
