using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Devices.Simulation;

/// <summary>One simulated passing vehicle: the ground truth that encoders turn into a unit's frames.</summary>
/// <param name="TimestampMs">When it passes the unit, Unix milliseconds UTC.</param>
/// <param name="SpeedKmh">True speed in km/h, rounded to 0.1.</param>
/// <param name="LengthMetres">Length in metres, rounded to 0.1.</param>
/// <param name="Sequence">The unit's record counter for this vehicle.</param>
public readonly record struct SimulatedVehicle(
    long TimestampMs,
    double SpeedKmh,
    Direction Direction,
    VehicleClass Class,
    double LengthMetres,
    long Sequence);
