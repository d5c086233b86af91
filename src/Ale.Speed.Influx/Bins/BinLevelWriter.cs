using Ale.Speed.Core.Bins;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Influx.Bins;

/// <summary>
/// The one way a writer's bins reach InfluxDB, for the worker's flusher and for <c>import</c>: its windows
/// (<c>speed_bin</c>) and the hour and day rollups built from them (<c>speed_bin_1h</c>, <c>speed_bin_1d</c>). Points wait
/// here until InfluxDB confirms them; a newer version of a point replaces the waiting one (it holds everything the older
/// one did), and a failed write keeps what is not yet confirmed for the next <see cref="WriteAsync"/>.
/// </summary>
/// <remarks>
/// Windows and rollups may go to different writers (<paramref name="rollupWriter"/>): a retention policy or bucket per
/// level, so that windows can expire while rollups stay.
/// </remarks>
public sealed class BinLevelWriter(InfluxWriter windowWriter, InfluxWriter rollupWriter, BinPointEncoder encoder, string writerId, long windowMs, int batchLines)
{
    private readonly Dictionary<PointId, Point> _unwritten = [];

    /// <summary>Points waiting to be written.</summary>
    public int Unwritten => _unwritten.Count;

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
            _unwritten[new PointId(RollupLevel.Window, bin.Key, bin.LimitKmh)] = new Point(RollupLevel.Window, bin.Key, bin, windowMs, 0);
        }

        foreach (Rollup rollup in rollups)
        {
            _unwritten[new PointId(rollup.Level, rollup.Key, rollup.Bin.LimitKmh)] = new Point(rollup.Level, rollup.Key, rollup.Bin, rollup.LengthMs, rollup.HourMask);
        }
    }

    /// <summary>
    /// Writes every waiting point, windows first, in batches of at most the batch size. Returns null when all are stored,
    /// else the failure (what was not confirmed stays waiting).
    /// </summary>
    public async Task<InfluxWriteResult?> WriteAsync(CancellationToken cancellationToken = default)
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
                encoder.Write(batch.Writer, point.Level, point.Key, point.Bin, writerId, point.LengthMs, batch.Precision, point.HourMask);
            }

            InfluxWriteResult result = await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            if (!result.IsComplete)
            {
                return result;
            }

            for (int i = start; i < end; i++)
            {
                _unwritten.Remove(new PointId(points[i].Level, points[i].Key, points[i].Bin.LimitKmh));
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

    private readonly record struct PointId(RollupLevel Level, BinKey Key, int LimitKmh);

    private sealed record Point(RollupLevel Level, BinKey Key, Bin Bin, long LengthMs, long HourMask);
}
