using Ale.Speed.Core.Frames;

namespace Ale.Speed.Devices.Simulation;

/// <summary>The ICOMS TMA-296 serial message types the encoder can send.</summary>
public enum IcomsMessageType : byte
{
    /// <summary><c>+057 km/h</c></summary>
    Type1 = 1,
    /// <summary><c>057KI</c> (in, approaching) / <c>057KO</c> (out, receding)</summary>
    Type2 = 2,
    /// <summary><c>-057</c></summary>
    Type3 = 3,
    /// <summary><c>+057 km/h 005 m</c> (speed and length)</summary>
    Type6 = 6,
}

/// <summary>How a simulated unit is set up.</summary>
public sealed record FrameEncoderOptions
{
    /// <summary>The gap below which a radar's bursts for two vehicles run together.</summary>
    public const int DefaultMergeGapMs = 1500;

    /// <summary>The unit's speed unit; null for the format's factory default (OPS243: m/s, others km/h).</summary>
    public SpeedUnit? SpeedUnit { get; init; }

    public IcomsMessageType IcomsMessageType { get; init; } = IcomsMessageType.Type1;

    /// <summary>
    /// Vehicles whose bursts would be closer than this (same direction, or any direction for units without one) are
    /// reported as one continuous burst, as a single-target Doppler radar does; downstream they count as one vehicle.
    /// </summary>
    public int MergeGapMs { get; init; } = DefaultMergeGapMs;

    /// <summary>When an OPS243's uptime clock started (Unix ms); null for 100 s before the first vehicle.</summary>
    public long? DevicePowerOnMs { get; init; }

    /// <summary>
    /// Dense traffic: vehicles share the beam, each seen for as long as it takes to drive through it, and the unit
    /// reports the strongest targets of each moment (see <see cref="BeamOptions"/>). Null (the default): the sequential
    /// model, one burst after another (<see cref="MergeGapMs"/>). Doppler formats only.
    /// </summary>
    public BeamOptions? Beam { get; init; }

    /// <summary>Seeds the noise of readings and transmission delays.</summary>
    public ulong Seed { get; init; } = 1;
}

/// <summary>A Doppler unit's beam, for the dense-traffic model of <see cref="FrameEncoderOptions.Beam"/>.</summary>
public sealed record BeamOptions
{
    /// <summary>The stretch of road the unit sees; a vehicle is in the beam while any part of it is on that stretch.</summary>
    public double LengthMetres { get; init; } = 15;

    /// <summary>Targets reported per frame, strongest first: 1 for a single-target unit (the default), up to 9 (OPS243 CSV).</summary>
    public int Targets { get; init; } = 1;

    /// <summary>Time between frames while something is in the beam.</summary>
    public int IntervalMs { get; init; } = 60;

    internal void Validate()
    {
        if (!(LengthMetres is > 0 and <= 500) || Targets is < 1 or > 9 || IntervalMs is < 10 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(FrameEncoderOptions.Beam), this,
                "Beam: length 0–500 m, 1–9 targets, 10–1000 ms between frames.");
        }
    }
}
