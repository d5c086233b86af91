using System.Threading.Channels;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Worker.Import;
using Ale.Speed.Worker.Journal;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Worker.Pipeline;

/// <summary>
/// Sources → journal → bins. Sources hand in batches of accepted vehicles (<see cref="CommitAsync"/>); one loop appends
/// them to the journal, commits (one fsync for every batch that arrived meanwhile), completes the batches — only then
/// may a source acknowledge — and counts the vehicles into the bins. The flusher takes changed bins from here and
/// confirms what InfluxDB has stored, which lets the journal (the spool) shrink.
/// </summary>
/// <remarks>
/// <para>When the vehicles not yet stored exceed the spool limit, or the disk is full, the loop stops taking batches:
/// sources wait and acknowledge nothing (backpressure), and nothing is dropped.</para>
/// <para>Bins of old windows are let go once stored; a late vehicle for such a window first rebuilds the bin from the
/// journal, so a stored bin is never replaced by a partial one. A restart rebuilds the bins of every vehicle not yet
/// confirmed, complete, from the journal.</para>
/// </remarks>
internal sealed class VehiclePipeline : IDurableVehicleSink, IDisposable
{
    /// <summary>Batches waiting for the journal; a bound, so memory cannot grow while the disk or spool is full.</summary>
    private const int PendingBatchCapacity = 1024;

