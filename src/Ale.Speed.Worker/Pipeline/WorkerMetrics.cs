using System.Diagnostics.Metrics;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Ingest;
using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Worker.Pipeline;

/// <summary>
/// The worker's figures as System.Diagnostics.Metrics instruments (meter <c>Ale.Speed.Worker</c>), so dotnet-counters
/// and OpenTelemetry can read them: frames, vehicles, rejects by reason and unit, bins written, spool, write failures,
/// journal lag, and each unit's last vehicle and silence.
/// </summary>
internal sealed class WorkerMetrics : IDisposable
{
    public const string MeterName = "Ale.Speed.Worker";

    private static readonly RejectReason[] s_reasons = [.. Enum.GetValues<RejectReason>().Where(r => r != RejectReason.None)];
    private readonly Meter _meter;
    private readonly Counter<long> _binsWritten;
    private readonly Counter<long> _writeFailures;
    private readonly Counter<long> _rollupsWritten;

    public WorkerMetrics(IMeterFactory? meterFactory, UnitRouter router, JournalWriter journal, UnitActivity activity)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _binsWritten = _meter.CreateCounter<long>("ale.speed.bins.written", "{bin}", "Bins written to InfluxDB (a rewritten bin counts again).");
        _rollupsWritten = _meter.CreateCounter<long>("ale.speed.rollups.written", "{rollup}", "Hour, day and month rollups written to InfluxDB (a rewritten rollup counts again).");
        _writeFailures = _meter.CreateCounter<long>("ale.speed.write.failures", "{failure}", "Flushes that failed, by kind; the bins are kept.");

        _meter.CreateObservableCounter("ale.speed.frames", () => PerUnit(router, c => c.Frames), "{frame}", "Frames read, per unit.");
        _meter.CreateObservableCounter("ale.speed.vehicles.accepted", () => PerUnit(router, c => c.VehiclesAccepted), "{vehicle}", "Vehicles accepted, per unit.");
        _meter.CreateObservableCounter("ale.speed.frames.range_reports", () => PerUnit(router, c => c.RangeReports), "{frame}",
            "Range reports read (OPS243-C), per unit: no speed, not rejects.");
        _meter.CreateObservableCounter("ale.speed.frames.device_messages", () => PerUnit(router, c => c.DeviceMessages), "{frame}",
            "Settings answers and product information read, per unit: no speed, not rejects.");
        _meter.CreateObservableCounter("ale.speed.detector.split_bursts", () => PerUnit(router, c => c.SplitBursts), "{vehicle}",
            "Doppler units: vehicles told apart from a burst that would otherwise have counted once (dense traffic), per unit.");
        _meter.CreateObservableCounter("ale.speed.detector.high_flow_hours", () => PerUnit(router, c => c.HighFlowHours), "{hour}",
            "Doppler units: hours with at least Detector HighFlowPerHour vehicles, where counts may be low (docs/vehicle-detection.md), per unit.");
        _meter.CreateObservableCounter("ale.speed.rejects", () => Rejects(router), "{reject}", "Frames and vehicles rejected, per unit and reason.");
        _meter.CreateObservableCounter("ale.speed.unknown_unit.messages", () => router.UnknownUnits.Select(
            u => new Measurement<long>(u.Value, new KeyValuePair<string, object?>("unit", u.Key))), "{message}", "Input from units that are not registered.");
        _meter.CreateObservableCounter("ale.speed.vehicles.already_imported", () => journal.VehiclesAlreadyImported, "{vehicle}",
            "Live vehicles not counted because an import had already counted them from the unit's log.");
        _meter.CreateObservableGauge("ale.speed.spool.bytes", () => journal.SpoolBytes, "By", "Journal bytes of vehicles not yet stored in InfluxDB.");
        _meter.CreateObservableGauge("ale.speed.spool.full", () => journal.SpoolFull ? 1 : 0, "{flag}", "1 while the spool is full and sources are not acknowledged.");
        _meter.CreateObservableGauge("ale.speed.disk.full", () => journal.DiskFull ? 1 : 0, "{flag}", "1 while journal writes fail (disk full).");
        _meter.CreateObservableGauge("ale.speed.journal.lag", () => journal.JournalLag, "{vehicle}", "Journaled vehicles whose bins are not yet confirmed stored.");
        _meter.CreateObservableGauge("ale.speed.unit.last_vehicle", () => activity.LastVehicleTimes().Select(
            u => new Measurement<long>(u.UnixSeconds, new KeyValuePair<string, object?>("unit", u.UnitId))), "s", "Unix time of each unit's last accepted vehicle.");
        _meter.CreateObservableGauge("ale.speed.unit.silent", () => activity.Silence().Select(
            u => new Measurement<int>(u.Silent ? 1 : 0, new KeyValuePair<string, object?>("unit", u.UnitId))), "{flag}", "1 for a unit silent longer than its SilentAfter.");
    }

    private long _totalBinsWritten;

    public long TotalBinsWritten => Interlocked.Read(ref _totalBinsWritten);

    private long _totalRollupsWritten;

    public long TotalRollupsWritten => Interlocked.Read(ref _totalRollupsWritten);

    public void BinsWritten(int windows, int rollups = 0)
    {
        if (windows > 0)
        {
            _binsWritten.Add(windows);
            Interlocked.Add(ref _totalBinsWritten, windows);
        }

        if (rollups > 0)
        {
            _rollupsWritten.Add(rollups);
            Interlocked.Add(ref _totalRollupsWritten, rollups);
        }
    }

    public void WriteFailed(InfluxWriteFailure failure) => _writeFailures.Add(1, new KeyValuePair<string, object?>("kind", failure.ToString()));

    private static IEnumerable<Measurement<long>> PerUnit(UnitRouter router, Func<IngestCounters, long> value)
        => router.Routes.Select(r => new Measurement<long>(r.Total(value), new KeyValuePair<string, object?>("unit", r.Unit.Id)));

    private static IEnumerable<Measurement<long>> Rejects(UnitRouter router)
    {
        foreach (UnitRoute route in router.Routes)
        {
            foreach (RejectReason reason in s_reasons)
            {
                long count = route.RejectCount(reason);
                if (count > 0)
                {
                    yield return new Measurement<long>(count,
                        new KeyValuePair<string, object?>("unit", route.Unit.Id), new KeyValuePair<string, object?>("reason", reason.ToString()));
                }
            }
        }
    }

    public void Dispose() => _meter.Dispose();
}
