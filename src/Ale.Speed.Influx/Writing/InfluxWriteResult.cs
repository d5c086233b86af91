namespace Ale.Speed.Influx.Writing;

/// <summary>Why a write did not complete. Every failure keeps the data: the caller still holds the batch and
/// writes it again later (writing a line twice is harmless: the same point is replaced).</summary>
public enum InfluxWriteFailure : byte
{
    None = 0,

    /// <summary>Network errors or 5xx/408 after every retry.</summary>
    Unavailable,

    /// <summary>An attempt or the whole retry budget ran out of time.</summary>
    Timeout,

    /// <summary>429 after every retry, or a <c>Retry-After</c> longer than the writer waits.</summary>
    Throttled,

    /// <summary>The circuit breaker is open after repeated failures: no request was sent.</summary>
    CircuitOpen,

    /// <summary>401 or 403: wrong or missing credentials or permissions. Not retried; raise the alarm.</summary>
    Unauthorized,

    /// <summary>404: no such database/bucket, or an endpoint the server does not have (v2 on InfluxDB before 1.8).</summary>
    Configuration,

    /// <summary>Another 4xx the writer cannot handle line by line.</summary>
    Rejected,

    /// <summary>A refused line could not be appended to the quarantine file.</summary>
    QuarantineFailed,
}

/// <summary>The outcome of <see cref="InfluxWriter.WriteAsync"/>.</summary>
/// <param name="WrittenLines">Lines the server accepted (earlier requests of a batch that failed later included).</param>
/// <param name="QuarantinedLines">Lines the server refused for good, now in the quarantine file.</param>
/// <param name="Failure">Why the batch is not complete; <see cref="InfluxWriteFailure.None"/> when it is.</param>
/// <param name="StatusCode">HTTP status of the failing response, 0 when there was none.</param>
/// <param name="Message">The server's or the network's reason for the failure (never credentials).</param>
/// <param name="RetryAfter">The server's <c>Retry-After</c> on a throttled failure.</param>
public readonly record struct InfluxWriteResult(
    int WrittenLines,
    int QuarantinedLines,
    InfluxWriteFailure Failure,
    int StatusCode = 0,
    string? Message = null,
    TimeSpan? RetryAfter = null)
{
    /// <summary>Every line is either stored or quarantined: the caller may forget the batch.</summary>
    public bool IsComplete => Failure == InfluxWriteFailure.None;
}
