using Ale.Speed.Core.Bins;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Influx.Bins;

/// <summary>
/// The one way a writer's bins reach InfluxDB, for the worker's flusher and for <c>import</c>: its windows
/// (<c>speed_bin</c>), the hour and day rollups built from them (<c>speed_bin_1h</c>, <c>speed_bin_1d</c>) and, once
/// the days are stored, the month rollups of the months they lie in, merged from the stored days (<c>speed_bin_1mo</c>,
/// when <paramref name="months"/> is given). Points wait here until InfluxDB confirms them; a newer version of a point
/// replaces the waiting one (it holds everything the older one did), and a failed write keeps what is not yet confirmed
/// (and every month not yet merged) for the next <see cref="WriteAsync"/>.
/// </summary>
/// <remarks>
/// Windows and rollups may go to different writers (<paramref name="rollupWriter"/>): a retention policy or bucket per
/// level, so that windows can expire while rollups stay.
/// </remarks>
public sealed class BinLevelWriter(InfluxWriter windowWriter, InfluxWriter rollupWriter, BinPointEncoder encoder, string writerId, long windowMs, int batchLines,
    MonthRollups? months = null)
{
    private readonly Dictionary<PointId, Point> _unwritten = [];
    // Months of days added since their month was last written (keys named by the month's start, any limit).
    private readonly HashSet<BinKey> _monthsToMerge = [];

    /// <summary>Points waiting to be written, and months waiting to be merged.</summary>
    public int Unwritten => _unwritten.Count + _monthsToMerge.Count;

    /// <summary>Months merged from their stored days and written so far (each also counts in <see cref="RollupsWritten"/>).</summary>
    public long MonthsWritten { get; private set; }

    /// <summary>Windows written so far (a rewritten window counts again).</summary>
    public long WindowsWritten { get; private set; }

    /// <summary>Rollups written so far (a rewritten rollup counts again).</summary>
    public long RollupsWritten { get; private set; }

    /// <summary>Adds windows (each with a key and one limit) and rollups to write; newer versions of waiting points replace them.</summary>
    public void Add(IEnumerable<Bin> windows, IEnumerable<Rollup> rollups)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(rollups);
        foreach (Bin bin in windows)
        {
            _unwritten[new PointId(RollupLevel.Window, bin.Key, bin.LimitKmh)] = new Point(RollupLevel.Window, bin, Rollup: null);
        }

        foreach (Rollup rollup in rollups)
        {
            _unwritten[new PointId(rollup.Level, rollup.Key, rollup.Bin.LimitKmh)] = new Point(rollup.Level, rollup.Bin, rollup);
            if (months is not null && rollup.Level == RollupLevel.Day)
            {
                _monthsToMerge.Add(rollup.Key with { WindowStartMs = Rollups.MonthStart(rollup.Key.WindowStartMs, months.Zone) });
            }
        }
    }

    /// <summary>
    /// Writes every waiting point, windows first, in batches of at most the batch size. Returns null when all are stored,
    /// else the failure (what was not confirmed stays waiting).
    /// </summary>
    public async Task<InfluxWriteResult?> WriteAsync(CancellationToken cancellationToken = default)
    {
        InfluxWriteResult? failure = await WritePointsAsync(cancellationToken).ConfigureAwait(false);
        // Months only once every day is stored: a month is merged from the stored days.
        return failure ?? await WriteMonthsAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<InfluxWriteResult?> WritePointsAsync(CancellationToken cancellationToken)
    {
        if (_unwritten.Count == 0)
        {
            return null;
        }

        Point[] points = [.. _unwritten.Values.OrderBy(p => p.Level)];
        for (int start = 0; start < points.Length;)
        {
            // A batch holds one level's points (windows and rollups may go to different retention policies).
            RollupLevel level = points[start].Level;
            bool window = level == RollupLevel.Window;
            InfluxWriter writer = window ? windowWriter : rollupWriter;
            int end = start;
            using LineBatch batch = writer.CreateBatch();
            while (end < points.Length && end - start < batchLines && (points[end].Level == RollupLevel.Window) == window)
            {
                Point point = points[end++];
                if (point.Rollup is null)
                {
                    encoder.Write(batch.Writer, point.Bin, writerId, windowMs, batch.Precision);
                }
                else
                {
                    encoder.Write(batch.Writer, point.Rollup, writerId, batch.Precision);
                }
            }

            InfluxWriteResult result = await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            if (!result.IsComplete)
            {
                return result;
            }

            for (int i = start; i < end; i++)
            {
                _unwritten.Remove(new PointId(points[i].Level, points[i].Rollup?.Key ?? points[i].Bin.Key, points[i].Bin.LimitKmh));
            }

            if (window)
            {
                WindowsWritten += end - start;
            }
            else
            {
                RollupsWritten += end - start;
            }

            start = end;
        }

        return null;
    }

    /// <summary>Merges every month waiting from its stored days (one query) and writes them; on a failure they all wait for the next call.</summary>
    private async Task<InfluxWriteResult?> WriteMonthsAsync(CancellationToken cancellationToken)
    {
        if (months is null || _monthsToMerge.Count == 0)
        {
            return null;
        }

        List<WriterRollup> merged;
        try
        {
            merged = await months.MergeAsync(_monthsToMerge.Min(k => k.WindowStartMs), _monthsToMerge.Max(k => k.WindowStartMs) + 1, writerId, _monthsToMerge,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Querying.InfluxQueryException or HttpRequestException or System.Text.Json.JsonException or InvalidDataException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new InfluxWriteResult(0, 0, ex is OperationCanceledException ? InfluxWriteFailure.Timeout : InfluxWriteFailure.Unavailable,
                (ex as Querying.InfluxQueryException)?.StatusCode ?? 0, $"reading back the day rollups of {_monthsToMerge.Count} months: {ex.Message}");
        }

        for (int start = 0; start < merged.Count; start += batchLines)
        {
            using LineBatch batch = rollupWriter.CreateBatch();
            foreach (WriterRollup month in merged.Skip(start).Take(batchLines))
            {
                encoder.Write(batch.Writer, month.Rollup, writerId, batch.Precision);
            }

            InfluxWriteResult result = await rollupWriter.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            if (!result.IsComplete)
            {
                return result;
            }

            RollupsWritten += batch.Count;
            MonthsWritten += batch.Count;
        }

        _monthsToMerge.Clear();
        return null;
    }

    private readonly record struct PointId(RollupLevel Level, BinKey Key, int LimitKmh);

    /// <summary>A window (<paramref name="Rollup"/> null: the bin has its key) or a rollup.</summary>
    private sealed record Point(RollupLevel Level, Bin Bin, Rollup? Rollup);
}
