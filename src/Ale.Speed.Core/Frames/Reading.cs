using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Frames;

/// <summary>
/// One measurement as a frame reports it, speed already converted to km/h. For Doppler sensors a vehicle is a burst
/// of these; for per-vehicle formats (canonical, ICOMS) one reading is one vehicle.
/// </summary>
public readonly record struct Reading
{
    /// <summary>Marks "the frame carries no wall-clock time"; the source's arrival time is used instead.</summary>
    public const long NoTimestamp = long.MinValue;

    /// <summary>Speed in km/h, never negative; the sign of the wire value is in <see cref="Direction"/>.</summary>
    public double SpeedKmh { get; init; }

    public Direction Direction { get; init; }

    /// <summary>Unix time in milliseconds (UTC) carried by the frame, or <see cref="NoTimestamp"/>.</summary>
    public long TimestampMs { get; init; } = NoTimestamp;

    /// <summary>The unit's own uptime clock in seconds (OPS243 <c>time</c>), or NaN.</summary>
    public double DeviceClockSeconds { get; init; } = double.NaN;

    /// <summary>Signal magnitude (OPS243 <c>OM</c>), or NaN.</summary>
    public double Magnitude { get; init; } = double.NaN;

    /// <summary>Vehicle length in metres where the unit measures it, or NaN.</summary>
    public double LengthMetres { get; init; } = double.NaN;

    /// <summary>The unit's sequence number for this record, or -1.</summary>
    public long Sequence { get; init; } = -1;

    public VehicleClass Class { get; init; }

    public Reading()
    {
    }

    public bool HasTimestamp => TimestampMs != NoTimestamp;
}
