using System.Threading.Channels;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Worker.Import;
using Ale.Speed.Worker.Journal;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Worker.Pipeline;

/// <summary>Where and how the worker keeps its journal.</summary>
/// <param name="Archive">How long retired journal segments are archived (for import's idempotence); zero: deleted.</param>
internal sealed record JournalOptions(string Directory, long SegmentBytes, long MaxSpoolBytes, TimeSpan LateHorizon, TimeSpan Archive);

/// <summary>
/// Sources → journal → bins. Sources hand in batches of accepted vehicles (<see cref="CommitAsync"/>); one loop appends
/// them to the journal, commits (one fsync for every batch that arrived meanwhile), hands the vehicles to the
/// <see cref="BinStore"/> and completes the batches — only then may a source acknowledge. The flusher confirms what
/// InfluxDB has stored (<see cref="ConfirmStored"/>), which lets the journal (the spool) shrink.
/// </summary>
/// <remarks>
/// When the vehicles not yet stored exceed the spool limit, or the disk is full, the loop stops taking batches: sources
/// wait and acknowledge nothing (backpressure), and nothing is dropped. A live vehicle an import has already counted is
/// acknowledged but neither journaled nor binned.
/// </remarks>
internal sealed class JournalWriter : IDurableVehicleSink, IVehicleHistory, IDisposable
{
    /// <summary>Batches waiting for the journal; a bound, so memory cannot grow while the disk or spool is full.</summary>
    private const int PendingBatchCapacity = 1024;

