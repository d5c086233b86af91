using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Influx.Tests.Writing;

/// <summary>The writer against a real InfluxDB 1.6; answers the local server cannot give (429, 503, 413, 422) are
/// injected by Polly's chaos strategies in front of it.</summary>
[Collection(InfluxCollection.Name)]
public sealed class InfluxWriterTests(InfluxFixture fixture) : IDisposable
{
    private static readonly DateTimeOffset s_start = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly RecordingHandler _handler = new();
    private readonly string _quarantinePath = Path.Combine(Path.GetTempPath(), $"ale-speed-quarantine-{Guid.NewGuid():N}.jsonl");

    private HttpClient NewClient() => new(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };

    private InfluxOptions Options => fixture.Server.Options() with
    {
        QuarantinePath = _quarantinePath,
        RetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryAttempts = 3,
    };

    public void Dispose()
    {
        _handler.Dispose();
        File.Delete(_quarantinePath);
    }

    [Fact]
    public async Task WriteAsync_ThreeThousandLines_AllArriveGzippedInRequestsOfBatchSize()
    {
        using var http = NewClient();
        using var writer = new InfluxWriter(http, Options with { BatchSize = 1000 });
        using var metrics = new MetricsRecorder(writer.Metrics.Meter);
        using var batch = Points.Fill(writer.CreateBatch(), "w_bulk", 3000);

        var result = await writer.WriteAsync(batch);

        Assert.Equal(new InfluxWriteResult(3000, 0, InfluxWriteFailure.None), result);
        Assert.Equal(3000, await fixture.Server.CountAsync("w_bulk", "n"));
        Assert.Equal(3, _handler.Requests.Count);
        Assert.All(_handler.Requests, r =>
        {
            Assert.Equal(["gzip"], r.ContentEncoding);
            Assert.Contains("precision=s", r.Uri.Query, StringComparison.Ordinal);
            Assert.Equal(1000, Gunzip(r.Body).Count(c => c == '\n'));
        });
        Assert.True(_handler.Requests.Sum(r => r.Body.Length) * 4 < batch.ByteCount, "gzip should shrink line protocol at least fourfold");
        Assert.Equal(3000, metrics.Sum(InfluxInstruments.LinesWritten));
        Assert.Equal(3, metrics.Sum(InfluxInstruments.BatchesWritten));
        Assert.Equal(3, metrics.Count(InfluxInstruments.WriteDuration));
        Assert.Equal(0, metrics.Sum(InfluxInstruments.Retries));
    }

    [Fact]
    public async Task WriteAsync_GzipOff_SendsPlainLineProtocol()
    {
        using var http = NewClient();
        using var writer = new InfluxWriter(http, Options with { Gzip = false });
        using var batch = Points.Fill(writer.CreateBatch(), "w_plain", 10);

        Assert.True((await writer.WriteAsync(batch)).IsComplete);

        var request = Assert.Single(_handler.Requests);
        Assert.Empty(request.ContentEncoding);
        Assert.Equal(Encoding.UTF8.GetString(batch.GetLines(0, 10).Span), Encoding.UTF8.GetString(request.Body));
        Assert.Equal(10, await fixture.Server.CountAsync("w_plain", "n"));
    }

    [Fact]
    public async Task WriteAsync_429WithRetryAfterTwoSeconds_WaitsExactlyThatLongThenWrites()
    {
        var time = new ObservedTimeProvider(s_start);
        var attempts = 0;
        using var http = NewClient();
        using var writer = new InfluxWriter(http, Options, time, null, null, builder => Chaos.Outcome(builder,
            (_, _) => Interlocked.Increment(ref attempts) == 1,
            () => Chaos.Status(HttpStatusCode.TooManyRequests, retryAfter: TimeSpan.FromSeconds(2))));
        using var metrics = new MetricsRecorder(writer.Metrics.Meter);
        using var batch = Points.Fill(writer.CreateBatch(), "w_429", 50);

        var waiting = time.WhenTimerCreated(TimeSpan.FromSeconds(2));
        var write = writer.WriteAsync(batch);
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        time.Advance(TimeSpan.FromMilliseconds(1999));
        await Task.Delay(200);
        Assert.False(write.IsCompleted);
        Assert.Empty(_handler.Requests);

        time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await write.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(result.IsComplete);
        Assert.Equal(50, await fixture.Server.CountAsync("w_429", "n"));
        Assert.Equal(1, metrics.Sum(InfluxInstruments.Retries, "429"));
    }

