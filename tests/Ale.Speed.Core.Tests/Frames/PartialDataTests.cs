using System.Buffers;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Tests.Support;
using static Ale.Speed.Core.Tests.Frames.FrameTestKit;

namespace Ale.Speed.Core.Tests.Frames;

/// <summary>The partial-data matrix: every frame whole, every prefix, every segmentation gives the same answer.</summary>
public sealed class PartialDataTests
{
    public static TheoryData<int> AllIndexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < FrameCases.Valid.Count + FrameCases.Invalid.Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    private static FrameCase CaseAt(int index) =>
        index < FrameCases.Valid.Count ? FrameCases.Valid[index] : FrameCases.Invalid[index - FrameCases.Valid.Count];

    [Theory]
    [MemberData(nameof(AllIndexes))]
    public void TryReadFrame_EveryProperPrefix_ReturnsFalseAndConsumesNothing(int index)
    {
        FrameCase frame = CaseAt(index);
        foreach (string lineEnd in new[] { "\n", "\r\n" })
        {
            byte[] bytes = Ascii(frame.Line + lineEnd);
            for (int length = 0; length < bytes.Length; length++)
            {
                foreach (ReadOnlySequence<byte> prefix in new[] { Sequences.OneSegment(bytes[..length]), Sequences.SegmentPerByte(bytes[..length]) })
                {
                    List<ParsedFrame> frames = ReadAll(frame.CreateParser(), prefix, isFinalBlock: false, out long consumed);

                    Assert.True(frames.Count == 0, $"{frame} prefix {length}: got a frame");
                    Assert.True(consumed == 0, $"{frame} prefix {length}: consumed {consumed}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllIndexes))]
    public void TryReadFrame_WholeFrameAnySegmentation_GivesTheSameResult(int index)
    {
        FrameCase frame = CaseAt(index);
        var expected = new List<ParsedFrame> { new(frame.ExpectedResult, frame.Readings) };
        foreach (string lineEnd in new[] { "\n", "\r\n" })
        {
            byte[] bytes = Ascii(frame.Line + lineEnd);
            AssertSameFrames(expected, ReadAll(frame.CreateParser(), Sequences.OneSegment(bytes), false, out long consumed), $"{frame} one segment");
            Assert.Equal(bytes.Length, consumed);
            AssertSameFrames(expected, ReadAll(frame.CreateParser(), Sequences.SegmentPerByte(bytes), false, out consumed), $"{frame} segment per byte");
            Assert.Equal(bytes.Length, consumed);
            for (int split = 1; split < bytes.Length; split++)
            {
                AssertSameFrames(expected, ReadAll(frame.CreateParser(), Sequences.SplitAt(bytes, split), false, out consumed), $"{frame} split at {split}");
                Assert.Equal(bytes.Length, consumed);
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllIndexes))]
    public void TryReadFrame_UnterminatedLastLineInFinalBlock_IsParsed(int index)
    {
        FrameCase frame = CaseAt(index);
        if (frame.Line.Length == 0)
        {
            return; // An empty tail is no line at all.
        }

        byte[] bytes = Ascii(frame.Line);
        foreach (ReadOnlySequence<byte> sequence in new[] { Sequences.OneSegment(bytes), Sequences.SegmentPerByte(bytes) })
        {
            List<ParsedFrame> frames = ReadAll(frame.CreateParser(), sequence, isFinalBlock: true, out long consumed);

            ParsedFrame parsed = Assert.Single(frames);
            Assert.Equal(bytes.Length, consumed);
            Assert.Equal(frame.Reject, parsed.Result.Reject);
            AssertReadings(frame.Readings, parsed.Readings, frame.ToString());
        }
    }
}
