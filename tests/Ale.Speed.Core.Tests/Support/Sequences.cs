using System.Buffers;

namespace Ale.Speed.Core.Tests.Support;

/// <summary>Builds multi-segment sequences, so that every parser is tested across segment boundaries.</summary>
public static class Sequences
{
    public static ReadOnlySequence<byte> OneSegment(ReadOnlySpan<byte> bytes) => new(bytes.ToArray());

    /// <summary>One segment per byte: the worst case for a parser's slow path.</summary>
    public static ReadOnlySequence<byte> SegmentPerByte(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(bytes[..1].ToArray(), 0);
        Segment last = first;
        for (int i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes.Slice(i, 1).ToArray());
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Splits at the given offsets (ascending, inside the span).</summary>
    public static ReadOnlySequence<byte> SplitAt(ReadOnlySpan<byte> bytes, params int[] offsets)
    {
        var pieces = new List<byte[]>();
        int start = 0;
        foreach (int offset in offsets)
        {
            pieces.Add(bytes[start..offset].ToArray());
            start = offset;
        }

        pieces.Add(bytes[start..].ToArray());
        var first = new Segment(pieces[0], 0);
        Segment last = first;
        foreach (byte[] piece in pieces.Skip(1))
        {
            last = last.Append(piece);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
