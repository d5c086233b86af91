using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Devices.Simulation;

/// <summary>
/// Doppler units that report a stream of readings while a target is in the beam: 4–15 readings at 15–20 Hz per vehicle,
/// rising towards the vehicle's speed (the highest reading is exactly the vehicle's speed) with a little noise.
/// Fewer readings for fast vehicles, more for slow and long ones.
/// </summary>
/// <remarks>
/// The radar tracks one target at a time (OPS243's default single-target report). A vehicle arriving while the
/// previous burst is still running is reported after it. When a vehicle's burst would start less than
/// <see cref="FrameEncoderOptions.MergeGapMs"/> after the previous burst ended and the sign does not change (same
/// direction, or any vehicle for a unit without direction), the radar keeps reporting through the gap and the two
/// become one burst: downstream that is one vehicle at the higher speed. Otherwise bursts of the same direction are at
/// least the merge gap apart, and opposite directions are told apart by the sign. <see cref="EncodedFrames.Targets"/>
/// lists the bursts as sent, so tests know how many vehicles a correct detector finds.
/// </remarks>
internal abstract class BurstEncoder : FrameEncoder
{
    /// <summary>The beam covers roughly this much road: readings per vehicle ≈ this / speed.</summary>
    private const double ReadingsTimesKmh = 400;

    private protected BurstEncoder(FrameFormat format, FrameEncoderOptions options, SpeedUnit defaultSpeedUnit)
        : base(format, options, defaultSpeedUnit)
    {
    }

    public sealed override bool ReportsVehicles => false;

    /// <summary>False for units whose readings carry no direction; their bursts merge whatever the direction.</summary>
    private protected virtual bool ReportsDirection => true;

    /// <summary>Interval of "no target" lines after a burst, or 0 for units that stay silent.</summary>
    private protected virtual int IdleIntervalMs => 0;

    /// <summary>How long after a burst a unit keeps sending "no target" lines (caps idle hours' output).</summary>
    private protected virtual int IdleWindowMs => 0;

    private protected abstract void WriteReading(LineWriter line, in BurstReading reading, Direction direction, DeviceClock clock);

    private protected virtual void WriteIdle(LineWriter line, DeviceClock clock)
    {
    }

    /// <summary>One frame of several targets, strongest first; units that report one target write the first.</summary>
    private protected virtual void WriteTargets(LineWriter line, ReadOnlySpan<BeamReading> readings, DeviceClock clock)
        => WriteReading(line, readings[0].Reading, readings[0].Direction, clock);

    private protected sealed override IEnumerable<long> EncodeLines(IEnumerable<SimulatedVehicle> vehicles, LineWriter line, List<RadarTarget> targets)
    {
        if (Options.Beam is { } beam)
        {
            beam.Validate();
            return EncodeBeam(vehicles, beam, line, targets);
        }

        return EncodeSequential(vehicles, line, targets);
    }

    /// <summary>
    /// Dense traffic: every vehicle is in the beam from its time for (beam length + its length) / speed, whatever else
    /// is there; each frame reports the strongest <see cref="BeamOptions.Targets"/> of the vehicles in the beam at that
    /// moment. Each vehicle is one <see cref="RadarTarget"/> (what a perfect detector would find).
    /// </summary>
    private IEnumerable<long> EncodeBeam(IEnumerable<SimulatedVehicle> vehicles, BeamOptions beam, LineWriter line, List<RadarTarget> targets)
    {
        var random = new SimulationRandom(SimulationRandom.Mix(Options.Seed, (ulong)Format));
        var clock = new DeviceClock();
        var inBeam = new List<BeamVehicle>();
        var frame = new List<BeamReading>();
        using IEnumerator<SimulatedVehicle> next = vehicles.GetEnumerator();
        bool more = next.MoveNext();
        long timeMs = long.MinValue;
        long lastFrameMs = long.MinValue;
        while (more || inBeam.Count > 0)
        {
            if (inBeam.Count == 0)
            {
                long entryMs = next.Current.TimestampMs;
                if (IdleIntervalMs > 0 && lastFrameMs != long.MinValue)
                {
                    for (long t = lastFrameMs + IdleIntervalMs; t <= lastFrameMs + IdleWindowMs && t < entryMs; t += IdleIntervalMs)
                    {
                        line.Clear();
                        WriteIdle(line, clock);
                        clock.Tick++;
                        clock.LineIndex++;
                        yield return t;
                    }
                }

                timeMs = Math.Max(timeMs, entryMs);
            }

            while (more && next.Current.TimestampMs <= timeMs)
            {
                SimulatedVehicle vehicle = next.Current;
                clock.PowerOnMs ??= Options.DevicePowerOnMs ?? vehicle.TimestampMs - 100_000;
                var entering = new BeamVehicle(vehicle, ReportsDirection ? Normalise(vehicle.Direction) : Direction.Unknown, beam.LengthMetres, ref random);
                inBeam.Add(entering);
                targets.Add(new RadarTarget(entering.EntryMs, entering.ExitMs, vehicle.SpeedKmh, entering.Direction,
                    (int)((entering.ExitMs - entering.EntryMs) / beam.IntervalMs), 1, clock.LineIndex));
                more = next.MoveNext();
            }

            frame.Clear();
            inBeam.RemoveAll(v => v.ExitMs <= timeMs);
            foreach (BeamVehicle vehicle in inBeam)
            {
                frame.Add(new BeamReading(vehicle.ReadingAt(timeMs, ref random), vehicle.Direction));
            }

            if (frame.Count > 0)
            {
                frame.Sort(static (a, b) => b.Reading.Magnitude.CompareTo(a.Reading.Magnitude));
                line.Clear();
                WriteTargets(line, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(frame)[..Math.Min(beam.Targets, frame.Count)], clock);
                clock.Tick++;
                clock.LineIndex++;
                lastFrameMs = timeMs;
                yield return timeMs;
            }

            timeMs += beam.IntervalMs;
        }
    }

