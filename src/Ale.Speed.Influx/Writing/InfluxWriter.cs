using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Ale.Speed.Influx.Buffers;
using Ale.Speed.Influx.LineProtocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Ale.Speed.Influx.Writing;

/// <summary>
/// Writes line-protocol batches to InfluxDB (v1 <c>/write</c> or v2 <c>/api/v2/write</c>) through one Polly
/// pipeline: total timeout → retry (network errors, timeouts, 408, 429, 5xx; exponential backoff with jitter;
/// <c>Retry-After</c> honoured) → circuit breaker → attempt timeout.
/// </summary>
/// <remarks>
/// It never drops data: when it gives up, <see cref="WriteAsync"/> returns a failure and the caller, who still holds
/// the batch in its durable log, writes it again later. 413 splits a request in halves; 400 and 422 are narrowed down
/// by bisection to the lines the server refuses, which go to the quarantine file while all others are stored
/// (a line written twice replaces the same point, so re-sending accepted lines is harmless). 401/403 and 404 are
/// not retried. Safe for concurrent calls.
/// </remarks>
public sealed class InfluxWriter : IDisposable
{
    /// <summary>Set on each attempt's <see cref="ResilienceContext"/>: lines in the request (for test fault injection).</summary>
    internal static readonly ResiliencePropertyKey<int> LineCountKey = new("Ale.Speed.Influx.LineCount");

    /// <summary>Set on each attempt's <see cref="ResilienceContext"/>: the uncompressed lines (for test fault injection).</summary>
    internal static readonly ResiliencePropertyKey<ReadOnlyMemory<byte>> BodyKey = new("Ale.Speed.Influx.Body");

    private const int MaxReasonLength = 2000;

    private readonly HttpClient _http;
    private readonly InfluxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly InfluxMetrics _metrics;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly Uri[] _writeUris;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly QuarantineFile? _quarantine;
    private readonly string _endpoint;

    /// <param name="httpClient">Shared client; its own <see cref="HttpClient.Timeout"/> should be longer than
    /// <see cref="InfluxOptions.AttemptTimeout"/> (or infinite): the pipeline times attempts out.</param>
    public InfluxWriter(
        HttpClient httpClient,
        InfluxOptions options,
        TimeProvider? timeProvider = null,
        ILogger<InfluxWriter>? logger = null,
        System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
        : this(httpClient, options, timeProvider, logger, meterFactory, configureInnermost: null)
    {
    }

    /// <param name="configureInnermost">Adds strategies inside the attempt timeout, next to the HTTP call: tests
    /// inject Polly chaos outcomes (429, 503, 413, …) there, in front of a real server.</param>
    internal InfluxWriter(
        HttpClient httpClient,
        InfluxOptions options,
        TimeProvider? timeProvider,
        ILogger<InfluxWriter>? logger,
        System.Diagnostics.Metrics.IMeterFactory? meterFactory,
        Action<ResiliencePipelineBuilder<HttpResponseMessage>>? configureInnermost)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = httpClient;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = new InfluxMetrics(meterFactory);
        _writeUris = BuildWriteUris(options);
        _endpoint = _writeUris[0].GetLeftPart(UriPartial.Path);
        _authorization = Authorization(options);
        _quarantine = string.IsNullOrWhiteSpace(options.QuarantinePath) ? null : new QuarantineFile(options.QuarantinePath, _time);
        _pipeline = BuildPipeline(configureInnermost);
    }

    internal InfluxMetrics Metrics => _metrics;

    /// <summary>An empty batch in <see cref="InfluxOptions.Precision"/>.</summary>
    public LineBatch CreateBatch() => new(_options.Precision);

    /// <summary>
    /// Writes every line of <paramref name="batch"/>, in requests of at most <see cref="InfluxOptions.BatchSize"/>
    /// lines. Returns when each line is stored or quarantined, or with the first failure (later requests are not
    /// attempted; the caller keeps the batch and tries again). Throws only when <paramref name="cancellationToken"/>
    /// is cancelled.
    /// </summary>
    public async Task<InfluxWriteResult> WriteAsync(LineBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var progress = new Progress();
        for (var start = 0; start < batch.Count; start += _options.BatchSize)
        {
            var count = Math.Min(_options.BatchSize, batch.Count - start);
            var failure = await WriteRangeAsync(batch, start, count, progress, cancellationToken).ConfigureAwait(false);
            if (failure is { } f)
            {
                _metrics.WriteFailures.Add(1, new KeyValuePair<string, object?>("kind", KindTag(f.Kind)));
                Log.WriteFailed(_logger, f.Kind, f.StatusCode, f.Message, progress.Written);
                return new InfluxWriteResult(progress.Written, progress.Quarantined, f.Kind, f.StatusCode, f.Message, f.RetryAfter);
            }
        }

        return new InfluxWriteResult(progress.Written, progress.Quarantined, InfluxWriteFailure.None);
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _quarantine?.Dispose();
    }