    private readonly Lock _gate = new();
    private readonly VehicleJournal _journal;
    private readonly Binner _binner;
    private readonly UnitRouter _router;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly long _maxSpoolBytes;
    private readonly long _lateHorizonMs;
    private readonly long _keepHotMs;
    private readonly long _archiveMs;
    private readonly Channel<PendingBatch> _pending = Channel.CreateBounded<PendingBatch>(
        new BoundedChannelOptions(PendingBatchCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly List<PendingBatch> _committing = [];
    private const long DayMs = 86_400_000;
    private readonly HashSet<long> _residentDays = [];
    private long _evictedBeforeMs;
    private long _journalUnknownUnits;
    private UnitActivity? _activity;
    private ImportedVehicles? _imported;

    private VehiclePipeline(VehicleJournal journal, Binner binner, UnitRouter router, TimeProvider timeProvider, ILogger logger,
        long maxSpoolBytes, TimeSpan lateHorizon, TimeSpan archive)
    {
        _archiveMs = (long)archive.TotalMilliseconds;
        _journal = journal;
        _binner = binner;
        _router = router;
        _timeProvider = timeProvider;
        _logger = logger;
        _maxSpoolBytes = maxSpoolBytes;
        _lateHorizonMs = (long)lateHorizon.TotalMilliseconds;
        _keepHotMs = KeepHotMs(binner);
    }

    public Binner Binner => _binner;

    public bool SpoolFull { get; private set; }

    public bool DiskFull { get; private set; }

    public long SpoolBytes
    {
        get
        {
            lock (_gate)
            {
                return _journal.UnconfirmedBytes;
            }
        }
    }

    /// <summary>Journal records not yet confirmed stored.</summary>
    public long JournalLag
    {
        get
        {
            lock (_gate)
            {
                return _journal.LastSequence - _journal.ConfirmedSequence;
            }
        }
    }

    public long JournalTruncatedBytes { get; private init; }

    public long JournalUnknownUnits => Interlocked.Read(ref _journalUnknownUnits);

    public long BatchesCommitted { get; private set; }

    public long VehiclesJournaled { get; private set; }

    public long LateBinsRebuilt { get; private set; }

    /// <summary>Live vehicles not counted because <c>ale-speed import</c> had already counted them from the unit's log.</summary>
    public long VehiclesAlreadyImported { get; private set; }

    /// <summary>
    /// Opens the journal in <paramref name="journalDirectory"/>, restores duplicate suppression from it and rebuilds the
    /// bins of every vehicle not yet confirmed stored.
    /// </summary>
    /// <param name="archive">How long retired journal segments are archived (for import's idempotence); zero: deleted.</param>
    public static VehiclePipeline Open(string journalDirectory, long segmentBytes, long maxSpoolBytes, TimeSpan lateHorizon,
        Binner binner, UnitRouter router, UnitActivity activity, TimeProvider timeProvider, ILogger logger, TimeSpan archive = default,
        ImportedVehicles? imported = null)
    {
        imported?.Refresh();
        long confirmed = VehicleJournal.ReadCheckpoint(journalDirectory);
        long keepHotMs = KeepHotMs(binner);
        long hotFromMs = binner.WindowStartOf(timeProvider.GetUtcNow().ToUnixTimeMilliseconds() - keepHotMs);
        var keysToRebuild = new HashSet<BinKey>();
        long unknown = 0;
        long fromMs = long.MaxValue;
        long toMs = long.MinValue;
        VehicleJournal journal = VehicleJournal.Open(journalDirectory, segmentBytes, record =>
        {
            if (!router.TryGetRoute(record.UnitId, out UnitRoute route))
            {
                unknown++;
                return;
            }

            Vehicle vehicle = record.ToVehicle(route.Unit);
            route.Filter.Remember(vehicle);
            BinKey key = binner.KeyOf(vehicle);
            if (record.Sequence > confirmed || key.WindowStartMs >= hotFromMs)
            {
                keysToRebuild.Add(key);
                fromMs = Math.Min(fromMs, key.WindowStartMs);
                toMs = Math.Max(toMs, key.WindowStartMs + binner.WindowMs);
            }
        }, archiveRetired: archive > TimeSpan.Zero);

        var pipeline = new VehiclePipeline(journal, binner, router, timeProvider, logger, maxSpoolBytes, lateHorizon, archive)
        {
            _journalUnknownUnits = unknown,
            JournalTruncatedBytes = journal.TruncatedBytes,
            _evictedBeforeMs = hotFromMs,
            _activity = activity,
            _imported = imported,
        };

        if (keysToRebuild.Count > 0)
        {
            // Whole bins, not just their unconfirmed vehicles: a stored bin is only ever replaced by a complete one.
            journal.Scan(fromMs, toMs, long.MaxValue, record =>
            {
                if (router.TryGetRoute(record.UnitId, out UnitRoute route))
                {
                    Vehicle vehicle = record.ToVehicle(route.Unit);
                    if (keysToRebuild.Contains(binner.KeyOf(vehicle)))
                    {
                        binner.Add(vehicle);
                    }
                }
            });
        }

        Log.JournalOpened(logger, journal.LastSequence, confirmed, keysToRebuild.Count, journal.TruncatedBytes);
        if (unknown > 0)
        {
            Log.JournalUnknownUnits(logger, unknown);
        }

        return pipeline;
    }

    /// <summary>Bins of the last two hours (at least two windows) stay in memory; older ones are rebuilt on demand.</summary>
    private static long KeepHotMs(Binner binner) => Math.Max(2 * binner.WindowMs, (long)TimeSpan.FromHours(2).TotalMilliseconds);

    /// <inheritdoc />
    public async ValueTask CommitAsync(VehicleBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        var pending = new PendingBatch(batch);
        await _pending.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        await pending.Durable.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The journal loop: runs until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        ChannelReader<PendingBatch> reader = _pending.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!TryCommitPending())
            {
                // Spool or disk full: acknowledge nothing until the flusher has stored bins and freed space.
                await Task.Delay(TimeSpan.FromMilliseconds(500), _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// One iteration of the journal loop: appends every waiting batch, commits once, completes them, bins their vehicles.
    /// Returns false when it could not take batches (spool full or disk full).
    /// </summary>
    internal bool TryCommitPending()
    {
        lock (_gate)
        {
            if (_journal.UnconfirmedBytes >= _maxSpoolBytes)
            {
                if (!SpoolFull)
                {
                    SpoolFull = true;
                    Log.SpoolFull(_logger, _journal.UnconfirmedBytes, _maxSpoolBytes);
                }

                return false;
            }

            if (SpoolFull)
            {
                SpoolFull = false;
                Log.SpoolDrained(_logger, _journal.UnconfirmedBytes);
            }

            // A batch that failed to commit last time (disk full) is first in line again.
            while (_committing.Count < PendingBatchCapacity && _pending.Reader.TryRead(out PendingBatch? pending))
            {
                _committing.Add(pending);
            }

            if (_committing.Count == 0)
            {
                return true;
            }

            long firstSequence = _journal.LastSequence + 1;
            foreach (PendingBatch pending in _committing)
            {
                foreach (Vehicle vehicle in pending.Batch.Vehicles)
                {
                    if (Counts(vehicle))
                    {
                        _journal.Append(vehicle);
                    }
                }
            }

            try
            {
                _journal.Commit();
            }
            catch (IOException ex)
            {
                // The journal rolled back to its last commit; the batches stay here and are appended again.
                if (!DiskFull)
                {
                    DiskFull = true;
                    Log.DiskFull(_logger, ex.Message);
                }

                return false;
            }

            if (DiskFull)
            {
                DiskFull = false;
                Log.DiskAvailable(_logger);
            }

            // First bring back, complete, the old bins these vehicles fall into; only then count them.
            foreach (PendingBatch pending in _committing)
            {
                foreach (Vehicle vehicle in pending.Batch.Vehicles)
                {
                    if (Counts(vehicle))
                    {
                        EnsureResident(vehicle.TimestampMs, firstSequence);
                    }
                }
            }

            foreach (PendingBatch pending in _committing)
            {
                foreach (Vehicle vehicle in pending.Batch.Vehicles)
                {
                    if (Counts(vehicle))
                    {
                        _binner.Add(vehicle);
                        VehiclesJournaled++;
                    }
                    else
                    {
                        VehiclesAlreadyImported++;
                    }
                }
            }

            BatchesCommitted += _committing.Count;
            foreach (PendingBatch pending in _committing)
            {
                string? lastUnit = null;
                foreach (Vehicle vehicle in pending.Batch.Vehicles)
                {
                    if (!ReferenceEquals(vehicle.Unit.Id, lastUnit))
                    {
                        lastUnit = vehicle.Unit.Id;
                        _activity?.VehiclesArrived(lastUnit);
                    }
                }

                // Last: once durable, the source may reuse its batch.
                pending.MarkDurable();
            }

            _committing.Clear();
            return true;
        }
    }

    /// <summary>False for a vehicle an import has already counted (asked in each pass; outside imported spans it is one comparison).</summary>
    private bool Counts(in Vehicle vehicle) => _imported is null || !_imported.Contains(vehicle);

    /// <summary>
    /// A vehicle for a window whose bins may have left memory: rebuild that whole day's missing bins from the journal
    /// (records before this commit), so the late vehicle lands in its complete bin. One scan per day, not per vehicle.
    /// </summary>
    private void EnsureResident(long timestampMs, long beforeSequence)
    {
        long windowStartMs = _binner.WindowStartOf(timestampMs);
        if (windowStartMs >= _evictedBeforeMs)
        {
            return;
        }

        long day = Math.DivRem(windowStartMs, DayMs, out long rest) - (rest < 0 ? 1 : 0);
        if (!_residentDays.Add(day))
        {
            return;
        }

        long fromMs = day * DayMs;
        var missing = new Dictionary<BinKey, bool>();
        _journal.Scan(fromMs, fromMs + DayMs, beforeSequence, record =>
        {
            if (_router.TryGetRoute(record.UnitId, out UnitRoute route))
            {
                Vehicle vehicle = record.ToVehicle(route.Unit);
                BinKey key = _binner.KeyOf(vehicle);
                if (!missing.TryGetValue(key, out bool isMissing))
                {
                    // Bins still in memory are complete already; only absent ones are rebuilt.
                    isMissing = !_binner.TryGetBin(key, out _);
                    missing.Add(key, isMissing);
                }

                if (isMissing)
                {
                    _binner.Add(vehicle);
                }
            }
        });
        LateBinsRebuilt += missing.Count(m => m.Value);
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

            return new FlushSnapshot(changed, _journal.LastSequence);
        }
    }

    /// <summary>
    /// InfluxDB has stored every bin holding vehicles up to <paramref name="sequence"/>: the journal may let them go
    /// (once older than the late horizon), and old bins leave memory.
    /// </summary>
    public void ConfirmStored(long sequence)
    {
        // Outside the lock: reading a ledger an import just wrote must not hold up the journal loop.
        _imported?.Refresh();
        long nowMs = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            try
            {
                _journal.Confirm(sequence, retainAfterMs: nowMs - _lateHorizonMs - _binner.WindowMs);
                if (_archiveMs > 0)
                {
                    _journal.PruneArchive(nowMs - _archiveMs);
                }
            }
            catch (IOException ex)
            {
                Log.CheckpointFailed(_logger, ex.Message);
                return;
            }

            long evictBefore = _binner.WindowStartOf(nowMs - _keepHotMs);
            _binner.EvictBefore(evictBefore);
            _evictedBeforeMs = Math.Max(_evictedBeforeMs, evictBefore);
            // A day any of whose windows may have been let go is no longer whole in memory: the next late vehicle for it
            // scans again (and rebuilds only the bins that are missing).
            _residentDays.RemoveWhere(day => day * DayMs < evictBefore);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _journal.Dispose();
        }
    }

    private sealed class PendingBatch(VehicleBatch batch)
    {
        private readonly TaskCompletionSource _durable = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public VehicleBatch Batch { get; } = batch;

        public Task Durable => _durable.Task;

        public void MarkDurable() => _durable.TrySetResult();
    }
}

/// <summary>Bins to store, and the journal sequence up to which every vehicle is in them (or in bins stored before).</summary>
internal sealed record FlushSnapshot(List<Bin> Bins, long Sequence);

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Journal opened: last sequence {LastSequence}, confirmed stored up to {Confirmed}; {Bins} bins rebuilt for storing; {TruncatedBytes} bytes of a torn tail dropped")]
    public static partial void JournalOpened(ILogger logger, long lastSequence, long confirmed, int bins, long truncatedBytes);

    [LoggerMessage(2, LogLevel.Warning, "The journal holds {Count} vehicles of units no longer configured; they are kept but not binned")]
    public static partial void JournalUnknownUnits(ILogger logger, long count);

    [LoggerMessage(3, LogLevel.Error, "SPOOL FULL: {Bytes} bytes of vehicles not yet stored in InfluxDB (limit {Limit}); sources are no longer acknowledged until InfluxDB accepts writes again")]
    public static partial void SpoolFull(ILogger logger, long bytes, long limit);

    [LoggerMessage(4, LogLevel.Warning, "Spool below its limit again ({Bytes} bytes); sources are acknowledged again")]
    public static partial void SpoolDrained(ILogger logger, long bytes);

    [LoggerMessage(5, LogLevel.Error, "DISK FULL or journal write failed ({Reason}); sources are no longer acknowledged, retrying")]
    public static partial void DiskFull(ILogger logger, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Journal writes succeed again; sources are acknowledged again")]
    public static partial void DiskAvailable(ILogger logger);

    [LoggerMessage(7, LogLevel.Error, "Could not record the stored checkpoint ({Reason}); will retry at the next flush")]
    public static partial void CheckpointFailed(ILogger logger, string reason);
}
