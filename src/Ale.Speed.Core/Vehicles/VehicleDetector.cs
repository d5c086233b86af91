using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Sites;

namespace Ale.Speed.Core.Vehicles;

/// <summary>
/// Consolidates a stream of Doppler readings from one unit into vehicles: one burst of readings of the same direction,
/// without a gap longer than <see cref="DetectorOptions.LostAfterMs"/>, is one vehicle with the burst's peak speed,
/// timed at its first reading.
/// </summary>
/// <remarks>
/// <para>A burst ends when: a reading arrives more than <see cref="DetectorOptions.LostAfterMs"/> after the previous one;
/// the direction changes; the burst would last longer than <see cref="DetectorOptions.MaxBurstMs"/>; a "no target"
/// frame arrives (<see cref="TryEndBurst"/>); time runs back; or it is flushed (<see cref="TryFlush"/>,
/// <see cref="TryComplete"/>). A burst of fewer than <see cref="DetectorOptions.MinReadings"/> readings is noise,
/// counted in <see cref="NoiseReadings"/> and <see cref="NoiseBursts"/>, never a vehicle.</para>
/// <para>Limits, inherent to a speed-only sensor: in dense traffic two vehicles of the same direction less than
/// <see cref="DetectorOptions.LostAfterMs"/> apart merge into one (the count is low, the peak is the faster one);
/// a long vehicle, or one briefly hidden, whose readings pause for longer than that splits into two; a vehicle seen for
/// less than <see cref="DetectorOptions.MinReadings"/> readings is lost as noise. The detector tracks one target at a
/// time (see <see cref="TryAddFrame"/>). See docs/vehicle-detection.md.</para>
/// <para>One instance per unit, used from one thread. Allocation-free.</para>
/// </remarks>
public sealed class VehicleDetector
{
    private readonly Unit _unit;
    private readonly int _lostAfterMs;
    private readonly int _minReadings;
    private readonly int _maxBurstMs;

    // The open burst; _count == 0 means none.
    private int _count;
    private Direction _direction;
    private long _firstMs;
    private long _lastMs;
    private double _peakKmh;
    private VehicleClass _peakClass;
    private double _peakLengthMetres;

    public VehicleDetector(Unit unit, DetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(unit);
        options ??= DetectorOptions.Default;
        options.Validate();
        _unit = unit;
        Options = options;
        _lostAfterMs = options.LostAfterMs;
        _minReadings = options.MinReadings;
        _maxBurstMs = options.MaxBurstMs;
    }

    public DetectorOptions Options { get; }

    /// <summary>Readings discarded because their burst had fewer than <see cref="DetectorOptions.MinReadings"/> readings.</summary>
    public long NoiseReadings { get; private set; }

    /// <summary>Bursts discarded as noise.</summary>
    public long NoiseBursts { get; private set; }

    public bool HasOpenBurst => _count > 0;

    /// <summary>
    /// Adds one reading taken at <paramref name="timeMs"/>. Returns true, with the vehicle, when the reading ended the
    /// previous burst and that burst was a vehicle; the reading itself then begins a new burst.
    /// </summary>
    public bool TryAdd(in Reading reading, long timeMs, out Vehicle completed)
    {
        bool closed = false;
        completed = default;
        if (_count > 0 && EndsBurst(reading.Direction, timeMs))
        {
            closed = TryClose(out completed);
        }

        if (_count == 0)
        {
            _direction = reading.Direction;
            _firstMs = timeMs;
            _peakKmh = reading.SpeedKmh;
            _peakClass = reading.Class;
            _peakLengthMetres = reading.LengthMetres;
        }
        else if (reading.SpeedKmh > _peakKmh)
        {
            _peakKmh = reading.SpeedKmh;
            _peakClass = reading.Class;
            _peakLengthMetres = reading.LengthMetres;
        }

        _lastMs = timeMs;
        _count++;
        return closed;
    }

    /// <summary>
    /// Adds one frame's readings: none ends the open burst (a "no target" frame); of several targets the detector
    /// follows one — the first of the open burst's direction if there is one, otherwise the first, which devices list
    /// strongest first. The other targets of the frame are not tracked (returned in <paramref name="untracked"/>).
    /// </summary>
    public bool TryAddFrame(ReadOnlySpan<Reading> readings, long timeMs, out Vehicle completed, out int untracked)
    {
        if (readings.IsEmpty)
        {
            untracked = 0;
            return TryEndBurst(out completed);
        }

        int chosen = 0;
        if (_count > 0 && readings.Length > 1)
        {
            for (int i = 0; i < readings.Length; i++)
            {
                if (readings[i].Direction == _direction)
                {
                    chosen = i;
                    break;
                }
            }
        }

        untracked = readings.Length - 1;
        return TryAdd(in readings[chosen], timeMs, out completed);
    }

    /// <summary>A "no target" frame: ends the open burst at once.</summary>
    public bool TryEndBurst(out Vehicle completed)
    {
        if (_count == 0)
        {
            completed = default;
            return false;
        }

        return TryClose(out completed);
    }

    /// <summary>Closes the open burst if no reading came for longer than <see cref="DetectorOptions.LostAfterMs"/> before <paramref name="nowMs"/>.</summary>
    public bool TryFlush(long nowMs, out Vehicle completed)
    {
        if (_count == 0 || nowMs - _lastMs <= _lostAfterMs)
        {
            completed = default;
            return false;
        }

        return TryClose(out completed);
    }

    /// <summary>End of input: closes the open burst whatever its age.</summary>
    public bool TryComplete(out Vehicle completed) => TryEndBurst(out completed);

    private bool EndsBurst(Direction direction, long timeMs)
        => direction != _direction
            || timeMs < _lastMs // the clock ran back: the gap is unknowable, so do not bridge it
            || timeMs - _lastMs > _lostAfterMs
            || timeMs - _firstMs > _maxBurstMs;

    private bool TryClose(out Vehicle completed)
    {
        int count = _count;
        _count = 0;
        if (count < _minReadings)
        {
            NoiseReadings += count;
            NoiseBursts++;
            completed = default;
            return false;
        }

        completed = new Vehicle
        {
            Unit = _unit,
            TimestampMs = _firstMs,
            SpeedKmh = _peakKmh,
            Direction = _direction,
            Class = _peakClass,
            LengthMetres = _peakLengthMetres,
            DurationMs = (int)Math.Min(_lastMs - _firstMs, int.MaxValue),
            ReadingCount = count,
        };
        return true;
    }

    /// <summary>Drops any open burst and the noise counts: the state of a new detector, without allocating one.</summary>
    internal void Reset()
    {
        _count = 0;
        NoiseReadings = 0;
        NoiseBursts = 0;
    }
}
