using Microsoft.Extensions.Logging;

namespace Ale.Speed.Influx.Writing;

/// <summary>
/// The writer's log messages, event ids 2000–2999 (Devices: 4000–4999, Worker: 6000–6999). None takes a credential:
/// endpoints are logged without query or user info.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Warning, "InfluxDB write attempt {Attempt} failed ({Reason}); retrying in {DelaySeconds:0.###} s")]
    public static partial void Retrying(ILogger logger, int attempt, string reason, double delaySeconds);

    [LoggerMessage(2002, LogLevel.Warning, "InfluxDB refused a line ({StatusCode}: {Reason}); quarantined in {Path}")]
    public static partial void Quarantined(ILogger logger, int statusCode, string reason, string path);

    [LoggerMessage(2003, LogLevel.Error, "InfluxDB refused a line ({StatusCode}: {Reason}) and no quarantine file is configured: {Line}")]
    public static partial void QuarantineNotConfigured(ILogger logger, int statusCode, string reason, string line);

    [LoggerMessage(2004, LogLevel.Error, "InfluxDB at {Endpoint} refused the credentials ({StatusCode}: {Reason}); the data is kept, no retries until the next write")]
    public static partial void Unauthorized(ILogger logger, string endpoint, int statusCode, string reason);

    [LoggerMessage(2005, LogLevel.Error, "InfluxDB at {Endpoint} answered 404 ({Reason}): {Hint}")]
    public static partial void NotFound(ILogger logger, string endpoint, string reason, string hint);

    [LoggerMessage(2006, LogLevel.Warning, "InfluxDB write failed ({Kind}, status {StatusCode}: {Reason}); {Written} lines written, the rest is kept")]
    public static partial void WriteFailed(ILogger logger, InfluxWriteFailure kind, int statusCode, string? reason, int written);

    [LoggerMessage(2007, LogLevel.Information, "InfluxDB answered {StatusCode} for {Lines} lines; splitting the request")]
    public static partial void Splitting(ILogger logger, int statusCode, int lines);

    [LoggerMessage(2008, LogLevel.Warning, "InfluxDB circuit opened for {BreakSeconds:0.#} s after repeated failures")]
    public static partial void CircuitOpened(ILogger logger, double breakSeconds);

    [LoggerMessage(2009, LogLevel.Information, "InfluxDB circuit closed")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(2010, LogLevel.Error, "Could not append to the quarantine file {Path}; the batch is kept")]
    public static partial void QuarantineFailed(ILogger logger, string path, Exception exception);
}