    private IEnumerable<long> EncodeSequential(IEnumerable<SimulatedVehicle> vehicles, LineWriter line, List<RadarTarget> targets)
    {
        var random = new SimulationRandom(SimulationRandom.Mix(Options.Seed, (ulong)Format));
        var burst = new PendingBurst();
        var clock = new DeviceClock();
        bool pending = false;
        foreach (SimulatedVehicle vehicle in vehicles)
        {
            clock.PowerOnMs ??= Options.DevicePowerOnMs ?? vehicle.TimestampMs - 100_000;
            Direction direction = ReportsDirection ? Normalise(vehicle.Direction) : Direction.Unknown;
            int intervalMs = random.NextInt(50, 67);
            long startMs = vehicle.TimestampMs;
            if (pending)
            {
                long lastMs = burst.Readings[^1].TimeMs;
                startMs = Math.Max(startMs, lastMs + intervalMs);
                if (direction == burst.Direction && startMs - lastMs < Options.MergeGapMs)
                {
                    // Still a target in the beam: the radar reports through the gap at the previous vehicle's speed.
                    for (long t = lastMs + burst.IntervalMs; t < startMs; t += burst.IntervalMs)
                    {
                        burst.Readings.Add(new BurstReading(t, burst.LastVehicleKmh * random.NextDouble(0.95, 0.99), burst.MagnitudeBase * 0.3));
                    }

                    AddVehicle(ref random, burst, vehicle, startMs, intervalMs);
                    continue;
                }

                foreach (long arrival in Emit(burst, startMs, line, clock, targets))
                {
                    yield return arrival;
                }
            }

            burst.Start(direction);
            AddVehicle(ref random, burst, vehicle, startMs, intervalMs);
            pending = true;
        }

        if (pending)
        {
            foreach (long arrival in Emit(burst, long.MaxValue, line, clock, targets))
            {
                yield return arrival;
            }
        }
    }

    private IEnumerable<long> Emit(PendingBurst burst, long nextStartMs, LineWriter line, DeviceClock clock, List<RadarTarget> targets)
    {
        List<BurstReading> readings = burst.Readings;
        targets.Add(new RadarTarget(
            readings[0].TimeMs, readings[^1].TimeMs, burst.PeakKmh, burst.Direction, readings.Count, burst.VehicleCount, clock.LineIndex));
        foreach (BurstReading reading in readings)
        {
            line.Clear();
            WriteReading(line, reading, burst.Direction, clock);
            clock.Tick++;
            clock.LineIndex++;
            yield return reading.TimeMs;
        }

        if (IdleIntervalMs > 0)
        {
            long lastMs = readings[^1].TimeMs;
            for (long t = lastMs + IdleIntervalMs; t <= lastMs + IdleWindowMs && t < nextStartMs; t += IdleIntervalMs)
            {
                line.Clear();
                WriteIdle(line, clock);
                clock.Tick++;
                clock.LineIndex++;
                yield return t;
            }
        }
    }

    private static void AddVehicle(ref SimulationRandom random, PendingBurst burst, in SimulatedVehicle vehicle, long startMs, int intervalMs)
    {
        double kmh = vehicle.SpeedKmh;
        int count = (int)Math.Round(ReadingsTimesKmh / Math.Max(kmh, 1.0))
            + (vehicle.Class == VehicleClass.Heavy ? 2 : 0)
            + random.NextInt(-1, 2);
        count = Math.Clamp(count, 4, 15);

        // The peak is the last reading, or the one before it when the vehicle is already leaving the beam.
        int peakIndex = count - 1 - (random.NextBool(0.4) ? 1 : 0);
        double startFraction = random.NextDouble(0.80, 0.92);
        double magnitudeBase = BurstEncoderMagnitudes.Base(vehicle.Class) * random.NextDouble(0.6, 1.4);
        for (int i = 0; i < count; i++)
        {
            // Below 0.99 of the peak everywhere else, so no rounding on the wire lifts a reading above the peak.
            double fraction = i == peakIndex ? 1.0
                : i < peakIndex ? Math.Min(0.99, (startFraction + ((1.0 - startFraction) * i / peakIndex)) * (1.0 + (0.004 * random.NextGaussian())))
                : random.NextDouble(0.96, 0.99);
            double magnitude = magnitudeBase * (0.3 + (0.7 * Math.Sin(Math.PI * (i + 1) / (count + 1)))) * random.NextDouble(0.95, 1.05);
            burst.Readings.Add(new BurstReading(startMs + ((long)i * intervalMs), kmh * fraction, magnitude));
        }

        burst.VehicleCount++;
        burst.PeakKmh = Math.Max(burst.PeakKmh, kmh);
        burst.LastVehicleKmh = kmh;
        burst.IntervalMs = intervalMs;
        burst.MagnitudeBase = magnitudeBase;
    }