    private readonly Lock _gate = new();
    private readonly VehicleJournal _journal;
    private readonly JournalOptions _options;
    private readonly IReadOnlyDictionary<string, Unit> _units;
    private readonly BinStore _bins;
    private readonly UnitActivity? _activity;
    private readonly ImportedVehicles? _imported;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<PendingBatch> _pending = Channel.CreateBounded<PendingBatch>(
        new BoundedChannelOptions(PendingBatchCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly List<PendingBatch> _committing = [];
    private readonly List<Vehicle> _counted = [];

    private JournalWriter(VehicleJournal journal, JournalOptions options, IReadOnlyDictionary<string, Unit> units, BinStore bins,
        UnitActivity? activity, ImportedVehicles? imported, TimeProvider timeProvider, ILogger logger)
    {
        _journal = journal;
        _options = options;
        _units = units;
        _bins = bins;
        _activity = activity;
        _imported = imported;
        _timeProvider = timeProvider;
        _logger = logger;
    }

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

    public long JournalTruncatedBytes => _journal.TruncatedBytes;

    /// <summary>Journal records of units no longer configured, found at start: kept, not binned.</summary>
    public long JournalUnknownUnits { get; private init; }

    public long BatchesCommitted { get; private set; }

    public long VehiclesJournaled { get; private set; }

    /// <summary>Live vehicles not counted because <c>ale-speed import</c> had already counted them from the unit's log.</summary>
    public long VehiclesAlreadyImported { get; private set; }

    /// <summary>
    /// Opens the journal, hands every vehicle it holds to <paramref name="duplicates"/> (so a redelivery after a restart
    /// is caught) and to <paramref name="bins"/>, which rebuilds the bins of every vehicle not yet confirmed stored.
    /// </summary>
    public static JournalWriter Open(JournalOptions options, IEnumerable<Unit> units, IDuplicateMemory duplicates, BinStore bins,
        TimeProvider timeProvider, ILogger logger, UnitActivity? activity = null, ImportedVehicles? imported = null)
    {
        imported?.Refresh();
        Dictionary<string, Unit> byId = units.ToDictionary(u => u.Id, StringComparer.Ordinal);
        long unknown = 0;
        VehicleJournal journal = VehicleJournal.Open(options.Directory, options.SegmentBytes, (record, stored) =>
        {
            if (!byId.TryGetValue(record.UnitId, out Unit? unit))
            {
                unknown++;
                return;
            }

            Vehicle vehicle = record.ToVehicle(unit);
            duplicates.Remember(vehicle);
            bins.Replayed(vehicle, stored);
        }, archiveRetired: options.Archive > TimeSpan.Zero);

        var writer = new JournalWriter(journal, options, byId, bins, activity, imported, timeProvider, logger) { JournalUnknownUnits = unknown };
        int rebuilt = bins.RebuildReplayed(writer, journal.LastSequence);
        Log.JournalOpened(logger, journal.LastSequence, journal.ConfirmedSequence, rebuilt, journal.TruncatedBytes);
        if (unknown > 0)
        {
            Log.JournalUnknownUnits(logger, unknown);
        }

        return writer;
    }

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
    /// One iteration of the journal loop: appends every waiting batch, commits once, bins the vehicles, completes the
    /// batches. Returns false when it could not take batches (spool full or disk full).
    /// </summary>
    internal bool TryCommitPending()
    {
        lock (_gate)
        {
            if (!SpoolHasRoom())
            {
                return false;
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

            _counted.Clear();
            long alreadyImported = 0;
            foreach (PendingBatch pending in _committing)
            {
                foreach (Vehicle vehicle in pending.Batch.Vehicles)
                {
                    if (_imported is not null && _imported.Contains(vehicle))
                    {
                        alreadyImported++;
                        continue;
                    }

                    _journal.Append(vehicle);
                    _counted.Add(vehicle);
                }
            }

            if (!TryCommit())
            {
                return false;
            }

            _bins.Add(_counted, _journal.LastSequence, this);
            VehiclesJournaled += _counted.Count;
            VehiclesAlreadyImported += alreadyImported;
            BatchesCommitted += _committing.Count;
            foreach (PendingBatch pending in _committing)
            {
                MarkActive(pending.Batch);
                // Last: once durable, the source may reuse its batch.
                pending.MarkDurable();
            }

            _committing.Clear();
            return true;
        }
    }

    private bool SpoolHasRoom()
    {
        if (_journal.UnconfirmedBytes >= _options.MaxSpoolBytes)
        {
            if (!SpoolFull)
            {
                SpoolFull = true;
                Log.SpoolFull(_logger, _journal.UnconfirmedBytes, _options.MaxSpoolBytes);
            }

            return false;
        }

        if (SpoolFull)
        {
            SpoolFull = false;
            Log.SpoolDrained(_logger, _journal.UnconfirmedBytes);
        }

        return true;
    }

    private bool TryCommit()
    {
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

        return true;
    }

    private void MarkActive(VehicleBatch batch)
    {
        string? lastUnit = null;
        foreach (Vehicle vehicle in batch.Vehicles)
        {
            if (!ReferenceEquals(vehicle.Unit.Id, lastUnit))
            {
                lastUnit = vehicle.Unit.Id;
                _activity?.VehiclesArrived(lastUnit);
            }
        }
    }

    /// <inheritdoc />
    public void Scan(long fromMs, long toMs, long beforeSequence, Action<Vehicle> visit)
    {
        lock (_gate)
        {
            _journal.Scan(fromMs, toMs, beforeSequence, record =>
            {
                if (_units.TryGetValue(record.UnitId, out Unit? unit))
                {
                    visit(record.ToVehicle(unit));
                }
            });
        }
    }

    /// <summary>
    /// InfluxDB has stored every bin holding vehicles up to <paramref name="sequence"/>: the journal may let them go once
    /// their local day is older than the late horizon. Returns false when the checkpoint could not be written (retried at the next flush).
    /// </summary>
    public bool ConfirmStored(long sequence)
    {
        // Outside the lock: reading a ledger an import just wrote must not hold up the journal loop.
        _imported?.Refresh();
        long nowMs = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            try
            {
                // Whole local days: those a late vehicle may still reach, and those of vehicles not yet stored (a restart
                // rebuilds their days whole, so every vehicle of such a day must still be here).
                long retainAfterMs = _bins.RetainFromMs(nowMs, _options.LateHorizon);
                long oldestUnstored = _journal.OldestTimestampAfter(sequence);
                if (oldestUnstored != long.MaxValue)
                {
                    retainAfterMs = Math.Min(retainAfterMs, _bins.DayOf(oldestUnstored));
                }

                _journal.Confirm(sequence, retainAfterMs);
                if (_options.Archive > TimeSpan.Zero)
                {
                    _journal.PruneArchive(nowMs - (long)_options.Archive.TotalMilliseconds);
                }

                return true;
            }
            catch (IOException ex)
            {
                Log.CheckpointFailed(_logger, ex.Message);
                return false;
            }
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

/// <summary>The worker's log messages (spread over the files that log), event ids 6000–6999.</summary>
internal static partial class Log
{
    [LoggerMessage(6001, LogLevel.Information, "Journal opened: last sequence {LastSequence}, confirmed stored up to {Confirmed}; {Bins} bins rebuilt for storing; {TruncatedBytes} bytes of a torn tail dropped")]
    public static partial void JournalOpened(ILogger logger, long lastSequence, long confirmed, int bins, long truncatedBytes);

    [LoggerMessage(6002, LogLevel.Warning, "The journal holds {Count} vehicles of units no longer configured; they are kept but not binned")]
    public static partial void JournalUnknownUnits(ILogger logger, long count);

    [LoggerMessage(6003, LogLevel.Error, "SPOOL FULL: {Bytes} bytes of vehicles not yet stored in InfluxDB (limit {Limit}); sources are no longer acknowledged until InfluxDB accepts writes again")]
    public static partial void SpoolFull(ILogger logger, long bytes, long limit);

    [LoggerMessage(6004, LogLevel.Warning, "Spool below its limit again ({Bytes} bytes); sources are acknowledged again")]
    public static partial void SpoolDrained(ILogger logger, long bytes);

    [LoggerMessage(6005, LogLevel.Error, "DISK FULL or journal write failed ({Reason}); sources are no longer acknowledged, retrying")]
    public static partial void DiskFull(ILogger logger, string reason);

    [LoggerMessage(6006, LogLevel.Warning, "Journal writes succeed again; sources are acknowledged again")]
    public static partial void DiskAvailable(ILogger logger);

    [LoggerMessage(6007, LogLevel.Error, "Could not record the stored checkpoint ({Reason}); will retry at the next flush")]
    public static partial void CheckpointFailed(ILogger logger, string reason);
}
