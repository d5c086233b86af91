using System.Buffers;
using System.Text;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Tests.Support;

namespace Ale.Speed.Core.Tests.Frames;

/// <summary>The hot path allocates nothing: not per frame, not across segments.</summary>
public sealed class FrameAllocationTests
{
    private const int Frames = 10_000;

    public static TheoryData<FrameFormat> Formats() => FrameStreamTests.Formats();

    [Theory]
    [MemberData(nameof(Formats))]
    public void TryReadFrame_TenThousandFrames_AllocatesNothing(FrameFormat format)
    {
        // Every valid line of the format, round robin, so that arrays, escapes and nested values are all exercised.
        string[] lines = [.. FrameCases.Valid.Where(c => c.Format == format && c.Unit == FrameCases.Representative(format).Unit).Select(c => c.Line)];
        var text = new StringBuilder();
        for (int i = 0; i < Frames; i++)
        {
            text.Append(lines[i % lines.Length]).Append(i % 2 == 0 ? "\n" : "\r\n");
        }

        byte[] bytes = FrameTestKit.Ascii(text.ToString());
        var offsets = new List<int>();
        for (int offset = 7; offset < bytes.Length; offset += 7 + (offset % 5))
        {
            offsets.Add(offset);
        }

        ReadOnlySequence<byte> oneSegment = Sequences.OneSegment(bytes);
        ReadOnlySequence<byte> manySegments = Sequences.SplitAt(bytes, [.. offsets]);
        SpeedUnit unit = FrameCases.Representative(format).Unit;
        var destination = new Reading[FrameParser.MaxReadingsPerFrame];

        foreach (ReadOnlySequence<byte> sequence in new[] { oneSegment, manySegments })
        {
            Assert.Equal(Frames, ReadEverything(FrameCases.CreateParser(format, unit), sequence, destination));

            // The runtime itself (tiering, a rare background event) can now and then allocate a few bytes on this
            // thread; an allocation per frame would show in every attempt as at least 10,000 bytes.
            long fewest = long.MaxValue;
            for (int attempt = 0; attempt < 3 && fewest != 0; attempt++)
            {
                FrameParser measured = FrameCases.CreateParser(format, unit);
                long before = GC.GetAllocatedBytesForCurrentThread();
                int frames = ReadEverything(measured, sequence, destination);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

                Assert.Equal(Frames, frames);
                fewest = Math.Min(fewest, allocated);
            }

            Assert.Equal(0, fewest);
        }
    }

    private static int ReadEverything(FrameParser parser, ReadOnlySequence<byte> sequence, Reading[] destination)
    {
        var reader = new SequenceReader<byte>(sequence);
        int frames = 0;
        while (parser.TryReadFrame(ref reader, destination, out FrameResult result))
        {
            if (!result.IsRejected)
            {
                frames++;
            }
        }

        return frames;
    }
}
