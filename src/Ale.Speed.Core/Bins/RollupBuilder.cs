namespace Ale.Speed.Core.Bins;

/// <summary>A rollup ready to store: the merge of one writer's bins that start in [key's start, + <see cref="LengthMs"/>).</summary>
/// <param name="HourBits">Bit i (of word i / 64) set when hour i from the start holds at least one bin (what coverage is counted from).</param>
public sealed record Rollup(RollupLevel Level, BinKey Key, Bin Bin, long LengthMs, ulong[] HourBits)
{
    /// <summary>Hours 0–63 from the start: all of an hour's or a day's (a day has at most 25).</summary>
    public long HourMask => (long)HourBits[0];
}

/// <summary>
/// Merges one writer's bins into rollups of one level (hour, local day or local month): exactly, by <see cref="Bin.MergeFrom"/>,
/// so a rollup is the bin of all its windows' vehicles. Windows under different limits (a limit changed within the hour
/// or day) make separate rollups, one per limit, so every rollup has one limit as a window has. Feed it every bin of a
/// rollup before taking it: a rollup is stored whole, never as a partial overwrite.
/// </summary>
public sealed class RollupBuilder
{
    /// <summary>A month has at most 31 × 24 + 1 = 745 hours.</summary>
    private const int MonthHourWords = 12;

    private readonly Dictionary<(BinKey Key, int Limit), Entry> _rollups = [];
    private readonly TimeZoneInfo _zone;

    public RollupBuilder(RollupLevel level, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (level is RollupLevel.Window or > RollupLevel.Month)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "Rollups are hours, days or months (hours of the week: HourOfWeekBuilder).");
        }

        Level = level;
        _zone = zone;
    }

    public RollupLevel Level { get; }

    public int Count => _rollups.Count;

    /// <summary>Adds the bin of the window named by <paramref name="windowKey"/> to its rollup.</summary>
    public void Add(BinKey windowKey, Bin bin)
    {
        Entry entry = EntryOf(windowKey, bin, out long start);
        entry.SetHour(Rollups.HourStart(windowKey.WindowStartMs), start);
    }

    /// <summary>
    /// Adds a finer rollup (a day to a month) named by <paramref name="key"/>, with the starts of its hours that hold
    /// data, to the rollup it lies in.
    /// </summary>
    public void Add(BinKey key, Bin bin, IEnumerable<long> hourStarts)
    {
        ArgumentNullException.ThrowIfNull(hourStarts);
        Entry entry = EntryOf(key, bin, out long start);
        foreach (long hour in hourStarts)
        {
            entry.SetHour(hour, start);
        }
    }

    /// <summary>Every rollup built so far.</summary>
    public IEnumerable<Rollup> Built()
    {
        foreach (((BinKey key, _), Entry entry) in _rollups)
        {
            yield return new Rollup(Level, key, entry.Bin, Rollups.EndOf(Level, key.WindowStartMs, 0, _zone) - key.WindowStartMs, entry.HourBits);
        }
    }

    public void Clear() => _rollups.Clear();

    private Entry EntryOf(BinKey key, Bin bin, out long start)
    {
        ArgumentNullException.ThrowIfNull(bin);
        start = Rollups.KeyOf(Level, key.WindowStartMs, _zone);
        BinKey rollupKey = key with { WindowStartMs = start };
        if (!_rollups.TryGetValue((rollupKey, bin.LimitKmh), out Entry? entry))
        {
            entry = new Entry(new Bin(), new ulong[Level == RollupLevel.Month ? MonthHourWords : 1]);
            _rollups.Add((rollupKey, bin.LimitKmh), entry);
        }

        entry.Bin.MergeFrom(bin);
        return entry;
    }

    private sealed record Entry(Bin Bin, ulong[] HourBits)
    {
        public void SetHour(long hourStartMs, long rollupStartMs)
        {
            long hour = (hourStartMs - rollupStartMs) / Rollups.HourMs;
            if ((ulong)hour >= (ulong)HourBits.Length * 64)
            {
                throw new ArgumentOutOfRangeException(nameof(hourStartMs), hourStartMs, "An hour outside its rollup.");
            }

            HourBits[hour / 64] |= 1UL << (int)(hour % 64);
        }
    }
}
