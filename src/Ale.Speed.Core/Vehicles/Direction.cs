namespace Ale.Speed.Core.Vehicles;

/// <summary>Direction of travel relative to the sensor. On the wire: <c>in</c> (approaching) and <c>out</c> (receding).</summary>
public enum Direction : byte
{
    /// <summary>The device does not report a direction (Houston DR500, for instance).</summary>
    Unknown = 0,
    Approaching = 1,
    Receding = 2,
}

/// <summary>Which directions a unit keeps.</summary>
public enum DirectionSelection : byte
{
    Both = 0,
    ApproachingOnly = 1,
    RecedingOnly = 2,
}

/// <summary>Vehicle class as some units report it (canonical <c>class</c>). Values are the wire names.</summary>
public enum VehicleClass : byte
{
    Unknown = 0,
    Car,
    Heavy,
    Moped,
    ATraktor,
    Motorcycle,
    Bicycle,
    Other,
}
