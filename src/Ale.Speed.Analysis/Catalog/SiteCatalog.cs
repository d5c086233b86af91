using Ale.Speed.Core.Sites;

namespace Ale.Speed.Analysis.Catalog;

/// <summary>A radar unit as the analysis needs it: where it stands, whether drivers see their speed, when it counts as silent.</summary>
/// <param name="SilentAfter">A stretch this long without any bin from the unit's stream counts as the unit being silent (an outage), not as no traffic.</param>
public sealed record CatalogUnit(string Id, string SiteId, DisplayMode DisplayMode, TimeSpan SilentAfter);

/// <summary>
/// The sites and units the analysis knows (built by the CLI from the configuration). Sites carry their names and speed
/// limit history (<see cref="Site"/>); units their site, display mode and silence threshold.
/// </summary>
public sealed class SiteCatalog
{
    /// <summary>The silence threshold of a site that has no unit in the catalog.</summary>
    public static readonly TimeSpan DefaultSilentAfter = TimeSpan.FromHours(1);

    private readonly Dictionary<string, Site> _sites;
    private readonly CatalogUnit[] _units;

    public SiteCatalog(IEnumerable<Site> sites, IEnumerable<CatalogUnit> units)
    {
        ArgumentNullException.ThrowIfNull(sites);
        ArgumentNullException.ThrowIfNull(units);
        _sites = new Dictionary<string, Site>(StringComparer.Ordinal);
        foreach (Site site in sites)
        {
            if (!_sites.TryAdd(site.Id, site))
            {
                throw new ArgumentException($"Site '{site.Id}' appears twice.", nameof(sites));
            }
        }

        _units = [.. units];
        foreach (CatalogUnit unit in _units)
        {
            if (!_sites.ContainsKey(unit.SiteId))
            {
                throw new ArgumentException($"Unit '{unit.Id}' names an unknown site '{unit.SiteId}'.", nameof(units));
            }

            if (unit.SilentAfter <= TimeSpan.Zero)
            {
                throw new ArgumentException($"Unit '{unit.Id}': SilentAfter must be positive.", nameof(units));
            }
        }
    }

    /// <summary>A catalog from Core's units (their sites come with them).</summary>
    public static SiteCatalog FromUnits(IEnumerable<Unit> units, TimeSpan? silentAfter = null)
    {
        ArgumentNullException.ThrowIfNull(units);
        Unit[] all = [.. units];
        return new SiteCatalog(all.Select(u => u.Site).DistinctBy(s => s.Id),
            all.Select(u => new CatalogUnit(u.Id, u.Site.Id, u.DisplayMode, silentAfter ?? DefaultSilentAfter)));
    }

    public IReadOnlyCollection<Site> Sites => _sites.Values;

    public IReadOnlyList<CatalogUnit> Units => _units;

    public bool TryGetSite(string siteId, out Site site)
    {
        if (_sites.TryGetValue(siteId, out Site? found))
        {
            site = found;
            return true;
        }

        site = null!;
        return false;
    }

    /// <summary>The site's name, or its id when the catalog does not know it (bins of a site since removed from the configuration).</summary>
    public string NameOf(string siteId) => _sites.TryGetValue(siteId, out Site? site) ? site.Name : siteId;

    public IEnumerable<CatalogUnit> UnitsAt(string siteId) => _units.Where(u => u.SiteId == siteId);

    /// <summary>
    /// How long a site's stream of one display mode may be empty before it counts as an outage: the shortest
    /// <see cref="CatalogUnit.SilentAfter"/> of its units in that mode (or of the site, or the default).
    /// </summary>
    public TimeSpan SilentAfter(string siteId, DisplayMode? mode = null)
    {
        TimeSpan? shortest = null;
        foreach (CatalogUnit unit in _units)
        {
            if (unit.SiteId == siteId && (mode is null || unit.DisplayMode == mode) && (shortest is null || unit.SilentAfter < shortest))
            {
                shortest = unit.SilentAfter;
            }
        }

        return shortest ?? DefaultSilentAfter;
    }
}
