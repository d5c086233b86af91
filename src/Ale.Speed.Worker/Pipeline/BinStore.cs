using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Worker.Pipeline;

/// <summary>Journaled vehicles read back in journal order: what <see cref="BinStore"/> rebuilds bins from.</summary>
internal interface IVehicleHistory
{
    /// <summary>
    /// Visits the journaled vehicles of configured units with an event time in [<paramref name="fromMs"/>,
    /// <paramref name="toMs"/>) and a journal sequence below <paramref name="beforeSequence"/>.
    /// </summary>
    void Scan(long fromMs, long toMs, long beforeSequence, Action<Vehicle> visit);
}

/// <summary>Bins to store, and the journal sequence up to which every vehicle is in them (or in bins stored before).</summary>
internal sealed record FlushSnapshot(List<Bin> Bins, long Sequence);

/// <summary>
/// The bins of journaled vehicles, by event time. The journal hands in each commit (<see cref="Add"/>); the flusher
/// takes the changed bins (<see cref="TakeChanged"/>) and, once they are stored, lets old windows go (<see cref="LetGoStored"/>).
/// </summary>
/// <remarks>
/// A bin in memory is always complete: a bin that was let go is brought back whole from the journal
/// (<see cref="Rebuild"/>) before a late vehicle is counted into it, and after a restart every bin holding a vehicle
/// not yet stored is rebuilt whole, so a stored bin is only ever replaced by a complete one.
/// </remarks>
internal sealed class BinStore
{
    private const long DayMs = 86_400_000;

    private readonly Lock _gate = new();
    private readonly Binner _binner;
    private readonly TimeProvider _timeProvider;
    private readonly long _keepHotMs;
    private readonly HashSet<long> _residentDays = [];
    private readonly HashSet<BinKey> _replayedKeys = [];
    private long _replayedFromMs = long.MaxValue;
    private long _replayedToMs = long.MinValue;
    private long _hotFromMs;
    private long _evictedBeforeMs;
    private long _binnedThrough;

    public BinStore(BinningOptions options, TimeProvider timeProvider)
    {
        _binner = new Binner(options);
        _timeProvider = timeProvider;
        // Bins of the last two hours (at least two windows) stay in memory; older ones are rebuilt on demand.
        _keepHotMs = Math.Max(2 * _binner.WindowMs, (long)TimeSpan.FromHours(2).TotalMilliseconds);
        _hotFromMs = _binner.WindowStartOf(timeProvider.GetUtcNow().ToUnixTimeMilliseconds() - _keepHotMs);
        _evictedBeforeMs = _hotFromMs;
    }

    public long WindowMs => _binner.WindowMs;

    /// <summary>Bins brought back from the journal for a late vehicle.</summary>
    public long LateBinsRebuilt { get; private set; }

    public long WindowStartOf(long timestampMs) => _binner.WindowStartOf(timestampMs);

    public bool TryGetBin(BinKey key, out Bin bin)
    {
        lock (_gate)
        {
            return _binner.TryGetBin(key, out bin);
        }
    }

    /// <summary>
    /// At start, for each vehicle the journal replays: notes its bin for rebuilding when the vehicle is not yet stored
    /// (<paramref name="stored"/> false) or its window is still hot. <see cref="RebuildReplayed"/> then rebuilds them.
    /// </summary>
    public void Replayed(in Vehicle vehicle, bool stored)
    {
        BinKey key = _binner.KeyOf(vehicle);
        if (!stored || key.WindowStartMs >= _hotFromMs)
        {
            _replayedKeys.Add(key);
            _replayedFromMs = Math.Min(_replayedFromMs, key.WindowStartMs);
            _replayedToMs = Math.Max(_replayedToMs, key.WindowStartMs + _binner.WindowMs);
        }
    }

