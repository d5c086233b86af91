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

    /// <summary>Seeds the noise of readings and transmission delays.</summary>
    public ulong Seed { get; init; } = 1;
}
