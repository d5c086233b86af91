using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Time;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;

namespace Ale.Speed.Analysis.Data;

/// <summary>
/// How finely an analysis needs its bins. The reader merges what it reads into one bin per site, direction, display
/// mode, limit and grain as the answer streams in, so memory grows with the groups, not with the stored points.
/// </summary>
public enum BinGrain
{
    /// <summary>Every stored window, writers merged (the bins as the worker wrote them).</summary>
    Window,

    /// <summary>One bin per hour (any statistic of hours: strata, hour of the week, days).</summary>
    Hour,

    /// <summary>One bin per hour of the week (0 = Monday 00), keyed by the first of its hours that holds data (or the period's start).</summary>
    HourOfWeek,

    /// <summary>One bin per local day, keyed by its start (or the period's start).</summary>
    Day,

    /// <summary>One bin for the whole period, keyed by its start.</summary>
    Period,
}

/// <summary>Reading and merging stored bins: the one way every analysis gets its data.</summary>
public static class StoredBins
{
    /// <summary>
    /// The bins of [from, to) (of one site or all), with the bins of several writers merged, at <paramref name="grain"/>.
    /// Where the reader may use rollups, whole months come from month rollups (for the whole period only), whole days
    /// from day rollups (days at most, when the grain is days), whole hours from hour rollups (hours only, when the grain
    /// needs hours; by hour of the week, whole months and years from the hour-of-week levels where they are valid,
    /// <see cref="HourOfWeekLevels"/>), and only the sub-hour edges from the windows; the merge is exact either way. Each
    /// merged bin lists the hours that hold data (<see cref="StoredBin.Hours"/>), so coverage survives the merge.
    /// </summary>
    public static Task<IReadOnlyList<StoredBin>> ReadMergedAsync(BinReader reader, Period period, string? siteId, BinGrain grain, CancellationToken cancellationToken)
        => ReadMergedAsync(reader, period, new BinFilter { SiteId = siteId }, grain, cancellationToken);

    /// <summary>As <see cref="ReadMergedAsync(BinReader, Period, string?, BinGrain, CancellationToken)"/>, of the bins <paramref name="filter"/> takes.</summary>
    public static async Task<IReadOnlyList<StoredBin>> ReadMergedAsync(BinReader reader, Period period, BinFilter filter, BinGrain grain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (grain == BinGrain.Window)
        {
            var raw = new List<StoredBin>();
            await reader.ReadAsync(RollupLevel.Window, period.FromMs, period.ToMs, filter, stored => raw.Add(stored with { Bin = stored.Bin.Clone() }), cancellationToken).ConfigureAwait(false);
            return BinReader.MergeWriters(raw);
        }

        var groups = new GrainMerger(period, grain);
        await ReadAsync(reader, period, filter, grain, groups.Add, cancellationToken).ConfigureAwait(false);
        return groups.Result();
    }

    /// <summary>
    /// The stored bins that <see cref="ReadMergedAsync(BinReader, Period, BinFilter, BinGrain, CancellationToken)"/> merges
    /// at <paramref name="grain"/> (not <see cref="BinGrain.Window"/>), as they stream in: from the same levels, writers
    /// not merged, each handed to <paramref name="onBin"/> and reused after the call (<see cref="BinReader"/>). Bins
    /// starting before the period may come with them (the hour holding its start); a caller leaves them out.
    /// </summary>
    public static async Task ReadAsync(BinReader reader, Period period, BinFilter filter, BinGrain grain, Action<StoredBin> onBin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(onBin);
        if (grain == BinGrain.Window)
        {
            throw new ArgumentOutOfRangeException(nameof(grain), grain, "Windows are read with ReadMergedAsync.");
        }

        RollupLevel coarsest = !reader.UseRollups ? RollupLevel.Window
            : grain == BinGrain.Period && reader.UseMonthRollups ? RollupLevel.Month
            : grain is BinGrain.Day or BinGrain.Period ? RollupLevel.Day
            : RollupLevel.Hour;
        // By hour of the week, whole months (and years) come from the hour-of-week levels, checked as they are read.
        (long levelsFrom, long levelsTo) = grain == BinGrain.HourOfWeek && reader.UseRollups && reader.UseHourOfWeekLevels ? WholeMonths(period) : (period.ToMs, period.ToMs);
        foreach ((long from, long to) in ((long, long)[])[(period.FromMs, levelsFrom), (levelsTo, period.ToMs)])
        {
            foreach (RollupSpan span in Rollups.Tile(from, to, StockholmTime.Zone, coarsest))
            {
                await (span.Level == RollupLevel.Month
                    ? MonthReads.ReadAsync(reader, span.FromMs, span.ToMs, filter, StockholmTime.Zone, onBin, cancellationToken)
                    : reader.ReadAsync(span.Level, span.FromMs, span.ToMs, filter, onBin, cancellationToken)).ConfigureAwait(false);
            }
        }

        if (levelsFrom < levelsTo)
        {
            await new HourOfWeekLevels(reader, StockholmTime.Zone).ReadAsync(levelsFrom, levelsTo, filter, onBin, cancellationToken).ConfigureAwait(false);
        }

        static (long From, long To) WholeMonths(Period period)
        {
            long first = Rollups.MonthStart(period.FromMs, StockholmTime.Zone) is long start && start == period.FromMs ? start : Rollups.NextMonthStart(period.FromMs, StockholmTime.Zone);
            long end = Rollups.MonthStart(period.ToMs, StockholmTime.Zone);
            return first < end ? (first, end) : (period.ToMs, period.ToMs);
        }
    }

