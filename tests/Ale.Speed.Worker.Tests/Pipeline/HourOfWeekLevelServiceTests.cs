using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Time;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ale.Speed.Worker.Tests.Pipeline;

/// <summary>
/// The worker's background job for hour-of-week levels, on a real InfluxDB 1.6 and a fake clock: at its start delay and
/// then at every interval it re-merges month rollups that differ from their days, and rebuilds the levels of complete
/// months and years that are missing or stale, and only those.
/// </summary>
public sealed class HourOfWeekLevelServiceTests : IAsyncLifetime
{
    private const string Site = "levels-site";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ale-speed-levels-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2027, 1, 10, 8, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private InfluxDbServer _influx = null!;

    public async Task InitializeAsync() => _influx = await InfluxDbServer.StartNewAsync("levels");

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _influx.DisposeAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private AleSpeedOptions Options(string url) => new()
    {
        DataDirectory = _directory,
        Sites = [new SiteOptions { Id = Site, Name = "Levels", SpeedLimitKmh = 50 }],
        Units = [new UnitOptions { Id = "u-1", Site = Site, Transport = "mqtt", Format = "canonical" }],
        Influx = new InfluxSettings
        {
            Url = url, Api = "v1", Database = _influx.Database,
            HourOfWeekLevels = new HourOfWeekLevelSettings { StartDelay = TimeSpan.FromMinutes(5), Interval = TimeSpan.FromDays(1), LookbackMonths = 3 },
        },
        Mqtt = new MqttSettings { Url = "mqtt://127.0.0.1:1883" },
    };

    private HourOfWeekLevelService Service(string url, HttpClient? http = null)
    {
        WorkerSettings? settings = WorkerSettings.TryCreate(Options(url), "host-1", out List<string> errors);
        Assert.True(settings is not null, string.Join('\n', errors));
        return new HourOfWeekLevelService(settings, http ?? _http, _time, NullLoggerFactory.Instance);
    }

