namespace Ale.Speed.Core.Bins;

/// <summary>A rollup ready to store: the merge of one writer's bins that start in [key's start, + <see cref="LengthMs"/>).</summary>
/// <param name="HourMask">Bit i set when hour i from the start holds at least one bin (what coverage is counted from).</param>
public sealed record Rollup(RollupLevel Level, BinKey Key, Bin Bin, long LengthMs, long HourMask);

/// <summary>
/// Merges one writer's window bins into rollups of one level (hour or local day): exactly, by <see cref="Bin.MergeFrom"/>,
/// so a rollup is the bin of all its windows' vehicles. Windows under different limits (a limit changed within the hour
/// or day) make separate rollups, one per limit, so every rollup has one limit as a window has. Feed it every bin of a
/// rollup before taking it: a rollup is stored whole, never as a partial overwrite.
/// </summary>
public sealed class RollupBuilder
{
    private readonly Dictionary<(BinKey Key, int Limit), Entry> _rollups = [];
    private readonly TimeZoneInfo _zone;

    public RollupBuilder(RollupLevel level, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (level == RollupLevel.Window)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "Rollups are hours or days.");
        }

        Level = level;
        _zone = zone;
    }

    public RollupLevel Level { get; }

    public int Count => _rollups.Count;

    /// <summary>Adds the bin of the window named by <paramref name="windowKey"/> to its rollup.</summary>
    public void Add(BinKey windowKey, Bin bin)
    {
        ArgumentNullException.ThrowIfNull(bin);
        long start = Rollups.KeyOf(Level, windowKey.WindowStartMs, _zone);
        BinKey key = windowKey with { WindowStartMs = start };
        if (!_rollups.TryGetValue((key, bin.LimitKmh), out Entry? entry))
        {
            entry = new Entry(new Bin());
            _rollups.Add((key, bin.LimitKmh), entry);
        }

        entry.Bin.MergeFrom(bin);
        entry.HourMask |= 1L << (int)((Rollups.HourStart(windowKey.WindowStartMs) - start) / Rollups.HourMs);
    }

    /// <summary>Every rollup built so far.</summary>
    public IEnumerable<Rollup> Built()
    {
        foreach (((BinKey key, _), Entry entry) in _rollups)
        {
            yield return new Rollup(Level, key, entry.Bin, Rollups.EndOf(Level, key.WindowStartMs, 0, _zone) - key.WindowStartMs, entry.HourMask);
        }
    }

    public void Clear() => _rollups.Clear();

    private sealed class Entry(Bin bin)
    {
        public Bin Bin { get; } = bin;

        public long HourMask { get; set; }
    }
}
