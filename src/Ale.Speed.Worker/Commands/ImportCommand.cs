using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Time;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Writing;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Hosting;
using Ale.Speed.Worker.Import;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Worker.Commands;

/// <summary>
/// <c>ale-speed import FILE --unit ID [--format F]</c>: a unit's historical log into the stored bins, each vehicle
/// counted once (see <see cref="VehicleImporter"/>). The summary goes to standard output; the progress bar and errors
/// to standard error. Exit codes: 0 done, 2 a request that cannot be done, 3 InfluxDB did not store the bins (the
/// vehicles are kept in the ledger; run the import again).
/// </summary>
internal static class ImportCommand
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static Command Create(Option<FileInfo> config)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The log read out of the unit." };
        var unit = new Option<string>("--unit") { Description = "The configured unit the log comes from (its site, speed unit, angle and filters apply).", Required = true };
        var format = new Option<string?>("--format")
        {
            Description = "The log's format (default: the unit's). " + ImportFormats.Description,
        };
        var columns = new Option<string?>("--columns") { Description = "With --format csv: the column map, e.g. 'ts=Time,speed=Speed,dir=Direction' or 'date=Date,time=Time,speed=Speed,dir=Channel'." };
        var directions = new Option<string?>("--directions") { Description = "With --format csv: the dir column's values (direction, lane, channel) as in/out, e.g. '1=in,2=out'; other values are rejects." };
        var timeFormats = new Option<string[]>("--time-format")
        {
            Description = "With --format csv: .NET date/time format of the ts column (or of date and time joined by a space), e.g. 'M/d/yyyy h:mm:ss tt'; repeat for several. Default: ISO 8601 and yyyy-MM-dd HH:mm:ss.",
        };
        var timeZone = new Option<string?>("--time-zone") { Description = "With --format csv: IANA time zone of times without an offset (default Europe/Stockholm)." };
        var speedUnit = new Option<string?>("--speed-unit") { Description = "kmh, mph or mps: the unit of the file's speeds (default: the unit's SpeedUnit)." };
        var classes = new Option<string?>("--classes") { Description = "With --format csv: the class column's values as classes, e.g. '1=car,2=heavy'; other values are rejects." };
        var output = new Option<string>("--output") { Description = "table or json.", DefaultValueFactory = _ => "table" };
        var command = new Command("import", "Import a unit's historical log into the stored bins; each vehicle counts once, however often imported or also sent live.")
        {
            config, file, unit, format, columns, directions, timeFormats, timeZone, speedUnit, classes, output,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, parse.GetValue(file)!, parse.GetValue(unit)!, parse.GetValue(format),
            new ImportFormatOptions(parse.GetValue(columns), parse.GetValue(directions), parse.GetValue(timeFormats), parse.GetValue(timeZone),
                parse.GetValue(speedUnit), parse.GetValue(classes)),
            parse.GetValue(output)!, Console.Out, Console.Error, ImportProgressBar.ForStandardError(TimeProvider.System), TimeProvider.System, ct));
        return command;
    }

    internal static async Task<int> RunAsync(FileInfo config, FileInfo file, string unitId, string? formatName, ImportFormatOptions formatOptions, string output,
        TextWriter stdout, TextWriter stderr, ImportProgressBar? progressBar, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        WorkerSettings? settings = WorkerApp.LoadSettings(config.FullName, stderr);
        if (settings is null)
        {
            return 2;
        }

        if (output is not ("table" or "json"))
        {
            return Fail(stderr, $"--output '{output}' is not one of table, json.");
        }

        if (!settings.TryGetUnit(unitId, out UnitRegistration registration))
        {
            return Fail(stderr, $"unit '{unitId}' is not configured (configured: {string.Join(", ", settings.Units.Select(u => u.Unit.Id))}).");
        }

        if (!file.Exists)
        {
            return Fail(stderr, $"'{file.FullName}' does not exist.");
        }

        if (!ImportFormats.TryCreateParser(formatName ?? FrameParsers.NameOf(registration.Unit.Format), registration.Unit, formatOptions,
                out FrameParser? parser, out string? name, out string? error))
        {
            return Fail(stderr, error!);
        }

        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        InfluxOptions influxOptions = settings.Influx with
        {
            QuarantinePath = Path.Combine(settings.ImportLedgerDirectory(unitId), "quarantine.ndjson"),
        };
        // The console logger writes to standard error, the summary alone goes to standard output.
        using ILoggerFactory loggers = LoggerFactory.Create(b => b
            .AddSimpleConsole().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
        using var writer = new InfluxWriter(http, influxOptions, timeProvider, loggers.CreateLogger<InfluxWriter>());
        InfluxOptions rollupOptions = influxOptions.ForRollups();
        using InfluxWriter? ownRollupWriter = rollupOptions == influxOptions ? null : new InfluxWriter(http, rollupOptions, timeProvider, loggers.CreateLogger<InfluxWriter>());
        var importer = new VehicleImporter(settings, writer, ownRollupWriter ?? writer, timeProvider, WorkerApp.CreateMonthRollups(settings, http, timeProvider));
        ImportSummary summary;
        bool stored;
        InfluxWriteResult? failure;
        try
        {
            await using FileStream stream = file.OpenRead();
            (summary, stored, failure) = await importer.ImportAsync(stream, registration, parser!, name!, file.Name, progressBar, cancellationToken).ConfigureAwait(false);
            summary.PreambleLines = ImportFormats.PreambleLines(parser!);
        }
        catch (ImportException ex)
        {
            progressBar?.Finish();
            return Fail(stderr, ex.Message);
        }

        progressBar?.Finish();
        if (output == "json")
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(summary, s_json).AsMemory(), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            WriteTable(summary, stdout);
        }

        if (ImportFormats.FileError(parser!) is { } fileError)
        {
            return Fail(stderr, $"{file.Name}: {fileError} Nothing was imported from it.");
        }

        if (!stored)
        {
            await stderr.WriteLineAsync(($"error: InfluxDB did not store the bins ({failure?.Failure}, HTTP {failure?.StatusCode}: {failure?.Message}). "
                + "The vehicles are kept in the import ledger and stored by the next import of this unit (running the same one again counts nothing twice).").AsMemory(),
                cancellationToken).ConfigureAwait(false);
            return 3;
        }

        if (summary.New > 0 && summary.FirstVehicle is { } first && summary.LastVehicle is { } last && settings.Options.Influx.MonthRollups)
        {
            await RebuildHourOfWeekLevelsAsync(settings, http, ownRollupWriter ?? writer, first.ToUnixTimeMilliseconds(), last.ToUnixTimeMilliseconds() + 1, stderr, cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>
    /// The hour-of-week levels of the months the import touched, rebuilt from the hour rollups it wrote (years are left to
    /// the worker's job and <c>ale-speed rollup</c>: a stale year reads from its months). A failure here loses nothing —
    /// readers check the levels and fall back to hour rollups — so it is a warning, not an error.
    /// </summary>
    private static async Task RebuildHourOfWeekLevelsAsync(WorkerSettings settings, HttpClient http, InfluxWriter writer, long fromMs, long toMs, TextWriter stderr,
        CancellationToken cancellationToken)
    {
        string? problem;
        try
        {
            HourOfWeekRefresh refresh = await new HourOfWeekLevels(WorkerApp.CreateBinReader(settings, http), StockholmTime.Zone)
                .RefreshAsync(writer, fromMs, toMs, force: true, cancellationToken, years: false).ConfigureAwait(false);
            problem = refresh.Failure is { } failure ? $"{failure.Failure}, HTTP {failure.StatusCode}: {failure.Message}" : null;
        }
        catch (Exception ex) when (ex is InfluxQueryException or HttpRequestException or System.Text.Json.JsonException or InvalidDataException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            problem = ex.Message;
        }

        if (problem is not null)
        {
            await stderr.WriteLineAsync($"warning: the hour-of-week levels of the imported months were not rebuilt ({problem}); reads use the hour rollups until the worker's job or `ale-speed rollup` rebuilds them.".AsMemory(),
                cancellationToken).ConfigureAwait(false);
        }
    }

    private static void WriteTable(ImportSummary s, TextWriter stdout)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        stdout.WriteLine($"Import of {s.File} for unit {s.UnitId} ({s.Format})");
        stdout.WriteLine(string.Create(c, $"  lines read          {s.Lines,12:N0}"));
        if (s.PreambleLines > 0)
        {
            stdout.WriteLine(string.Create(c, $"  preamble lines      {s.PreambleLines,12:N0}  (before the header)"));
        }

        stdout.WriteLine(string.Create(c, $"  rejected            {s.TotalRejects,12:N0}{(s.Rejects.Count > 0 ? "  (" + string.Join(", ", s.Rejects.Select(r => $"{r.Key} {r.Value:N0}")) + ")" : "")}"));
        if (s.RangeReports > 0 || s.DeviceMessages > 0)
        {
            stdout.WriteLine(string.Create(c, $"  range reports       {s.RangeReports,12:N0}"));
            stdout.WriteLine(string.Create(c, $"  device messages     {s.DeviceMessages,12:N0}"));
        }

        if (s.NoiseReadings > 0)
        {
            stdout.WriteLine(string.Create(c, $"  noise readings      {s.NoiseReadings,12:N0}"));
        }

        stdout.WriteLine(string.Create(c, $"  vehicles in file    {s.Vehicles,12:N0}"));
        stdout.WriteLine(string.Create(c, $"    new, counted now  {s.New,12:N0}"));
        stdout.WriteLine(string.Create(c, $"    already imported  {s.AlreadyImported,12:N0}"));
        stdout.WriteLine(string.Create(c, $"    already sent live {s.AlreadyLive,12:N0}"));
        if (s.Recovered > 0)
        {
            stdout.WriteLine(string.Create(c, $"  from an interrupted import, stored now {s.Recovered:N0}"));
        }

        stdout.WriteLine(string.Create(c, $"  bins written        {s.BinsWritten,12:N0}  (writer {VehicleImporter.WriterIdFor(s.UnitId)})"));
        stdout.WriteLine(string.Create(c, $"  rollups written     {s.RollupsWritten,12:N0}  (hours, local days and months, rebuilt whole)"));
        if (s.FirstVehicle is { } first && s.LastVehicle is { } last)
        {
            stdout.WriteLine($"  period              {first:yyyy-MM-dd HH:mm:ss}Z … {last:yyyy-MM-dd HH:mm:ss}Z");
        }

        stdout.WriteLine(string.Create(c, $"  time                {s.Elapsed.TotalSeconds,12:F1} s"));
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine($"error: {message}");
        return 2;
    }
}
