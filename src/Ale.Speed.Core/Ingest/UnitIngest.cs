using System.Buffers;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Ingest;

/// <summary>
/// One unit's hot path: <see cref="FrameParser"/> → <see cref="VehicleDetector"/> (only for formats that stream
/// readings) → <see cref="VehicleFilter"/> → <see cref="IVehicleSink"/>. Every frame, reading, noise reading, vehicle
/// and reject is counted in <see cref="Counters"/>.
/// </summary>
/// <remarks>
/// <para>A reading's time is the time its frame carries, else the arrival time the caller passes. All frames in one
/// <see cref="Ingest"/> call without their own time share that arrival time, so the caller should pass each buffer as it
/// arrives: a backlog read in one go would squeeze the gaps the detector relies on.</para>
/// <para>The filter's "now" (future and late checks) is read from its clock once per call, at the first vehicle, and
/// shared by the call's vehicles: those checks work at a scale of minutes, a clock read per vehicle costs more than
/// parsing a short frame.</para>
/// <para>Streaming units that report their own uptime clock (OPS243 <c>time</c>, with <c>OT</c> or JSON output) have it
/// mapped to the wall clock (see <c>MapDeviceClock</c>), so detection does not depend on read timing.</para>
/// <para>One instance per unit, used from one thread (the unit's read loop). Allocation-free once warm.</para>
/// </remarks>
public sealed class UnitIngest
{
    private const long NoTime = long.MinValue;

    private readonly FrameParser _parser;
    private readonly VehicleDetector? _detector;
    private readonly VehicleFilter _filter;
    private readonly Unit _unit;
    private readonly Reading[] _readings = new Reading[FrameParser.MaxReadingsPerFrame];

