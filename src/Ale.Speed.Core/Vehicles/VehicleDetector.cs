using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Sites;

namespace Ale.Speed.Core.Vehicles;

/// <summary>
/// Consolidates a stream of Doppler readings from one unit into vehicles. Readings are followed as up to
/// <see cref="MaxTracks"/> tracks at once: a reading joins the open track of its direction whose last speed is nearest,
/// if within <see cref="DetectorOptions.SpeedJumpShare"/>; otherwise it starts a track of its own. A track without a
/// reading for longer than <see cref="DetectorOptions.LostAfterMs"/> is closed: one vehicle with the track's peak speed,
/// timed at its first reading.
/// </summary>
/// <remarks>
/// <para>A track is also cut in two (<see cref="SplitBursts"/>) when the signal strength, where the unit reports it,
/// fades to a dip and swells again (<see cref="DetectorOptions.MagnitudeDip"/>: one vehicle leaves, the next enters),
/// and when it lasts longer than a vehicle at its speed can stay in the beam
/// (<see cref="DetectorOptions.BeamLengthMetres"/>, capped by <see cref="DetectorOptions.MaxBurstMs"/>). A
/// "no target" frame (<see cref="TryEndBurst"/>), time running back, <see cref="TryFlush"/> and
/// <see cref="TryComplete"/> close tracks too. A track of fewer than <see cref="DetectorOptions.MinReadings"/> readings is
/// noise, counted in <see cref="NoiseReadings"/> and <see cref="NoiseBursts"/>, never a vehicle.</para>
/// <para>Several vehicles can complete at one reading: the Try methods return the first, and
/// <see cref="TryTakeCompleted"/> the others — drain it after every call.</para>
/// <para>Limits: two vehicles of one direction at nearly the same speed, whose signals overlap without a dip, within a
/// beam-length of each other, are one vehicle; a vehicle seen for fewer than <see cref="DetectorOptions.MinReadings"/>
/// readings is lost. See docs/vehicle-detection.md for measured counts and V85 at 100–1,200 vehicles/h.</para>
/// <para>One instance per unit, used from one thread. Allocation-free.</para>
/// </remarks>
public sealed class VehicleDetector
{
    /// <summary>Tracks followed at once; a reading that would need another is counted as untracked.</summary>
    public const int MaxTracks = 4;

    /// <summary>The longest vehicle (a truck with trailer) added to the beam length for the longest plausible burst.</summary>
    public const double LongestVehicleMetres = 25;

    private const long HourMs = 3_600_000;
    private const int QueueCapacity = 16;

    private readonly Unit _unit;
    private readonly int _lostAfterMs;
    private readonly int _minReadings;
    private readonly int _maxBurstMs;
    private readonly double _jumpShare;
    private readonly double _dip;
    private readonly double _beamAndVehicleMetresPerKmhMs; // (beam + longest vehicle) in metres × 3600: / km/h gives ms
    private readonly int _highFlowPerHour;

