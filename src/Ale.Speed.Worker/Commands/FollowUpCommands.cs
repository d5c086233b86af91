using System.CommandLine;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.FollowUp;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Writing;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Hosting;

namespace Ale.Speed.Worker.Commands;

/// <summary>
/// The follow-up of the commitment: <c>controls add|list|remove</c> (police controls), and the registers' reader
/// wiring. Exit codes as the read commands: 2 for a request refused (nothing stored), 3 when InfluxDB cannot be read or
/// written.
/// </summary>
internal static class FollowUpCommands
{
    /// <summary>What a follow-up command works with, built from the configuration.</summary>
    internal sealed record Context(WorkerSettings Settings, FollowUpStore Store, BinReader Reader, SiteCatalog Catalog);

    public static IEnumerable<Command> Create(Option<FileInfo> config)
    {
        yield return Controls(config);
        yield return Concerns(config);
        yield return FollowUp(config);
    }

    private static Command FollowUp(Option<FileInfo> config)
    {
        var from = new Option<string>("--from") { Description = "Start (ISO 8601; without an offset: Europe/Stockholm time).", Required = true };
        var to = new Option<string>("--to") { Description = "End, exclusive.", Required = true };
        var format = new Option<string>("--format") { Description = "table, csv (one line per site and display mode), json or html (a printable Swedish follow-up).", DefaultValueFactory = _ => "table" };
        var days = new Option<int>("--days") { Description = "Days before and after a site's first control that the before/after comparison takes.", DefaultValueFactory = _ => 14 };
        var control = new Option<string?>("--control") { Description = "A site without controls: its change is subtracted in every comparison (difference in differences)." };
        var minChange = new Option<double>("--min-change") { Description = "The smallest change in km/h that counts as a decrease or an increase.", DefaultValueFactory = _ => 1.0 };
        var command = new Command("followup", "The follow-up of the commitment: promised against done, controls, residents' reports and the measured effect per site.")
        {
            config, from, to, format, days, control, minChange,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, context =>
        {
            if (!PeriodParser.TryParse(parse.GetValue(from), parse.GetValue(to), out Period period, out string? error))
            {
                throw new AnalysisRequestException(error!);
            }

            if (!OutputNames.TryParseFormat(parse.GetValue(format), out OutputFormat outputFormat))
            {
                throw new AnalysisRequestException($"--format '{parse.GetValue(format)}' is not one of table, csv, json, html.");
            }

            var request = new FollowUpRequest
            {
                Period = period,
                Format = outputFormat,
                Commitment = context.Settings.Commitment,
                Map = SiteMapOf(context.Settings),
                EffectDays = parse.GetValue(days),
                Compare = new Analysis.Compare.CompareOptions { SelectedByRanking = true, ControlSiteId = parse.GetValue(control), MinimumChangeKmh = parse.GetValue(minChange) },
            };
            return FollowUpCommand.RunAsync(request, context.Store, context.Reader, context.Catalog, Console.Out, ct);
        }, ct));
        return command;
    }

    private static Command Concerns(Option<FileInfo> config)
    {
        var place = new Option<string>("--place") { Description = "The place, as residents describe it (a street, a crossing, a stretch of road).", Required = true };
        var site = new Option<string?>("--site") { Description = "The site the report is about (otherwise linked by --at, if near a site)." };
        var received = new Option<string?>("--received") { Description = "When it was received (ISO 8601 date; default today)." };
        var kind = new Option<string?>("--kind") { Description = "speeding (default), moped or atraktor." };
        var at = new Option<string?>("--at") { Description = "The place's position LAT,LON in degrees (WGS 84), e.g. 57.9166,12.0703." };
        var add = new Command("add", "Register a resident's report of a problem place; prints its id.") { config, place, site, received, kind, at };
        add.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, context => ConcernsCommand.AddAsync(
            new ConcernInput(parse.GetValue(place), parse.GetValue(site), parse.GetValue(received), parse.GetValue(kind), parse.GetValue(at)),
            context.Store, context.Catalog, TimeProvider.System, Console.Out, ct), ct));

        var file = new Argument<FileInfo>("FILE") { Description = "CSV from a survey tool: place, received, and optionally kind, site, latitude, longitude (docs/analysis.md)." };
        var import = new Command("import", "Import residents' reports from a CSV file; rows that cannot be read are counted and listed, the rest stored.") { file, config };
        import.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, context => ConcernsCommand.ImportAsync(
            parse.GetValue(file)!.FullName, context.Store, context.Catalog, SiteMapOf(context.Settings), TimeProvider.System, Console.Out, ct), ct));

        var listFrom = new Option<string?>("--from") { Description = "Only reports received at or after this time." };
        var listTo = new Option<string?>("--to") { Description = "Only reports received before this time." };
        var format = new Option<string>("--format") { Description = "table, csv or json.", DefaultValueFactory = _ => "table" };
        var list = new Command("list", "List residents' reports with the site each is counted at.") { config, listFrom, listTo, format };
        list.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, context =>
        {
            if (!TryParseOptionalPeriod(parse.GetValue(listFrom), parse.GetValue(listTo), out Period? period, out string? error))
            {
                throw new AnalysisRequestException(error!);
            }

            if (!OutputNames.TryParseFormat(parse.GetValue(format), out OutputFormat outputFormat) || outputFormat == OutputFormat.Html)
            {
                throw new AnalysisRequestException($"--format '{parse.GetValue(format)}' is not one of table, csv, json.");
            }

            return ConcernsCommand.ListAsync(period, outputFormat, context.Store, SiteMapOf(context.Settings), Console.Out, ct);
        }, ct));

        return new Command("concerns", "Residents' reports of problem places (stored in InfluxDB, measurement resident_concern).") { add, import, list };
    }

    internal static SiteMap SiteMapOf(WorkerSettings settings) => new(settings.SitePositions, settings.NearSiteMetres);

    private static Command Controls(Option<FileInfo> config)
    {
        var site = new Option<string>("--site") { Description = "The site where the control was held.", Required = true };
        var from = new Option<string>("--from") { Description = "Start (ISO 8601; without an offset: Europe/Stockholm time).", Required = true };
        var to = new Option<string>("--to") { Description = "End (ISO 8601; without an offset: Europe/Stockholm time).", Required = true };
        var checkedCount = new Option<int?>("--checked") { Description = "Vehicles checked." };
        var reported = new Option<int?>("--reported") { Description = "Drivers reported." };
        var licences = new Option<int?>("--licences") { Description = "Licences withdrawn on the spot." };
        var kind = new Option<string?>("--kind") { Description = "speed (default) or moped-atraktor." };
        var note = new Option<string?>("--note") { Description = "A short note (one line)." };
        var add = new Command("add", "Register a police control that has been held; prints its id.") { config, site, from, to, checkedCount, reported, licences, kind, note };
        add.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, context =>
        {
            var input = new ControlInput(parse.GetValue(site), parse.GetValue(from), parse.GetValue(to), parse.GetValue(checkedCount), parse.GetValue(reported),
                parse.GetValue(licences), parse.GetValue(kind), parse.GetValue(note));
            return ControlsCommand.AddAsync(input, context.Store, context.Catalog, TimeProvider.System, Console.Out, ct);
        }, ct));

        var listFrom = new Option<string?>("--from") { Description = "Only controls starting at or after this time." };
        var listTo = new Option<string?>("--to") { Description = "Only controls starting before this time." };
        var format = new Option<string>("--format") { Description = "table, csv or json.", DefaultValueFactory = _ => "table" };
        var list = new Command("list", "List the registered controls (removed ones left out).") { config, listFrom, listTo, format };
        list.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, context =>
        {
            if (!TryParseOptionalPeriod(parse.GetValue(listFrom), parse.GetValue(listTo), out Period? period, out string? error))
            {
                throw new AnalysisRequestException(error!);
            }

            if (!OutputNames.TryParseFormat(parse.GetValue(format), out OutputFormat outputFormat) || outputFormat == OutputFormat.Html)
            {
                throw new AnalysisRequestException($"--format '{parse.GetValue(format)}' is not one of table, csv, json.");
            }

            return ControlsCommand.ListAsync(period, outputFormat, context.Store, context.Catalog, Console.Out, ct);
        }, ct));

        var id = new Argument<string>("ID") { Description = "The control's id (as 'controls add' printed it)." };
        var remove = new Command("remove", "Remove a control registered by mistake (kept in InfluxDB marked removed; its id is never given again).") { config, id };
        remove.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!,
            context => ControlsCommand.RemoveAsync(parse.GetValue(id)!, context.Store, TimeProvider.System, Console.Out, ct), ct));

        return new Command("controls", "The register of police controls (stored in InfluxDB, measurement police_control).") { add, list, remove };
    }

    /// <summary>Both bounds optional: a missing --from is the beginning, a missing --to the end of time.</summary>
    internal static bool TryParseOptionalPeriod(string? from, string? to, out Period? period, out string? error)
    {
        period = null;
        error = null;
        if (from is null && to is null)
        {
            return true;
        }

        if (!PeriodParser.TryParse(from ?? "1970-01-01T00:00Z", to ?? "2100-01-01T00:00Z", out Period parsed, out error))
        {
            return false;
        }

        period = parsed;
        return true;
    }

    internal static async Task<int> RunAsync(FileInfo config, Func<Context, Task<int>> run, CancellationToken cancellationToken)
    {
        WorkerSettings? settings = WorkerApp.LoadSettings(config.FullName, Console.Error);
        if (settings is null)
        {
            return 2;
        }

        using var http = new HttpClient { Timeout = settings.Options.Influx.Timeout };
        // A refused line is an error to show, not something for the worker's quarantine file.
        using var writer = new InfluxWriter(http, settings.Influx with { QuarantinePath = null });
        var store = new FollowUpStore(writer, new InfluxQueryClient(http, settings.Influx));
        var catalog = new SiteCatalog(settings.Sites,
            settings.Units.Select(u => new CatalogUnit(u.Unit.Id, u.Unit.Site.Id, u.Unit.DisplayMode, u.SilentAfter)));
        try
        {
            return await run(new Context(settings, store, WorkerApp.CreateBinReader(settings, http), catalog)).ConfigureAwait(false);
        }
        catch (AnalysisRequestException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}".AsMemory(), cancellationToken).ConfigureAwait(false);
            return 2;
        }
        catch (Exception ex) when (ex is InfluxQueryException or HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"error: InfluxDB at {settings.Options.Influx.Url}: {ex.Message}".AsMemory(), cancellationToken).ConfigureAwait(false);
            return 3;
        }
    }
}
