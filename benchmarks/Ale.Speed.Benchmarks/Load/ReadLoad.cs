using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Channels;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Time;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Coverage;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Benchmarks.Load;

/// <summary>
/// The read-side load tool (docs/performance.md, scripts/bench-read.sh): generates N sites × D days of traffic as bins
/// directly — vehicles drawn per 5-minute window from a weekly profile and added to bins, no frames, no worker — and
/// stores the 5-minute bins and/or their hour, day and month rollups in an InfluxDB 1.x on loopback, and writes a
/// configuration naming the sites. Deterministic for a seed: <c>--levels month</c> alone adds the months of data stored
/// before with the same arguments; <c>--levels how</c> builds the hour-of-week levels from the stored hour rollups.
/// <c>coverage</c> in the levels also stores unit coverage as a worker would (one <c>unit_coverage</c> point per unit and
/// 5-minute window in which it was alive), with outages drawn per site; outage windows then hold no bins.
/// <c>--rollup-rp NAME</c> stores the rollups (hour, day, month, hour-of-week levels, coverage days) in that retention
/// policy, as a worker with <c>Influx.RollupRetentionPolicy</c> does; windows and coverage points stay in the default one.
/// <code>load --url http://127.0.0.1:18096 --db ale_speed_read --sites 50 --from 2025-01-01 --days 365 --levels window,hour,day,month,coverage --window-sites 5 --rollup-rp rollups --config-out F --data-dir D</code>
/// </summary>
public static class ReadLoad
{
    private const long WindowMs = 300_000;
    private const int BatchLines = 5000;
    private static readonly int[] s_limits = [30, 40, 50, 60, 70, 80];

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        var stopwatch = Stopwatch.StartNew();
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var channel = Channel.CreateBounded<Post>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        Task writer = PostAllAsync(http, channel.Reader);
        long[] written = new long[4];
        long coverage = 0;
        try
        {
            if (options.Levels.Any(l => l <= RollupLevel.Month) || options.Coverage)
            {
                coverage = Generate(options, channel.Writer, written);
            }
        }
        finally
        {
            channel.Writer.Complete();
        }

        await writer.ConfigureAwait(false);
        string levels = "";
        if (options.Levels.Contains(RollupLevel.MonthHourOfWeek))
        {
            // Built the way `ale-speed rollup` builds them: from the stored hour rollups (and months), per month, then the year.
            InfluxOptions influx = options.Influx;
            using var rollupWriter = new InfluxWriter(http, influx.ForRollups());
            long fromMs = StockholmTime.StartOfDay(DateOnly.FromDateTime(options.From));
            HourOfWeekRefresh refresh = await new HourOfWeekLevels(new BinReader(new InfluxQueryClient(http, influx)), StockholmTime.Zone)
                .RefreshAsync(rollupWriter, fromMs, StockholmTime.StartOfDay(DateOnly.FromDateTime(options.From).AddDays(options.Days)), force: true).ConfigureAwait(false);
            if (refresh.Failure is { } failure)
            {
                throw new InvalidOperationException($"InfluxDB refused the hour-of-week levels: {failure.Failure} {failure.StatusCode} {failure.Message}");
            }

            levels = string.Create(CultureInfo.InvariantCulture, $", {refresh.Points:N0} hour-of-week points ({refresh.MonthsBuilt} months, {refresh.YearsBuilt} years)");
        }

        if (options.Coverage)
        {
            // The coverage day rollups, as `ale-speed rollup` builds them: from the stored points, every writer.
            InfluxOptions influx = options.Influx;
            using var dayWriter = new InfluxWriter(http, influx.ForRollups());
            CoverageDaysResult days = await new CoverageDays(new InfluxQueryClient(http, influx), dayWriter, StockholmTime.Zone)
                .RebuildAsync(StockholmTime.StartOfDay(DateOnly.FromDateTime(options.From)), StockholmTime.StartOfDay(DateOnly.FromDateTime(options.From).AddDays(options.Days)), writerId: null)
                .ConfigureAwait(false);
            if (days.Failure is { } failure)
            {
                throw new InvalidOperationException($"InfluxDB refused the coverage day rollups: {failure.Failure} {failure.StatusCode} {failure.Message}");
            }

            levels += string.Create(CultureInfo.InvariantCulture, $", {days.Points:N0} coverage day rollups");
        }