    private readonly Track[] _tracks = new Track[MaxTracks];
    private readonly Vehicle[] _completed = new Vehicle[QueueCapacity];
    private int _completedHead;
    private int _completedCount;
    private int _openTracks;
    private long _lastMs = long.MinValue;
    private long _hourStartMs = long.MinValue;
    private int _hourVehicles;

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
        _jumpShare = options.SpeedJumpShare;
        _dip = options.MagnitudeDip;
        _beamAndVehicleMetresPerKmhMs = (options.BeamLengthMetres + LongestVehicleMetres) * 3600;
        _highFlowPerHour = options.HighFlowPerHour;
    }

    public DetectorOptions Options { get; }

    /// <summary>Readings discarded because their track had fewer than <see cref="DetectorOptions.MinReadings"/> readings.</summary>
    public long NoiseReadings { get; private set; }

    /// <summary>Tracks discarded as noise.</summary>
    public long NoiseBursts { get; private set; }

    /// <summary>
    /// Vehicles told apart from a burst that a one-vehicle-per-burst rule would have counted once: cut at a dip in signal
    /// strength or at the longest plausible burst, or followed beside another vehicle of the same direction.
    /// </summary>
    public long SplitBursts { get; private set; }

    /// <summary>Hours (of the vehicles' time) in which this unit found <see cref="DetectorOptions.HighFlowPerHour"/> vehicles or more.</summary>
    public long HighFlowHours { get; private set; }

    public bool HasOpenBurst => _openTracks > 0;

    /// <summary>
    /// Adds one reading taken at <paramref name="timeMs"/>. Returns true, with the first vehicle completed by it (others
    /// wait in <see cref="TryTakeCompleted"/>).
    /// </summary>
    public bool TryAdd(in Reading reading, long timeMs, out Vehicle completed)
    {
        CloseLost(timeMs);
        Place(reading, timeMs, useFrameMark: false, out _);
        return TryTakeCompleted(out completed);
    }

    /// <summary>
    /// Adds one frame's readings: none closes every track (a "no target" frame); each of several targets joins its own
    /// track. Readings for which no track is free are counted in <paramref name="untracked"/>.
    /// </summary>
    public bool TryAddFrame(ReadOnlySpan<Reading> readings, long timeMs, out Vehicle completed, out int untracked)
    {
        untracked = 0;
        if (readings.IsEmpty)
        {
            return TryEndBurst(out completed);
        }

        CloseLost(timeMs);
        for (int i = 0; i < _tracks.Length; i++)
        {
            _tracks[i].TakenInFrame = false;
        }

        foreach (ref readonly Reading reading in readings)
        {
            Place(reading, timeMs, useFrameMark: readings.Length > 1, out bool tracked);
            if (!tracked)
            {
                untracked++;
            }
        }

        return TryTakeCompleted(out completed);
    }

    /// <summary>A "no target" frame: closes every open track at once.</summary>
    public bool TryEndBurst(out Vehicle completed)
    {
        CloseAll();
        return TryTakeCompleted(out completed);
    }

    /// <summary>Closes the tracks without a reading for longer than <see cref="DetectorOptions.LostAfterMs"/> before <paramref name="nowMs"/>.</summary>
    public bool TryFlush(long nowMs, out Vehicle completed)
    {
        for (int i = 0; i < _tracks.Length; i++)
        {
            if (_tracks[i].Count > 0 && nowMs - _tracks[i].LastMs > _lostAfterMs)
            {
                Close(ref _tracks[i]);
            }
        }

        return TryTakeCompleted(out completed);
    }

    /// <summary>End of input: closes every track whatever its age.</summary>
    public bool TryComplete(out Vehicle completed) => TryEndBurst(out completed);

    /// <summary>A vehicle completed earlier and not yet returned, oldest first.</summary>
    public bool TryTakeCompleted(out Vehicle completed)
    {
        if (_completedCount == 0)
        {
            completed = default;
            return false;
        }

        completed = _completed[_completedHead];
        _completed[_completedHead] = default;
        _completedHead = (_completedHead + 1) % QueueCapacity;
        _completedCount--;
        return true;
    }

    private void CloseLost(long timeMs)
    {
        if (_openTracks == 0)
        {
            _lastMs = timeMs;
            return;
        }

        if (timeMs < _lastMs)
        {
            // The clock ran back: the gaps are unknowable, so no track is bridged.
            CloseAll();
        }
        else
        {
            for (int i = 0; i < _tracks.Length; i++)
            {
                if (_tracks[i].Count > 0 && timeMs - _tracks[i].LastMs > _lostAfterMs)
                {
                    Close(ref _tracks[i]);
                }
            }
        }

        _lastMs = timeMs;
    }

    private void CloseAll()
    {
        for (int i = 0; i < _tracks.Length; i++)
        {
            if (_tracks[i].Count > 0)
            {
                Close(ref _tracks[i]);
            }
        }
    }

    /// <summary>Puts a reading on the nearest open track of its direction within the speed tolerance, or on a new track.</summary>
    private void Place(in Reading reading, long timeMs, bool useFrameMark, out bool tracked)
    {
        int best = -1;
        double bestDistance = double.MaxValue;
        bool sameDirectionOpen = false;
        double speed = reading.SpeedKmh;
        for (int i = 0; i < _tracks.Length; i++)
        {
            ref Track track = ref _tracks[i];
            if (track.Count == 0 || track.Direction != reading.Direction)
            {
                continue;
            }

            sameDirectionOpen = true;
            if (useFrameMark && track.TakenInFrame)
            {
                continue;
            }

            double distance = Math.Abs(speed - track.LastKmh);
            if (distance <= Math.Max(DetectorOptions.MinSpeedJumpKmh, _jumpShare * track.LastKmh) && distance < bestDistance)
            {
                best = i;
                bestDistance = distance;
            }
        }

        if (best >= 0)
        {
            ref Track track = ref _tracks[best];
            if (timeMs - track.Head.FirstMs > LongestBurstMs(track.Head.PeakKmh))
            {
                // Longer than one vehicle at this speed can stay in the beam: the next vehicle has followed it in.
                bool beside = track.Beside;
                if (Close(ref track) && !beside)
                {
                    SplitBursts++;
                }

                Open(ref track, reading, timeMs, beside: false);
            }
            else if (track.Add(reading, timeMs, _dip))
            {
                // The signal dipped and swelled again: the part before the dip is one vehicle, the rest the next.
                Emit(track.Head, track.Direction, countSplit: true);
                track.PromoteTail();
            }

            track.TakenInFrame = true;
            tracked = true;
            return;
        }

        for (int i = 0; i < _tracks.Length; i++)
        {
            if (_tracks[i].Count == 0)
            {
                Open(ref _tracks[i], reading, timeMs, sameDirectionOpen);
                _tracks[i].TakenInFrame = true;
                tracked = true;
                return;
            }
        }

        tracked = false;
    }

    private void Open(ref Track track, in Reading reading, long timeMs, bool beside)
    {
        track.Start(reading, timeMs, beside);
        _openTracks++;
    }

    /// <summary>The longest a vehicle driving at <paramref name="peakKmh"/> can be seen, in ms.</summary>
    private double LongestBurstMs(double peakKmh)
        => peakKmh > 0 ? Math.Min(_maxBurstMs, _beamAndVehicleMetresPerKmhMs / peakKmh) : _maxBurstMs;

    /// <summary>Closes a track (its tail included); returns whether it was a vehicle.</summary>
    private bool Close(ref Track track)
    {
        track.FoldTail();
        bool vehicle = Emit(track.Head, track.Direction, countSplit: track.Beside);
        track.Count = 0;
        _openTracks--;
        return vehicle;
    }

    private bool Emit(in Segment segment, Direction direction, bool countSplit)
    {
        if (segment.Count < _minReadings)
        {
            NoiseReadings += segment.Count;
            NoiseBursts++;
            return false;
        }

        if (countSplit)
        {
            SplitBursts++;
        }

        CountHour(segment.FirstMs);
        Vehicle vehicle = new()
        {
            Unit = _unit,
            TimestampMs = segment.FirstMs,
            SpeedKmh = segment.PeakKmh,
            Direction = direction,
            Class = segment.PeakClass,
            LengthMetres = segment.PeakLengthMetres,
            DurationMs = (int)Math.Min(segment.LastMs - segment.FirstMs, int.MaxValue),
            ReadingCount = segment.Count,
        };

        if (_completedCount == QueueCapacity)
        {
            throw new InvalidOperationException("VehicleDetector: completed vehicles were not taken (call TryTakeCompleted after each call).");
        }

        _completed[(_completedHead + _completedCount) % QueueCapacity] = vehicle;
        _completedCount++;
        return true;
    }

    private void CountHour(long timeMs)
    {
        long hour = timeMs - (((timeMs % HourMs) + HourMs) % HourMs);
        if (hour != _hourStartMs)
        {
            _hourStartMs = hour;
            _hourVehicles = 0;
        }

        if (++_hourVehicles == _highFlowPerHour)
        {
            HighFlowHours++;
        }
    }

    /// <summary>Drops every open track and the counts: the state of a new detector, without allocating one.</summary>
    internal void Reset()
    {
        Array.Clear(_tracks);
        Array.Clear(_completed);
        _completedHead = _completedCount = _openTracks = 0;
        _lastMs = _hourStartMs = long.MinValue;
        _hourVehicles = 0;
        NoiseReadings = NoiseBursts = SplitBursts = HighFlowHours = 0;
    }

    /// <summary>Readings of one vehicle (or what is taken for one): first and last time, count, the peak.</summary>
    private struct Segment
    {
        public long FirstMs;
        public long LastMs;
        public int Count;
        public double PeakKmh;
        public VehicleClass PeakClass;
        public double PeakLengthMetres;
        public double PeakMagnitude;

        public void Start(in Reading reading, long timeMs)
        {
            FirstMs = LastMs = timeMs;
            Count = 1;
            PeakKmh = reading.SpeedKmh;
            PeakClass = reading.Class;
            PeakLengthMetres = reading.LengthMetres;
            PeakMagnitude = reading.Magnitude;
        }

        public void Add(in Reading reading, long timeMs)
        {
            if (Count == 0)
            {
                Start(reading, timeMs);
                return;
            }

            Segment one = default;
            one.Start(reading, timeMs);
            Append(one);
        }

        public void Append(in Segment later)
        {
            if (later.Count == 0)
            {
                return;
            }

            LastMs = later.LastMs;
            Count += later.Count;
            if (later.PeakKmh > PeakKmh)
            {
                PeakKmh = later.PeakKmh;
                PeakClass = later.PeakClass;
                PeakLengthMetres = later.PeakLengthMetres;
            }

            if (later.PeakMagnitude > PeakMagnitude || double.IsNaN(PeakMagnitude))
            {
                PeakMagnitude = later.PeakMagnitude;
            }
        }
    }

    /// <summary>
    /// One followed target: <see cref="Head"/> holds the readings up to the lowest signal since the strongest one (the dip
    /// so far), <see cref="Tail"/> those after it. A tail that swells back above <see cref="DetectorOptions.MagnitudeDip"/>
    /// inverse while the dip is below that share of the head's peak is the next vehicle.
    /// </summary>
    private struct Track
    {
        public Segment Head;
        public Segment Tail;
        public double DipMagnitude; // lowest magnitude since the head's peak; NaN when none
        public int Count;           // readings on the track (0 = free)
        public double LastKmh;
        public long LastMs;
        public Direction Direction;
        public bool Beside;         // opened while another track of its direction was open
        public bool TakenInFrame;

        public void Start(in Reading reading, long timeMs, bool beside)
        {
            Head.Start(reading, timeMs);
            Tail = default;
            DipMagnitude = double.NaN;
            Count = 1;
            LastKmh = reading.SpeedKmh;
            LastMs = timeMs;
            Direction = reading.Direction;
            Beside = beside;
        }

        /// <summary>Adds a reading; returns true when the signal has dipped and swelled again (the tail is another vehicle).</summary>
        public bool Add(in Reading reading, long timeMs, double dip)
        {
            Count++;
            LastKmh = reading.SpeedKmh;
            LastMs = timeMs;
            double magnitude = reading.Magnitude;
            if (double.IsNaN(magnitude) || dip <= 0)
            {
                FoldTail();
                Head.Add(reading, timeMs);
                return false;
            }

            if (magnitude >= Head.PeakMagnitude || double.IsNaN(Head.PeakMagnitude))
            {
                // Stronger than ever: still the same vehicle coming closer.
                FoldTail();
                Head.Add(reading, timeMs);
                DipMagnitude = double.NaN;
                return false;
            }

            if (!(magnitude > DipMagnitude))
            {
                // A new low since the peak: everything up to here belongs to the head.
                FoldTail();
                Head.Add(reading, timeMs);
                DipMagnitude = magnitude;
                return false;
            }

            Tail.Add(reading, timeMs);
            return DipMagnitude < dip * Head.PeakMagnitude && magnitude * dip > DipMagnitude;
        }

        /// <summary>After a split: the tail becomes the track's head.</summary>
        public void PromoteTail()
        {
            Head = Tail;
            Tail = default;
            DipMagnitude = double.NaN;
            Count = Head.Count;
            Beside = false;
        }

        public void FoldTail()
        {
            Head.Append(Tail);
            Tail = default;
        }
    }
}
