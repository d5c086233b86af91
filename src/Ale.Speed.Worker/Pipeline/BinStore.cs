using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Time;
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

/// <summary>
/// Windows and rollups to store, and the journal sequence up to which every vehicle is in them (or in points stored before).
/// </summary>
internal sealed record FlushSnapshot(List<Bin> Bins, List<Rollup> Rollups, long Sequence);

/// <summary>
/// The bins of journaled vehicles, by event time, and their hour and local-day rollups. The journal hands in each commit
/// (<see cref="Add"/>); the flusher takes the changed windows with every rollup they touch (<see cref="TakeChanged"/>)
/// and, once they are stored, lets old days go (<see cref="LetGoStored"/>).
/// </summary>
/// <remarks>
/// <para>Memory holds whole local days (Europe/Stockholm): every window of a day is in memory, or none that can change.
/// A day leaves memory only as a whole, once it ended before the hot period and none of its windows has an unstored
/// change; a late vehicle for a day that left brings the day's windows back whole from the journal first; a restart
/// rebuilds every day holding a vehicle not yet stored, or a window still hot, whole. So a window, an hour rollup and a
/// day rollup are always built from complete data, and a stored point is only ever replaced by a complete one.</para>
/// <para>This needs the journal to hold every vehicle of those days: <see cref="RetainFromMs"/> says from when.</para>
/// </remarks>
internal sealed class BinStore
{
    private readonly Lock _gate = new();
    private readonly Binner _binner;
    private readonly TimeProvider _timeProvider;
    private readonly TimeZoneInfo _zone;
    private readonly long _keepHotMs;
    // Days before _evictedBeforeMs whose windows are all in memory again (brought back for a late vehicle).
    private readonly HashSet<long> _residentDays = [];
    // Days with a window changed since the last TakeChanged: never let go before their rollups are taken.
    private readonly HashSet<long> _dirtyDays = [];
    private readonly HashSet<long> _replayedDays = [];
    private readonly List<Bin> _changed = [];
    // Every window of a day starting at or after this is in memory (it is always a local day's start).
    private long _evictedBeforeMs;
    private long _binnedThrough;
    private long _lastDayStartMs = long.MaxValue;
    private long _lastDayEndMs = long.MinValue;
    private long _lastDirtyDay = long.MinValue;

    public BinStore(BinningOptions options, TimeProvider timeProvider, TimeZoneInfo? zone = null)
    {
        _binner = new Binner(options);
        _timeProvider = timeProvider;
        _zone = zone ?? StockholmTime.Zone;
        // The last two hours (at least two windows) are hot: their whole days stay in memory.
        _keepHotMs = Math.Max(2 * _binner.WindowMs, (long)TimeSpan.FromHours(2).TotalMilliseconds);
        _evictedBeforeMs = DayOf(timeProvider.GetUtcNow().ToUnixTimeMilliseconds() - _keepHotMs);
    }

    public long WindowMs => _binner.WindowMs;

    /// <summary>Bins brought back from the journal for a late vehicle.</summary>
    public long LateBinsRebuilt { get; private set; }

    /// <summary>Windows in memory: at most the days since the hot period began, plus days brought back or not yet stored.</summary>
    public int BinsInMemory
    {
        get
        {
            lock (_gate)
            {
                return _binner.Bins.Count;
            }
        }
    }

    public long WindowStartOf(long timestampMs) => _binner.WindowStartOf(timestampMs);

    /// <summary>
    /// The oldest vehicle time the journal must keep: the start of the local day of the oldest vehicle that may still
    /// arrive (<paramref name="lateHorizon"/> before <paramref name="nowMs"/>) or still be hot — a day is rebuilt whole.
    /// </summary>
    public long RetainFromMs(long nowMs, TimeSpan lateHorizon)
        => DayOf(_binner.WindowStartOf(nowMs - Math.Max((long)lateHorizon.TotalMilliseconds, _keepHotMs)));

    /// <summary>The start of the local day that the window holding <paramref name="timestampMs"/> belongs to.</summary>
    public long DayOf(long timestampMs) => Rollups.DayStart(_binner.WindowStartOf(timestampMs), _zone);

    public bool TryGetBin(BinKey key, out Bin bin)
    {
        lock (_gate)
        {
            return _binner.TryGetBin(key, out bin);
        }
    }

    /// <summary>
    /// At start, for each vehicle the journal replays: notes its day for rebuilding when the vehicle is not yet stored
    /// (<paramref name="stored"/> false) or its day is still hot. <see cref="RebuildReplayed"/> then rebuilds them.
    /// </summary>
    public void Replayed(in Vehicle vehicle, bool stored)
    {
        long windowStartMs = _binner.WindowStartOf(vehicle.TimestampMs);
        if (!stored || windowStartMs >= _evictedBeforeMs)
        {
            _replayedDays.Add(CachedDayOf(windowStartMs));
        }
    }