        if (options.ConfigOut is not null)
        {
            await File.WriteAllTextAsync(options.ConfigOut, Config(options)).ConfigureAwait(false);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{options.Sites} sites × {options.Days} days from {options.From:yyyy-MM-dd}: {written[0]:N0} window bins, {written[1]:N0} hour rollups, {written[2]:N0} day rollups, {written[3]:N0} month rollups{levels}, {coverage:N0} coverage points stored in {stopwatch.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    /// <returns>The coverage points written.</returns>
    private static long Generate(Options options, ChannelWriter<Post> output, long[] written)
    {
        long coveragePoints = 0;
        var encoder = new BinPointEncoder();
        using var batch = new Target(WriteUri(options, policy: null));
        // The rollups' own batch when they have their own retention policy; the draws below do not depend on it.
        using Target? ownRollups = options.RollupPolicy is null ? null : new Target(WriteUri(options, options.RollupPolicy));
        Target rollupBatch = ownRollups ?? batch;
        var hours = new RollupBuilder(RollupLevel.Hour, StockholmTime.Zone);
        var days = new RollupBuilder(RollupLevel.Day, StockholmTime.Zone);
        var months = new RollupBuilder(RollupLevel.Month, StockholmTime.Zone);
        long fromMs = StockholmTime.StartOfDay(DateOnly.FromDateTime(options.From));
        long toMs = StockholmTime.StartOfDay(DateOnly.FromDateTime(options.From).AddDays(options.Days));
        double[] profile = WeekProfile();
        for (int s = 0; s < options.Sites; s++)
        {
            var random = new Random(options.Seed * 1000 + s);
            string siteId = SiteId(s);
            int limit = s_limits[s % s_limits.Length];
            double dailyPerDirection = 400 + (s * 397 % 3000);
            double offset = -4 + (s * 7 % 13);
            bool writeWindows = options.Levels.Contains(RollupLevel.Window) && s < options.WindowSites;
            bool[]? down = options.Coverage ? Outages(options.Seed, s, fromMs, toMs) : null;
            foreach (Direction direction in (Direction[])[Direction.Approaching, Direction.Receding])
            {
                for (long day = fromMs; day < toMs; day = Rollups.NextDayStart(day, StockholmTime.Zone))
                {
                    long dayEnd = Rollups.NextDayStart(day, StockholmTime.Zone);
                    for (long window = day; window < dayEnd; window += WindowMs)
                    {
                        int hourOfWeek = StockholmTime.HourOfWeek(window);
                        int n = Poisson(random, dailyPerDirection * profile[hourOfWeek] / 12);
                        if (n == 0)
                        {
                            continue;
                        }

                        var bin = new Bin(limit);
                        double mean = limit + offset + (hourOfWeek % 24 is < 5 or >= 22 ? 6 : 0);
                        for (int v = 0; v < n; v++)
                        {
                            double speed = Math.Clamp(mean + 8 * Normal(random), 3, 220);
                            bin.Add(Math.Round(speed, 1), Class(random));
                        }

                        // Drawn all the same, so that the other windows' vehicles do not depend on the outages.
                        if (down is not null && down[(window - fromMs) / WindowMs])
                        {
                            continue;
                        }

                        var key = new BinKey(siteId, direction, DisplayMode.DisplayOn, window);
                        hours.Add(key, bin);
                        days.Add(key, bin);
                        months.Add(key, bin);
                        if (writeWindows)
                        {
                            encoder.Write(batch.Lines.Writer, RollupLevel.Window, key, bin, options.Writer, WindowMs, TimestampPrecision.Seconds, 0);
                            written[0]++;
                            Flush(batch, output, force: false);
                        }
                    }

                    // A month is complete at its last day or the last day generated.
                    bool monthEnds = dayEnd >= toMs || Rollups.MonthStart(dayEnd, StockholmTime.Zone) == dayEnd;
                    foreach (RollupBuilder builder in monthEnds ? (RollupBuilder[])[hours, days, months] : [hours, days])
                    {
                        if (options.Levels.Contains(builder.Level))
                        {
                            foreach (Rollup rollup in builder.Built())
                            {
                                encoder.Write(rollupBatch.Lines.Writer, rollup, options.Writer, TimestampPrecision.Seconds);
                                written[(int)rollup.Level]++;
                            }
                        }

                        builder.Clear();
                    }

                    Flush(rollupBatch, output, force: false);
                }
            }

            for (int w = 0; down is not null && w < down.Length; w++)
            {
                if (!down[w])
                {
                    // A unit alive in its window: about a heartbeat every 10 s (readers count windows, not frames).
                    var point = new CoveragePoint(siteId, UnitId(s), DisplayMode.DisplayOn, fromMs + w * WindowMs, WindowMs, 30, Connected: true);
                    CoverageSchema.Write(batch.Lines.Writer, point, options.Writer, TimestampPrecision.Seconds);
                    coveragePoints++;
                    Flush(batch, output, force: false);
                }
            }
        }

        Flush(batch, output, force: true);
        if (ownRollups is not null)
        {
            Flush(ownRollups, output, force: true);
        }

        return coveragePoints;
    }

    /// <summary>
    /// The 5-minute windows of [<paramref name="fromMs"/>, <paramref name="toMs"/>) in which a site's unit is down: a
    /// drop-out of 5–15 minutes on about one day in ten, an outage of 1–24 hours on about one day in fifty, and at every
    /// fifth site one of 2–5 days in the period. Its own random stream, so the traffic drawn does not change.
    /// </summary>
    private static bool[] Outages(int seed, int site, long fromMs, long toMs)
    {
        var random = new Random(seed * 1000 + site + 500_000);
        var down = new bool[(toMs - fromMs) / WindowMs];
        const int PerDay = (int)(24 * Rollups.HourMs / WindowMs);
        void Down(int first, int count) => Array.Fill(down, true, first, Math.Min(count, down.Length - first));
        for (int day = 0; day * PerDay < down.Length; day++)
        {
            int dayStart = day * PerDay, dayLength = Math.Min(PerDay, down.Length - dayStart);
            if (random.NextDouble() < 0.1)
            {
                Down(dayStart + random.Next(dayLength), 1 + random.Next(3));
            }

            if (random.NextDouble() < 0.02)
            {
                Down(dayStart + random.Next(dayLength), 12 * (1 + random.Next(24)));
            }
        }

        if (site % 5 == 4)
        {
            Down(random.Next(down.Length), PerDay * (2 + random.Next(4)));
        }

        return down;
    }

    private static void Flush(Target target, ChannelWriter<Post> output, bool force)
    {
        LineBatch batch = target.Lines;
        if (batch.Count >= BatchLines || (force && batch.Count > 0))
        {
            var body = new Post(target.Uri, batch.GetLines(0, batch.Count).ToArray());
            batch.Clear();
            while (!output.TryWrite(body))
            {
                output.WaitToWriteAsync().AsTask().GetAwaiter().GetResult();
            }
        }
    }

    private static Uri WriteUri(Options options, string? policy) => new(options.Url,
        $"write?db={Uri.EscapeDataString(options.Database)}&precision=s{(policy is null ? "" : "&rp=" + Uri.EscapeDataString(policy))}");

    private static async Task PostAllAsync(HttpClient http, ChannelReader<Post> input)
    {
        while (await input.WaitToReadAsync().ConfigureAwait(false))
        {
            while (input.TryRead(out Post post))
            {
                using var content = new ByteArrayContent(post.Body);
                content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
                using HttpResponseMessage response = await http.PostAsync(post.Uri, content).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"InfluxDB refused a batch: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
                }
            }
        }
    }

    /// <summary>Relative traffic per local hour of the week (Monday 00 first): commuter peaks on weekdays, flatter weekends, quiet nights.</summary>
    private static double[] WeekProfile()
    {
        double[] day = [0.2, 0.1, 0.1, 0.1, 0.3, 1.0, 3.0, 6.0, 7.0, 5.0, 4.5, 4.5, 5.0, 5.0, 5.5, 6.5, 7.5, 7.0, 5.0, 3.5, 2.5, 1.8, 1.0, 0.5];
        double[] weekend = [0.6, 0.4, 0.3, 0.2, 0.2, 0.4, 0.8, 1.5, 2.5, 3.5, 4.5, 5.0, 5.0, 5.0, 4.8, 4.5, 4.2, 3.8, 3.2, 2.6, 2.0, 1.5, 1.0, 0.7];
        double total = day.Sum();
        var week = new double[168];
        for (int h = 0; h < 168; h++)
        {
            week[h] = (h / 24 < 5 ? day[h % 24] : weekend[h % 24]) / total;
        }

        return week;
    }

    private static int Poisson(Random random, double lambda)
    {
        if (lambda > 30)
        {
            return Math.Max(0, (int)Math.Round(lambda + Math.Sqrt(lambda) * Normal(random)));
        }

        double limit = Math.Exp(-lambda), p = random.NextDouble();
        int k = 0;
        while (p > limit)
        {
            k++;
            p *= random.NextDouble();
        }

        return k;
    }

    private static double Normal(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static VehicleClass Class(Random random) => random.Next(1000) switch
    {
        < 920 => VehicleClass.Car,
        < 970 => VehicleClass.Heavy,
        < 980 => VehicleClass.Moped,
        < 990 => VehicleClass.Motorcycle,
        < 995 => VehicleClass.ATraktor,
        _ => VehicleClass.Bicycle,
    };

    private static string SiteId(int s) => string.Create(CultureInfo.InvariantCulture, $"load-site-{s + 1:00}");

    private static string UnitId(int s) => string.Create(CultureInfo.InvariantCulture, $"u-load-{s + 1:00}");

    private static string Config(Options options)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $$"""{ "AleSpeed": { "DataDirectory": "{{options.DataDirectory}}", "Sites": [""");
        for (int s = 0; s < options.Sites; s++)
        {
            text.Append(CultureInfo.InvariantCulture, $$"""{{(s > 0 ? "," : "")}} { "Id": "{{SiteId(s)}}", "Name": "Load site {{s + 1}}", "SpeedLimitKmh": {{s_limits[s % s_limits.Length]}} }""");
        }

        text.Append("], \"Units\": [");
        for (int s = 0; s < options.Sites; s++)
        {
            text.Append(CultureInfo.InvariantCulture, $$"""{{(s > 0 ? "," : "")}} { "Id": "{{UnitId(s)}}", "Site": "{{SiteId(s)}}", "Transport": "mqtt", "Format": "canonical" }""");
        }

        text.Append(CultureInfo.InvariantCulture, $$"""], "Influx": { "Url": "{{options.Url}}", "Api": "v1", "Database": "{{options.Database}}", "ReadRollups": {{(options.ReadRollups ? "true" : "false")}}{{(options.RollupPolicy is null ? "" : $", \"RollupRetentionPolicy\": \"{options.RollupPolicy}\"")}} }, "Mqtt": { "Url": "mqtt://127.0.0.1:1" } } }""");
        return text.ToString();
    }