    private async Task<Failure?> WriteRangeAsync(LineBatch batch, int start, int count, Progress progress, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(batch, start, count, cancellationToken).ConfigureAwait(false);
        if (answer.Success)
        {
            progress.Written += count;
            _metrics.LinesWritten.Add(count);
            _metrics.BatchesWritten.Add(1);
            return null;
        }

        var failure = answer.Failure;
        switch (failure.StatusCode)
        {
            case (int)HttpStatusCode.RequestEntityTooLarge:
            case (int)HttpStatusCode.BadRequest:
            case (int)HttpStatusCode.UnprocessableEntity:
                if (count == 1)
                {
                    return await QuarantineAsync(batch.GetLines(start, 1), failure, progress, cancellationToken).ConfigureAwait(false);
                }

                // 413: the body is too large, halves fit sooner or later. 400/422: some lines are bad; halving finds them
                // in about 2·log2(n) requests each, and lines already accepted (1.x "partial write") are simply replaced.
                Log.Splitting(_logger, failure.StatusCode, count);
                var half = count / 2;
                return await WriteRangeAsync(batch, start, half, progress, cancellationToken).ConfigureAwait(false)
                    ?? await WriteRangeAsync(batch, start + half, count - half, progress, cancellationToken).ConfigureAwait(false);
            case (int)HttpStatusCode.Unauthorized:
            case (int)HttpStatusCode.Forbidden:
                Log.Unauthorized(_logger, _endpoint, failure.StatusCode, failure.Message ?? "");
                return failure with { Kind = InfluxWriteFailure.Unauthorized };
            case (int)HttpStatusCode.NotFound:
                var hint = _options.Api == InfluxApi.V2
                    ? "the server has no such bucket, or no /api/v2/write (InfluxDB before 1.8: use Api = V1)"
                    : "the database does not exist, or the server has no 1.x /write API";
                Log.NotFound(_logger, _endpoint, failure.Message ?? "", hint);
                return failure with { Kind = InfluxWriteFailure.Configuration, Message = $"{failure.Message} ({hint})" };
            default:
                return failure;
        }
    }

