using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Tests.Support;
using static Ale.Speed.Core.Tests.Frames.FrameTestKit;

namespace Ale.Speed.Core.Tests.Frames;

/// <summary>The general JSON path gives the same result whichever walker reads the object (scanner or Utf8JsonReader).</summary>
public sealed class JsonReaderEquivalenceTests
{
    public static TheoryData<FrameFormat> JsonFormats() => [FrameFormat.Canonical, FrameFormat.Ops243, FrameFormat.Ops243Json];

    [Theory]
    [MemberData(nameof(JsonFormats))]
    public void EveryTableLine_SameResultWithEitherWalker(FrameFormat format)
    {
        foreach (FrameCase frame in FrameCases.All.Where(c => c.Format == format))
        {
            List<ParsedFrame> scanned = ReadAll(Create(format, frame.Unit, reader: false), Sequences.OneSegment(Ascii(frame.Line + "\n")));
            List<ParsedFrame> read = ReadAll(Create(format, frame.Unit, reader: true), Sequences.OneSegment(Ascii(frame.Line + "\n")));

            AssertSameFrames(scanned, read, frame.ToString());
            AssertSameFrames([new ParsedFrame(frame.ExpectedResult, frame.Readings)], read, frame.ToString());
        }
    }

    private static FrameParser Create(FrameFormat format, SpeedUnit unit, bool reader) => format switch
    {
        FrameFormat.Canonical => new CanonicalParser { UseCompactPath = false, UseJsonReader = reader },
        FrameFormat.Ops243Json => new Ops243JsonParser(unit) { UseCompactPath = false, UseJsonReader = reader },
        _ => new Ops243Parser(unit) { UseJsonReader = reader },
    };
}
