using System.Globalization;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Data;
using Ale.Speed.Analysis.Notes;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Statistics;
using Ale.Speed.Core.Time;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Coverage;

namespace Ale.Speed.Analysis.Reports;

/// <summary>
/// Builds a <see cref="Report"/> from stored bins: per site, display mode and direction (plus <c>all</c>), per time
/// group; figures from <see cref="SpeedStatistics"/> on exactly merged bins; coverage per row and per site.
/// </summary>
/// <remarks>
/// Display modes are reported separately, never merged: a site with both in the period gets rows for each and a note
/// (drivers who see their speed drive slower, so a merged figure would describe neither).
/// </remarks>
public static class ReportBuilder
{
    public const string AllDirections = "all";

    private static readonly Direction[] s_directionOrder = [Direction.Approaching, Direction.Receding, Direction.Unknown];

    /// <param name="bins">Stored bins, writers already merged (<see cref="BinReader.MergeWriters"/>); bins outside the period or site are ignored.</param>
    /// <param name="siteId">One site, or null for every site in the catalog or the data.</param>
    /// <param name="coverage">Stored unit coverage of the period (<see cref="StoredCoverage.None"/> or null: outages inferred from bins).</param>
    public static Report Build(IReadOnlyList<StoredBin> bins, Period period, SiteCatalog catalog, ReportGrouping grouping,
        StatisticsOptions? statistics = null, string? siteId = null, StoredCoverage? coverage = null)
    {
        ArgumentNullException.ThrowIfNull(bins);
        ArgumentNullException.ThrowIfNull(catalog);
        statistics ??= StatisticsOptions.Default;
        statistics.Validate();

        List<ReportGroup> groups = Groups(period, grouping);
        long[] hours = [.. period.HourStarts()];
        int[] hourGroup = [.. hours.Select(h => GroupIndex(h, period, grouping, groups))];

        var inScope = bins.Where(b => period.Contains(b.Key.WindowStartMs) && (siteId is null || b.Key.SiteId == siteId)).ToList();
        var siteIds = new SortedSet<string>(inScope.Select(b => b.Key.SiteId), StringComparer.Ordinal);
        foreach (Site site in catalog.Sites)
        {
            if (siteId is null || site.Id == siteId)
            {
                siteIds.Add(site.Id);
            }
        }

        var rows = new List<ReportRow>();
        var siteCoverage = new List<SiteCoverage>();
        foreach (string id in siteIds)
        {
            var siteBins = inScope.Where(b => b.Key.SiteId == id).ToList();
            string name = catalog.NameOf(id);
            DisplayMode[] modes = [.. siteBins.Select(b => b.Key.DisplayMode).Distinct().Order()];
            if (modes.Length == 0)
            {
                // No data at all: still one row per display mode of its units, so the absence shows.
                modes = [.. catalog.UnitsAt(id).Select(u => u.DisplayMode).DefaultIfEmpty(DisplayMode.DisplayOn).Distinct().Order()];
            }

            foreach (DisplayMode mode in modes)
            {
                var modeBins = siteBins.Where(b => b.Key.DisplayMode == mode).ToList();
                foreach (Direction direction in s_directionOrder)
                {
                    var directionBins = modeBins.Where(b => b.Key.Direction == direction).ToList();
                    if (directionBins.Count > 0)
                    {
                        AddRows(rows, id, name, StoredBins.DirectionName(direction), StoredBins.DisplayName(mode), directionBins, groups, grouping, period, hours, hourGroup, statistics);
                    }
                }

                AddRows(rows, id, name, AllDirections, StoredBins.DisplayName(mode), modeBins, groups, grouping, period, hours, hourGroup, statistics);
            }

            siteCoverage.Add(Coverage(id, name, siteBins, period, catalog, hours.Length, coverage ?? StoredCoverage.None));
        }

        return new Report
        {
            Period = period,
            Grouping = grouping,
            MinimumSample = statistics.MinimumSample,
            Rows = rows,
            Coverage = siteCoverage,
        };
    }

