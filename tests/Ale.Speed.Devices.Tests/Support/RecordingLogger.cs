using Microsoft.Extensions.Logging;

namespace Ale.Speed.Devices.Tests.Support;

/// <summary>Our own <see cref="ILogger"/> for tests: keeps every entry (level, event id, message, structured values).</summary>
public sealed class RecordingLogger : ILogger
{
    private readonly object _lock = new();
    private readonly List<LogEntry> _entries = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IReadOnlyList<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : [];
        lock (_lock)
        {
            _entries.Add(new LogEntry(logLevel, eventId.Id, formatter(state, exception), values));
        }
    }
}

public sealed record LogEntry(LogLevel Level, int EventId, string Message, IReadOnlyDictionary<string, object?> Values);
