namespace Ale.Speed.Devices.Simulation;

/// <summary>
/// A simulated measuring site: its road type, limit and traffic mix. Defaults come from the road type; every share can
/// be overridden (for instance a street with an A-traktor problem, or more speeders).
/// </summary>
public sealed record SiteProfile
{
    public SiteProfile(string siteId, RoadType roadType, int? speedLimitKmh = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(siteId);
        RoadTypeProfile profile = RoadTypeProfile.For(roadType);
        SiteId = siteId;
        RoadType = roadType;
        SpeedLimitKmh = speedLimitKmh ?? profile.DefaultLimitKmh;
        ArgumentOutOfRangeException.ThrowIfLessThan(SpeedLimitKmh, 5, nameof(speedLimitKmh));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SpeedLimitKmh, 130, nameof(speedLimitKmh));
        DailyVehicles = profile.DailyVehicles;
        SpeederShare = profile.SpeederShare;
        HeavyShare = profile.HeavyShare;
        MopedShare = profile.MopedShare;
        ATraktorShare = profile.ATraktorShare;
        MotorcycleShare = profile.MotorcycleShare;
        BicycleShare = profile.BicycleShare;
    }

    public string SiteId { get; }

    public RoadType RoadType { get; }

    public int SpeedLimitKmh { get; }

    /// <summary>Vehicles on an ordinary weekday, both directions (Fridays a little more, weekends less).</summary>
    public double DailyVehicles { get; init; }

    /// <summary>Share of cars and motorcycles whose drivers choose a speed well over the limit (the right tail).</summary>
    public double SpeederShare { get; init; }

    /// <summary>Share of heavy vehicles on a weekday daytime hour's baseline.</summary>
    public double HeavyShare { get; init; }

    /// <summary>Baseline share of mopeds; more in evenings and at weekends, fewer in winter.</summary>
    public double MopedShare { get; init; }

    /// <summary>Baseline share of A-traktors; concentrated in evenings (18–23) and at weekends.</summary>
    public double ATraktorShare { get; init; }

    public double MotorcycleShare { get; init; }

    public double BicycleShare { get; init; }

    /// <summary>Share of vehicles approaching the unit.</summary>
    public double ApproachingShare { get; init; } = 0.5;

    internal void Validate()
    {
        CheckShare(SpeederShare, nameof(SpeederShare));
        CheckShare(HeavyShare, nameof(HeavyShare));
        CheckShare(MopedShare, nameof(MopedShare));
        CheckShare(ATraktorShare, nameof(ATraktorShare));
        CheckShare(MotorcycleShare, nameof(MotorcycleShare));
        CheckShare(BicycleShare, nameof(BicycleShare));
        CheckShare(ApproachingShare, nameof(ApproachingShare));
        if (!double.IsFinite(DailyVehicles) || DailyVehicles < 0 || DailyVehicles > 200_000)
        {
            throw new ArgumentOutOfRangeException(nameof(DailyVehicles), DailyVehicles, $"Site '{SiteId}': daily vehicles must be within 0..200000.");
        }
    }

    private void CheckShare(double share, string name)
    {
        if (!(share >= 0 && share <= 1))
        {
            throw new ArgumentOutOfRangeException(name, share, $"Site '{SiteId}': {name} must be within 0..1.");
        }
    }
}

/// <summary>Illustrative sites in Ale kommun for demos and benchmarks (plausible roads, invented figures).</summary>
public static class AleSites
{
    public static SiteProfile NodingeGoteborgsvagen { get; } = new("nodinge-goteborgsvagen", RoadType.MainRoad50);

    public static SiteProfile AlvangenCentrum { get; } = new("alvangen-centrum", RoadType.TownCentre40);

    /// <summary>A village street where residents complain about A-traktors and mopeds in the evenings.</summary>
    public static SiteProfile SkepplandaByvagen { get; } = new("skepplanda-byvagen", RoadType.VillageStreet30)
    {
        ATraktorShare = 0.05,
        MopedShare = 0.05,
    };

    public static SiteProfile AlaforsSkolvagen { get; } = new("alafors-skolvagen", RoadType.VillageStreet30);

    public static SiteProfile NolRural70 { get; } = new("nol-landsvagen", RoadType.Rural70);

    public static SiteProfile SurteRoad90 { get; } = new("surte-genomfart", RoadType.Road90);

    public static IReadOnlyList<SiteProfile> All { get; } =
        [NodingeGoteborgsvagen, AlvangenCentrum, SkepplandaByvagen, AlaforsSkolvagen, NolRural70, SurteRoad90];
}
