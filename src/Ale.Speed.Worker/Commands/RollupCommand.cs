using System.CommandLine;
using System.Globalization;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Time;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Coverage;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Writing;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Hosting;

namespace Ale.Speed.Worker.Commands;

/// <summary>
/// <c>ale-speed rollup --config F --from T --to T</c>: builds the hour and day rollups (docs/schema.md) of the stored
/// 5-minute bins of every local day the range touches, then the month rollups of their months from the stored days, then
/// the hour-of-week levels of every month and year the range touches, and the coverage day rollups of every local day
/// the range touches (from the stored coverage points, every writer).
/// Idempotent; exit code 3 when InfluxDB cannot be read or written.
/// </summary>
internal static class RollupCommand
{
    public static Command Create(Option<FileInfo> config)
    {
        var from = new Option<string>("--from") { Description = "Start (ISO 8601; without an offset: Europe/Stockholm time); its whole local day is rebuilt.", Required = true };
        var to = new Option<string>("--to") { Description = "End, exclusive; the local day holding the last instant is rebuilt whole.", Required = true };
        var command = new Command("rollup", "Build the hour, day and month rollups of stored 5-minute bins (whole local days and months; idempotent).") { config, from, to };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, parse.GetValue(from), parse.GetValue(to), ct));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo config, string? from, string? to, CancellationToken cancellationToken)
    {
        WorkerSettings? settings = WorkerApp.LoadSettings(config.FullName, Console.Error);
        if (settings is null)
        {
            return 2;
        }

        if (!PeriodParser.TryParse(from, to, out Period period, out string? error))
        {
            await Console.Error.WriteLineAsync($"error: {error}".AsMemory(), cancellationToken).ConfigureAwait(false);
            return 2;
        }

        using var http = new HttpClient { Timeout = settings.Options.Influx.Timeout };
        using var writer = new InfluxWriter(http, settings.Influx.ForRollups());
        var backfill = new RollupBackfill(WorkerApp.CreateBinReader(settings, http), writer, StockholmTime.Zone, settings.Options.Influx.MonthRollups);
        try
        {
            RollupBackfillSummary summary = await backfill.RunAsync(period.FromMs, period.ToMs, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{summary.Days} local days from {StockholmTime.ToLocal(summary.FromMs):yyyy-MM-dd}: {summary.WindowsRead} bins read, {summary.HourRollups} hour, {summary.DayRollups} day and {summary.MonthRollups} month rollups written"));
            InfluxWriteResult? failure = summary.Failure;
            if (failure is null && settings.Options.Influx.MonthRollups)
            {
                // Hours of the week per month and year, from the hour rollups just written (and the stored months).
                HourOfWeekRefresh levels = await new HourOfWeekLevels(WorkerApp.CreateBinReader(settings, http), StockholmTime.Zone)
                    .RefreshAsync(writer, period.FromMs, period.ToMs, force: true, cancellationToken).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"hour-of-week levels: {levels.MonthsBuilt} months and {levels.YearsBuilt} years built ({levels.Points} points)"));
                failure = levels.Failure;
            }

            if (failure is null)
            {
                CoverageDaysResult days = await new CoverageDays(new InfluxQueryClient(http, settings.Influx), writer, StockholmTime.Zone)
                    .RebuildAsync(period.FromMs, period.ToMs, writerId: null, cancellationToken).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"coverage: {days.Points} unit days written"));
                failure = days.Failure;
            }

            if (failure is { } failed)
            {
                await Console.Error.WriteLineAsync($"error: InfluxDB did not store the rollups ({failed.Failure}, HTTP {failed.StatusCode}: {failed.Message}); run the command again.".AsMemory(), cancellationToken).ConfigureAwait(false);
                return 3;
            }

            return 0;
        }
        catch (Exception ex) when (ex is InfluxQueryException or HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"error: cannot read the stored bins from {settings.Options.Influx.Url}: {ex.Message}".AsMemory(), cancellationToken).ConfigureAwait(false);
            return 3;
        }
    }
}
