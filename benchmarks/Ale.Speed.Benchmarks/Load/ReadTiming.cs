using System.Diagnostics;
using System.Globalization;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Hotspots;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Worker.Commands;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Hosting;
using Ale.Speed.Influx.Bins;

namespace Ale.Speed.Benchmarks.Load;

/// <summary>
/// The year's reads in one warm process (docs/performance.md): what a running process — the dashboard, or the CLI once
/// its code is compiled — pays for <c>report</c> and <c>hotspots</c>, without the CLI's start-up and JIT. Runs each read
/// ROUNDS times after one warm-up round and prints every round's time, the median and the allocated bytes.
/// <code>read-timing --config F --from 2025-01-01 --to 2026-01-01 --rounds 5 --reads total,day,hour-of-week,hotspots</code>
/// </summary>
public static class ReadTiming
{
    public static async Task<int> RunAsync(string[] args)
    {
        Dictionary<string, string> values = LoadArguments.Parse(args);

        WorkerSettings settings = WorkerApp.LoadSettings(values["--config"], Console.Error)
            ?? throw new InvalidOperationException("The configuration is not valid.");
        if (!PeriodParser.TryParse(values.GetValueOrDefault("--from", "2025-01-01"), values.GetValueOrDefault("--to", "2026-01-01"), out Period period, out string? error))
        {
            throw new InvalidOperationException(error);
        }

        int rounds = int.Parse(values.GetValueOrDefault("--rounds", "5"), CultureInfo.InvariantCulture);
        string[] reads = values.GetValueOrDefault("--reads", "total,day,hour-of-week,hotspots").Split(',');
        using var http = new HttpClient { Timeout = settings.Options.Influx.Timeout };
        BinReader reader = WorkerApp.CreateBinReader(settings, http);
        SiteCatalog catalog = AnalysisCommands.Catalog(settings);
        Console.WriteLine($"== {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (string read in reads)
        {
            Func<Task> run = read switch
            {
                "hotspots" => () => HotspotsCommand.RunAsync(
                    new HotspotRequest { Period = period, Options = new HotspotOptions { Statistics = AnalysisCommands.HotspotStatistics(settings) } },
                    reader, catalog, TextWriter.Null, CancellationToken.None),
                _ => () => ReportCommand.RunAsync(
                    new ReportRequest { Period = period, By = OutputNames.TryParseGrouping(read, out ReportGrouping by) ? by : throw new ArgumentException(read) },
                    reader, catalog, TextWriter.Null, CancellationToken.None),
            };
            var times = new List<double>();
            long allocated = 0;
            for (int round = 0; round <= rounds; round++)
            {
                long bytes = GC.GetTotalAllocatedBytes(precise: true);
                long started = Stopwatch.GetTimestamp();
                await run().ConfigureAwait(false);
                double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (round > 0)
                {
                    times.Add(ms);
                    allocated = GC.GetTotalAllocatedBytes(precise: true) - bytes;
                }
            }

            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{read}: median {times[times.Count / 2]:F0} ms (min {times[0]:F0}, max {times[^1]:F0}, {rounds} warm rounds), allocated {allocated / 1048576.0:F0} MB per read"));
        }

        return 0;
    }
}