    [Fact]
    public async Task WriteAsync_RetryAfterLongerThanMaxRetryDelay_FailsThrottledAtOnceKeepingTheData()
    {
        using var http = NewClient();
        using var writer = new InfluxWriter(http, Options, TimeProvider.System, null, null, builder => Chaos.Outcome(builder,
            (_, _) => true,
            () => Chaos.Status(HttpStatusCode.TooManyRequests, retryAfter: TimeSpan.FromHours(1))));
        using var metrics = new MetricsRecorder(writer.Metrics.Meter);
        using var batch = Points.Fill(writer.CreateBatch(), "w_429_long", 5);

        var result = await writer.WriteAsync(batch);

        Assert.Equal(InfluxWriteFailure.Throttled, result.Failure);
        Assert.Equal(TimeSpan.FromHours(1), result.RetryAfter);
        Assert.Equal(0, result.WrittenLines);
        Assert.Equal(0, metrics.Sum(InfluxInstruments.Retries));
        Assert.Equal(1, metrics.Sum(InfluxInstruments.WriteFailures, "throttled"));
    }

    [Fact]
    public async Task WriteAsync_503Twice_IsRetriedThenWritten()
    {
        var attempts = 0;
        using var http = NewClient();
        using var writer = new InfluxWriter(http, Options, TimeProvider.System, null, null, builder => Chaos.Outcome(builder,
            (_, _) => Interlocked.Increment(ref attempts) <= 2,
            () => Chaos.Status(HttpStatusCode.ServiceUnavailable, "{\"error\":\"busy\"}")));
        using var metrics = new MetricsRecorder(writer.Metrics.Meter);
        using var batch = Points.Fill(writer.CreateBatch(), "w_503", 100);

        var result = await writer.WriteAsync(batch);

        Assert.Equal(new InfluxWriteResult(100, 0, InfluxWriteFailure.None), result);
        Assert.Equal(3, attempts);
        Assert.Single(_handler.Requests);
        Assert.Equal(2, metrics.Sum(InfluxInstruments.Retries, "503"));
        Assert.Equal(100, await fixture.Server.CountAsync("w_503", "n"));
    }

    [Fact]
    public async Task WriteAsync_503Always_FailsUnavailableAfterTheRetryBudget()
    {
        var attempts = 0;
        using var http = NewClient();
        using var writer = new InfluxWriter(http, Options, TimeProvider.System, null, null, builder => Chaos.Outcome(builder,
            (_, _) => Interlocked.Increment(ref attempts) > 0,
            () => Chaos.Status(HttpStatusCode.ServiceUnavailable, "{\"error\":\"busy\"}")));
        using var metrics = new MetricsRecorder(writer.Metrics.Meter);
        using var batch = Points.Fill(writer.CreateBatch(), "w_503_always", 10);

        var result = await writer.WriteAsync(batch);

        Assert.Equal(InfluxWriteFailure.Unavailable, result.Failure);
        Assert.Equal(503, result.StatusCode);
        Assert.Equal("busy", result.Message);
        Assert.Equal(4, attempts);
        Assert.Equal(1, metrics.Sum(InfluxInstruments.WriteFailures, "unavailable"));
    }

