using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;
using Polly.Simmy;
using Polly.Simmy.Behavior;

namespace Ale.Speed.Influx.Tests.Writing;

/// <summary>A real InfluxDB 1.6 killed in the middle of a batch and started again.</summary>
public sealed class InfluxOutageTests : IAsyncLifetime
{
    private InfluxDbServer _server = null!;

    public async Task InitializeAsync() => _server = await InfluxDbServer.StartNewAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task WriteAsync_ServerStoppedMidBatch_FailsAfterItsRetries_ThenTheKeptBatchWritesWhole()
    {
        var requests = 0;
        using var http = new HttpClient();
        var options = _server.Options() with
        {
            BatchSize = 500,
            MaxRetryAttempts = 2,
            RetryDelay = TimeSpan.FromMilliseconds(50),
        };
        using var writer = new InfluxWriter(http, options, TimeProvider.System, null, null, builder =>
            builder.AddChaosBehavior(new ChaosBehaviorStrategyOptions
            {
                InjectionRate = 1,
                // The third request of the batch finds the server gone.
                EnabledGenerator = _ => new ValueTask<bool>(Interlocked.Increment(ref requests) == 3),
                BehaviorGenerator = _ => new ValueTask(_server.StopAsync()),
            }));
        using var metrics = new MetricsRecorder(writer.Metrics.Meter);
        using var batch = Points.Fill(writer.CreateBatch(), "outage_m", 5000);

        var failed = await writer.WriteAsync(batch);

        Assert.Equal(InfluxWriteFailure.Unavailable, failed.Failure);
        Assert.Equal(1000, failed.WrittenLines);
        Assert.Equal(5, requests); // 2 written, then 1 attempt + 2 retries against the stopped server
        Assert.Equal(2, metrics.Sum(InfluxInstruments.Retries, nameof(HttpRequestException)));
        Assert.False(_server.IsRunning);

        await _server.StartAsync();
        var retried = await writer.WriteAsync(batch);

        Assert.Equal(new InfluxWriteResult(5000, 0, InfluxWriteFailure.None), retried);
        Assert.Equal(5000, await _server.CountAsync("outage_m", "n"));
    }
}
