using Ale.Speed.Core.Bins;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Writing;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Worker.Pipeline;

/// <summary>
/// Writes changed bins to InfluxDB, with every hour, day and month rollup they fall in. Every flush takes the windows
/// changed since the last one (a busy window is written once per flush however often it changed) and the rollups they
/// touch, rebuilt whole (<see cref="BinStore.TakeChanged"/>), writes them with the current content — a late vehicle
/// re-emits every level it touches under the same identities — then merges the months of those days from the stored
/// days (<see cref="BinLevelWriter"/>), and only once nothing is left unwritten confirms the journal up to what they
/// include: a kill before a month is written leaves its days unconfirmed, so the restart rebuilds them and merges the
/// month again. A failed write keeps its points for the next flush; nothing is dropped.
/// </summary>
internal sealed class BinFlusher(BinStore store, JournalWriter journal, BinLevelWriter writer, WorkerMetrics metrics, TimeProvider timeProvider,
    ILogger<BinFlusher> logger)
{
    public int UnwrittenBins => writer.Unwritten;

    public DateTimeOffset? LastSuccess { get; private set; }

    public InfluxWriteResult? LastFailure { get; private set; }

    public DateTimeOffset? LastFailureAt { get; private set; }

    /// <summary>One flush. Returns true when everything changed so far is stored.</summary>
    public async Task<bool> FlushOnceAsync(CancellationToken cancellationToken)
    {
        FlushSnapshot snapshot = store.TakeChanged();
        writer.Add(snapshot.Bins, snapshot.Rollups);
        long windowsBefore = writer.WindowsWritten;
        long rollupsBefore = writer.RollupsWritten;
        InfluxWriteResult? written = await writer.WriteAsync(cancellationToken).ConfigureAwait(false);
        metrics.BinsWritten((int)(writer.WindowsWritten - windowsBefore), (int)(writer.RollupsWritten - rollupsBefore));
        if (written is { } failure)
        {
            LastFailure = failure;
            LastFailureAt = timeProvider.GetUtcNow();
            metrics.WriteFailed(failure.Failure);
            if (failure.Failure == InfluxWriteFailure.Unauthorized)
            {
                Log.InfluxUnauthorized(logger, failure.StatusCode);
            }
            else
            {
                Log.FlushFailed(logger, failure.Failure.ToString(), failure.StatusCode, writer.Unwritten);
            }

            return false;
        }

        LastSuccess = timeProvider.GetUtcNow();
        if (journal.ConfirmStored(snapshot.Sequence))
        {
            store.LetGoStored();
        }

        return true;
    }
}

internal static partial class Log
{
    [LoggerMessage(6020, LogLevel.Warning, "Writing bins to InfluxDB failed ({Failure}, HTTP {Status}); {Bins} bins and rollups kept for the next flush")]
    public static partial void FlushFailed(ILogger logger, string failure, int status, int bins);

    [LoggerMessage(6021, LogLevel.Critical, "ALARM: InfluxDB refuses our credentials (HTTP {Status}); bins are kept in the journal until this is fixed")]
    public static partial void InfluxUnauthorized(ILogger logger, int status);
}