    /// <summary>Rebuilds the bins noted by <see cref="Replayed"/>, whole. Returns how many.</summary>
    public int RebuildReplayed(IVehicleHistory history, long lastSequence)
    {
        lock (_gate)
        {
            int count = _replayedKeys.Count;
            if (count > 0)
            {
                // Whole bins, not just their unstored vehicles: a stored bin is only ever replaced by a complete one.
                Rebuild(history, _replayedFromMs, _replayedToMs, lastSequence + 1, _replayedKeys.Contains);
            }

            _replayedKeys.Clear();
            _binnedThrough = lastSequence;
            return count;
        }
    }

    /// <summary>
    /// Counts the vehicles of one journal commit, which ends at <paramref name="lastSequence"/>. A vehicle for a window
    /// that may have left memory first brings that day's missing bins back from <paramref name="history"/>.
    /// </summary>
    public void Add(IReadOnlyList<Vehicle> vehicles, long lastSequence, IVehicleHistory history)
    {
        lock (_gate)
        {
            // Records before this commit; the commit's own vehicles are counted here, once.
            long beforeSequence = _binnedThrough + 1;
            for (int i = 0; i < vehicles.Count; i++)
            {
                Vehicle vehicle = vehicles[i];
                long windowStartMs = _binner.WindowStartOf(vehicle.TimestampMs);
                if (windowStartMs < _evictedBeforeMs)
                {
                    EnsureDayResident(windowStartMs, beforeSequence, history);
                }

                _binner.Add(vehicle);
            }

            _binnedThrough = lastSequence;
        }
    }

    /// <summary>Copies of the bins changed since the last call, and the journal sequence they include everything up to.</summary>
    public FlushSnapshot TakeChanged()
    {
        var changed = new List<Bin>();
        lock (_gate)
        {
            _binner.DrainChanged(changed);
            for (int i = 0; i < changed.Count; i++)
            {
                changed[i] = changed[i].Clone();
            }

            return new FlushSnapshot(changed, _binnedThrough);
        }
    }

    /// <summary>Everything taken so far is stored: bins of windows older than the hot period leave memory.</summary>
    public void LetGoStored()
    {
        long nowMs = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            long evictBefore = _binner.WindowStartOf(nowMs - _keepHotMs);
            _binner.EvictBefore(evictBefore);
            _evictedBeforeMs = Math.Max(_evictedBeforeMs, evictBefore);
            // A day any of whose windows may have been let go is no longer whole in memory: the next late vehicle for it
            // scans again (and rebuilds only the bins that are missing).
            _residentDays.RemoveWhere(day => day * DayMs < evictBefore);
        }
    }

    /// <summary>One scan per day, not per vehicle: every bin of the day not in memory is rebuilt from the journal.</summary>
    private void EnsureDayResident(long windowStartMs, long beforeSequence, IVehicleHistory history)
    {
        long day = Math.DivRem(windowStartMs, DayMs, out long rest) - (rest < 0 ? 1 : 0);
        if (!_residentDays.Add(day))
        {
            return;
        }

        // Bins still in memory are complete already; only absent ones are rebuilt.
        var missing = new Dictionary<BinKey, bool>();
        Rebuild(history, day * DayMs, (day + 1) * DayMs, beforeSequence, key =>
        {
            if (!missing.TryGetValue(key, out bool isMissing))
            {
                isMissing = !_binner.TryGetBin(key, out _);
                missing.Add(key, isMissing);
            }

            return isMissing;
        });
        LateBinsRebuilt += missing.Count(m => m.Value);
    }

    /// <summary>
    /// The one way bins come back from the journal: counts every journaled vehicle in [<paramref name="fromMs"/>,
    /// <paramref name="toMs"/>) before <paramref name="beforeSequence"/> whose bin <paramref name="rebuild"/> selects.
    /// </summary>
    private void Rebuild(IVehicleHistory history, long fromMs, long toMs, long beforeSequence, Func<BinKey, bool> rebuild)
        => history.Scan(fromMs, toMs, beforeSequence, vehicle =>
        {
            if (rebuild(_binner.KeyOf(vehicle)))
            {
                _binner.Add(vehicle);
            }
        });
}
