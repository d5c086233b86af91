using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Devices.Simulation;

/// <summary>
/// Turns simulated vehicles into the bytes a unit of one <see cref="FrameFormat"/> sends, with the time each line
/// arrives at the receiver. Per-vehicle formats (canonical, ICOMS) send one record per vehicle; Doppler formats send a
/// burst of readings per vehicle, and merge the bursts of vehicles that follow each other too closely (see
/// <see cref="FrameEncoderOptions.MergeGapMs"/> and <see cref="RadarTarget"/>).
/// </summary>
/// <remarks>
/// An encoder holds only its configuration; every <see cref="Encode"/> starts afresh from
/// <see cref="FrameEncoderOptions.Seed"/>, so the same vehicles always give the same bytes. Vehicles must come in time
/// order.
/// </remarks>
public abstract class FrameEncoder
{
    private protected FrameEncoder(FrameFormat format, FrameEncoderOptions options, SpeedUnit defaultSpeedUnit)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MergeGapMs);
        Format = format;
        Options = options;
        SpeedUnit = options.SpeedUnit ?? defaultSpeedUnit;
    }

    /// <summary>The header line the <see cref="FrameFormat.Csv"/> encoder writes first.</summary>
    public const string CsvHeader = "time;speed;direction";

    /// <summary>The <see cref="CsvColumnMap"/> text that reads what the <see cref="FrameFormat.Csv"/> encoder writes.</summary>
    public const string CsvColumnMap = "ts=time,speed=speed,dir=direction";

    public FrameFormat Format { get; }

    public FrameEncoderOptions Options { get; }

    /// <summary>The unit in which speeds are written, where the format has a choice.</summary>
    public SpeedUnit SpeedUnit { get; }

    /// <summary>True when one frame is one vehicle.</summary>
    public abstract bool ReportsVehicles { get; }

    public static FrameEncoder Create(FrameFormat format, FrameEncoderOptions? options = null)
    {
        options ??= new FrameEncoderOptions();
        return format switch
        {
            FrameFormat.Canonical => new CanonicalEncoder(options),
            FrameFormat.IcomsTma296 => new IcomsTma296Encoder(options),
            FrameFormat.Ops243 => new Ops243DeviceEncoder(options),
            FrameFormat.Ops243Plain => new Ops243PlainEncoder(options),
            FrameFormat.Ops243Json => new Ops243JsonEncoder(options),
            FrameFormat.Ops243Csv => new Ops243CsvEncoder(options),
            FrameFormat.HoustonDr500 => new HoustonDr500Encoder(options),
            FrameFormat.HlkLd2415h => new HlkLd2415hEncoder(options),
            FrameFormat.IcomsTma3b3 => new IcomsTma3b3Encoder(options),
            FrameFormat.Csv => new CsvEncoder(options),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "No encoder for this format."),
        };
    }

    /// <summary>One chunk per line, lazily, in arrival order.</summary>
    public IEnumerable<FrameChunk> Encode(IEnumerable<SimulatedVehicle> vehicles)
    {
        ArgumentNullException.ThrowIfNull(vehicles);
        return EncodeCore(vehicles);
    }

    /// <summary>Everything in one buffer, with each line's arrival time and what the radar made of the traffic.</summary>
    public EncodedFrames EncodeAll(IEnumerable<SimulatedVehicle> vehicles)
    {
        ArgumentNullException.ThrowIfNull(vehicles);
        var line = new LineWriter();
        var targets = new List<RadarTarget>();
        var bytes = new List<byte>(1 << 16);
        var arrivals = new List<long>();
        var ends = new List<int>();
        foreach (long arrival in EncodeLines(InTimeOrder(vehicles), line, targets))
        {
            bytes.AddRange(line.WrittenSpan);
            arrivals.Add(arrival);
            ends.Add(bytes.Count);
        }

        return new EncodedFrames([.. bytes], [.. arrivals], [.. ends], [.. targets]);
    }

    /// <summary>Writes the lines into <paramref name="line"/>, one per yielded arrival time.</summary>
    private protected abstract IEnumerable<long> EncodeLines(IEnumerable<SimulatedVehicle> vehicles, LineWriter line, List<RadarTarget> targets);

    /// <summary>A speed in the unit's <see cref="SpeedUnit"/>.</summary>
    private protected double ToDeviceUnit(double kmh) => SpeedUnit switch
    {
        SpeedUnit.MetresPerSecond => kmh / 3.6,
        SpeedUnit.MilesPerHour => kmh / 1.609344,
        _ => kmh,
    };

    private protected static Direction Normalise(Direction direction)
        => direction == Direction.Unknown ? Direction.Approaching : direction;

    private IEnumerable<FrameChunk> EncodeCore(IEnumerable<SimulatedVehicle> vehicles)
    {
        var line = new LineWriter();
        var targets = new List<RadarTarget>();
        foreach (long arrival in EncodeLines(InTimeOrder(vehicles), line, targets))
        {
            yield return new FrameChunk(arrival, line.WrittenSpan.ToArray());
        }
    }

    private static IEnumerable<SimulatedVehicle> InTimeOrder(IEnumerable<SimulatedVehicle> vehicles)
    {
        long previous = long.MinValue;
        foreach (SimulatedVehicle vehicle in vehicles)
        {
            if (vehicle.TimestampMs < previous)
            {
                throw new ArgumentException(
                    $"Vehicles must be in time order: {vehicle.TimestampMs} after {previous}.", nameof(vehicles));
            }

            previous = vehicle.TimestampMs;
            yield return vehicle;
        }
    }
}

/// <summary>Formats that send one record per vehicle, when it has passed.</summary>
internal abstract class PerVehicleEncoder : FrameEncoder
{
    private protected PerVehicleEncoder(FrameFormat format, FrameEncoderOptions options, SpeedUnit defaultSpeedUnit)
        : base(format, options, defaultSpeedUnit)
    {
    }

    public sealed override bool ReportsVehicles => true;

    private protected abstract void WriteVehicle(LineWriter line, in SimulatedVehicle vehicle);

    /// <summary>What a file starts with (a header line), written before the first vehicle's line and sent with it.</summary>
    private protected virtual void WritePreamble(LineWriter line)
    {
    }

    /// <summary>From the vehicle's time to the receiver having the whole record.</summary>
    private protected abstract int DelayMs(ref SimulationRandom random, int lineLength);

    private protected sealed override IEnumerable<long> EncodeLines(IEnumerable<SimulatedVehicle> vehicles, LineWriter line, List<RadarTarget> targets)
    {
        var random = new SimulationRandom(SimulationRandom.Mix(Options.Seed, (ulong)Format));
        long lastArrival = long.MinValue;
        bool first = true;
        foreach (SimulatedVehicle vehicle in vehicles)
        {
            line.Clear();
            if (first)
            {
                WritePreamble(line);
                first = false;
            }

            WriteVehicle(line, vehicle);

            // Records leave the unit in order, so a short delay never overtakes a long one.
            long arrival = Math.Max(lastArrival, vehicle.TimestampMs + DelayMs(ref random, line.Length));
            lastArrival = arrival;
            targets.Add(new RadarTarget(arrival, arrival, vehicle.SpeedKmh, Normalise(vehicle.Direction), 1, 1, targets.Count));
            yield return arrival;
        }
    }

    private protected static int WholeKmh(double kmh) => (int)Math.Min(999, Math.Round(kmh, MidpointRounding.AwayFromZero));
}
