using System.IO.Pipelines;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Ingest;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Writing;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Journal;

namespace Ale.Speed.Worker.Import;

/// <summary>
/// Imports a unit's historical log into the stored bins, counting each vehicle once however often it is imported and
/// whether or not the unit also sent it live.
/// </summary>
/// <remarks>
/// <para>Every vehicle an import counts goes into the unit's import ledger first — a journal of the worker's format in
/// <c>DataDirectory/imports/&lt;unit&gt;</c>, kept for good — and only then into bins. A vehicle is new when it is the same
/// vehicle (<see cref="KnownVehicles"/>) as none in the ledger nor in the worker's journal or its archive (what the unit
/// sent live).</para>
/// <para>Imported bins are stored under their own writer id, <c>import-&lt;unit&gt;</c>, and rebuilt complete from the ledger
/// for every window the import touches, so writing them again replaces them with the same content, and the read
/// commands add them to the live worker's bins like any other writer's. The ledger's checkpoint records which bins are
/// stored: an import interrupted before that (InfluxDB down, a crash) stores them on the next run, with any file.</para>
/// </remarks>
internal sealed class VehicleImporter(WorkerSettings settings, InfluxWriter writer, TimeProvider timeProvider)
{
    /// <summary>Bins are rebuilt and written this many at a time (a few days of windows), which bounds memory for a year-long read-out.</summary>
    private const int BinsPerPass = 20_000;

    public static string WriterIdFor(string unitId) => "import-" + unitId;

    /// <summary>
    /// Imports <paramref name="file"/>. Throws <see cref="ImportException"/> for a request that cannot be done (another
    /// import of the unit running); returns with <paramref name="stored"/> false when InfluxDB did not take the bins (the
    /// vehicles are in the ledger and are stored by the next run).
    /// </summary>
    public async Task<(ImportSummary Summary, bool Stored, InfluxWriteResult? Failure)> ImportAsync(
        Stream file, UnitRegistration registration, FrameParser parser, string formatName, string fileName,
        IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        long started = timeProvider.GetTimestamp();
        Core.Sites.Unit unit = registration.Unit;
        var summary = new ImportSummary { File = fileName, UnitId = unit.Id, Format = formatName };
        string ledgerDirectory = settings.ImportLedgerDirectory(unit.Id);
        Directory.CreateDirectory(ledgerDirectory);
        using FileStream lockFile = AcquireLock(ledgerDirectory, unit.Id);

        var binner = new Binner(settings.Binning);
        var imported = new KnownVehicles();
        var pendingKeys = new HashSet<BinKey>();
        using VehicleJournal ledger = VehicleJournal.Open(ledgerDirectory, settings.Options.Journal.SegmentBytes, (record, stored) =>
        {
            Vehicle vehicle = record.ToVehicle(unit);
            imported.Add(vehicle);
            if (!stored)
            {
                pendingKeys.Add(binner.KeyOf(vehicle));
                summary.Recovered++;
            }
        });

        List<Vehicle> vehicles = await ReadAsync(file, unit, parser, summary, progress, cancellationToken).ConfigureAwait(false);

        if (vehicles.Count > 0)
        {
            long fromMs = vehicles.Min(v => v.TimestampMs);
            long toMs = vehicles.Max(v => v.TimestampMs) + 1;
            summary.FirstVehicle = DateTimeOffset.FromUnixTimeMilliseconds(fromMs);
            summary.LastVehicle = DateTimeOffset.FromUnixTimeMilliseconds(toMs - 1);
            var live = new KnownVehicles();
            VehicleJournal.ReadShared(settings.JournalDirectory, fromMs, toMs, record =>
            {
                if (record.UnitId == unit.Id)
                {
                    live.Add(record.ToVehicle(unit));
                }
            });

            // The filter's duplicate memory is bounded; this set catches a repeat anywhere in the file.
            var inThisFile = new KnownVehicles();
            long repeats = 0;
            foreach (Vehicle vehicle in vehicles)
            {
                if (!inThisFile.Add(vehicle))
                {
                    repeats++;
                }
                else if (live.Contains(vehicle))
                {
                    summary.AlreadyLive++;
                }
                else if (imported.Contains(vehicle))
                {
                    summary.AlreadyImported++;
                }
                else
                {
                    ledger.Append(vehicle);
                    pendingKeys.Add(binner.KeyOf(vehicle));
                    summary.New++;
                }
            }

            if (repeats > 0)
            {
                string duplicate = RejectReason.Duplicate.ToString();
                summary.Rejects[duplicate] = summary.Rejects.GetValueOrDefault(duplicate) + repeats;
                summary.Vehicles -= repeats;
            }

            // Durable before any bin holds them: a crash from here on leaves them for the next run to store.
            ledger.Commit();
        }

        InfluxWriteResult? failure = await StoreAsync(ledger, binner, unit, pendingKeys, summary, progress, cancellationToken).ConfigureAwait(false);
        summary.Elapsed = timeProvider.GetElapsedTime(started);
        return (summary, failure is null, failure);
    }

