using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Influx.Tests.Writing;

/// <summary>A real InfluxDB 1.6 with <c>auth-enabled = true</c>.</summary>
public sealed class InfluxAuthTests : IAsyncLifetime
{
    private const string WrongPassword = "wrong-pw-Xyz987";

    private InfluxDbServer _server = null!;

    public async Task InitializeAsync() => _server = await InfluxDbServer.StartNewAsync(authEnabled: true);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task WriteAsync_WrongPassword_FailsUnauthorizedWithoutRetries_ThenTheSameBatchWritesWithTheRightOne()
    {
        using var handler = new RecordingHandler();
        using var http = new HttpClient(handler);
        var logger = new ListLogger<InfluxWriter>();
        var wrong = _server.Options() with { Password = WrongPassword, MaxRetryAttempts = 5, RetryDelay = TimeSpan.FromMilliseconds(10) };
        using var writer = new InfluxWriter(http, wrong, null, logger);
        using var metrics = new MetricsRecorder(writer.Metrics.Meter);
        using var batch = Points.Fill(writer.CreateBatch(), "auth_m", 500);

        var result = await writer.WriteAsync(batch);

        Assert.Equal(InfluxWriteFailure.Unauthorized, result.Failure);
        Assert.Equal(401, result.StatusCode);
        Assert.Equal(0, result.WrittenLines);
        Assert.Single(handler.Requests);
        Assert.Equal("Basic", handler.Requests[0].AuthorizationScheme);
        Assert.DoesNotContain("p=", handler.Requests[0].Uri.Query, StringComparison.Ordinal);
        Assert.Equal(1, metrics.Sum(InfluxInstruments.WriteFailures, "unauthorized"));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Id.Id == 2004);
        Assert.DoesNotContain(WrongPassword, logger.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongPassword, result.Message ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(WrongPassword, wrong.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await _server.CountAsync("auth_m", "n"));

        // The caller kept the batch: with the right credentials the same batch arrives whole.
        using var right = new InfluxWriter(http, _server.Options());
        Assert.Equal(new InfluxWriteResult(500, 0, InfluxWriteFailure.None), await right.WriteAsync(batch));
        Assert.Equal(500, await _server.CountAsync("auth_m", "n"));
    }
}
