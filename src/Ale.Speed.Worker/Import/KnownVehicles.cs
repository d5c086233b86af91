using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Worker.Import;

/// <summary>
/// A set of one unit's vehicles, asked "is this the same vehicle as one already counted?" across the ways a vehicle
/// reaches us. Two records are the same vehicle when both carry the unit's sequence number and it is equal, or when at
/// least one carries none and time, speed and direction are equal (<see cref="VehicleIdentity"/>'s rule) — so a
/// gateway's numbered live record and the sign's own unnumbered export of the same vehicle match.
/// </summary>
internal sealed class KnownVehicles
{
    private readonly HashSet<VehicleIdentity> _bySequence = [];
    private readonly HashSet<VehicleIdentity> _byTimeOfUnnumbered = [];
    private readonly HashSet<VehicleIdentity> _byTime = [];

    public int Count => _byTime.Count;

    /// <summary>Adds <paramref name="vehicle"/>; false when it was known already.</summary>
    public bool Add(in Vehicle vehicle)
    {
        if (Contains(vehicle))
        {
            return false;
        }

        VehicleIdentity byTime = ByTime(vehicle);
        _byTime.Add(byTime);
        if (vehicle.Sequence >= 0)
        {
            _bySequence.Add(VehicleIdentity.Of(vehicle));
        }
        else
        {
            _byTimeOfUnnumbered.Add(byTime);
        }

        return true;
    }

    public bool Contains(in Vehicle vehicle)
        => vehicle.Sequence >= 0
            ? _bySequence.Contains(VehicleIdentity.Of(vehicle)) || _byTimeOfUnnumbered.Contains(ByTime(vehicle))
            : _byTime.Contains(VehicleIdentity.Of(vehicle));

    private static VehicleIdentity ByTime(in Vehicle vehicle)
        => vehicle.Sequence >= 0 ? VehicleIdentity.Of(vehicle with { Sequence = -1 }) : VehicleIdentity.Of(vehicle);
}