    private async Task<List<Vehicle>> ReadAsync(Stream file, Core.Sites.Unit unit, FrameParser parser, ImportSummary summary,
        IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        // No late horizon: a read-out is old by nature. The future, installation and clock-reset checks still hold.
        var filter = new VehicleFilter(unit, timeProvider, settings.Filter with { LateHorizon = null });
        var ingest = new UnitIngest(parser, filter, unit.Detector ?? settings.Detector);
        var collected = new VehicleList();
        long total = file.CanSeek ? file.Length : 0;
        IIngestProgress? reading = progress is null ? null : new ReadingProgress(progress, total, ingest.Counters);
        PipeReader reader = PipeReader.Create(file, new StreamPipeReaderOptions(bufferSize: 1024 * 1024, leaveOpen: true));
        await new IngestLoop(ingest, collected, timeProvider, reading).RunAsync(reader, cancellationToken).ConfigureAwait(false);
        IngestCounters counters = ingest.Counters;
        summary.Lines = counters.Frames;
        summary.NoiseReadings = counters.NoiseReadings;
        summary.RangeReports = counters.RangeReports;
        summary.DeviceMessages = counters.DeviceMessages;
        summary.Vehicles = collected.Vehicles.Count;
        foreach (RejectReason reason in Enum.GetValues<RejectReason>())
        {
            if (counters.RejectCount(reason) is > 0 and long count)
            {
                summary.Rejects[reason.ToString()] = count;
            }
        }

        return collected.Vehicles;
    }

    /// <summary>Rebuilds every bin in <paramref name="keys"/> from the ledger, writes it, then confirms the ledger.</summary>
    private async Task<InfluxWriteResult?> StoreAsync(VehicleJournal ledger, Binner binner, Core.Sites.Unit unit, HashSet<BinKey> keys,
        ImportSummary summary, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return null;
        }

        var encoder = new BinPointEncoder();
        string writerId = WriterIdFor(unit.Id);
        long lastSequence = ledger.LastSequence;
        BinKey[] sorted = [.. keys.OrderBy(k => k.WindowStartMs)];
        var bins = new List<Bin>();
        for (int first = 0; first < sorted.Length;)
        {
            // A pass takes a run of windows (every bin of a window in the same pass) and reads the ledger once for them.
            int last = Math.Min(sorted.Length, first + BinsPerPass) - 1;
            while (last + 1 < sorted.Length && sorted[last + 1].WindowStartMs == sorted[last].WindowStartMs)
            {
                last++;
            }

            long fromMs = sorted[first].WindowStartMs;
            long toMs = sorted[last].WindowStartMs + binner.WindowMs;
            ledger.Scan(fromMs, toMs, lastSequence + 1, record =>
            {
                Vehicle vehicle = record.ToVehicle(unit);
                if (keys.Contains(binner.KeyOf(vehicle)))
                {
                    binner.Add(vehicle);
                }
            });

            bins.Clear();
            binner.DrainChanged(bins);
            for (int start = 0; start < bins.Count; start += settings.Options.Influx.BatchLines)
            {
                using LineBatch batch = writer.CreateBatch();
                int end = Math.Min(bins.Count, start + settings.Options.Influx.BatchLines);
                for (int i = start; i < end; i++)
                {
                    encoder.Write(batch.Writer, bins[i], writerId, binner.WindowMs, batch.Precision);
                }

                InfluxWriteResult result = await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                if (!result.IsComplete)
                {
                    return result;
                }

                summary.BinsWritten += end - start;
            }

            binner.Clear();
            first = last + 1;
            progress?.Report(new ImportProgress("storing", first, sorted.Length, summary.Lines));
        }

        // The ledger is kept whole (no retention): it is what makes the next import of an overlapping file idempotent.
        ledger.Confirm(lastSequence, retainAfterMs: long.MinValue);
        return null;
    }

    private static FileStream AcquireLock(string directory, string unitId)
    {
        try
        {
            // FileShare.None takes an exclusive lock that another ale-speed process cannot get while this one runs.
            return new FileStream(Path.Combine(directory, "import.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new ImportException($"another import of unit '{unitId}' is running.");
        }
    }

    /// <summary>The vehicles read, kept until they are sorted into new and known (nothing to wait for).</summary>
    private sealed class VehicleList : IDurableVehicleSink
    {
        public List<Vehicle> Vehicles { get; } = [];

        public ValueTask CommitAsync(VehicleBatch batch, CancellationToken cancellationToken)
        {
            Vehicles.AddRange(batch.Vehicles);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ReadingProgress(IProgress<ImportProgress> progress, long total, IngestCounters counters) : IIngestProgress
    {
        public void Committed(long consumedBytes) => progress.Report(new ImportProgress("reading", consumedBytes, total, counters.Frames));
    }
}

/// <summary>An import that cannot be done as asked; the message says why.</summary>
internal sealed class ImportException(string message) : Exception(message);