    /// <summary>The windows of [from, to), writers merged (<see cref="BinGrain.Window"/>).</summary>
    public static Task<IReadOnlyList<StoredBin>> ReadMergedAsync(BinReader reader, Period period, string? siteId, CancellationToken cancellationToken)
        => ReadMergedAsync(reader, period, siteId, BinGrain.Window, cancellationToken);

    /// <summary>Merges <paramref name="bins"/> exactly (an empty bin when there are none).</summary>
    public static Bin Merge(IEnumerable<StoredBin> bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        var merged = new Bin();
        foreach (StoredBin stored in bins)
        {
            merged.MergeFrom(stored.Bin);
        }

        return merged;
    }

    /// <summary>The start of every hour that holds data: a bin's <see cref="StoredBin.Hours"/>, else every hour its window overlaps.</summary>
    public static HourSet CoveredHours(IEnumerable<StoredBin> bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        var hours = new HourSet();
        foreach (StoredBin stored in bins)
        {
            AddHours(hours, stored);
        }

        return hours;
    }

    /// <summary>Runs of hours of <paramref name="period"/> in which no bin lies, in order.</summary>
    public static List<HourGap> Gaps(Period period, HourSet coveredHours, TimeSpan outageAfter)
    {
        ArgumentNullException.ThrowIfNull(coveredHours);
        var gaps = new List<HourGap>();
        long? gapStart = null;
        long last = 0;
        foreach (long hour in period.HourStarts())
        {
            if (coveredHours.Contains(hour))
            {
                if (gapStart is long s)
                {
                    gaps.Add(HourGap.Create(s, hour, outageAfter));
                    gapStart = null;
                }
            }
            else
            {
                gapStart ??= hour;
            }

            last = hour;
        }

        if (gapStart is long open)
        {
            gaps.Add(HourGap.Create(open, last + StockholmTime.HourMs, outageAfter));
        }

        return gaps;
    }

    /// <summary>
    /// Runs of hours of <paramref name="period"/> that were not observed. Where coverage is stored (from the first hour
    /// in <paramref name="aliveHours"/> on), an hour is observed when a unit was alive or a bin lies in it, and every
    /// other hour is an outage however short the run. Before that (data written before coverage was stored, or
    /// imported), an hour is observed when a bin lies in it, and only a run at least <paramref name="outageAfter"/>
    /// long counts as a likely outage.
    /// </summary>
    public static List<HourGap> Gaps(Period period, HourSet binHours, HourSet aliveHours, TimeSpan outageAfter)
    {
        ArgumentNullException.ThrowIfNull(binHours);
        ArgumentNullException.ThrowIfNull(aliveHours);
        if (aliveHours.Count == 0)
        {
            return Gaps(period, binHours, outageAfter);
        }

        long firstAlive = aliveHours.Min;
        var observed = new HourSet(binHours);
        observed.UnionWith(aliveHours);
        List<HourGap> gaps = Gaps(period, observed, outageAfter);
        for (int i = 0; i < gaps.Count; i++)
        {
            if (gaps[i].FromMs >= firstAlive)
            {
                gaps[i] = gaps[i] with { LikelyOutage = true, FromCoverage = true };
            }
        }

        return gaps;
    }

    public static string DirectionName(Direction direction) => BinSchema.DirectionName(direction);

    public static string DisplayName(DisplayMode mode) => BinSchema.DisplayName(mode);

    /// <summary>Adds the hours that hold data of <paramref name="stored"/> (<see cref="CoveredHours"/>) to <paramref name="hours"/>.</summary>
    internal static void AddHours(HourSet hours, StoredBin stored)
    {
        if (stored.Hours is { } listed)
        {
            hours.UnionWith(listed);
            return;
        }

        long start = stored.Key.WindowStartMs;
        hours.AddRange(start, start + Math.Max(1, stored.WindowMs));
    }

    /// <summary>Merges bins as they stream in, one entry per site, direction, display mode, limit and grain slot.</summary>
    private sealed class GrainMerger(Period period, BinGrain grain)
    {
        private readonly Dictionary<(string Site, Direction Direction, DisplayMode Display, int Limit, long Slot), Entry> _entries = [];
        private readonly HourOfWeekTable? _hourOfWeek = grain == BinGrain.HourOfWeek ? new HourOfWeekTable(period) : null;

