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

    // Sites made at once: a worker takes at least this many sites (fewer sites are made on one thread).
    private const int MinSitesPerWorker = 4;
    private const int MaxWorkers = 4;

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
        var lookup = new GroupLookup(period, grouping, groups);
        long[] hours = [.. period.HourStarts()];
        int[] hourGroup = new int[hours.Length];
        for (int i = 0; i < hours.Length; i++)
        {
            hourGroup[i] = lookup.IndexOf(hours[i]);
        }

        var bySite = new Dictionary<string, List<StoredBin>>(StringComparer.Ordinal);
        foreach (StoredBin stored in bins)
        {
            if (period.Contains(stored.Key.WindowStartMs) && (siteId is null || stored.Key.SiteId == siteId))
            {
                string id = stored.Key.SiteId;
                if (!bySite.TryGetValue(id, out List<StoredBin>? list))
                {
                    bySite.Add(id, list = []);
                }

                list.Add(stored);
            }
        }

        var siteIds = new SortedSet<string>(bySite.Keys, StringComparer.Ordinal);
        foreach (Site site in catalog.Sites)
        {
            if (siteId is null || site.Id == siteId)
            {
                siteIds.Add(site.Id);
            }
        }

        // Sites are made apart, so several sites are made at once (each worker with its own scratch), in order.
        string[] ids = [.. siteIds];
        int workers = Math.Clamp(Math.Min(Environment.ProcessorCount, ids.Length / MinSitesPerWorker), 1, MaxWorkers);
        var parts = new (List<ReportRow> Rows, List<SiteCoverage> Coverage)[workers];
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var part = (Rows: new List<ReportRow>(), Coverage: new List<SiteCoverage>());
            var scratch = new RowScratch(grouping, groups, lookup, hours, hourGroup, statistics);
            for (int i = ids.Length * w / workers; i < ids.Length * (w + 1) / workers; i++)
            {
                AddSite(ids[i], scratch, part.Rows, part.Coverage);
            }

            parts[w] = part;
        });

        return new Report
        {
            Period = period,
            Grouping = grouping,
            MinimumSample = statistics.MinimumSample,
            Rows = workers == 1 ? parts[0].Rows : [.. parts.SelectMany(p => p.Rows)],
            Coverage = workers == 1 ? parts[0].Coverage : [.. parts.SelectMany(p => p.Coverage)],
        };

        // A site's rows (per display mode: each direction with data, then all directions) and its coverage.
        void AddSite(string id, RowScratch scratch, List<ReportRow> rows, List<SiteCoverage> siteCoverage)
        {
            List<StoredBin> siteBins = bySite.GetValueOrDefault(id) ?? [];
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
                        scratch.AddRows(rows, id, name, StoredBins.DirectionName(direction), StoredBins.DisplayName(mode), directionBins);
                    }
                }

                scratch.AddRows(rows, id, name, AllDirections, StoredBins.DisplayName(mode), modeBins);
            }

            siteCoverage.Add(Coverage(id, name, siteBins, period, catalog, hours.Length, coverage ?? StoredCoverage.None));
        }
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

    /// <summary>The group of an instant: a binary search over the days or weeks (ordered by start), a slot's index for hours of the week.</summary>
    private readonly struct GroupLookup
    {
        private readonly ReportGrouping _grouping;
        private readonly long _periodFromMs;
        private readonly long[] _starts;
        private readonly long[] _ends;
        private readonly int[] _bySlot;
        private readonly HourOfWeekTable? _hourOfWeek;

        public GroupLookup(Period period, ReportGrouping grouping, List<ReportGroup> groups)
        {
            _grouping = grouping;
            _periodFromMs = period.FromMs;
            _starts = [.. groups.Select(g => g.FromMs)];
            _ends = [.. groups.Select(g => g.ToMs)];
            _bySlot = new int[StockholmTime.HoursPerWeek];
            Array.Fill(_bySlot, -1);
            _hourOfWeek = grouping == ReportGrouping.HourOfWeek ? new HourOfWeekTable(period) : null;
            for (int i = groups.Count - 1; i >= 0; i--)
            {
                if (groups[i].HourOfWeek is int slot)
                {
                    _bySlot[slot] = i;
                }
            }
        }

        /// <summary>The index of the group holding <paramref name="unixMs"/>, or -1.</summary>
        public int IndexOf(long unixMs)
        {
            switch (_grouping)
            {
                case ReportGrouping.Total:
                    return 0;
                case ReportGrouping.Day or ReportGrouping.Week:
                    // The hour holding the period's start may begin before it; it belongs to the first day.
                    long t = Math.Max(unixMs, _periodFromMs);
                    int i = Array.BinarySearch(_starts, t);
                    i = i >= 0 ? i : ~i - 1;
                    return i >= 0 && t < _ends[i] ? i : -1;
                default:
                    return _bySlot[_hourOfWeek!.Of(unixMs)];
            }
        }
    }

    /// <summary>
    /// Makes the rows of one scope (site, display mode, direction) group by group, reusing its arrays and one merged bin
    /// across groups and scopes: a year by day over 50 sites is 55,000 rows.
    /// </summary>
    private sealed class RowScratch(ReportGrouping grouping, List<ReportGroup> groups, GroupLookup lookup, long[] hours, int[] hourGroup, StatisticsOptions statistics)
    {
        private readonly Bin _merged = new();
        private readonly List<int> _limits = [];
        private readonly int[] _groupStart = new int[groups.Count + 1];
        private readonly int[] _withData = new int[groups.Count];
        private readonly int[] _hoursInGroup = new int[groups.Count];
        private StoredBin[] _ordered = [];

        public void AddRows(List<ReportRow> rows, string siteId, string name, string direction, string display, List<StoredBin> bins)
        {
            OrderByGroup(bins);
            CountHours(bins);
            for (int g = 0; g < groups.Count; g++)
            {
                ReadOnlySpan<StoredBin> inGroup = _ordered.AsSpan(_groupStart[g], _groupStart[g + 1] - _groupStart[g]);
                Bin merged;
                int[] limits;
                if (inGroup.Length == 1 && grouping != ReportGrouping.Total)
                {
                    // The figures of one stored bin are those of its merge into an empty bin.
                    merged = inGroup[0].Bin;
                    limits = [merged.LimitKmh];
                }
                else
                {
                    // A total report's rows keep their bins (the charts draw them); other rows keep only their figures.
                    if (grouping == ReportGrouping.Total)
                    {
                        merged = new Bin();
                    }
                    else
                    {
                        merged = _merged;
                        merged.Clear();
                    }

                    _limits.Clear();
                    foreach (StoredBin stored in inGroup)
                    {
                        merged.MergeFrom(stored.Bin);
                        int at = _limits.BinarySearch(stored.Bin.LimitKmh);
                        if (at < 0)
                        {
                            _limits.Insert(~at, stored.Bin.LimitKmh);
                        }
                    }

                    limits = [.. _limits];
                }

                rows.Add(new ReportRow
                {
                    SiteId = siteId,
                    SiteName = name,
                    Direction = direction,
                    Display = display,
                    Group = groups[g],
                    LimitsKmh = limits,
                    Summary = SpeedStatistics.Summarize(merged, statistics),
                    ClassCounts = merged.ClassCounts.ToArray(),
                    HoursWithData = _withData[g],
                    HoursInGroup = _hoursInGroup[g],
                    Bin = grouping == ReportGrouping.Total ? merged : null,
                });
            }
        }

        /// <summary>The bins ordered by group (a counting sort, stable): group g's are <c>_ordered[_groupStart[g].._groupStart[g + 1]]</c>.</summary>
        private void OrderByGroup(List<StoredBin> bins)
        {
            if (_ordered.Length < bins.Count)
            {
                _ordered = new StoredBin[bins.Count];
            }

            // Counts, then each group's end; filling each group from its end backwards leaves its start there.
            Span<int> start = _groupStart;
            start.Clear();
            foreach (StoredBin stored in bins)
            {
                start[lookup.IndexOf(stored.Key.WindowStartMs)]++;
            }

            for (int g = 1; g < start.Length; g++)
            {
                start[g] += start[g - 1];
            }

            for (int i = bins.Count - 1; i >= 0; i--)
            {
                _ordered[--start[lookup.IndexOf(bins[i].Key.WindowStartMs)]] = bins[i];
            }
        }

        private void CountHours(List<StoredBin> bins)
        {
            HourSet covered = StoredBins.CoveredHours(bins);
            Array.Clear(_withData);
            Array.Clear(_hoursInGroup);
            for (int i = 0; i < hours.Length; i++)
            {
                int g = hourGroup[i];
                if (g >= 0)
                {
                    _hoursInGroup[g]++;
                    if (covered.Contains(hours[i]))
                    {
                        _withData[g]++;
                    }
                }
            }
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
