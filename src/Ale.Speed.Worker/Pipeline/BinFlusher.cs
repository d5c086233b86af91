using Ale.Speed.Core.Bins;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Writing;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Worker.Pipeline;

/// <summary>
/// Writes changed bins to InfluxDB. Every flush takes the bins changed since the last one (a busy bin is written once
/// per flush however often it changed), writes them with the current content — a late vehicle re-emits its complete bin
/// under the same identity — and, once nothing is left unwritten, confirms the journal up to what the bins include.
/// A failed write keeps its bins for the next flush; nothing is dropped.
/// </summary>
internal sealed class BinFlusher(BinStore store, JournalWriter journal, InfluxWriter writer, BinPointEncoder encoder, string writerId, int batchLines,
    WorkerMetrics metrics, TimeProvider timeProvider, ILogger<BinFlusher> logger)
{
    private readonly Dictionary<BinKey, Bin> _unwritten = [];

    public int UnwrittenBins => _unwritten.Count;

    public DateTimeOffset? LastSuccess { get; private set; }

    public InfluxWriteResult? LastFailure { get; private set; }

    public DateTimeOffset? LastFailureAt { get; private set; }

    /// <summary>One flush. Returns true when everything changed so far is stored.</summary>
    public async Task<bool> FlushOnceAsync(CancellationToken cancellationToken)
    {
        FlushSnapshot snapshot = store.TakeChanged();
        foreach (Bin bin in snapshot.Bins)
        {
            _unwritten[bin.Key] = bin; // the newer copy holds everything the older one did
        }

        if (_unwritten.Count > 0)
        {
            Bin[] bins = [.. _unwritten.Values];
            for (int start = 0; start < bins.Length; start += batchLines)
            {
                int count = Math.Min(batchLines, bins.Length - start);
                using LineBatch batch = writer.CreateBatch();
                for (int i = start; i < start + count; i++)
                {
                    encoder.Write(batch.Writer, bins[i], writerId, store.WindowMs, batch.Precision);
                }

                InfluxWriteResult result = await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                if (!result.IsComplete)
                {
                    LastFailure = result;
                    LastFailureAt = timeProvider.GetUtcNow();
                    metrics.WriteFailed(result.Failure);
                    if (result.Failure == InfluxWriteFailure.Unauthorized)
                    {
                        Log.InfluxUnauthorized(logger, result.StatusCode);
                    }
                    else
                    {
                        Log.FlushFailed(logger, result.Failure.ToString(), result.StatusCode, _unwritten.Count);
                    }

                    return false;
                }

                for (int i = start; i < start + count; i++)
                {
                    _unwritten.Remove(bins[i].Key);
                }

                metrics.BinsWritten(count);
            }
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
    [LoggerMessage(6020, LogLevel.Warning, "Writing bins to InfluxDB failed ({Failure}, HTTP {Status}); {Bins} bins kept for the next flush")]
    public static partial void FlushFailed(ILogger logger, string failure, int status, int bins);

    [LoggerMessage(6021, LogLevel.Critical, "ALARM: InfluxDB refuses our credentials (HTTP {Status}); bins are kept in the journal until this is fixed")]
    public static partial void InfluxUnauthorized(ILogger logger, int status);
}
