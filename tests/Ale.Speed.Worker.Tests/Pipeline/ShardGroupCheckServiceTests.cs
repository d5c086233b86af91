using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Hosting;
using Ale.Speed.Worker.Status;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Worker.Tests.Pipeline;

/// <summary>
/// The start-up check of the rollups' shard groups, on a real InfluxDB 1.6: a policy with short shard groups (or the
/// database's default autogen, 7 days) gets one warning naming the policy and the fix; a 52-week one none; an
/// unreachable server only a debug line.
/// </summary>
public sealed class ShardGroupCheckServiceTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private readonly ListLogger<ShardGroupCheckService> _logger = new();
    private InfluxDbServer _influx = null!;

    public async Task InitializeAsync()
    {
        _influx = await InfluxDbServer.StartNewAsync("shard_check");
        InfluxQueryClient admin = _influx.QueryClient();
        await admin.QueryAsync($"CREATE RETENTION POLICY \"rollups_weekly\" ON \"{_influx.Database}\" DURATION INF REPLICATION 1 SHARD DURATION 1w");
        await admin.QueryAsync($"CREATE RETENTION POLICY \"rollups_52w\" ON \"{_influx.Database}\" DURATION INF REPLICATION 1 SHARD DURATION 52w");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _influx.DisposeAsync();
    }

    [Fact]
    public async Task RollupPolicyWithWeeklyShardGroups_OneWarningNamingThePolicyAndTheFix_AndTheStatusShowsIt()
    {
        ShardGroupCheckService check = Service(_influx.Url, rollupPolicy: "rollups_weekly");

        RetentionPolicy? policy = await check.CheckAsync(CancellationToken.None);

        Assert.Equal("rollups_weekly", policy?.Name);
        var warning = Assert.Single(_logger.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal(6120, warning.Id.Id);
        Assert.Contains("\"rollups_weekly\" has shard groups of 7 days", warning.Text, StringComparison.Ordinal);
        Assert.Contains($"ALTER RETENTION POLICY \"rollups_weekly\" ON \"{_influx.Database}\" SHARD DURATION 52w", warning.Text, StringComparison.Ordinal);

        using var output = new StringWriter();
        string directory = WriteStatus(check);
        StatusPrinter.Print(directory, TimeProvider.System, output);
        Directory.Delete(directory, recursive: true);
        Assert.Contains("At start: the rollups' retention policy \"rollups_weekly\" has shard groups of 7 days", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RollupPolicyWith52WeekShardGroups_NoWarning()
    {
        ShardGroupCheckService check = Service(_influx.Url, rollupPolicy: "rollups_52w");

        Assert.Null(await check.CheckAsync(CancellationToken.None));

        Assert.DoesNotContain(_logger.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Empty(check.Warnings);
    }

    [Fact]
    public async Task NoRollupPolicy_RollupsGoToTheDefaultPolicy_ItsWeeklyShardGroupsAreWarnedOf()
    {
        ShardGroupCheckService check = Service(_influx.Url, rollupPolicy: null);

        Assert.Equal("autogen", (await check.CheckAsync(CancellationToken.None))?.Name);

        Assert.Contains("\"autogen\" has shard groups of 7 days", Assert.Single(_logger.Entries, e => e.Level >= LogLevel.Warning).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WindowsInA52WeekPolicy_RollupsWithoutTheirOwn_AreCheckedInTheWindowsPolicy()
    {
        ShardGroupCheckService check = Service(_influx.Url, rollupPolicy: null, windowPolicy: "rollups_52w");

        Assert.Null(await check.CheckAsync(CancellationToken.None));

        Assert.DoesNotContain(_logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task ServerUnreachable_NoWarningAndNoThrow_OnlyADebugLine()
    {
        var closed = new Uri($"http://127.0.0.1:{ServerProcess.FreeLoopbackPort()}/");
        ShardGroupCheckService check = Service(closed, rollupPolicy: "rollups_weekly");

        Assert.Null(await check.CheckAsync(CancellationToken.None));

        Assert.Equal(LogLevel.Debug, Assert.Single(_logger.Entries).Level);
        Assert.Empty(check.Warnings);
    }

    private ShardGroupCheckService Service(Uri url, string? rollupPolicy, string? windowPolicy = null)
    {
        var options = new AleSpeedOptions
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), "ale-speed-shards-" + Guid.NewGuid().ToString("N")),
            Sites = [new SiteOptions { Id = "s-1", Name = "Shards", SpeedLimitKmh = 50 }],
            Units = [new UnitOptions { Id = "u-1", Site = "s-1", Transport = "mqtt", Format = "canonical" }],
            Influx = new InfluxSettings { Url = url.ToString(), Api = "v1", Database = _influx.Database, RetentionPolicy = windowPolicy, RollupRetentionPolicy = rollupPolicy },
            Mqtt = new MqttSettings { Url = "mqtt://127.0.0.1:1883" },
        };
        WorkerSettings? settings = WorkerSettings.TryCreate(options, "host-1", out List<string> errors);
        Assert.True(settings is not null, string.Join('\n', errors));
        return new ShardGroupCheckService(settings, _http, TimeProvider.System, _logger);
    }

    private static string WriteStatus(ShardGroupCheckService check)
    {
        string directory = Directory.CreateTempSubdirectory("ale-status").FullName;
        DateTimeOffset now = TimeProvider.System.GetUtcNow();
        new WorkerStatus
        {
            WriterId = "host-1", ProcessId = 1, StartedAt = now, UpdatedAt = now, IntervalSeconds = 2, SpoolBytes = 0, MaxSpoolBytes = 1, SpoolFull = false,
            DiskFull = false, JournalLag = 0, VehiclesJournaled = 0, LateBinsRebuilt = 0, JournalTruncatedBytes = 0, UnwrittenBins = 0, BinsWritten = 0,
            Units = [], UnknownUnits = new Dictionary<string, long>(), StartupWarnings = check.Warnings,
        }.Write(Path.Combine(directory, WorkerStatus.FileName), new System.Buffers.ArrayBufferWriter<byte>());
        return directory;
    }
}
