using System.Globalization;
using System.Text.Json;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Data;
using Ale.Speed.Analysis.Notes;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Coverage;

namespace Ale.Speed.Analysis.Hotspots;

/// <summary>What <c>ale-speed hotspots</c> asks for.</summary>
public sealed record HotspotRequest
{
    public required Period Period { get; init; }

    public HotspotOptions Options { get; init; } = new();

    /// <summary>Table, CSV or JSON.</summary>
    public OutputFormat Format { get; init; } = OutputFormat.Table;
}

#pragma warning disable CA1819 // DTOs for JSON.

/// <summary>The JSON document of a hotspot ranking.</summary>
public sealed record HotspotDocument(PeriodDto Period, string Kind, Note Method, Note[] Limitations, HotspotWeightsDto Weights, int MinimumVehicles,
    int MinimumObservedHours, int MinimumOffences, double ConfidenceLevel,
    HotspotWindowDto[] Ranked, HotspotWindowDto[] InsufficientData, int InsufficientWindowCount, NotAssessedDto[] NotAssessed);

public sealed record HotspotWeightsDto(double Fine, double LicenceWarning, double LicenceRevocation, int ReportableMarginKmh);

public sealed record HotspotWindowDto(int? Rank, string Site, string Name, int HourOfWeek, string Window, string[] Displays, int[] LimitsKmh,
    long Vehicles, int ObservedHours, double VehiclesPerHour, long OverLimit, double? ShareOverLimit, double? V85Kmh,
    long FineOnly, long LicenceWarnings, long LicenceRevocations, long Offences, double Score, double ScoreLowerBound, Note Explanation, Note? NotRankedBecause,
    string? Basis, Note? Likelihood, long? ClusterVehicles, double? ClusterShare, double? BaselineClusterShare, double? Z);

public sealed record NotAssessedDto(string Site, string Name, Note Reason);

#pragma warning restore CA1819

/// <summary>The entry point of <c>ale-speed hotspots</c>.</summary>
public static class HotspotsCommand
{
    private static NoteText English => NoteText.English;

    /// <summary>Reads the bins of the period, ranks, writes to <paramref name="output"/>. Returns 0; throws <see cref="AnalysisRequestException"/> for a bad request.</summary>
    public static async Task<int> RunAsync(HotspotRequest request, BinReader reader, SiteCatalog catalog, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Format == OutputFormat.Html)
        {
            throw new AnalysisRequestException("hotspots writes table, csv or json (html is offered by report).");
        }

