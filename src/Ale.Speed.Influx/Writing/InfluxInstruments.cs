using System.Diagnostics.Metrics;

namespace Ale.Speed.Influx.Writing;

/// <summary>Names of the writer's meter and instruments (OpenTelemetry style).</summary>
public static class InfluxInstruments
{
    public const string MeterName = "Ale.Speed.Influx";

    /// <summary>Counter: lines the server accepted.</summary>
    public const string LinesWritten = "ale.speed.influx.lines.written";

    /// <summary>Counter: requests the server accepted (one batch may take several).</summary>
    public const string BatchesWritten = "ale.speed.influx.batches.written";

    /// <summary>Counter: retried attempts; tag <c>reason</c> = HTTP status code or exception type.</summary>
    public const string Retries = "ale.speed.influx.retries";

    /// <summary>Counter: failed writes; tag <c>kind</c> = <see cref="InfluxWriteFailure"/> in lower case.</summary>
    public const string WriteFailures = "ale.speed.influx.write.failures";

    /// <summary>Counter: lines moved to the quarantine file.</summary>
    public const string LinesQuarantined = "ale.speed.influx.lines.quarantined";

    /// <summary>Histogram (seconds): one request with its retries.</summary>
    public const string WriteDuration = "ale.speed.influx.write.duration";
}

internal sealed class InfluxMetrics : IDisposable
{
    private readonly bool _ownsMeter;

    public InfluxMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        Meter = meterFactory?.Create(InfluxInstruments.MeterName) ?? new Meter(InfluxInstruments.MeterName);
        LinesWritten = Meter.CreateCounter<long>(InfluxInstruments.LinesWritten, "{line}", "Lines the server accepted.");
        BatchesWritten = Meter.CreateCounter<long>(InfluxInstruments.BatchesWritten, "{request}", "Write requests the server accepted.");
        Retries = Meter.CreateCounter<long>(InfluxInstruments.Retries, "{retry}", "Retried write attempts.");
        WriteFailures = Meter.CreateCounter<long>(InfluxInstruments.WriteFailures, "{failure}", "Writes that failed; the caller keeps the data.");
        LinesQuarantined = Meter.CreateCounter<long>(InfluxInstruments.LinesQuarantined, "{line}", "Lines refused for good and quarantined.");
        WriteDuration = Meter.CreateHistogram<double>(InfluxInstruments.WriteDuration, "s", "Duration of one write request including retries.");
    }

    public Meter Meter { get; }
    public Counter<long> LinesWritten { get; }
    public Counter<long> BatchesWritten { get; }
    public Counter<long> Retries { get; }
    public Counter<long> WriteFailures { get; }
    public Counter<long> LinesQuarantined { get; }
    public Histogram<double> WriteDuration { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}
