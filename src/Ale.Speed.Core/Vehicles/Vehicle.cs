using Ale.Speed.Core.Sites;

namespace Ale.Speed.Core.Vehicles;

/// <summary>One passing vehicle: a per-vehicle record, or a burst of Doppler readings consolidated by the detector.</summary>
public readonly record struct Vehicle
{
    public required Unit Unit { get; init; }

    /// <summary>Event time, Unix milliseconds UTC.</summary>
    public required long TimestampMs { get; init; }

    /// <summary>Speed in km/h (peak of the burst; cosine-corrected once the filter has run).</summary>
    public required double SpeedKmh { get; init; }

    public required Direction Direction { get; init; }

    public VehicleClass Class { get; init; }

    /// <summary>Length in metres, or NaN.</summary>
    public double LengthMetres { get; init; } = double.NaN;

    /// <summary>The unit's sequence number, or -1.</summary>
    public long Sequence { get; init; } = -1;

    /// <summary>From first to last reading of the burst (0 for per-vehicle records).</summary>
    public int DurationMs { get; init; }

    /// <summary>
    /// True when <see cref="TimestampMs"/> came from the unit (canonical <c>ts</c>), false when the worker stamped the
    /// frame's arrival. Only a unit's own time can tell a redelivered record from a new vehicle.
    /// </summary>
    public bool HasDeviceTime { get; init; }

    /// <summary>Readings consolidated into this vehicle (1 for per-vehicle records).</summary>
    public int ReadingCount { get; init; } = 1;

    public Vehicle()
    {
    }
}

/// <summary>Where accepted vehicles go next (the binner, or the journal in front of it).</summary>
public interface IVehicleSink
{
    void Accept(in Vehicle vehicle);
}