        Write(await BuildAsync(request, reader, catalog, ct).ConfigureAwait(false), request.Format, output);
        return 0;
    }

    /// <summary>
    /// The ranking <see cref="RunAsync"/> writes (<see cref="Write"/>), for a caller that keeps it (the dashboard); the
    /// request's format is not used. Throws <see cref="AnalysisRequestException"/> for a bad request.
    /// </summary>
    public static async Task<HotspotRanking> BuildAsync(HotspotRequest request, BinReader reader, SiteCatalog catalog, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(reader);
        if (!request.Options.TryValidate(out string? error))
        {
            throw new AnalysisRequestException(error!);
        }

        // Merged straight into site × hour-of-week slots as the bins stream in: no merged copy per direction and limit.
        // The coverage is read meanwhile, so InfluxDB answers one while the client merges the other.
        var slots = new HotspotSlots(request.Period);
        Task<StoredCoverage> coverage = reader.ReadCoverageAsync(request.Period.FromMs, request.Period.ToMs, null, ct);
        await Task.WhenAll(StoredBins.ReadAsync(reader, request.Period, default, BinGrain.HourOfWeek, slots.Add, ct), coverage).ConfigureAwait(false);
        return HotspotRanker.Rank(slots, catalog, request.Options, await coverage.ConfigureAwait(false));
    }

    public static void Write(HotspotRanking ranking, OutputFormat format, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        ArgumentNullException.ThrowIfNull(output);
        switch (format)
        {
            case OutputFormat.Json:
                output.Write(JsonSerializer.Serialize(ToDocument(ranking), AnalysisJsonContext.Default.HotspotDocument));
                output.WriteLine();
                break;
            case OutputFormat.Csv:
                WriteCsv(ranking, output);
                break;
            default:
                WriteTable(ranking, output);
                break;
        }
    }

    public static HotspotDocument ToDocument(HotspotRanking ranking)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        HotspotOptions o = ranking.Options;
        return new HotspotDocument(
            new PeriodDto(Format.Local(ranking.Period.FromMs), Format.Local(ranking.Period.ToMs), ranking.Period.HourCount),
            o.Kind == HotspotKind.ATraktor ? "atraktor" : "speeding", ranking.Method, [.. ranking.Limitations],
            new HotspotWeightsDto(o.FineWeight, o.LicenceWarningWeight, o.LicenceRevocationWeight, o.Statistics.Penalties.ReportableMarginKmh),
            o.EffectiveMinimumVehicles, o.MinimumObservedHours, o.MinimumOffences, o.ConfidenceLevel,
            [.. ranking.Ranked.Select(ToDto)], [.. ranking.InsufficientData.Select(ToDto)], ranking.InsufficientWindowCount,
            [.. ranking.NotAssessed.Select(n => new NotAssessedDto(n.SiteId, n.SiteName, n.Reason))]);
    }

    private static HotspotWindowDto ToDto(HotspotWindow w) => new(
        w.Rank, w.SiteId, w.SiteName, w.HourOfWeek, w.Label, [.. w.Displays], [.. w.LimitsKmh], w.Vehicles, w.ObservedHours, w.VehiclesPerHour,
        w.OverLimit, Format.Finite(w.ShareOverLimit), Format.Finite(w.V85Kmh), w.FineOnly, w.LicenceWarnings, w.LicenceRevocations, w.Offences, w.Score, w.ScoreLowerBound, w.Explanation, w.NotRankedBecause,
        w.Basis, w.Likelihood, w.ClusterVehicles, w.ClusterShare, w.BaselineClusterShare, w.Z);

    private static void WriteCsv(HotspotRanking ranking, TextWriter output)
    {
        var csv = new CsvWriter(output);
        foreach (string h in (string[])["rank", "status", "site", "name", "hourOfWeek", "window", "displays", "limitsKmh", "vehicles", "observedHours",
            "vehiclesPerHour", "overLimit", "shareOverLimit", "v85Kmh", "fineOnly", "licenceWarnings", "licenceRevocations", "offences", "score", "scoreLowerBound", "basis", "likelihood", "explanation", "notRankedBecause"])
        {
            csv.Field(h);
        }

        csv.EndLine();
        foreach ((HotspotWindow w, string status) in ranking.Ranked.Select(w => (w, "ranked")).Concat(ranking.InsufficientData.Select(w => (w, "insufficient data"))))
        {
            csv.Field(w.Rank).Field(status).Field(w.SiteId).Field(w.SiteName).Field(w.HourOfWeek).Field(w.Label)
                .Field(string.Join(';', w.Displays)).Field(string.Join(';', w.LimitsKmh.Select(l => l.ToString(CultureInfo.InvariantCulture))))
                .Field(w.Vehicles).Field(w.ObservedHours).Field(w.VehiclesPerHour).Field(w.OverLimit).Field(w.ShareOverLimit).Field(w.V85Kmh)
                .Field(w.FineOnly).Field(w.LicenceWarnings).Field(w.LicenceRevocations).Field(w.Offences).Field(w.Score).Field(w.ScoreLowerBound).Field(w.Basis).Field(English.Optional(w.Likelihood))
                .Field(English.Text(w.Explanation)).Field(English.Optional(w.NotRankedBecause));
            csv.EndLine();
        }
    }

    private static void WriteTable(HotspotRanking ranking, TextWriter output)
    {
        bool atraktor = ranking.Options.Kind == HotspotKind.ATraktor;
        output.WriteLine($"{(atraktor ? "A-traktor/moped" : "Speeding")} hotspots {Format.LocalShort(ranking.Period.FromMs)} – {Format.LocalShort(ranking.Period.ToMs)} (Europe/Stockholm)");
        output.WriteLine();
        output.WriteLine("Measured passages (without the police's tolerance): not offences, not fines issued.");
        output.WriteLine();
        var table = new TextTable("#", "site", "window", "vehicles", "hours", "veh/h", ">limit", "V85", "fine", "warn", "revoc", "score", "lower bound", atraktor ? "likelihood" : "");
        foreach (HotspotWindow w in ranking.Ranked)
        {
            table.Add(Format.Integer(w.Rank ?? 0), w.SiteId, w.Label, Format.Integer(w.Vehicles), Format.Integer(w.ObservedHours), Format.Number(w.VehiclesPerHour),
                Format.Percent(w.ShareOverLimit), Format.Number(w.V85Kmh), Format.Integer(w.FineOnly), Format.Integer(w.LicenceWarnings), Format.Integer(w.LicenceRevocations),
                Format.Number(w.Score, 2), Format.Number(w.ScoreLowerBound, 2), English.Optional(w.Likelihood) ?? "");
        }

        if (table.Count == 0)
        {
            output.WriteLine("No window has enough data to rank.");
        }
        else
        {
            table.WriteTo(output);
        }

        output.WriteLine();
        foreach (HotspotWindow w in ranking.Ranked)
        {
            output.WriteLine($"{w.Rank}. {w.SiteName} ({w.SiteId}), {w.Label}: {English.Text(w.Explanation)}");
        }

        if (ranking.InsufficientData.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Insufficient data (not ranked, measure longer):");
            foreach (HotspotWindow w in ranking.InsufficientData)
            {
                output.WriteLine($"  {w.SiteId} {w.Label}: score {Format.Number(w.Score, 2)}; {English.Optional(w.NotRankedBecause)}");
            }
        }

        foreach (SiteNotAssessed n in ranking.NotAssessed)
        {
            output.WriteLine($"Not assessed: {n.SiteId} ({n.SiteName}): {English.Text(n.Reason)}");
        }

        output.WriteLine();
        output.WriteLine("Method: " + English.Text(ranking.Method));
        foreach (string limitation in English.Texts(ranking.Limitations))
        {
            output.WriteLine("Limits: " + limitation);
        }
    }
}