    private sealed class PendingBurst
    {
        public List<BurstReading> Readings { get; } = [];

        public Direction Direction { get; private set; }

        public int VehicleCount { get; set; }

        public double PeakKmh { get; set; }

        public double LastVehicleKmh { get; set; }

        public int IntervalMs { get; set; }

        public double MagnitudeBase { get; set; }

        public void Start(Direction direction)
        {
            Readings.Clear();
            Direction = direction;
            VehicleCount = 0;
            PeakKmh = 0;
        }
    }
}

/// <summary>Typical signal strength per vehicle class (a truck reflects far more than a moped).</summary>
internal static class BurstEncoderMagnitudes
{
    public static double Base(VehicleClass vehicleClass) => vehicleClass switch
    {
        VehicleClass.Heavy => 6000,
        VehicleClass.Car or VehicleClass.Other or VehicleClass.Unknown => 1800,
        VehicleClass.ATraktor => 1600,
        VehicleClass.Motorcycle => 700,
        VehicleClass.Moped => 400,
        _ => 250,
    };
}

/// <summary>One reading of a burst: when it arrives, the measured speed in km/h, the signal magnitude.</summary>
internal readonly record struct BurstReading(long TimeMs, double Kmh, double Magnitude);

/// <summary>One target of a frame in the dense-traffic model.</summary>
internal readonly record struct BeamReading(BurstReading Reading, Direction Direction);

/// <summary>
/// A vehicle driving through the beam: readings rise from 80–92 % of its speed to exactly its speed at 75–95 % of the
/// way through, then 96–99 %; the signal swells and fades as it crosses the beam (peak in the middle).
/// </summary>
internal sealed class BeamVehicle
{
    private readonly double _kmh;
    private readonly double _startFraction;
    private readonly double _peakAt;
    private readonly double _magnitudeBase;
    private bool _peakReported;

    public BeamVehicle(in SimulatedVehicle vehicle, Direction direction, double beamMetres, ref SimulationRandom random)
    {
        _kmh = vehicle.SpeedKmh;
        Direction = direction;
        EntryMs = vehicle.TimestampMs;
        double metres = beamMetres + (double.IsFinite(vehicle.LengthMetres) ? vehicle.LengthMetres : 4.5);
        ExitMs = EntryMs + (long)Math.Round(metres / (Math.Max(_kmh, 1.0) / 3.6) * 1000);
        _startFraction = random.NextDouble(0.80, 0.92);
        _peakAt = random.NextDouble(0.75, 0.95);
        _magnitudeBase = BurstEncoderMagnitudes.Base(vehicle.Class) * random.NextDouble(0.6, 1.4);
    }

    public Direction Direction { get; }

    public long EntryMs { get; }

    public long ExitMs { get; }

    public BurstReading ReadingAt(long timeMs, ref SimulationRandom random)
    {
        double through = (timeMs - EntryMs) / (double)(ExitMs - EntryMs);
        double fraction;
        if (through < _peakAt)
        {
            fraction = Math.Min(0.99, (_startFraction + ((1.0 - _startFraction) * through / _peakAt)) * (1.0 + (0.004 * random.NextGaussian())));
        }
        else if (!_peakReported)
        {
            _peakReported = true;
            fraction = 1.0;
        }
        else
        {
            fraction = random.NextDouble(0.96, 0.99);
        }

        double magnitude = _magnitudeBase * (0.3 + (0.7 * Math.Sin(Math.PI * through))) * random.NextDouble(0.95, 1.05);
        return new BurstReading(timeMs, _kmh * fraction, magnitude);
    }
}

/// <summary>Per-stream state of the simulated unit.</summary>
internal sealed class DeviceClock
{
    /// <summary>Where the unit's uptime clock is zero (Unix ms).</summary>
    public long? PowerOnMs { get; set; }

    /// <summary>The OPS243 report counter.</summary>
    public long Tick { get; set; }

    public int LineIndex { get; set; }

    public double UptimeSeconds(long timeMs) => (timeMs - (PowerOnMs ?? timeMs)) / 1000.0;
}
