using System.Diagnostics;
using System.Globalization;
using Ale.Speed.Core.Time;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Benchmarks.Load;

/// <summary>
/// What a flush's month read-modify-write costs the worker (docs/performance.md): merges one writer's month rollups from
/// its stored day rollups (<see cref="MonthRollups"/>, one query) and writes them, as <see cref="BinLevelWriter"/> does
/// after a flush's days, over data <see cref="ReadLoad"/> stored — a whole month of every series is the worst case (a
/// flush at the month's last day). Rewriting the months is idempotent: the same days give the same points.
/// <c>--rollup-rp NAME</c> reads and writes the rollups in that retention policy (data stored with <c>load --rollup-rp</c>).
/// <code>month-merge --url http://127.0.0.1:18096/ --db ale_speed_read --writer load --month 2025-03 --rounds 10 --rollup-rp rollups</code>
/// </summary>
public static class MonthMergeTiming
{
    public static async Task<int> RunAsync(string[] args)
    {
        Dictionary<string, string> values = LoadArguments.Parse(args);

        var options = new InfluxOptions
        {
            Url = new Uri(values.GetValueOrDefault("--url", "http://127.0.0.1:18096/")),
            Database = values.GetValueOrDefault("--db", "ale_speed_read"),
            RollupRetentionPolicy = values.GetValueOrDefault("--rollup-rp"),
            MaxRetryAttempts = 0,
        };
        string writerId = values.GetValueOrDefault("--writer", "load");
        int rounds = int.Parse(values.GetValueOrDefault("--rounds", "10"), CultureInfo.InvariantCulture);
        DateOnly month = DateOnly.ParseExact(values.GetValueOrDefault("--month", "2025-03") + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        long fromMs = StockholmTime.StartOfDay(month);

        using var http = new HttpClient();
        using var writer = new InfluxWriter(http, options.ForRollups());
        var months = new MonthRollups(new BinReader(new InfluxQueryClient(http, options)), StockholmTime.Zone);
        var encoder = new BinPointEncoder();
        var merge = new List<double>();
        var write = new List<double>();
        int points = 0;
        for (int round = 0; round < rounds; round++)
        {
            long started = Stopwatch.GetTimestamp();
            List<WriterRollup> merged = await months.MergeAsync(fromMs, fromMs + 1, writerId, only: null).ConfigureAwait(false);
            merge.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            using var batch = writer.CreateBatch();
            foreach (WriterRollup rollup in merged)
            {
                encoder.Write(batch.Writer, rollup.Rollup, rollup.WriterId, batch.Precision);
            }

            InfluxWriteResult result = await writer.WriteAsync(batch).ConfigureAwait(false);
            if (!result.IsComplete)
            {
                throw new InvalidOperationException($"InfluxDB did not take the months: {result.Failure} {result.Message}");
            }

            write.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            points = merged.Count;
        }

        merge.Sort();
        write.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{points} month rollups of {month:yyyy-MM} (writer {writerId}) merged from their stored days, {rounds} rounds: read and merge min {merge[0]:F0} ms, median {merge[rounds / 2]:F0} ms; encode and write min {write[0]:F0} ms, median {write[rounds / 2]:F0} ms"));
        return 0;
    }
}