    private async Task<Failure?> QuarantineAsync(ReadOnlyMemory<byte> line, Failure failure, Progress progress, CancellationToken cancellationToken)
    {
        var text = line.Span[^1] == (byte)'\n' ? line[..^1] : line;
        var reason = failure.Message ?? $"HTTP {failure.StatusCode}";
        if (_quarantine is null)
        {
            Log.QuarantineNotConfigured(_logger, failure.StatusCode, reason, Encoding.UTF8.GetString(text.Span));
        }
        else
        {
            try
            {
                await _quarantine.AppendAsync(text, failure.StatusCode, reason, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.QuarantineFailed(_logger, _quarantine.Path, ex);
                return new Failure(InfluxWriteFailure.QuarantineFailed, failure.StatusCode, $"Could not write the quarantine file: {ex.Message}", null);
            }

            Log.Quarantined(_logger, failure.StatusCode, reason, _quarantine.Path);
        }

        progress.Quarantined++;
        _metrics.LinesQuarantined.Add(1);
        return null;
    }

    /// <summary>One request (with the pipeline's retries) for lines start..start+count-1.</summary>
    private async Task<Answer> SendAsync(LineBatch batch, int start, int count, CancellationToken cancellationToken)
    {
        var body = batch.GetLines(start, count);
        using var compressed = _options.Gzip ? Compress(body) : null;
        var state = new SendState(this, compressed?.WrittenMemory ?? body, _writeUris[(int)batch.Precision]);

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(LineCountKey, count);
        context.Properties.Set(BodyKey, body);
        var started = _time.GetTimestamp();
        try
        {
            using var response = await _pipeline.ExecuteAsync(
                static (ctx, s) => s.Writer.SendOnceAsync(s, ctx.CancellationToken), context, state).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return Answer.Accepted;
            }

            var status = (int)response.StatusCode;
            var reason = await ReadReasonAsync(response, cancellationToken).ConfigureAwait(false);
            var kind = status switch
            {
                429 => InfluxWriteFailure.Throttled,
                408 => InfluxWriteFailure.Timeout,
                >= 500 => InfluxWriteFailure.Unavailable,
                _ => InfluxWriteFailure.Rejected,
            };
            return new Answer(false, new Failure(kind, status, reason, RetryAfterRaw(response)));
        }
        catch (BrokenCircuitException)
        {
            return Fail(InfluxWriteFailure.CircuitOpen, "The circuit is open after repeated failures; no request was sent.");
        }
        catch (TimeoutRejectedException ex)
        {
            return Fail(InfluxWriteFailure.Timeout, ex.Message);
        }
        catch (HttpRequestException ex)
        {
            return Fail(InfluxWriteFailure.Unavailable, ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail(InfluxWriteFailure.Timeout, "The HTTP client timed out.");
        }
        finally
        {
            _metrics.WriteDuration.Record(_time.GetElapsedTime(started).TotalSeconds);
            ResilienceContextPool.Shared.Return(context);
        }

        static Answer Fail(InfluxWriteFailure kind, string message) => new(false, new Failure(kind, 0, message, null));
    }

    private async ValueTask<HttpResponseMessage> SendOnceAsync(SendState state, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, state.Uri);
        var content = new ReadOnlyMemoryContent(state.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        if (_options.Gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        request.Content = content;
        request.Headers.Authorization = _authorization;
        return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline(Action<ResiliencePipelineBuilder<HttpResponseMessage>>? configureInnermost)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time };
        builder.AddTimeout(_options.TotalTimeout);
        if (_options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
                MaxDelay = _options.MaxRetryDelay,
                ShouldHandle = args => new ValueTask<bool>(IsTransient(args.Outcome, args.Context) && !WaitsTooLong(args.Outcome.Result)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    var reason = args.Outcome.Exception?.GetType().Name
                        ?? ((int?)args.Outcome.Result?.StatusCode)?.ToString(System.Globalization.CultureInfo.InvariantCulture)
                        ?? "unknown";
                    _metrics.Retries.Add(1, new KeyValuePair<string, object?>("reason", reason));
                    Log.Retrying(_logger, args.AttemptNumber + 1, reason, args.RetryDelay.TotalSeconds);
                    return default;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            FailureRatio = _options.CircuitBreakerFailureRatio,
            MinimumThroughput = _options.CircuitBreakerMinimumThroughput,
            SamplingDuration = _options.CircuitBreakerSamplingDuration,
            BreakDuration = _options.CircuitBreakerBreakDuration,
            ShouldHandle = args => new ValueTask<bool>(IsTransient(args.Outcome, args.Context)),
            OnOpened = args =>
            {
                Log.CircuitOpened(_logger, args.BreakDuration.TotalSeconds);
                return default;
            },
            OnClosed = _ =>
            {
                Log.CircuitClosed(_logger);
                return default;
            },
        });
        builder.AddTimeout(_options.AttemptTimeout);
        configureInnermost?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>Worth another attempt: the request may succeed later without anyone changing anything.</summary>
    private static bool IsTransient(Outcome<HttpResponseMessage> outcome, ResilienceContext context) => outcome.Exception switch
    {
        HttpRequestException or TimeoutRejectedException => true,
        // HttpClient.Timeout, not the caller: the caller's cancellation must stop at once.
        OperationCanceledException => !context.CancellationToken.IsCancellationRequested,
        null => outcome.Result is { } response && (int)response.StatusCode is 408 or 429 or >= 500,
        _ => false,
    };

    /// <summary>A <c>Retry-After</c> beyond <see cref="InfluxOptions.MaxRetryDelay"/>: the writer gives up at once
    /// rather than block for it; the caller's log tries later.</summary>
    private bool WaitsTooLong(HttpResponseMessage? response) => RetryAfterRaw(response) is { } delay && delay > _options.MaxRetryDelay;

    private TimeSpan? RetryAfter(HttpResponseMessage? response) =>
        RetryAfterRaw(response) is { } delay ? (delay > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay) : null;

    private TimeSpan? RetryAfterRaw(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }

        var delay = header.Delta ?? (header.Date is { } date ? date - _time.GetUtcNow() : null);
        return delay is { } d && d < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    private static PooledBufferWriter Compress(ReadOnlyMemory<byte> body)
    {
        // Line protocol compresses about tenfold; start at a quarter so most bodies need no regrowth.
        var output = new PooledBufferWriter(Math.Max(body.Length / 4, 1024));
        using (var gzip = new GZipStream(new BufferWriterStream(output), CompressionLevel.Fastest, leaveOpen: false))
        {
            gzip.Write(body.Span);
        }

        return output;
    }

    private static async Task<string> ReadReasonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            text = "";
        }

        text = text.Trim();
        if (text.StartsWith('{'))
        {
            try
            {
                using var json = JsonDocument.Parse(text);
                // 1.x: {"error":"…"}; 2.x/3.x: {"code":"invalid","message":"…"}.
                if (json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
                {
                    text = error.GetString() ?? text;
                }
                else if (json.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    text = message.GetString() ?? text;
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: keep the text as it is.
            }
        }

        if (text.Length == 0)
        {
            text = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }

        return text.Length > MaxReasonLength ? text[..MaxReasonLength] : text;
    }

    private static Uri[] BuildWriteUris(InfluxOptions options)
    {
        var baseUri = options.Url!;
        var uris = new Uri[4];
        foreach (var precision in Enum.GetValues<TimestampPrecision>())
        {
            var query = new StringBuilder();
            if (options.Api == InfluxApi.V1)
            {
                query.Append("write?db=").Append(Uri.EscapeDataString(options.Database!));
                if (!string.IsNullOrWhiteSpace(options.RetentionPolicy))
                {
                    query.Append("&rp=").Append(Uri.EscapeDataString(options.RetentionPolicy));
                }

                query.Append("&precision=").Append(precision.ToV1QueryValue());
            }
            else
            {
                query.Append("api/v2/write?");
                if (!string.IsNullOrWhiteSpace(options.Organization))
                {
                    query.Append("org=").Append(Uri.EscapeDataString(options.Organization)).Append('&');
                }

                query.Append("bucket=").Append(Uri.EscapeDataString(options.EffectiveBucket));
                query.Append("&precision=").Append(precision.ToV2QueryValue());
            }

            uris[(int)precision] = new Uri(WithTrailingSlash(baseUri), query.ToString());
        }

        return uris;
    }

    internal static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsolutePath.EndsWith('/') ? uri : new UriBuilder(uri) { Path = uri.AbsolutePath + "/" }.Uri;

    internal static AuthenticationHeaderValue? Authorization(InfluxOptions options)
    {
        if (!string.IsNullOrEmpty(options.Token))
        {
            return new AuthenticationHeaderValue("Token", options.Token);
        }

        if (!string.IsNullOrEmpty(options.UserName))
        {
            var pair = Encoding.UTF8.GetBytes($"{options.UserName}:{options.Password}");
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(pair));
        }

        return null;
    }

    private static string KindTag(InfluxWriteFailure kind) => kind switch
    {
        InfluxWriteFailure.Unavailable => "unavailable",
        InfluxWriteFailure.Timeout => "timeout",
        InfluxWriteFailure.Throttled => "throttled",
        InfluxWriteFailure.CircuitOpen => "circuit_open",
        InfluxWriteFailure.Unauthorized => "unauthorized",
        InfluxWriteFailure.Configuration => "configuration",
        InfluxWriteFailure.Rejected => "rejected",
        InfluxWriteFailure.QuarantineFailed => "quarantine_failed",
        _ => "none",
    };

    private readonly record struct SendState(InfluxWriter Writer, ReadOnlyMemory<byte> Body, Uri Uri);

    private readonly record struct Failure(InfluxWriteFailure Kind, int StatusCode, string? Message, TimeSpan? RetryAfter);

    private readonly record struct Answer(bool Success, Failure Failure)
    {
        public static Answer Accepted => new(true, default);
    }

    /// <summary>Counts of one <see cref="WriteAsync"/> call, shared by its recursive requests.</summary>
    private sealed class Progress
    {
        public int Written;
        public int Quarantined;
    }
}