    [Fact]
    public async Task WriteAsync_413AboveTwoHundredFiftyLines_SplitsInHalvesUntilEveryLineLands()
    {
        var tooLarge = 0;
        using var http = NewClient();
        using var writer = new InfluxWriter(http, Options, TimeProvider.System, null, null, builder => Chaos.Outcome(builder,
            (lines, _) => lines > 250 && Interlocked.Increment(ref tooLarge) > 0,
            () => Chaos.Status(HttpStatusCode.RequestEntityTooLarge, "{\"error\":\"Request Entity Too Large\"}")));
        using var batch = Points.Fill(writer.CreateBatch(), "w_413", 1000);

        var result = await writer.WriteAsync(batch);

        Assert.Equal(new InfluxWriteResult(1000, 0, InfluxWriteFailure.None), result);
        Assert.Equal(3, tooLarge); // 1000, then 500 twice
        Assert.Equal(4, _handler.Requests.Count); // 4 × 250 reach the server
        Assert.All(_handler.Requests, r => Assert.Equal(250, Gunzip(r.Body).Count(c => c == '\n')));
        Assert.Equal(1000, await fixture.Server.CountAsync("w_413", "n"));
    }

    [Fact]
    public async Task WriteAsync_FieldTypeConflict_QuarantinesOnlyThatLineWithTheServersReason()
    {
        using var http = NewClient();
        using var writer = new InfluxWriter(http, Options);
        using var metrics = new MetricsRecorder(writer.Metrics.Meter);
        using (var first = writer.CreateBatch())
        {
            first.Writer.Measurement("w_conflict").Field("x", 1L).Timestamp(Points.May1Ms - 1000, TimestampPrecision.Seconds);
            Assert.True((await writer.WriteAsync(first)).IsComplete);
        }

        using var batch = writer.CreateBatch();
        for (var i = 0; i < 200; i++)
        {
            var line = batch.Writer.Measurement("w_conflict").Tag("site", "Ale torg, Nödinge");
            if (i == 137)
            {
                line.Field("x", "s");
            }
            else
            {
                line.Field("x", (long)i);
            }

            line.Timestamp(Points.May1Ms + (i * 1000L), TimestampPrecision.Seconds);
        }

        var bad = Encoding.UTF8.GetString(batch.GetLine(137));
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var result = await writer.WriteAsync(batch);
        var after = DateTimeOffset.UtcNow.AddSeconds(1);

        Assert.Equal(new InfluxWriteResult(199, 1, InfluxWriteFailure.None), result);
        var entry = JsonDocument.Parse(Assert.Single(File.ReadAllLines(_quarantinePath))).RootElement;
        Assert.Equal(bad, entry.GetProperty("line").GetString());
        Assert.Equal(400, entry.GetProperty("status").GetInt32());
        Assert.Contains("field type conflict", entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.InRange(entry.GetProperty("time").GetDateTimeOffset(), before, after);
        Assert.Equal(200, await fixture.Server.CountAsync("w_conflict", "x"));
        Assert.Equal(1, metrics.Sum(InfluxInstruments.LinesQuarantined));
    }

    [Fact]
    public async Task WriteAsync_422ForOneLine_QuarantinesItAndStoresTheRest()
    {
        var time = new ObservedTimeProvider(s_start);
        using var http = NewClient();
        using var writer = new InfluxWriter(http, Options, time, null, null, builder => Chaos.Outcome(builder,
            (_, body) => body.Span.IndexOf("poison"u8) >= 0,
            () => Chaos.Status(HttpStatusCode.UnprocessableEntity, "{\"code\":\"unprocessable entity\",\"message\":\"failure writing points: poison\"}")));
        using var batch = Points.Fill(writer.CreateBatch(), "w_422", 64);
        batch.Writer.Measurement("w_422").Tag("site", "poison").Field("n", -1L).Timestamp(Points.May1Ms, TimestampPrecision.Seconds);
        Points.Fill(batch, "w_422_after", 36);

        var result = await writer.WriteAsync(batch);

        Assert.Equal(new InfluxWriteResult(100, 1, InfluxWriteFailure.None), result);
        var entry = JsonDocument.Parse(Assert.Single(File.ReadAllLines(_quarantinePath))).RootElement;
        Assert.Equal("w_422,site=poison n=-1i 1746057600", entry.GetProperty("line").GetString());
        Assert.Equal(422, entry.GetProperty("status").GetInt32());
        Assert.Equal("failure writing points: poison", entry.GetProperty("reason").GetString());
        Assert.Equal(s_start, entry.GetProperty("time").GetDateTimeOffset());
        Assert.Equal(64, await fixture.Server.CountAsync("w_422", "n"));
        Assert.Equal(36, await fixture.Server.CountAsync("w_422_after", "n"));
    }

    [Fact]
    public async Task WriteAsync_V2ApiOnInfluxDb16_IsAConfigurationErrorNamingTheCause()
    {
        using var http = NewClient();
        var logger = new ListLogger<InfluxWriter>();
        using var writer = new InfluxWriter(http, Options with { Api = InfluxApi.V2, Token = "tok-secret-123" }, null, logger);
        using var batch = Points.Fill(writer.CreateBatch(), "w_v2", 3);

        var result = await writer.WriteAsync(batch);

        Assert.Equal(InfluxWriteFailure.Configuration, result.Failure);
        Assert.Equal(404, result.StatusCode);
        Assert.Contains("1.8", result.Message, StringComparison.Ordinal);
        Assert.Single(_handler.Requests);
        Assert.Contains("/api/v2/write", _handler.Requests[0].Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal("Token", _handler.Requests[0].AuthorizationScheme);
        Assert.DoesNotContain("tok-secret-123", logger.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_UnknownDatabase_IsAConfigurationError()
    {
        using var http = NewClient();
        using var writer = new InfluxWriter(http, Options with { Database = "no_such_db" });
        using var batch = Points.Fill(writer.CreateBatch(), "w_nodb", 3);

        var result = await writer.WriteAsync(batch);

        Assert.Equal(InfluxWriteFailure.Configuration, result.Failure);
        Assert.Contains("database not found", result.Message, StringComparison.Ordinal);
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task CircuitBreaker_OpensAfterRepeatedFailures_ThenHalfOpensAfterTheBreak()
    {
        var time = new ObservedTimeProvider(s_start);
        var failing = true;
        var attempts = 0;
        using var http = NewClient();
        var options = Options with
        {
            MaxRetryAttempts = 0,
            CircuitBreakerMinimumThroughput = 2,
            CircuitBreakerBreakDuration = TimeSpan.FromSeconds(30),
        };
        using var writer = new InfluxWriter(http, options, time, null, null, builder => Chaos.Outcome(builder,
            (_, _) => Interlocked.Increment(ref attempts) > 0 && Volatile.Read(ref failing),
            () => Chaos.Status(HttpStatusCode.BadGateway)));
        using var metrics = new MetricsRecorder(writer.Metrics.Meter);
        using var batch = Points.Fill(writer.CreateBatch(), "w_breaker", 20);

        Assert.Equal(InfluxWriteFailure.Unavailable, (await writer.WriteAsync(batch)).Failure);
        Assert.Equal(InfluxWriteFailure.Unavailable, (await writer.WriteAsync(batch)).Failure);
        var open = await writer.WriteAsync(batch);
        Assert.Equal(InfluxWriteFailure.CircuitOpen, open.Failure);
        Assert.Equal(2, attempts); // the open circuit sent nothing

        Volatile.Write(ref failing, false);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(InfluxWriteFailure.CircuitOpen, (await writer.WriteAsync(batch)).Failure);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new InfluxWriteResult(20, 0, InfluxWriteFailure.None), await writer.WriteAsync(batch));
        Assert.Equal(20, await fixture.Server.CountAsync("w_breaker", "n"));
        Assert.Equal(2, metrics.Sum(InfluxInstruments.WriteFailures, "circuit_open"));
    }

    [Fact]
    public async Task WriteAsync_CallerCancels_Throws()
    {
        using var http = NewClient();
        using var writer = new InfluxWriter(http, Options);
        using var batch = Points.Fill(writer.CreateBatch(), "w_cancel", 3);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.WriteAsync(batch, cancelled.Token));
    }

    [Fact]
    public async Task WriteAsync_EmptyBatch_SendsNothing()
    {
        using var http = NewClient();
        using var writer = new InfluxWriter(http, Options);
        using var batch = writer.CreateBatch();

        Assert.Equal(new InfluxWriteResult(0, 0, InfluxWriteFailure.None), await writer.WriteAsync(batch));
        Assert.Empty(_handler.Requests);
    }

    private static string Gunzip(byte[] body)
    {
        using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