    /// <summary>A request body and where it goes (the rollups may have their own retention policy).</summary>
    private readonly record struct Post(Uri Uri, byte[] Body);

    /// <summary>The lines waiting for one write address.</summary>
    private sealed class Target(Uri uri) : IDisposable
    {
        public Uri Uri { get; } = uri;

        public LineBatch Lines { get; } = new(TimestampPrecision.Seconds, 4 * 1024 * 1024);

        public void Dispose() => Lines.Dispose();
    }

    private sealed record Options(Uri Url, string Database, int Sites, DateTime From, int Days, HashSet<RollupLevel> Levels, int WindowSites,
        string Writer, int Seed, string? ConfigOut, string DataDirectory, bool ReadRollups, bool Coverage, string? RollupPolicy)
    {
        /// <summary>The server, database and rollups' retention policy, as a worker configured so would have them.</summary>
        public InfluxOptions Influx => new() { Url = Url, Database = Database, RollupRetentionPolicy = RollupPolicy };

        public static Options Parse(string[] args)
        {
            Dictionary<string, string> values = LoadArguments.Parse(args);

            string Get(string key, string fallback) => values.GetValueOrDefault(key, fallback);
            string[] named = Get("--levels", "window,hour,day").Split(',');
            HashSet<RollupLevel> levels = [.. named.Where(l => l != "coverage").Select(l => l switch
            {
                "window" => RollupLevel.Window,
                "hour" => RollupLevel.Hour,
                "day" => RollupLevel.Day,
                "month" => RollupLevel.Month,
                "how" => RollupLevel.MonthHourOfWeek,
                _ => throw new ArgumentException($"--levels: '{l}' is not window, hour, day, month, how (hour-of-week levels, from the stored hours) or coverage."),
            })];
            int sites = int.Parse(Get("--sites", "50"), CultureInfo.InvariantCulture);
            return new Options(new Uri(Get("--url", "http://127.0.0.1:18096/")), Get("--db", "ale_speed_read"), sites,
                DateTime.ParseExact(Get("--from", "2025-01-01"), "yyyy-MM-dd", CultureInfo.InvariantCulture), int.Parse(Get("--days", "365"), CultureInfo.InvariantCulture),
                levels, int.Parse(Get("--window-sites", Get("--sites", "50")), CultureInfo.InvariantCulture), Get("--writer", "load"),
                int.Parse(Get("--seed", "1"), CultureInfo.InvariantCulture), values.GetValueOrDefault("--config-out"), Get("--data-dir", ".data/bench-read/data"),
                Get("--read-rollups", "true") == "true", named.Contains("coverage"), string.IsNullOrEmpty(values.GetValueOrDefault("--rollup-rp")) ? null : values["--rollup-rp"]);
        }
    }
}