    /// <summary>The time groups of a period, in order.</summary>
    public static List<ReportGroup> Groups(Period period, ReportGrouping grouping)
    {
        switch (grouping)
        {
            case ReportGrouping.Total:
                return [new ReportGroup("total", period.FromMs, period.ToMs, null)];
            case ReportGrouping.Day:
                return Calendar(period, StockholmTime.LocalDate(period.FromMs), 1, day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            case ReportGrouping.Week:
                return Calendar(period, StockholmTime.WeekStart(StockholmTime.LocalDate(period.FromMs)), 7, StockholmTime.IsoWeekLabel);
            case ReportGrouping.HourOfWeek:
                var first = new long[StockholmTime.HoursPerWeek];
                var end = new long[StockholmTime.HoursPerWeek];
                Array.Fill(first, long.MaxValue);
                foreach (long hour in period.HourStarts())
                {
                    int slot = StockholmTime.HourOfWeek(hour);
                    first[slot] = Math.Min(first[slot], Math.Max(hour, period.FromMs));
                    end[slot] = Math.Max(end[slot], Math.Min(hour + StockholmTime.HourMs, period.ToMs));
                }

                return [.. Enumerable.Range(0, StockholmTime.HoursPerWeek).Where(s => first[s] != long.MaxValue)
                    .Select(s => new ReportGroup(StockholmTime.HourOfWeekLabel(s), first[s], end[s], s))];
            default:
                throw new ArgumentOutOfRangeException(nameof(grouping), grouping, null);
        }
    }

    /// <summary>Local days or weeks from <paramref name="first"/> (local midnight to local midnight, so 23–25 or 167–169 hours), cut to the period.</summary>
    private static List<ReportGroup> Calendar(Period period, DateOnly first, int days, Func<DateOnly, string> label)
    {
        var groups = new List<ReportGroup>();
        DateOnly last = StockholmTime.LocalDate(period.ToMs - 1);
        for (DateOnly start = first; start <= last; start = start.AddDays(days))
        {
            long localFrom = StockholmTime.StartOfDay(start);
            long localTo = StockholmTime.StartOfDay(start.AddDays(days));
            long from = Math.Max(period.FromMs, localFrom);
            long to = Math.Min(period.ToMs, localTo);
            groups.Add(new ReportGroup(label(start), from, to, null) { Partial = from != localFrom || to != localTo });
        }

        return groups;
    }

    private static int GroupIndex(long unixMs, Period period, ReportGrouping grouping, List<ReportGroup> groups)
    {
        switch (grouping)
        {
            case ReportGrouping.Total:
                return 0;
            case ReportGrouping.Day or ReportGrouping.Week:
                // The hour holding the period's start may begin before it; it belongs to the first day.
                long t = Math.Max(unixMs, period.FromMs);
                for (int i = 0; i < groups.Count; i++)
                {
                    if (t >= groups[i].FromMs && t < groups[i].ToMs)
                    {
                        return i;
                    }
                }

                return -1;
            default:
                int slot = StockholmTime.HourOfWeek(unixMs);
                return groups.FindIndex(g => g.HourOfWeek == slot);
        }
    }

    private static void AddRows(List<ReportRow> rows, string siteId, string name, string direction, string display, List<StoredBin> bins,
        List<ReportGroup> groups, ReportGrouping grouping, Period period, long[] hours, int[] hourGroup, StatisticsOptions statistics)
    {
        // The bins of each group, merged one group at a time: a row keeps its figures, not a merged bin (a year by day
        // over 50 sites is 55,000 rows), except in a total report, whose rows' bins the charts draw.
        var inGroup = new List<StoredBin>?[groups.Count];
        foreach (StoredBin stored in bins)
        {
            int g = GroupIndex(stored.Key.WindowStartMs, period, grouping, groups);
            (inGroup[g] ??= []).Add(stored);
        }

        HourSet covered = StoredBins.CoveredHours(bins);
        var withData = new int[groups.Count];
        var hoursInGroup = new int[groups.Count];
        for (int i = 0; i < hours.Length; i++)
        {
            int g = hourGroup[i];
            if (g >= 0)
            {
                hoursInGroup[g]++;
                if (covered.Contains(hours[i]))
                {
                    withData[g]++;
                }
            }
        }

        for (int g = 0; g < groups.Count; g++)
        {
            var merged = new Bin();
            var limits = new SortedSet<int>();
            foreach (StoredBin stored in inGroup[g] ?? [])
            {
                merged.MergeFrom(stored.Bin);
                limits.Add(stored.Bin.LimitKmh);
            }

            rows.Add(new ReportRow
            {
                SiteId = siteId,
                SiteName = name,
                Direction = direction,
                Display = display,
                Group = groups[g],
                LimitsKmh = [.. limits],
                Summary = SpeedStatistics.Summarize(merged, statistics),
                ClassCounts = merged.ClassCounts.ToArray(),
                HoursWithData = withData[g],
                HoursInGroup = hoursInGroup[g],
                Bin = grouping == ReportGrouping.Total ? merged : null,
            });
        }
    }

    private static SiteCoverage Coverage(string siteId, string name, List<StoredBin> siteBins, Period period, SiteCatalog catalog, int hoursInPeriod, StoredCoverage stored)
    {
        HourSet covered = StoredBins.CoveredHours(siteBins);
        HourSet alive = stored.AliveHours(siteId);
        List<HourGap> gaps = StoredBins.Gaps(period, covered, alive, catalog.SilentAfter(siteId));

        var silent = new List<SilentStretch>();
        foreach (IGrouping<DisplayMode, CatalogUnit> stream in catalog.UnitsAt(siteId).GroupBy(u => u.DisplayMode).OrderBy(g => g.Key))
        {
            TimeSpan threshold = stream.Min(u => u.SilentAfter);
            HourSet streamHours = StoredBins.CoveredHours(siteBins.Where(b => b.Key.DisplayMode == stream.Key));
            foreach (HourGap gap in StoredBins.Gaps(period, streamHours, stored.AliveHours(siteId, stream.Key), threshold))
            {
                if (gap.LikelyOutage)
                {
                    silent.Add(new SilentStretch([.. stream.Select(u => u.Id).Order(StringComparer.Ordinal)], StoredBins.DisplayName(stream.Key), gap.FromMs, gap.ToMs));
                }
            }
        }

        string[] modes = [.. siteBins.Select(b => b.Key.DisplayMode).Distinct().Order().Select(StoredBins.DisplayName)];
        var notes = new List<Note>();
        if (!catalog.TryGetSite(siteId, out _))
        {
            notes.Add(new SiteNotConfigured());
        }

        if (siteBins.Count == 0)
        {
            notes.Add(new NoData());
        }

        if (modes.Length > 1)
        {
            notes.Add(new BothDisplayModes());
        }

        long? coverageFrom = alive.Count > 0 ? alive.Min : null;
        if (coverageFrom is long from)
        {
            notes.Add(from > period.FromMs ? new CoverageStoredFrom(from) : new CoverageStored());
        }
        else if (siteBins.Count > 0)
        {
            notes.Add(new NoCoverageStored());
        }

        int[] limits = [.. siteBins.Select(b => b.Bin.LimitKmh).Distinct().Order()];
        if (limits.Length > 1)
        {
            notes.Add(new LimitChangedInPeriod(limits));
        }

        return new SiteCoverage
        {
            SiteId = siteId,
            SiteName = name,
            HoursInPeriod = hoursInPeriod,
            HoursWithData = covered.CountIn(period.FromMs, period.ToMs),
            HoursObserved = hoursInPeriod - gaps.Where(g => g.LikelyOutage).Sum(g => g.Hours),
            CoverageFromMs = coverageFrom,
            Gaps = gaps,
            SilentUnits = silent,
            DisplayModes = modes,
            Notes = notes,
        };
    }
}
