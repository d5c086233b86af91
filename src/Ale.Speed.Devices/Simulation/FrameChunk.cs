namespace Ale.Speed.Devices.Simulation;

/// <summary>Bytes a unit sends and when the receiver has them (Unix ms UTC); one line per chunk.</summary>
public readonly record struct FrameChunk(long ArrivalMs, ReadOnlyMemory<byte> Bytes);

/// <summary>
/// What the radar made of the traffic: one target per burst it reported (or per record, for per-vehicle formats).
/// A burst the radar merged from several close vehicles has <see cref="VehicleCount"/> &gt; 1 and counts downstream as
/// one vehicle, with <see cref="PeakKmh"/> the fastest of them.
/// </summary>
/// <param name="FirstReadingMs">Arrival time of the target's first line.</param>
/// <param name="LastReadingMs">Arrival time of its last line (not counting idle <c>000</c> lines).</param>
/// <param name="PeakKmh">The highest speed reported for it, in km/h before the unit's rounding.</param>
/// <param name="Direction">Unknown for formats that carry no direction (Houston DR500).</param>
/// <param name="FirstLine">Index of its first line in the encoded stream.</param>
public readonly record struct RadarTarget(
    long FirstReadingMs,
    long LastReadingMs,
    double PeakKmh,
    Core.Vehicles.Direction Direction,
    int ReadingCount,
    int VehicleCount,
    int FirstLine);

/// <summary>The whole encoded stream of one unit, for benchmarks and tests.</summary>
public sealed class EncodedFrames
{
    internal EncodedFrames(byte[] bytes, long[] lineArrivalMs, int[] lineEnds, RadarTarget[] targets)
    {
        Bytes = bytes;
        LineArrivalMs = lineArrivalMs;
        LineEnds = lineEnds;
        Targets = targets;
    }

    /// <summary>All lines, line ends included.</summary>
    public byte[] Bytes { get; }

    /// <summary>When each line arrives (Unix ms UTC), non-decreasing.</summary>
    public long[] LineArrivalMs { get; }

    /// <summary>Offset just past each line's line feed.</summary>
    public int[] LineEnds { get; }

    public IReadOnlyList<RadarTarget> Targets { get; }

    public int LineCount => LineArrivalMs.Length;

    /// <summary>The first <paramref name="lineCount"/> lines; a burst cut at the end still counts as its target.</summary>
    public EncodedFrames Take(int lineCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lineCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lineCount, LineCount);
        int byteCount = lineCount == 0 ? 0 : LineEnds[lineCount - 1];
        return new EncodedFrames(
            Bytes[..byteCount],
            LineArrivalMs[..lineCount],
            LineEnds[..lineCount],
            [.. Targets.Where(t => t.FirstLine < lineCount)]);
    }
}