    public UnitIngest(FrameParser parser, VehicleFilter filter, DetectorOptions? detectorOptions = null)
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(filter);
        _parser = parser;
        _filter = filter;
        _unit = filter.Unit;
        _detector = parser.ReportsVehicles ? null : new VehicleDetector(_unit, detectorOptions);
    }

    public UnitIngest(Unit unit, FrameParser parser, TimeProvider timeProvider, DetectorOptions? detectorOptions = null, FilterOptions? filterOptions = null)
        : this(parser, new VehicleFilter(unit, timeProvider, filterOptions), detectorOptions)
    {
    }

    public Unit Unit => _unit;

    public IngestCounters Counters { get; } = new();

    /// <summary>The detector, or null for formats that report one frame per vehicle.</summary>
    public VehicleDetector? Detector => _detector;

    /// <summary>
    /// Parses every complete frame in <paramref name="buffer"/> and passes the accepted vehicles to <paramref name="sink"/>.
    /// Returns where parsing stopped: everything before it is consumed (for <c>PipeReader.AdvanceTo</c>).
    /// </summary>
    /// <param name="isFinalBlock">True at the end of a file or message: an unterminated last line counts as a frame.</param>
    public SequencePosition Ingest(ReadOnlySequence<byte> buffer, long arrivalMs, IVehicleSink sink, bool isFinalBlock = false)
    {
        ArgumentNullException.ThrowIfNull(sink);
        // A field, not stackalloc: a serial read is often one frame, and zeroing nine readings per call would cost more than parsing.
        Span<Reading> readings = _readings;

        // Read once, at the first vehicle of this buffer (see VehicleFilter.Apply with a time).
        long nowMs = NoTime;
        if (buffer.IsSingleSegment)
        {
            // Fast path: a serial read is one segment, usually one line; no SequenceReader needed for whole lines.
            ReadOnlySpan<byte> span = buffer.FirstSpan;
            int offset = 0;
            // A read usually ends at a line end: then there is nothing left to search for the next one.
            while (offset < span.Length && _parser.TryReadLine(span[offset..], readings, out FrameResult lineFrame, out int consumed))
            {
                offset += consumed;
                Handle(lineFrame, readings, arrivalMs, sink, ref nowMs);
            }

            if (offset == span.Length)
            {
                SyncNoise();
                return buffer.GetPosition(offset);
            }

            buffer = buffer.Slice(offset);
        }

        var reader = new SequenceReader<byte>(buffer);
        while (_parser.TryReadFrame(ref reader, readings, out FrameResult frame, isFinalBlock))
        {
            Handle(frame, readings, arrivalMs, sink, ref nowMs);
        }

        SyncNoise();
        return reader.Position;
    }

    private void Handle(in FrameResult frame, Span<Reading> readings, long arrivalMs, IVehicleSink sink, ref long nowMs)
    {
        IngestCounters counters = Counters;
        counters.Frames++;
        if (frame.IsRejected)
        {
            counters.CountReject(frame.Reject);
            return;
        }

        if (frame.Kind != FrameKind.Measurement)
        {
            // Not a speed report: counted, and kept away from the detector (it says nothing about targets in the beam).
            if (frame.Kind == FrameKind.RangeReport)
            {
                counters.RangeReports++;
            }
            else
            {
                counters.DeviceMessages++;
            }

            return;
        }

        int count = frame.ReadingCount;
        counters.Readings += count;
        if (count == 0)
        {
            counters.NoTargetFrames++;
        }

        if (_detector is null)
        {
            for (int i = 0; i < count; i++)
            {
                ref readonly Reading reading = ref readings[i];
                Vehicle vehicle = ToVehicle(reading, reading.HasTimestamp ? reading.TimestampMs : arrivalMs);
                Deliver(vehicle, sink, ref nowMs);
            }
        }
        else
        {
            long timeMs = count == 0 ? arrivalMs
                : readings[0].HasTimestamp ? readings[0].TimestampMs
                : double.IsFinite(readings[0].DeviceClockSeconds) ? MapDeviceClock(readings[0].DeviceClockSeconds, arrivalMs, _detector.HasOpenBurst)
                : arrivalMs;
            _lastFrameTimeMs = timeMs;
            _lastFrameArrivalMs = arrivalMs;
            if (_detector.TryAddFrame(readings[..count], timeMs, out Vehicle completed, out int untracked))
            {
                // No streaming format carries wall-clock time: its vehicles are stamped with (device-clock mapped) arrival times.
                Deliver(completed, sink, ref nowMs);
                while (_detector.TryTakeCompleted(out completed))
                {
                    Deliver(completed, sink, ref nowMs);
                }
            }

            counters.UntrackedReadings += untracked;
        }
    }

    /// <summary>The state of a new instance (no open burst, nothing remembered, counters zero) without allocating one.</summary>
    /// <summary>Re-learn the device clock's offset when readings arrive later than its clock says by more than this.</summary>
    public const long DeviceClockResyncMs = 10_000;

    private long _lastFrameTimeMs;
    private long _lastFrameArrivalMs;
    private long _deviceClockOffsetMs;
    private long _lastDeviceClockMs;
    private bool _hasDeviceClockOffset;

    /// <summary>
    /// A unit's own uptime clock (OPS243 <c>time</c>) on the wall clock: offset = arrival − device time, the least seen
    /// (the read with the least delay), learned again when the clock goes backwards (the unit restarted) or readings
    /// arrive more than <see cref="DeviceClockResyncMs"/> later than it predicts (drift) — the latter only between bursts,
    /// since a jump inside one would split a vehicle. So burst gaps and durations come from the radar's clock, not from
    /// when a busy machine happened to read the serial line.
    /// </summary>
    private long MapDeviceClock(double seconds, long arrivalMs, bool burstOpen)
    {
        long deviceMs = (long)Math.Round(seconds * 1000);
        long candidate = arrivalMs - deviceMs;
        if (!_hasDeviceClockOffset || deviceMs < _lastDeviceClockMs || (!burstOpen && candidate - _deviceClockOffsetMs > DeviceClockResyncMs))
        {
            _deviceClockOffsetMs = candidate;
            _hasDeviceClockOffset = true;
        }
        else if (candidate < _deviceClockOffsetMs)
        {
            _deviceClockOffsetMs = candidate;
        }

        _lastDeviceClockMs = deviceMs;
        return _deviceClockOffsetMs + deviceMs;
    }

    internal void Reset()
    {
        _hasDeviceClockOffset = false;
        _parser.Reset();
        _detector?.Reset();
        _filter.Reset();
        Counters.Reset();
    }

    /// <summary>Closes a burst idle for longer than the detector's lost-after time (call on a timer when the line is quiet).</summary>
    public void FlushIdle(long nowMs, IVehicleSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        // The detector's time is the device clock where the unit has one: compare in that time base, i.e. "no frame has
        // arrived for LostAfterMs", however far the device clock runs from ours.
        long detectorNowMs = nowMs + _lastFrameTimeMs - _lastFrameArrivalMs;
        if (_detector is not null && _detector.TryFlush(detectorNowMs, out Vehicle completed))
        {
            long filterNowMs = NoTime;
            do
            {
                Deliver(completed, sink, ref filterNowMs);
            }
            while (_detector.TryTakeCompleted(out completed));
        }

        SyncNoise();
    }

    /// <summary>End of input: closes any open burst.</summary>
    public void Complete(IVehicleSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (_detector is not null && _detector.TryComplete(out Vehicle completed))
        {
            long filterNowMs = NoTime;
            do
            {
                Deliver(completed, sink, ref filterNowMs);
            }
            while (_detector.TryTakeCompleted(out completed));
        }

        SyncNoise();
    }

    private Vehicle ToVehicle(in Reading reading, long timeMs) => new()
    {
        HasDeviceTime = reading.HasTimestamp,
        Unit = _unit,
        TimestampMs = timeMs,
        SpeedKmh = reading.SpeedKmh,
        Direction = reading.Direction,
        Class = reading.Class,
        LengthMetres = reading.LengthMetres,
        Sequence = reading.Sequence,
    };

    private void Deliver(in Vehicle vehicle, IVehicleSink sink, ref long nowMs)
    {
        Counters.Vehicles++;
        if (nowMs == NoTime)
        {
            nowMs = _filter.NowMs();
        }

        RejectReason reason = _filter.Apply(vehicle, nowMs, out Vehicle accepted);
        if (reason != RejectReason.None)
        {
            Counters.CountReject(reason);
            return;
        }

        Counters.VehiclesAccepted++;
        sink.Accept(accepted);
    }

    private void SyncNoise()
    {
        if (_detector is not null)
        {
            Counters.NoiseReadings = _detector.NoiseReadings;
            Counters.SplitBursts = _detector.SplitBursts;
            Counters.HighFlowHours = _detector.HighFlowHours;
        }
    }
}
