using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Core.Statistics;
using Ale.Speed.Influx.Bins;

namespace Ale.Speed.Dashboard;

/// <summary>Where a site stands (WGS 84), for the map.</summary>
public readonly record struct SiteLocation(double Latitude, double Longitude);

/// <summary>
/// What the dashboard reads and how it computes: the same catalog, reader and statistics options the CLI's read
/// commands are given, so a page, the API and the CLI answer the same query with the same numbers.
/// </summary>
public sealed class DashboardData
{
    public DashboardData(SiteCatalog catalog, BinReader reader, StatisticsOptions hotspotStatistics, IReadOnlyDictionary<string, SiteLocation> locations, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(hotspotStatistics);
        ArgumentNullException.ThrowIfNull(locations);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Catalog = catalog;
        Reader = reader;
        HotspotStatistics = hotspotStatistics;
        Locations = locations;
        TimeProvider = timeProvider;
    }

    public SiteCatalog Catalog { get; }

    public BinReader Reader { get; }

    /// <summary>Statistics for <c>hotspots</c> (the reportable margin from <c>AleSpeed:Enforcement</c>), as the CLI uses them.</summary>
    public StatisticsOptions HotspotStatistics { get; }

    public IReadOnlyDictionary<string, SiteLocation> Locations { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>The follow-up's registers and commitment; without them <c>/followup</c> and <c>/api/followup</c> answer 400.</summary>
    public DashboardFollowUp? FollowUp { get; init; }
}
