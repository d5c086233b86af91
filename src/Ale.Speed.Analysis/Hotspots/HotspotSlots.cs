using Ale.Speed.Analysis.Data;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Time;
using Ale.Speed.Influx.Bins;

namespace Ale.Speed.Analysis.Hotspots;

/// <summary>
/// What <see cref="HotspotRanker"/> ranks: the bins of a period merged per site and local hour of the week as they
/// stream in (of every direction, display mode and limit), and the hours in which each site's bins hold data. Memory
/// grows with the sites, not with the bins read; bins starting outside the period are left out.
/// </summary>
public sealed class HotspotSlots(Period period)
{
    private readonly HourOfWeekTable _hourOfWeek = new(period);
    private readonly Dictionary<string, Site> _sites = new(StringComparer.Ordinal);

    public Period Period => period;

    /// <summary>Merges <paramref name="stored"/> into its site's hour of the week (a bin the reader reuses is fine).</summary>
    public void Add(StoredBin stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!period.Contains(stored.Key.WindowStartMs))
        {
            return;
        }

        if (!_sites.TryGetValue(stored.Key.SiteId, out Site? site))
        {
            _sites.Add(stored.Key.SiteId, site = new Site(period));
        }

        Slot slot = site.Slots[_hourOfWeek.Of(stored.Key.WindowStartMs)];
        slot.Bin.MergeFrom(stored.Bin);
        slot.Limits.Add(stored.Bin.LimitKmh);
        slot.Displays.Add(StoredBins.DisplayName(stored.Key.DisplayMode));
        StoredBins.AddHours(site.Hours, stored);
    }

    /// <summary>The sites with bins, by id (ordinal).</summary>
    internal IEnumerable<(string SiteId, Site Site)> Sites => _sites.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Value));

    /// <summary>How many hours of the period fall in each hour of the week.</summary>
    internal int[] HoursPerSlot()
    {
        var hours = new int[StockholmTime.HoursPerWeek];
        foreach (long hour in period.HourStarts())
        {
            hours[_hourOfWeek.Of(hour)]++;
        }

        return hours;
    }

    internal int HourOfWeek(long unixMs) => _hourOfWeek.Of(unixMs);

    internal sealed class Site(Period period)
    {
        public Slot[] Slots { get; } = [.. Enumerable.Range(0, StockholmTime.HoursPerWeek).Select(_ => new Slot())];

        /// <summary>The hours in which the site's bins hold data.</summary>
        public HourSet Hours { get; } = new(period.FromMs, period.ToMs);
    }

    internal sealed class Slot
    {
        public Bin Bin { get; } = new();

        public SortedSet<int> Limits { get; } = [];

        public SortedSet<string> Displays { get; } = new(StringComparer.Ordinal);

        public int ObservedHours { get; set; }
    }
}
