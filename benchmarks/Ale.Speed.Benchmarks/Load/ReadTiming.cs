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
/// <code>read-timing --config F --from 2025-01-01 --to 2026-01-01 --rounds 5 --reads total,day,hour-of-week,hotspots [--phases true]</code>
/// <c>--phases true</c> also times a report's phases apart: bins and coverage read (every site at once), rows, table.
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
            if (values.ContainsKey("--phases") && read != "hotspots")
            {
                await PhasesAsync(read, period, reader, catalog, rounds).ConfigureAwait(false);
            }
        }

        return 0;
    }

    /// <summary>A report's three phases timed apart (bins and coverage read; rows built; table formatted), medians.</summary>
    private static async Task PhasesAsync(string read, Period period, BinReader reader, SiteCatalog catalog, int rounds)
    {
        var request = new ReportRequest { Period = period, By = OutputNames.TryParseGrouping(read, out ReportGrouping by) ? by : throw new ArgumentException(read) };
        var phases = new List<double>[] { [], [], [] };
        for (int round = 0; round <= rounds; round++)
        {
            long started = Stopwatch.GetTimestamp();
            Task<Ale.Speed.Influx.Coverage.StoredCoverage> coverageRead = reader.ReadCoverageAsync(period.FromMs, period.ToMs, null, CancellationToken.None);
            IReadOnlyList<StoredBin> bins = await Ale.Speed.Analysis.Data.StoredBins.ReadMergedAsync(reader, period, (string?)null, ReportCommand.GrainOf(request), CancellationToken.None).ConfigureAwait(false);
            Ale.Speed.Influx.Coverage.StoredCoverage coverage = await coverageRead.ConfigureAwait(false);
            long readDone = Stopwatch.GetTimestamp();
            Report report = ReportBuilder.Build(bins, period, catalog, request.By, request.Statistics, null, coverage);
            long built = Stopwatch.GetTimestamp();
            ReportCommand.Render(report, OutputFormat.Table, TextWriter.Null);
            long rendered = Stopwatch.GetTimestamp();
            if (round > 0)
            {
                phases[0].Add(Stopwatch.GetElapsedTime(started, readDone).TotalMilliseconds);
                phases[1].Add(Stopwatch.GetElapsedTime(readDone, built).TotalMilliseconds);
                phases[2].Add(Stopwatch.GetElapsedTime(built, rendered).TotalMilliseconds);
            }
        }

        double Median(List<double> times) => times.Order().ElementAt(times.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{read} phases: read {Median(phases[0]):F0} ms, rows {Median(phases[1]):F0} ms, table {Median(phases[2]):F0} ms (medians of {rounds})"));
    }
}
