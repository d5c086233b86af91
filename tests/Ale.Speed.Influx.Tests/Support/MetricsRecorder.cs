using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Ale.Speed.Influx.Tests.Support;

/// <summary>Sums every measurement of one meter's instruments, by instrument name and by name + tag value.</summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _sums = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public MetricsRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Raised after each measurement (instrument name).</summary>
    public event Action<string>? Recorded;

    public double Sum(string instrument) => _sums.GetValueOrDefault(instrument);

    public double Sum(string instrument, string tagValue) => _sums.GetValueOrDefault(instrument + "|" + tagValue);

    /// <summary>Number of measurements (e.g. histogram records).</summary>
    public int Count(string instrument) => _counts.GetValueOrDefault(instrument);

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        _sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
        _counts.AddOrUpdate(instrument.Name, 1, (_, count) => count + 1);
        foreach (var tag in tags)
        {
            _sums.AddOrUpdate(instrument.Name + "|" + tag.Value, value, (_, sum) => sum + value);
        }

        Recorded?.Invoke(instrument.Name);
    }
}
