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
internal sealed class VehicleImporter(WorkerSettings settings, InfluxWriter writer, InfluxWriter rollupWriter, TimeProvider timeProvider, MonthRollups? months = null)
{
    /// <summary>Bins are rebuilt and written about this many at a time (whole local days), which bounds memory for a year-long read-out.</summary>
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

    /// <summary>
    /// Rebuilds every local day holding a bin in <paramref name="keys"/> whole from the ledger, writes its windows, hour and
    /// day rollups and the month rollups merged from the stored days, then confirms the ledger.
    /// </summary>
    private async Task<InfluxWriteResult?> StoreAsync(VehicleJournal ledger, Binner binner, Core.Sites.Unit unit, HashSet<BinKey> keys,
        ImportSummary summary, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return null;
        }

        TimeZoneInfo zone = Core.Time.StockholmTime.Zone;
        var levels = new BinLevelWriter(writer, rollupWriter, new BinPointEncoder(), WriterIdFor(unit.Id), binner.WindowMs, settings.Options.Influx.BatchLines, months);
        long lastSequence = ledger.LastSequence;
        // The bins per day touched: a pass takes whole days, about BinsPerPass bins at a time, and reads the ledger once for them.
        SortedDictionary<long, int> days = [];
        foreach (BinKey key in keys)
        {
            long day = Rollups.DayStart(key.WindowStartMs, zone);
            days[day] = days.GetValueOrDefault(day) + 1;
        }

        long[] dayStarts = [.. days.Keys];
        var bins = new List<Bin>();
        for (int first = 0; first < dayStarts.Length;)
        {
            int last = first;
            for (int taken = days[dayStarts[first]]; last + 1 < dayStarts.Length && taken + days[dayStarts[last + 1]] <= BinsPerPass; last++)
            {
                taken += days[dayStarts[last + 1]];
            }

            long[] passStarts = dayStarts[first..(last + 1)];
            long[] passEnds = [.. passStarts.Select(d => Rollups.NextDayStart(d, zone))];
            long fromMs = Rollups.FirstWindowFrom(passStarts[0], binner.WindowMs);
            long toMs = Rollups.FirstWindowFrom(passEnds[^1], binner.WindowMs);
            ledger.Scan(fromMs, toMs, lastSequence + 1, record =>
            {
                Vehicle vehicle = record.ToVehicle(unit);
                long window = binner.WindowStartOf(vehicle.TimestampMs);
                int day = Array.BinarySearch(passStarts, window);
                day = day >= 0 ? day : ~day - 1;
                if (day >= 0 && window < passEnds[day])
                {
                    binner.Add(vehicle);
                }
            });

            bins.Clear();
            binner.DrainChanged(bins);
            levels.Add(bins, Rollups.RebuildTouched(bins.Select(b => b.Key), binner.Bins, binner.WindowMs, zone));
            long windowsBefore = levels.WindowsWritten;
            InfluxWriteResult? failure = await levels.WriteAsync(cancellationToken).ConfigureAwait(false);
            summary.BinsWritten += levels.WindowsWritten - windowsBefore;
            summary.RollupsWritten = levels.RollupsWritten;
            if (failure is not null)
            {
                return failure;
            }

            binner.Clear();
            first = last + 1;
            progress?.Report(new ImportProgress("storing", first, dayStarts.Length, summary.Lines));
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