        public void Add(StoredBin stored)
        {
            long start = stored.Key.WindowStartMs;
            if (!period.Contains(start))
            {
                return;
            }

            long slot = grain switch
            {
                BinGrain.Hour => StockholmTime.HourStart(start),
                BinGrain.HourOfWeek => _hourOfWeek!.Of(start),
                BinGrain.Day => StockholmTime.StartOfDay(StockholmTime.LocalDate(start)),
                _ => 0,
            };
            var key = (stored.Key.SiteId, stored.Key.Direction, stored.Key.DisplayMode, stored.Bin.LimitKmh, slot);
            if (!_entries.TryGetValue(key, out Entry? entry))
            {
                long keyStart = grain switch
                {
                    BinGrain.Period => period.FromMs,
                    BinGrain.HourOfWeek => long.MaxValue,
                    _ => Math.Max(slot, period.FromMs),
                };
                entry = new Entry(keyStart);
                _entries.Add(key, entry);
            }

            entry.Bin.MergeFrom(stored.Bin);
            if (grain == BinGrain.HourOfWeek)
            {
                // The first hour of the slot that holds data, whichever level it came from.
                entry.StartMs = Math.Min(entry.StartMs, Math.Max(StockholmTime.HourStart(start), period.FromMs));
            }

            entry.AddWriter(stored.WriterId);
            entry.AddHours(stored, grain is BinGrain.HourOfWeek or BinGrain.Period ? period : null);
        }

        public List<StoredBin> Result()
        {
            var result = new List<StoredBin>(_entries.Count);
            foreach (((string site, Direction direction, DisplayMode display, _, _), Entry entry) in _entries)
            {
                var key = new BinKey(site, direction, display, entry.StartMs);
                result.Add(new StoredBin(key, entry.Writers, 0, entry.Bin)
                {
                    Hours = entry.Hours,
                });
            }

            result.Sort((a, b) => a.Key.WindowStartMs != b.Key.WindowStartMs ? a.Key.WindowStartMs.CompareTo(b.Key.WindowStartMs)
                : string.CompareOrdinal(a.Key.SiteId, b.Key.SiteId) is int c and not 0 ? c
                : a.Key.Direction != b.Key.Direction ? a.Key.Direction.CompareTo(b.Key.Direction)
                : a.Key.DisplayMode != b.Key.DisplayMode ? a.Key.DisplayMode.CompareTo(b.Key.DisplayMode)
                : a.Bin.LimitKmh.CompareTo(b.Bin.LimitKmh));
            return result;
        }

        private sealed class Entry(long startMs)
        {
            private string? _writer;
            private SortedSet<string>? _writers;
            private HourSet? _hours;

            public Bin Bin { get; } = new();

            public long StartMs { get; set; } = startMs;

            /// <summary>The writers, ordered, joined by '+'.</summary>
            public string Writers => _writers is null ? _writer ?? "" : string.Join('+', _writers);

            public HourSet Hours => _hours ?? [];

            public void AddWriter(string writer)
            {
                if (_writer is null)
                {
                    _writer = writer;
                }
                else if (_writer != writer)
                {
                    (_writers ??= new(StringComparer.Ordinal) { _writer }).Add(writer);
                }
            }

            /// <summary>
            /// Adds the hours of <paramref name="stored"/>. A shared read-only set (an hour-of-week level's) is kept as it
            /// is while it is the entry's only one; an own set is sized for <paramref name="span"/> when given.
            /// </summary>
            public void AddHours(StoredBin stored, Period? span)
            {
                if (_hours is null && stored.Hours is { IsReadOnly: true } shared)
                {
                    _hours = shared;
                    return;
                }

                if (_hours is null || _hours.IsReadOnly)
                {
                    HourSet own = span is Period p ? new HourSet(p.FromMs, p.ToMs) : [];
                    if (_hours is not null)
                    {
                        own.UnionWith(_hours);
                    }

                    _hours = own;
                }

                StoredBins.AddHours(_hours, stored);
            }
        }
    }
}

/// <summary>
/// Hours [<see cref="FromMs"/>, <see cref="ToMs"/>) without any bin (and, where coverage is stored, without a working
/// unit). <see cref="FromCoverage"/>: the stored coverage shows no unit was alive, so the run is an outage. Otherwise
/// <see cref="LikelyOutage"/> when the run is at least as long as the units' SilentAfter: bins alone cannot tell an hour
/// without vehicles from an hour without a working unit, so a long run is flagged, not read as less traffic.
/// </summary>
public readonly record struct HourGap(long FromMs, long ToMs, bool LikelyOutage, bool FromCoverage = false)
{
    public int Hours => (int)((ToMs - FromMs) / StockholmTime.HourMs);

    internal static HourGap Create(long fromMs, long toMs, TimeSpan outageAfter)
        => new(fromMs, toMs, toMs - fromMs >= (long)outageAfter.TotalMilliseconds);
}
