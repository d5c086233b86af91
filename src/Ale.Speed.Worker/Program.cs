using System.CommandLine;
using Ale.Speed.Worker.Hosting;
using Ale.Speed.Worker.Commands;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Status;
using Microsoft.Extensions.Hosting;

namespace Ale.Speed.Worker;

/// <summary>The <c>ale-speed</c> command.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var config = new Option<FileInfo>("--config", "-c") { Description = "The configuration file (JSON; environment variables override).", Required = true };

        var exitWhenDone = new Option<bool>("--exit-when-done") { Description = "Stop once every file source is read and everything is stored (demos, tests)." };
        var run = new Command("run", "Run the edge worker: sources → journal → bins → InfluxDB.") { config, exitWhenDone };
        run.SetAction(async (parse, cancellationToken) =>
        {
            WorkerSettings? settings = WorkerApp.LoadSettings(parse.GetValue(config)!.FullName, Console.Error);
            if (settings is null)
            {
                return 2;
            }

            using IHost host = WorkerApp.Build(settings, parse.GetValue(exitWhenDone));
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });

        var status = new Command("status", "Show the running worker's live figures.") { config };
        status.SetAction(parse =>
        {
            WorkerSettings? settings = WorkerApp.LoadSettings(parse.GetValue(config)!.FullName, Console.Error);
            return settings is null ? 2 : StatusPrinter.Print(settings.DataDirectory, TimeProvider.System, Console.Out);
        });

        var days = new Option<double>("--days") { Description = "How many days of traffic.", DefaultValueFactory = _ => 7 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed: the same seed gives the same traffic.", DefaultValueFactory = _ => 2026 };
        var start = new Option<string?>("--start") { Description = "First day (ISO 8601; Stockholm time without an offset). Default: today minus --days, local midnight." };
        var simulate = new Command("simulate", "Simulate realistic traffic for the configured units (Transport 'file': into their files).") { config, days, seed, start };
        simulate.SetAction(parse =>
        {
            WorkerSettings? settings = WorkerApp.LoadSettings(parse.GetValue(config)!.FullName, Console.Error);
            if (settings is null)
            {
                return 2;
            }

            TimeSpan duration = TimeSpan.FromDays(parse.GetValue(days));
            long startMs;
            if (parse.GetValue(start) is { } text)
            {
                if (!LocalTime.TryParse(text, out startMs))
                {
                    Console.Error.WriteLine($"error: --start '{text}' is not a date (ISO 8601).");
                    return 2;
                }
            }
            else
            {
                DateTime today = LocalTime.ToLocal(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds()).Date;
                startMs = LocalTime.FromLocal(today - duration);
            }

            return SimulateCommand.WriteFiles(settings, DateTimeOffset.FromUnixTimeMilliseconds(startMs), duration, parse.GetValue(seed), Console.Out);
        });

        var root = new RootCommand("Ale.Speed: radar speed-sign measurements into decisions.") { run, status, simulate };
        foreach (Command command in AnalysisCommands.Create(config))
        {
            root.Subcommands.Add(command);
        }

        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }
}
