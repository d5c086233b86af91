namespace Ale.Speed.Devices.Simulation;

/// <summary>The kind of road a simulated site is on; it sets the default limit, volume, speed spread and traffic mix.</summary>
public enum RoadType : byte
{
    /// <summary>A residential street in a village (Skepplanda, Alafors), 30 km/h; few vehicles, mopeds and A-traktors.</summary>
    VillageStreet30,
    /// <summary>A town centre street (Älvängen, Nödinge centrum), 40 km/h; busy, slowed by rush hours.</summary>
    TownCentre40,
    /// <summary>A main road through a built-up area, 50 km/h.</summary>
    MainRoad50,
    /// <summary>A road at the edge of a built-up area, 60 km/h.</summary>
    Rural60,
    /// <summary>A rural road, 70 km/h.</summary>
    Rural70,
    /// <summary>A through road, 80 km/h.</summary>
    Road80,
    /// <summary>A major road, 90 km/h.</summary>
    Road90,
}

/// <summary>The traffic a road type carries. Figures are plausible for Swedish roads, not measurements.</summary>
internal sealed record RoadTypeProfile(
    int DefaultLimitKmh,
    double DailyVehicles,
    double MeanOffsetKmh,
    double SpeedSdKmh,
    double SpeederShare,
    double HeavyShare,
    double MopedShare,
    double ATraktorShare,
    double MotorcycleShare,
    double BicycleShare,
    double RushHourSlowdownKmh,
    double NightSpeedupKmh)
{
    // Mean offsets: streets signed 30 are driven faster than signed (the street does not force 30); wide 80/90 roads
    // somewhat below the limit on average because of heavy vehicles, bends and junctions.
    private static readonly RoadTypeProfile[] s_profiles =
    [
        new(30, 900, 3.0, 5.0, 0.12, 0.03, 0.035, 0.025, 0.010, 0.020, 0.0, 3.0),
        new(40, 5000, 1.0, 5.5, 0.09, 0.05, 0.025, 0.020, 0.010, 0.010, 3.0, 4.0),
        new(50, 9000, -1.0, 6.0, 0.08, 0.08, 0.015, 0.015, 0.010, 0.005, 4.0, 5.0),
        new(60, 3500, 0.0, 7.0, 0.08, 0.08, 0.010, 0.012, 0.012, 0.003, 0.0, 4.0),
        new(70, 3000, 1.0, 8.0, 0.07, 0.09, 0.008, 0.010, 0.015, 0.000, 0.0, 4.0),
        new(80, 7000, -1.0, 8.0, 0.06, 0.10, 0.004, 0.006, 0.012, 0.000, 0.0, 3.0),
        new(90, 12000, -3.0, 8.5, 0.05, 0.12, 0.002, 0.004, 0.010, 0.000, 0.0, 3.0),
    ];

    public static RoadTypeProfile For(RoadType roadType)
    {
        int index = (int)roadType;
        return (uint)index < (uint)s_profiles.Length
            ? s_profiles[index]
            : throw new ArgumentOutOfRangeException(nameof(roadType), roadType, "Unknown road type.");
    }
}
