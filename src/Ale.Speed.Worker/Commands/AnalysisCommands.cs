using System.CommandLine;
using System.Text;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.Hotspots;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Hosting;

namespace Ale.Speed.Worker.Commands;

/// <summary>
/// The read commands: <c>report</c>, <c>hotspots</c>, <c>compare</c>. They read stored bins from InfluxDB and never start
/// sources or connect to the broker, so they run beside a live worker. Results go to standard output, errors to
/// standard error (exit code 2 for a request that cannot be answered, 3 when InfluxDB cannot be read).
/// </summary>
internal static class AnalysisCommands
{
    public static IEnumerable<Command> Create(Option<FileInfo> config)
    {
        var from = new Option<string>("--from") { Description = "Start (ISO 8601; without an offset: Europe/Stockholm time).", Required = true };
        var to = new Option<string>("--to") { Description = "End, exclusive (ISO 8601; without an offset: Europe/Stockholm time).", Required = true };
        var format = new Option<string>("--format") { Description = "table, csv, json or html (report only).", DefaultValueFactory = _ => "table" };

        var site = new Option<string?>("--site") { Description = "One site's id (default: all sites)." };
        var by = new Option<string>("--by") { Description = "total, day, week (ISO, from Monday) or hour-of-week.", DefaultValueFactory = _ => "total" };
        var report = new Command("report", "Per site and direction: vehicles, mean, V85, share over the limit, speed index, fine and licence bands, coverage.")
        {
            config, from, to, site, by, format,
        };
        report.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, async (settings, reader, catalog, output) =>
        {
            if (!PeriodParser.TryParse(parse.GetValue(from), parse.GetValue(to), out Period period, out string? error))
            {
                return Fail(error!);
            }

            if (!OutputNames.TryParseGrouping(parse.GetValue(by), out ReportGrouping grouping))
            {
                return Fail($"--by '{parse.GetValue(by)}' is not one of {OutputNames.GroupingNames}.");
            }

            if (!OutputNames.TryParseFormat(parse.GetValue(format), out OutputFormat outputFormat))
            {
                return Fail($"--format '{parse.GetValue(format)}' is not one of table, csv, json, html.");
            }

            var request = new ReportRequest { Period = period, SiteId = parse.GetValue(site), By = grouping, Format = outputFormat };
            return await ReportCommand.RunAsync(request, reader, catalog, output, ct).ConfigureAwait(false);
        }, ct));

        var kind = new Option<string>("--kind") { Description = "speeding or atraktor.", DefaultValueFactory = _ => "speeding" };
        var top = new Option<int>("--top") { Description = "How many windows to list.", DefaultValueFactory = _ => 10 };
        var hotspots = new Command("hotspots", "Site × hour-of-week windows ranked for enforcement, with the score explained.") { config, from, to, kind, top, format };
        hotspots.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, async (settings, reader, catalog, output) =>
        {
            if (!PeriodParser.TryParse(parse.GetValue(from), parse.GetValue(to), out Period period, out string? error))
            {
                return Fail(error!);
            }

            if (!OutputNames.TryParseKind(parse.GetValue(kind), out HotspotKind hotspotKind))
            {
                return Fail($"--kind '{parse.GetValue(kind)}' is not one of speeding, atraktor.");
            }

            if (!OutputNames.TryParseFormat(parse.GetValue(format), out OutputFormat outputFormat))
            {
                return Fail($"--format '{parse.GetValue(format)}' is not one of table, csv, json.");
            }

            if (parse.GetValue(top) is < 1 or > 1000)
            {
                return Fail("--top must be between 1 and 1000.");
            }

            Core.Statistics.StatisticsOptions statistics = HotspotStatistics(settings);
            var request = new HotspotRequest
            {
                Period = period,
                Options = new HotspotOptions { Kind = hotspotKind, Top = parse.GetValue(top), Statistics = statistics },
                Format = outputFormat,
            };
            return await HotspotsCommand.RunAsync(request, reader, catalog, output, ct).ConfigureAwait(false);
        }, ct));

        var compareSite = new Option<string>("--site") { Description = "The site's id.", Required = true };
        var before = new Option<string>("--before") { Description = "FROM/TO of the period before the measure.", Required = true };
        var after = new Option<string>("--after") { Description = "FROM/TO of the period after the measure.", Required = true };
        var control = new Option<string?>("--control") { Description = "A site without the measure: the change there is subtracted (difference in differences)." };
        var minChange = new Option<double>("--min-change") { Description = "The smallest change in km/h (mean, V85) that counts as a decrease or an increase.", DefaultValueFactory = _ => 1.0 };
        var selected = new Option<bool>("--selected-by-ranking") { Description = "The site was chosen because it ranked high: warn about regression to the mean." };
        var compare = new Command("compare", "Before/after evaluation of a measure at one site, days as the unit of variation, with intervals and a verdict.")
        {
            config, compareSite, before, after, control, minChange, selected, format,
        };
        compare.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, async (settings, reader, catalog, output) =>
        {
            if (!PeriodParser.TryParseRange(parse.GetValue(before), out Period beforePeriod, out string? error)
                || !PeriodParser.TryParseRange(parse.GetValue(after), out Period afterPeriod, out error))
            {
                return Fail(error!);
            }

            if (!OutputNames.TryParseFormat(parse.GetValue(format), out OutputFormat outputFormat))
            {
                return Fail($"--format '{parse.GetValue(format)}' is not one of table, csv, json.");
            }

            var options = new CompareOptions
            {
                ControlSiteId = parse.GetValue(control),
                MinimumChangeKmh = parse.GetValue(minChange),
                SelectedByRanking = parse.GetValue(selected),
            };
            var request = new CompareRequest { SiteId = parse.GetValue(compareSite)!, Before = beforePeriod, After = afterPeriod, Options = options, Format = outputFormat };
            return await CompareCommand.RunAsync(request, reader, catalog, output, ct).ConfigureAwait(false);
        }, ct));

        return [report, hotspots, compare];
    }

    private static async Task<int> RunAsync(FileInfo config, Func<WorkerSettings, BinReader, SiteCatalog, TextWriter, Task<int>> run, CancellationToken cancellationToken)
    {
        WorkerSettings? settings = WorkerApp.LoadSettings(config.FullName, Console.Error);
        if (settings is null)
        {
            return 2;
        }

        using var http = new HttpClient { Timeout = settings.Options.Influx.Timeout };
        BinReader reader = WorkerApp.CreateBinReader(settings, http);
        SiteCatalog catalog = Catalog(settings);
        // Results in 64 KB writes: Console.Out flushes every line, and a year by day is 110,000 lines (110,000 system calls).
        await using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
        try
        {
            return await run(settings, reader, catalog, output).ConfigureAwait(false);
        }
        catch (AnalysisRequestException ex)
        {
            return Fail(ex.Message);
        }
        catch (Exception ex) when (ex is InfluxQueryException or HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"error: cannot read the stored bins from {settings.Options.Influx.Url}: {ex.Message}".AsMemory(), cancellationToken).ConfigureAwait(false);
            return 3;
        }
    }

    /// <summary>The sites and units the read commands (and the dashboard) analyse.</summary>
    internal static SiteCatalog Catalog(WorkerSettings settings)
        => new(settings.Sites, settings.Units.Select(u => new CatalogUnit(u.Unit.Id, u.Unit.Site.Id, u.Unit.DisplayMode, u.SilentAfter)));

    /// <summary>Reportable means over the limit by more than the police's tolerance (AleSpeed:Enforcement:ReportableMarginKmh).</summary>
    internal static Core.Statistics.StatisticsOptions HotspotStatistics(WorkerSettings settings) => new()
    {
        Penalties = Core.Statistics.PenaltySchedule.Sweden with { ReportableMarginKmh = settings.Options.Enforcement.ReportableMarginKmh },
    };

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 2;
    }
}
