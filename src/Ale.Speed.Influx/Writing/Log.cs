using Microsoft.Extensions.Logging;

namespace Ale.Speed.Influx.Writing;

/// <summary>The writer's log messages. None takes a credential: endpoints are logged without query or user info.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "InfluxDB write attempt {Attempt} failed ({Reason}); retrying in {DelaySeconds:0.###} s")]
    public static partial void Retrying(ILogger logger, int attempt, string reason, double delaySeconds);

    [LoggerMessage(2, LogLevel.Warning, "InfluxDB refused a line ({StatusCode}: {Reason}); quarantined in {Path}")]
    public static partial void Quarantined(ILogger logger, int statusCode, string reason, string path);

    [LoggerMessage(3, LogLevel.Error, "InfluxDB refused a line ({StatusCode}: {Reason}) and no quarantine file is configured: {Line}")]
    public static partial void QuarantineNotConfigured(ILogger logger, int statusCode, string reason, string line);

    [LoggerMessage(4, LogLevel.Error, "InfluxDB at {Endpoint} refused the credentials ({StatusCode}: {Reason}); the data is kept, no retries until the next write")]
    public static partial void Unauthorized(ILogger logger, string endpoint, int statusCode, string reason);

    [LoggerMessage(5, LogLevel.Error, "InfluxDB at {Endpoint} answered 404 ({Reason}): {Hint}")]
    public static partial void NotFound(ILogger logger, string endpoint, string reason, string hint);

    [LoggerMessage(6, LogLevel.Warning, "InfluxDB write failed ({Kind}, status {StatusCode}: {Reason}); {Written} lines written, the rest is kept")]
    public static partial void WriteFailed(ILogger logger, InfluxWriteFailure kind, int statusCode, string? reason, int written);

    [LoggerMessage(7, LogLevel.Information, "InfluxDB answered {StatusCode} for {Lines} lines; splitting the request")]
    public static partial void Splitting(ILogger logger, int statusCode, int lines);

    [LoggerMessage(8, LogLevel.Warning, "InfluxDB circuit opened for {BreakSeconds:0.#} s after repeated failures")]
    public static partial void CircuitOpened(ILogger logger, double breakSeconds);

    [LoggerMessage(9, LogLevel.Information, "InfluxDB circuit closed")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(10, LogLevel.Error, "Could not append to the quarantine file {Path}; the batch is kept")]
    public static partial void QuarantineFailed(ILogger logger, string path, Exception exception);
}
