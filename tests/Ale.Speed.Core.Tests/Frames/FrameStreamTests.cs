using System.Text;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Tests.Support;
using static Ale.Speed.Core.Tests.Frames.FrameTestKit;

namespace Ale.Speed.Core.Tests.Frames;

/// <summary>Streams of many lines: good and bad mixed, overlong lines, chunk boundaries anywhere.</summary>
public sealed class FrameStreamTests
{
    public static TheoryData<FrameFormat> Formats()
    {
        var data = new TheoryData<FrameFormat>();
        foreach (FrameFormat format in Enum.GetValues<FrameFormat>())
        {
            data.Add(format);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Feed_MixedGoodAndBadLines_EachBadLineCostsOneRejectAndEveryGoodOneIsRead(FrameFormat format)
    {
        var random = new Random(4711 + (int)format);
        foreach (IGrouping<SpeedUnit, FrameCase> group in FrameCases.All.Where(c => c.Format == format).GroupBy(c => c.Unit))
        {
            // Good and bad interleaved, twice over, with both line ends.
            var cases = group.Concat(group.Reverse()).ToList();
            var text = new StringBuilder();
            var expected = new List<ParsedFrame>();
            for (int i = 0; i < cases.Count; i++)
            {
                text.Append(cases[i].Line).Append(i % 3 == 0 ? "\r\n" : "\n");
                expected.Add(new ParsedFrame(
                    cases[i].ExpectedResult,
                    cases[i].Readings));
            }

            byte[] bytes = Ascii(text.ToString());
            string context = $"{format}/{group.Key}";
            AssertSameFrames(expected, ReadAll(FrameCases.CreateParser(format, group.Key), Sequences.OneSegment(bytes)), context + " one segment");
            AssertSameFrames(expected, ReadAll(FrameCases.CreateParser(format, group.Key), Sequences.SegmentPerByte(bytes)), context + " segment per byte");
            for (int round = 0; round < 5; round++)
            {
                List<byte[]> chunks = RandomChunks(bytes, random, 1 + (round * 17));
                AssertSameFrames(expected, Feed(FrameCases.CreateParser(format, group.Key), chunks), $"{context} chunks round {round}");
            }

            Assert.Equal(cases.Count(c => !c.IsValid), expected.Count(f => f.Result.IsRejected));
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Feed_OverlongLine_CostsOneFrameTooLongAndParsingResumesAtTheNextLine(FrameFormat format)
    {
        FrameCase good = FrameCases.Representative(format);
        FrameParser probe = good.CreateParser();
        var expectedGood = new ParsedFrame(new FrameResult(good.Readings.Length, RejectReason.None), good.Readings);
        var expected = new List<ParsedFrame> { new(FrameResult.Rejected(RejectReason.FrameTooLong), []), expectedGood, expectedGood };

        foreach (int overlongBy in new[] { 1, 2, 3, 50, 3000 })
        {
            string overlong = new('7', probe.MaxFrameLength + overlongBy);
            foreach (string lineEnd in new[] { "\n", "\r\n" })
            {
                byte[] bytes = Ascii(overlong + lineEnd + good.Line + "\n" + good.Line + lineEnd);
                string context = $"{format} overlong by {overlongBy}, '{lineEnd.Replace("\r", "CR", StringComparison.Ordinal).Replace("\n", "LF", StringComparison.Ordinal)}'";

                AssertSameFrames(expected, ReadAll(good.CreateParser(), Sequences.OneSegment(bytes)), context + " one segment");
                AssertSameFrames(expected, ReadAll(good.CreateParser(), Sequences.SegmentPerByte(bytes)), context + " segment per byte");

                // The line end arrives in a later buffer: after part of the line, right after all of it, or with the CR.
                foreach (int cut in new[] { 1, probe.MaxFrameLength, overlong.Length - 1, overlong.Length, overlong.Length + 1 })
                {
                    byte[][] chunks = [bytes[..cut], bytes[cut..]];
                    AssertSameFrames(expected, Feed(good.CreateParser(), chunks), $"{context} cut at {cut}");
                }

                var random = new Random(overlongBy);
                AssertSameFrames(expected, Feed(good.CreateParser(), RandomChunks(bytes, random, 40)), context + " random chunks");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Feed_OverlongUnterminatedLastLine_CostsOneFrameTooLong(FrameFormat format)
    {
        FrameCase good = FrameCases.Representative(format);
        byte[] bytes = Ascii(good.Line + "\n" + new string('7', good.CreateParser().MaxFrameLength + 10));

        List<ParsedFrame> frames = Feed(good.CreateParser(), RandomChunks(bytes, new Random(3), 25));

        Assert.Equal(2, frames.Count);
        Assert.False(frames[0].Result.IsRejected);
        Assert.Equal(RejectReason.FrameTooLong, frames[1].Result.Reject);
    }

    [Theory]
    [InlineData(FrameFormat.Ops243Plain, "12.5", 1)]
    [InlineData(FrameFormat.Ops243Csv, "1.5,100,2", 1)]
    [InlineData(FrameFormat.Ops243Json, """{"speed":2}""", 1)]
    [InlineData(FrameFormat.Canonical, """{"ts":0,"kmh":50}""", 1)]
    [InlineData(FrameFormat.HoustonDr500, "057", 1)]
    [InlineData(FrameFormat.HlkLd2415h, "V+002.6", 1)]
    [InlineData(FrameFormat.IcomsTma296, "+057 km/h", 1)]
    [InlineData(FrameFormat.IcomsTma3b3, "001; 2019/01/24 16:21:05,450; 52,4", 1)]
    [InlineData(FrameFormat.Csv, "2026-11-25 19:03:12;57", 1)]
    public void TryReadFrame_LineOfExactlyMaxFrameLength_IsParsed(FrameFormat format, string line, int readings)
    {
        FrameParser parser = FrameCases.CreateParser(format, SpeedUnit.KilometresPerHour);
        string padded = line + new string(' ', parser.MaxFrameLength - line.Length);
        foreach (string lineEnd in new[] { "\n", "\r\n" })
        {
            byte[] bytes = Ascii(padded + lineEnd);

            ParsedFrame whole = Assert.Single(ReadAll(FrameCases.CreateParser(format, SpeedUnit.KilometresPerHour), Sequences.OneSegment(bytes)));
            ParsedFrame split = Assert.Single(ReadAll(FrameCases.CreateParser(format, SpeedUnit.KilometresPerHour), Sequences.SegmentPerByte(bytes)));

            Assert.Equal(new FrameResult(readings, RejectReason.None), whole.Result);
            Assert.Equal(whole.Result, split.Result);
        }
    }

    [Fact]
    public void Feed_FinalBlockWithUnterminatedLastLine_ParsesIt()
    {
        byte[] bytes = Ascii("V+002.6\r\nV-012.3");

        List<ParsedFrame> notFinal = ReadAll(new HlkLd2415hParser(SpeedUnit.KilometresPerHour), Sequences.OneSegment(bytes), isFinalBlock: false, out long consumed);
        List<ParsedFrame> final = ReadAll(new HlkLd2415hParser(SpeedUnit.KilometresPerHour), Sequences.SegmentPerByte(bytes), isFinalBlock: true, out long consumedFinal);

        Assert.Single(notFinal);
        Assert.Equal(9, consumed);
        Assert.Equal(2, final.Count);
        Assert.Equal(bytes.Length, consumedFinal);
        AssertReadings([Expect(12.3, Ale.Speed.Core.Vehicles.Direction.Receding)], final[1].Readings, "last line");
    }
}
