using Microsoft.Extensions.Time.Testing;

namespace Ale.Speed.Influx.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also reports each timer created, so a test can wait until the code under
/// test is really waiting (e.g. Polly's retry delay) before it advances the clock — no sleeping, no race.
/// </summary>
public sealed class ObservedTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<(TimeSpan Due, TaskCompletionSource Signal)> _waiters = [];

    public FakeTimeProvider Fake { get; } = new(start);

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public void Advance(TimeSpan delta) => Fake.Advance(delta);

    /// <summary>Completes when a timer due after exactly <paramref name="due"/> has been created.</summary>
    public Task WhenTimerCreated(TimeSpan due)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((due, signal));
        }

        return signal.Task;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Fake.CreateTimer(callback, state, dueTime, period);
        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Due == dueTime)
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }

        return timer;
    }
}
