using System.Buffers;
using System.Text;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Tests.Support;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Tests.Frames;

/// <summary>One frame parsed: the result and the readings it wrote.</summary>
public sealed record ParsedFrame(FrameResult Result, Reading[] Readings);

/// <summary>Drives parsers the way a pipe reader does, and compares readings with a tolerance.</summary>
public static class FrameTestKit
{
    public const double Tolerance = 1e-9;

    public static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>Reads frames until the parser asks for more; returns them and how far the reader got.</summary>
    public static List<ParsedFrame> ReadAll(FrameParser parser, ReadOnlySequence<byte> sequence, bool isFinalBlock, out long consumed)
    {
        var frames = new List<ParsedFrame>();
        var reader = new SequenceReader<byte>(sequence);
        var destination = new Reading[FrameParser.MaxReadingsPerFrame];
        while (parser.TryReadFrame(ref reader, destination, out FrameResult result, isFinalBlock))
        {
            frames.Add(new ParsedFrame(result, destination[..result.ReadingCount]));
        }

        consumed = reader.Consumed;
        return frames;
    }

    public static List<ParsedFrame> ReadAll(FrameParser parser, ReadOnlySequence<byte> sequence, bool isFinalBlock = false)
        => ReadAll(parser, sequence, isFinalBlock, out _);

    /// <summary>
    /// Feeds chunks as a pipe delivers them: unconsumed bytes stay buffered and the next chunk is appended.
    /// The last chunk is the final block.
    /// </summary>
    public static List<ParsedFrame> Feed(FrameParser parser, IReadOnlyList<byte[]> chunks, bool segmentPerByte = false)
    {
        var frames = new List<ParsedFrame>();
        var pending = new List<byte>();
        for (int i = 0; i < chunks.Count; i++)
        {
            pending.AddRange(chunks[i]);
            byte[] buffered = [.. pending];
            ReadOnlySequence<byte> sequence = segmentPerByte ? Sequences.SegmentPerByte(buffered) : Sequences.OneSegment(buffered);
            frames.AddRange(ReadAll(parser, sequence, isFinalBlock: i == chunks.Count - 1, out long consumed));
            pending.RemoveRange(0, (int)consumed);
        }

        return frames;
    }

    /// <summary>Cuts bytes into chunks of random sizes (1 to <paramref name="maxChunk"/>).</summary>
    public static List<byte[]> RandomChunks(byte[] bytes, Random random, int maxChunk)
    {
        var chunks = new List<byte[]>();
        int start = 0;
        while (start < bytes.Length)
        {
            int size = Math.Min(random.Next(1, maxChunk + 1), bytes.Length - start);
            chunks.Add(bytes[start..(start + size)]);
            start += size;
        }

        if (chunks.Count == 0)
        {
            chunks.Add([]);
        }

        return chunks;
    }

    /// <summary>Every line end fed produces one result, and so does a non-empty unterminated tail at the end.</summary>
    public static int ExpectedResultCount(byte[] stream)
    {
        int lineEnds = stream.AsSpan().Count((byte)'\n');
        int lastLineEnd = stream.AsSpan().LastIndexOf((byte)'\n');
        bool hasTail = lastLineEnd < stream.Length - 1;
        return lineEnds + (hasTail ? 1 : 0);
    }

    public static Reading Expect(
        double kmh,
        Direction direction,
        long timestampMs = Reading.NoTimestamp,
        double clock = double.NaN,
        double magnitude = double.NaN,
        double length = double.NaN,
        long sequence = -1,
        VehicleClass vehicleClass = VehicleClass.Unknown)
        => new()
        {
            SpeedKmh = kmh,
            Direction = direction,
            TimestampMs = timestampMs,
            DeviceClockSeconds = clock,
            Magnitude = magnitude,
            LengthMetres = length,
            Sequence = sequence,
            Class = vehicleClass,
        };

    public static void AssertReadings(IReadOnlyList<Reading> expected, IReadOnlyList<Reading> actual, string context)
    {
        Assert.True(expected.Count == actual.Count, $"{context}: expected {expected.Count} readings, got {actual.Count}");
        for (int i = 0; i < expected.Count; i++)
        {
            Reading e = expected[i];
            Reading a = actual[i];
            AssertClose(e.SpeedKmh, a.SpeedKmh, $"{context} [{i}] SpeedKmh");
            Assert.True(e.Direction == a.Direction, $"{context} [{i}] Direction: expected {e.Direction}, got {a.Direction}");
            Assert.True(e.TimestampMs == a.TimestampMs, $"{context} [{i}] TimestampMs: expected {e.TimestampMs}, got {a.TimestampMs}");
            AssertClose(e.DeviceClockSeconds, a.DeviceClockSeconds, $"{context} [{i}] DeviceClockSeconds");
            AssertClose(e.Magnitude, a.Magnitude, $"{context} [{i}] Magnitude");
            AssertClose(e.LengthMetres, a.LengthMetres, $"{context} [{i}] LengthMetres");
            Assert.True(e.Sequence == a.Sequence, $"{context} [{i}] Sequence: expected {e.Sequence}, got {a.Sequence}");
            Assert.True(e.Class == a.Class, $"{context} [{i}] Class: expected {e.Class}, got {a.Class}");
        }
    }

    public static void AssertSameFrames(IReadOnlyList<ParsedFrame> expected, IReadOnlyList<ParsedFrame> actual, string context)
    {
        Assert.True(expected.Count == actual.Count, $"{context}: expected {expected.Count} frames, got {actual.Count}");
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].Result == actual[i].Result, $"{context} frame {i}: expected {expected[i].Result}, got {actual[i].Result}");
            AssertReadings(expected[i].Readings, actual[i].Readings, $"{context} frame {i}");
        }
    }

    private static void AssertClose(double expected, double actual, string what)
    {
        bool same = double.IsNaN(expected) ? double.IsNaN(actual) : Math.Abs(expected - actual) <= Tolerance;
        Assert.True(same, $"{what}: expected {expected:R}, got {actual:R}");
    }
}
