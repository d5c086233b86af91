using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Worker.Tests.Support;

/// <summary>The tests' own table of vehicle classes' limits (trafikförordningen 4 kap. 20 §), independent of the project's data.</summary>
internal static class ClassLimits
{
    /// <summary>The limit a vehicle of <paramref name="vehicleClass"/> drives under on a road posted <paramref name="postedKmh"/> (after 31 August 2023).</summary>
    public static int Own(int postedKmh, VehicleClass vehicleClass)
    {
        int own = vehicleClass switch
        {
            VehicleClass.ATraktor => 30,
            VehicleClass.Moped => 45,
            VehicleClass.Heavy => 90,
            _ => int.MaxValue,
        };
        return Math.Min(own, postedKmh);
    }
}