    [Fact]
    public async Task Passes_AtStartDelayAndInterval_RepairMonthsAndRebuildOnlyMissingOrStaleLevels()
    {
        // October to December 2026 of two writers; w2's months were never merged (stored before month rollups existed).
        var random = new Random(23);
        var hours = new Dictionary<string, Dictionary<BinKey, Bin>> { ["w1"] = [], ["w2"] = [] };
        long from = StockholmTime.FromLocal(new DateTime(2026, 10, 1)), to = StockholmTime.FromLocal(new DateTime(2027, 1, 1));
        foreach ((string writerId, Dictionary<BinKey, Bin> bins) in hours)
        {
            for (long hour = from; hour < to; hour += Rollups.HourMs)
            {
                if (random.Next(2) == 0)
                {
                    var bin = new Bin(50);
                    Add(bin, random, random.Next(1, 20));
                    bins[new BinKey(Site, random.Next(2) == 0 ? Direction.Approaching : Direction.Receding, DisplayMode.DisplayOn, hour)] = bin;
                }
            }

            await WriteAsync(writerId, bins, months: writerId == "w1");
        }

        HourOfWeekLevelService service = Service(_influx.Url.ToString());
        await service.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal(0, service.Passes);
            _time.Advance(TimeSpan.FromMinutes(5));
            await WaitAsync(() => service.Passes == 1);
            Assert.Equal(3, service.MonthsRepaired); // w2's October, November and December
            // The three months of the lookback, and the other nine of 2026 before its year is built from them.
            Assert.Equal((12, 3, 1, 1), (service.LastPass!.MonthsChecked, service.LastPass.MonthsBuilt, service.LastPass.YearsChecked, service.LastPass.YearsBuilt));
            var reader = new BinReader(_influx.QueryClient());
            var levels = new HourOfWeekLevels(reader, StockholmTime.Zone);
            Assert.True(await new MonthRollups(reader, StockholmTime.Zone).MatchesDaysAsync(from));
            await AssertValidAsync(levels, RollupLevel.YearHourOfWeek, StockholmTime.FromLocal(new DateTime(2026, 1, 1)), to);

            // A late vehicle in November: the next pass rebuilds November and the year, nothing else.
            BinKey late = hours["w1"].Keys.First(k => StockholmTime.ToLocal(k.WindowStartMs).Month == 11);
            Add(hours["w1"][late], random, 1);
            await WriteAsync("w1", hours["w1"], months: true);
            _time.Advance(TimeSpan.FromHours(23));
            Assert.Equal(1, service.Passes);
            _time.Advance(TimeSpan.FromHours(1));
            await WaitAsync(() => service.Passes == 2);
            Assert.Equal((1, 1), (service.LastPass!.MonthsBuilt, service.LastPass.YearsBuilt));
            Assert.Equal(3, service.MonthsRepaired);
            await AssertValidAsync(levels, RollupLevel.YearHourOfWeek, StockholmTime.FromLocal(new DateTime(2026, 1, 1)), to);
            await AssertValidAsync(levels, RollupLevel.MonthHourOfWeek, StockholmTime.FromLocal(new DateTime(2026, 11, 1)), StockholmTime.FromLocal(new DateTime(2026, 12, 1)));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
            service.Dispose();
        }
    }

    [Fact]
    public async Task RunOnce_InfluxDbAway_CountsTheFailureAndStoresNothing()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        int port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        using HourOfWeekLevelService service = Service($"http://127.0.0.1:{port}/");
        Assert.False(await service.RunOnceAsync(CancellationToken.None));
        Assert.Equal((1, 0L), (service.Failures, service.Passes));
        Assert.Null(service.LastPass);
    }

    [Fact]
    public async Task RunOnce_LateDayStoredWhileAMonthIsRepaired_MonthEndsUpWithIt()
    {
        // November 2026 stored without its month rollups: the pass re-merges the month. Just before the pass writes the
        // merged month, a flush stores a late vehicle's day (what a worker does for late data): the month the pass merged
        // lacks it, so writing it alone would leave the month rollup one vehicle short until the next pass.
        var random = new Random(29);
        var hours = new Dictionary<BinKey, Bin>();
        long from = StockholmTime.FromLocal(new DateTime(2026, 11, 1)), to = StockholmTime.FromLocal(new DateTime(2026, 12, 1));
        for (long hour = from; hour < to; hour += 3 * Rollups.HourMs)
        {
            var bin = new Bin(50);
            Add(bin, random, random.Next(1, 20));
            hours[new BinKey(Site, Direction.Approaching, DisplayMode.DisplayOn, hour)] = bin;
        }

        await WriteAsync("w1", hours, months: false);
        BinKey late = hours.Keys.First(k => StockholmTime.ToLocal(k.WindowStartMs).Day == 17);
        using var http = new HttpClient(new BeforeFirstWrite(async () =>
        {
            Add(hours[late], random, 1);
            await WriteAsync("w1", hours, months: false);
        }) { InnerHandler = new HttpClientHandler() });
        using HourOfWeekLevelService service = Service(_influx.Url.ToString(), http);

        Assert.True(await service.RunOnceAsync(CancellationToken.None));

        var months = new MonthRollups(new BinReader(_influx.QueryClient()), StockholmTime.Zone);
        Assert.True(await months.MatchesDaysAsync(from), "the month rollup holds every stored day, the late one included");
        Assert.Equal(1, service.MonthsRepaired);
        Assert.Equal(hours.Values.Sum(b => b.Count), Assert.Single(await months.MergeAsync(from, from + 1, "w1", only: null)).Rollup.Bin.Count);
    }

    /// <summary>Runs an action (on the real InfluxDB) before the first write the job sends, then sends it.</summary>
    private sealed class BeforeFirstWrite(Func<Task> action) : DelegatingHandler
    {
        private int _writes;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/write", StringComparison.Ordinal) && Interlocked.Increment(ref _writes) == 1)
            {
                await action();
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    [Theory]
    [InlineData(0, "00:01:00", "LookbackMonths")]
    [InlineData(3, "00:00:10", "Interval")]
    public void Settings_OutOfRange_NameTheKey(int lookback, string interval, string key)
    {
        AleSpeedOptions options = Options("http://127.0.0.1:8086/");
        options.Influx.HourOfWeekLevels = new HourOfWeekLevelSettings { LookbackMonths = lookback, Interval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) };
        Assert.Null(WorkerSettings.TryCreate(options, "host-1", out List<string> errors));
        Assert.StartsWith($"AleSpeed:Influx:HourOfWeekLevels:{key}", Assert.Single(errors), StringComparison.Ordinal);
    }

    private static void Add(Bin bin, Random random, int vehicles)
    {
        for (int v = 0; v < vehicles; v++)
        {
            bin.Add(Math.Round(25 + random.NextDouble() * 50, 1), VehicleClass.Car);
        }
    }

    private async Task WriteAsync(string writerId, Dictionary<BinKey, Bin> hours, bool months)
    {
        using var writer = new InfluxWriter(_http, _influx.Options() with { MaxRetryAttempts = 0, BatchSize = 20_000 });
        RollupBuilder[] builders = [new(RollupLevel.Hour, StockholmTime.Zone), new(RollupLevel.Day, StockholmTime.Zone), .. months ? [new RollupBuilder(RollupLevel.Month, StockholmTime.Zone)] : Array.Empty<RollupBuilder>()];
        foreach ((BinKey key, Bin bin) in hours)
        {
            foreach (RollupBuilder builder in builders)
            {
                builder.Add(key, bin);
            }
        }

        var encoder = new BinPointEncoder();
        using LineBatch batch = writer.CreateBatch();
        foreach (Rollup rollup in builders.SelectMany(b => b.Built()))
        {
            encoder.Write(batch.Writer, rollup, writerId, batch.Precision);
        }

        InfluxWriteResult result = await writer.WriteAsync(batch);
        Assert.True(result.IsComplete, result.Message);
    }

    private static async Task AssertValidAsync(HourOfWeekLevels levels, RollupLevel level, long from, long to)
    {
        (HashSet<WriterSeries> valid, HashSet<WriterSeries> invalid) = await levels.CheckAsync(level, from, to, default);
        Assert.Empty(invalid);
        Assert.Equal(4, valid.Count); // two writers × two directions
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
