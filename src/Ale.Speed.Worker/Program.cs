using System.CommandLine;
using Ale.Speed.Core.Time;
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
            WorkerSettings? settings = WorkerApp.LoadSettings(parse.GetValue(config)!.FullName, Console.Error, forRun: true);
            if (settings is null)
            {
                return 2;
            }

            using DataDirectoryLock? claim = DataDirectoryLock.TryAcquire(settings.DataDirectory, TimeProvider.System, out string? refusal);
            if (claim is null)
            {
                Console.Error.WriteLine($"error: {refusal}");
                return 3;
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
        var mqtt = new Option<bool>("--mqtt") { Description = "Publish for the units with Transport 'mqtt' to the configured broker (instead of writing files)." };
        var raw = new Option<bool>("--raw") { Description = "With --mqtt: the units' native frames to …/raw instead of canonical records to …/vehicle." };
        var serial = new Option<string?>("--serial") { Description = "Write one unit's native frames to this serial device (with --unit)." };
        var unitOption = new Option<string?>("--unit") { Description = "The unit for --serial." };
        var speed = new Option<double>("--speed") { Description = "Pacing: 1 = real time, 10 = ten times faster, 0 = as fast as possible.", DefaultValueFactory = _ => 0 };
        var linesPerMessage = new Option<int>("--lines-per-message") { Description = "With --mqtt: records per message.", DefaultValueFactory = _ => 1 };
        var simulate = new Command("simulate", "Simulate realistic traffic for the configured units: into their files (Transport 'file'), over MQTT, or onto a serial line.")
        {
            config, days, seed, start, mqtt, raw, serial, unitOption, speed, linesPerMessage,
        };
        simulate.SetAction(async (parse, cancellationToken) =>
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
                if (!StockholmTime.TryParse(text, out startMs, out _))
                {
                    Console.Error.WriteLine($"error: --start '{text}' is not a date (ISO 8601).");
                    return 2;
                }
            }
            else
            {
                DateTime today = StockholmTime.ToLocal(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds()).Date;
                startMs = StockholmTime.FromLocal(today - duration);
            }

            var first = DateTimeOffset.FromUnixTimeMilliseconds(startMs);
            var pacing = new Devices.Simulation.SimulationPacing(parse.GetValue(speed));
            if (parse.GetValue(serial) is { } device)
            {
                return await SimulateCommand.WriteSerialAsync(settings, parse.GetValue(unitOption) ?? "", device, first, duration, parse.GetValue(seed), pacing,
                    Console.Out, cancellationToken).ConfigureAwait(false);
            }

            return parse.GetValue(mqtt)
                ? await SimulateCommand.PublishMqttAsync(settings, first, duration, parse.GetValue(seed), parse.GetValue(raw), Math.Max(1, parse.GetValue(linesPerMessage)),
                    pacing, Console.Out, cancellationToken).ConfigureAwait(false)
                : SimulateCommand.WriteFiles(settings, first, duration, parse.GetValue(seed), Console.Out);
        });

        var port = new Option<string>("--port") { Description = "The unit's serial device, e.g. /dev/ttyACM0.", Required = true };
        var profile = new Option<FileInfo>("--profile") { Description = "A profile from firmware-config/.", Required = true };
        var baud = new Option<int?>("--baud") { Description = "Serial speed (default: the profile's, else 115200 for OPS243)." };
        var provision = new Command("provision", "Send a configuration profile to a unit, verify that each setting took, report any mismatch.") { port, profile, baud };
        provision.SetAction((parse, cancellationToken) => Devices.Provisioning.ProvisioningTool.RunAsync(
            parse.GetValue(port)!, parse.GetValue(profile)!.FullName, Console.Out, parse.GetValue(baud), cancellationToken));

        var root = new RootCommand("Ale.Speed: radar speed-sign measurements into decisions.") { run, status, simulate, provision, ImportCommand.Create(config), RollupCommand.Create(config) };
        foreach (Command command in AnalysisCommands.Create(config).Concat(FollowUpCommands.Create(config)).Concat(ServeCommand.Create(config)))
        {
            root.Subcommands.Add(command);
        }

        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }
}
