using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ale.Speed.Worker.Tests.Pipeline;

/// <summary>The flusher stores changed bins in a real InfluxDB and only then lets the journal go; a failed write keeps everything.</summary>
public sealed class BinFlusherTests : IAsyncLifetime
{
    private static readonly Site s_site = new("alafors", "Alafors", 50);
    private static readonly Unit s_unit = new() { Id = "u-1", Site = s_site };
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ale-speed-flusher-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private InfluxDbServer _influx = null!;
    private JournalWriter _journal = null!;
    private BinStore _bins = null!;
    private WorkerMetrics _metrics = null!;

    public async Task InitializeAsync()
    {
        _influx = await InfluxDbServer.StartNewAsync("flusher");
        var router = new UnitRouter([s_unit], _time);
        _bins = new BinStore(new BinningOptions(), _time);
        _journal = JournalWriter.Open(new JournalOptions(_directory, 64 * 1024, long.MaxValue, TimeSpan.FromDays(7), TimeSpan.Zero),
            [s_unit], router, _bins, _time, NullLogger.Instance);
        var activity = new UnitActivity([new UnitRegistration(s_unit, Transport.Mqtt, TimeSpan.FromHours(1), null, null)], _time);
        _metrics = new WorkerMetrics(null, router, _journal, activity);
    }

    public async Task DisposeAsync()
    {
        _metrics.Dispose();
        _journal.Dispose();
        _http.Dispose();
        await _influx.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <param name="readOptions">Where the month rollups' days are read back from (default: where the bins are written).</param>
    private BinFlusher Flusher(InfluxOptions options, InfluxOptions? readOptions = null)
    {
        var writer = new InfluxWriter(_http, options, _time, NullLogger<InfluxWriter>.Instance);
        var months = new MonthRollups(new BinReader(new InfluxQueryClient(_http, readOptions ?? options)), Core.Time.StockholmTime.Zone, TimeSpan.FromSeconds(30), _time);
        return new(_bins, _journal, new BinLevelWriter(writer, writer, new BinPointEncoder(), "worker-1", 300_000, batchLines: 2, months), _metrics, _time,
            NullLogger<BinFlusher>.Instance);
    }

    /// <summary>
    /// Three vehicles in three windows of one hour: three bins, one hour and one day rollup, written in three batches of at
    /// most two lines.
    /// </summary>
    private async Task CommitThreeWindowsAsync()
    {
        long start = _time.GetUtcNow().AddMinutes(-30).ToUnixTimeMilliseconds();
        var batch = new VehicleBatch();
        for (int i = 0; i < 3; i++)
        {
            batch.Accept(new Vehicle { Unit = s_unit, TimestampMs = start + i * 300_000, SpeedKmh = 45 + i, Direction = Direction.Approaching, Sequence = i + 1, HasDeviceTime = true });
        }

        Task commit = _journal.CommitAsync(batch, CancellationToken.None).AsTask();
        while (!commit.IsCompleted)
        {
            Assert.True(_journal.TryCommitPending());
            await Task.Yield();
        }

        await commit;
    }

    [Fact]
    public async Task FlushOnce_StoresEveryChangedBin_ThenConfirmsTheJournal()
    {
        await CommitThreeWindowsAsync();
        BinFlusher flusher = Flusher(_influx.Options());
        Assert.Equal(3, _journal.JournalLag);

        Assert.True(await flusher.FlushOnceAsync(CancellationToken.None));

        Assert.Equal(3, await _influx.CountAsync(BinSchema.Measurement, "count"));
        Assert.Equal(1, await _influx.CountAsync(BinSchema.HourMeasurement, "count"));
        Assert.Equal(1, await _influx.CountAsync(BinSchema.DayMeasurement, "count"));
        Assert.Equal(1, await _influx.CountAsync(BinSchema.MonthMeasurement, "count"));
        Assert.Equal(0, flusher.UnwrittenBins);
        Assert.Equal(0, _journal.JournalLag);
        Assert.Equal(3, _metrics.TotalBinsWritten);
        Assert.Equal(3, _metrics.TotalRollupsWritten);

        // Nothing changed since: nothing is written again.
        Assert.True(await flusher.FlushOnceAsync(CancellationToken.None));
        Assert.Equal(3, _metrics.TotalBinsWritten);
        Assert.Equal(3, _metrics.TotalRollupsWritten);
    }

    [Fact]
    public async Task FlushOnce_WhenTheMonthCannotBeMerged_StoresTheDaysButKeepsTheJournalAndTheMonthForTheNextFlush()
    {
        await CommitThreeWindowsAsync();
        // The days are written; reading them back for the month fails at once (a port nothing listens on).
        BinFlusher flusher = Flusher(_influx.Options(), readOptions: _influx.Options() with { Url = new Uri("http://127.0.0.1:9/") });

        Assert.False(await flusher.FlushOnceAsync(CancellationToken.None));

        Assert.Equal(1, await _influx.CountAsync(BinSchema.DayMeasurement, "count"));
        Assert.Equal(0, await _influx.CountAsync(BinSchema.MonthMeasurement, "count"));
        Assert.Equal(1, flusher.UnwrittenBins); // the month, waiting
        Assert.Equal(3, _journal.JournalLag); // not acknowledged: a restart would rebuild the day and merge its month
        Assert.Equal(InfluxWriteFailure.Unavailable, flusher.LastFailure?.Failure);
    }

    [Fact]
    public async Task FlushOnce_WhenInfluxIsUnreachable_KeepsTheBinsAndTheJournal()
    {
        await CommitThreeWindowsAsync();
        // A port nothing listens on: the write fails at once (no retries), as during an outage.
        var unreachable = _influx.Options() with { Url = new Uri("http://127.0.0.1:9/"), MaxRetryAttempts = 0 };
        BinFlusher flusher = Flusher(unreachable);

        Assert.False(await flusher.FlushOnceAsync(CancellationToken.None));

        Assert.Equal(3 + 2 + 1, flusher.UnwrittenBins); // windows, their hour and their day, and the month to merge
        Assert.Equal(3, _journal.JournalLag);
        Assert.NotNull(flusher.LastFailure);
        Assert.Equal(0, _metrics.TotalBinsWritten);
        Assert.Equal(0, await _influx.CountAsync(BinSchema.Measurement, "count"));
    }
}