    /// <summary>Rebuilds the days noted by <see cref="Replayed"/>, whole: every window and so every rollup. Returns how many windows.</summary>
    public int RebuildReplayed(IVehicleHistory history, long lastSequence)
    {
        lock (_gate)
        {
            if (_replayedDays.Count > 0)
            {
                // Whole days, not just their unstored vehicles: a stored point is only ever replaced by a complete one.
                long from = _replayedDays.Min();
                long to = Rollups.NextDayStart(_replayedDays.Max(), _zone);
                history.Scan(Rollups.FirstWindowFrom(from, WindowMs), Rollups.FirstWindowFrom(to, WindowMs), lastSequence + 1, vehicle =>
                {
                    if (_replayedDays.Contains(CachedDayOf(_binner.WindowStartOf(vehicle.TimestampMs))))
                    {
                        _binner.Add(vehicle);
                    }
                });
                foreach (long day in _replayedDays)
                {
                    _dirtyDays.Add(day);
                    if (day < _evictedBeforeMs)
                    {
                        _residentDays.Add(day);
                    }
                }
            }

            _replayedDays.Clear();
            _binnedThrough = lastSequence;
            return _binner.Bins.Count;
        }
    }

    /// <summary>
    /// Counts the vehicles of one journal commit, which ends at <paramref name="lastSequence"/>. A vehicle for a day that
    /// may have left memory first brings that day's missing windows back from <paramref name="history"/>.
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
                long day = CachedDayOf(windowStartMs);
                if (day != _lastDirtyDay)
                {
                    _dirtyDays.Add(day);
                    _lastDirtyDay = day;
                }

                if (windowStartMs < _evictedBeforeMs)
                {
                    EnsureDayResident(day, beforeSequence, history);
                }

                _binner.Add(vehicle);
            }

            _binnedThrough = lastSequence;
        }
    }

    /// <summary>
    /// Copies of the windows changed since the last call, every hour and day rollup they fall in (rebuilt whole from the
    /// windows in memory), and the journal sequence they include everything up to.
    /// </summary>
    public FlushSnapshot TakeChanged()
    {
        lock (_gate)
        {
            _changed.Clear();
            _binner.DrainChanged(_changed);
            List<Rollup> rollups = Rollups.RebuildTouched(_changed.Select(b => b.Key), _binner.Bins, WindowMs, _zone);
            var copies = new List<Bin>(_changed.Count);
            foreach (Bin bin in _changed)
            {
                copies.Add(bin.Clone());
            }

            _changed.Clear();
            _dirtyDays.Clear();
            _lastDirtyDay = long.MinValue;
            return new FlushSnapshot(copies, rollups, _binnedThrough);
        }
    }

    /// <summary>Everything taken so far is stored: whole days that ended before the hot period leave memory.</summary>
    public void LetGoStored()
    {
        long nowMs = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            long evictBefore = DayOf(nowMs - _keepHotMs);
            // A day changed since the flush took its rollups stays whole until the next flush takes them.
            List<(long From, long To)> dirty = [.. _dirtyDays.Where(d => d < evictBefore).Select(d => (d, Rollups.NextDayStart(d, _zone)))];
            _binner.EvictWhere(key => key.WindowStartMs < evictBefore && !dirty.Exists(d => key.WindowStartMs >= d.From && key.WindowStartMs < d.To));
            _evictedBeforeMs = Math.Max(_evictedBeforeMs, evictBefore);
            _residentDays.RemoveWhere(day => day < evictBefore && !_dirtyDays.Contains(day));
            foreach ((long day, _) in dirty)
            {
                _residentDays.Add(day);
            }
        }
    }

    /// <summary>One scan per day, not per vehicle: every window of the day not in memory is rebuilt from the journal.</summary>
    private void EnsureDayResident(long day, long beforeSequence, IVehicleHistory history)
    {
        if (!_residentDays.Add(day))
        {
            return;
        }

        // Windows still in memory are complete already; only absent ones are rebuilt.
        var missing = new Dictionary<BinKey, bool>();
        history.Scan(Rollups.FirstWindowFrom(day, WindowMs), Rollups.FirstWindowFrom(Rollups.NextDayStart(day, _zone), WindowMs), beforeSequence, vehicle =>
        {
            BinKey key = _binner.KeyOf(vehicle);
            if (!missing.TryGetValue(key, out bool isMissing))
            {
                isMissing = !_binner.TryGetBin(key, out _);
                missing.Add(key, isMissing);
            }

            if (isMissing)
            {
                _binner.Add(vehicle);
            }
        });
        LateBinsRebuilt += missing.Count(m => m.Value);
    }

    /// <summary>The day of a window start, remembering the last day's bounds: consecutive vehicles mostly share a day.</summary>
    private long CachedDayOf(long windowStartMs)
    {
        if (windowStartMs < _lastDayStartMs || windowStartMs >= _lastDayEndMs)
        {
            _lastDayStartMs = Rollups.DayStart(windowStartMs, _zone);
            _lastDayEndMs = Rollups.NextDayStart(_lastDayStartMs, _zone);
        }

        return _lastDayStartMs;
    }
}
