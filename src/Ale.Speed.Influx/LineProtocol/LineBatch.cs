using Ale.Speed.Influx.Buffers;

namespace Ale.Speed.Influx.LineProtocol;

/// <summary>
/// The bytes of N complete lines (each ending in a line feed) and where each line ends, so the writer can send any
/// run of consecutive lines as one contiguous body: halves after a 413, single lines to find the one a 400 is about.
/// </summary>
/// <remarks>
/// Lines are added by <see cref="Writer"/> (points) or <see cref="AppendLine"/> / <see cref="AppendLines"/>
/// (already encoded lines, e.g. read back from a durable log). All timestamps in a batch share its
/// <see cref="Precision"/>, which is what the request announces. Memory is pooled: dispose the batch.
/// Not thread-safe.
/// </remarks>
public sealed class LineBatch : IDisposable
{
    private const byte LineFeed = (byte)'\n';

    private readonly PooledBufferWriter _buffer;
    private int[] _lineEnds = new int[64];
    private LineProtocolWriter? _writer;

    public LineBatch(TimestampPrecision precision = TimestampPrecision.Seconds, int initialCapacity = 64 * 1024)
    {
        if (!Enum.IsDefined(precision))
        {
            throw new ArgumentOutOfRangeException(nameof(precision));
        }

        Precision = precision;
        _buffer = new PooledBufferWriter(initialCapacity);
    }

    /// <summary>The unit of every timestamp in this batch.</summary>
    public TimestampPrecision Precision { get; }

    /// <summary>Number of complete lines.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes of all complete lines, line feeds included.</summary>
    public int ByteCount => Count == 0 ? 0 : _lineEnds[Count - 1];

    /// <summary>An encoder whose completed lines are added to this batch.</summary>
    public LineProtocolWriter Writer => _writer ??= new LineProtocolWriter(this, _buffer);

    /// <summary>Line <paramref name="index"/> without its line feed.</summary>
    public ReadOnlySpan<byte> GetLine(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var start = StartOf(index);
        return _buffer.WrittenSpan[start..(_lineEnds[index] - 1)];
    }

    /// <summary>Lines <paramref name="start"/> to <paramref name="start"/>+<paramref name="count"/>-1 as one
    /// request body, line feeds included. Valid until the batch changes.</summary>
    public ReadOnlyMemory<byte> GetLines(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Count);
        if (count == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var from = StartOf(start);
        return _buffer.WrittenMemory[from.._lineEnds[start + count - 1]];
    }

    /// <summary>Adds one encoded line (without or with its final line feed); it must not contain another.</summary>
    public void AppendLine(ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty && line[^1] == LineFeed)
        {
            line = line[..^1];
        }

        if (line.IsEmpty)
        {
            throw new ArgumentException("A line cannot be empty.", nameof(line));
        }

        if (line.Contains(LineFeed))
        {
            throw new ArgumentException("One line cannot contain a line feed; use AppendLines.", nameof(line));
        }

        DropUnfinished();
        var destination = _buffer.GetSpan(line.Length + 1);
        line.CopyTo(destination);
        destination[line.Length] = LineFeed;
        _buffer.Advance(line.Length + 1);
        OnLineCommitted();
    }

    /// <summary>Adds every non-empty line of <paramref name="text"/> (lines separated by line feeds).</summary>
    public void AppendLines(ReadOnlySpan<byte> text)
    {
        while (!text.IsEmpty)
        {
            var end = text.IndexOf(LineFeed);
            var line = end < 0 ? text : text[..end];
            if (!line.IsEmpty && !(line.Length == 1 && line[0] == (byte)'\r'))
            {
                AppendLine(line);
            }

            text = end < 0 ? default : text[(end + 1)..];
        }
    }

    /// <summary>Empties the batch and keeps its memory for the next one.</summary>
    public void Clear()
    {
        _buffer.Clear();
        Count = 0;
    }

    public void Dispose() => _buffer.Dispose();

    internal void OnLineCommitted()
    {
        if (Count == _lineEnds.Length)
        {
            Array.Resize(ref _lineEnds, _lineEnds.Length * 2);
        }

        _lineEnds[Count++] = _buffer.WrittenCount;
    }

    private int StartOf(int index) => index == 0 ? 0 : _lineEnds[index - 1];

    // The writer only ever hands over complete lines, so the buffer ends at the last line end; kept as a guard.
    private void DropUnfinished()
    {
        if (_buffer.WrittenCount != ByteCount)
        {
            _buffer.Truncate(ByteCount);
        }
    }
}
