using System.Buffers;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Tests.Support;
using Ale.Speed.Core.Vehicles;
using static Ale.Speed.Core.Tests.Frames.FrameTestKit;

namespace Ale.Speed.Core.Tests.Frames;

/// <summary>Logs with a logger's timestamp before each line: the partial-data matrix, values, and fuzz.</summary>
public sealed class TimestampPrefixedParserTests
{
    private const int LinesPerFormat = 8_000;
    private const Direction In = Direction.Approaching;
    private const Direction Out = Direction.Receding;

    private static readonly long s_ts = new DateTimeOffset(2026, 11, 20, 7, 0, 1, 234, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly long s_canonicalTs = new DateTimeOffset(2026, 11, 25, 18, 3, 12, 345, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public static IReadOnlyList<FrameCase> Cases { get; } =
    [
        V(FrameFormat.Ops243Json, SpeedUnit.MetresPerSecond, """2026-11-20T07:00:01.234Z {"speed":1.2}""", Expect(1.2 * 3.6, In, s_ts)),
        V(FrameFormat.Ops243Json, SpeedUnit.MetresPerSecond, """2026-11-20T07:00:01.234Z;{"speed":[1.2,-3.4],"time":12.5}""",
            Expect(1.2 * 3.6, In, s_ts, clock: 12.5), Expect(3.4 * 3.6, Out, s_ts, clock: 12.5)),
        V(FrameFormat.Ops243Plain, SpeedUnit.MetresPerSecond, "2026-11-20 07:00:01.234 -12.3", Expect(12.3 * 3.6, Out, s_ts)),
        V(FrameFormat.Ops243Plain, SpeedUnit.MetresPerSecond, "1795158001234,-12.3", Expect(12.3 * 3.6, Out, s_ts)),
        V(FrameFormat.Ops243Plain, SpeedUnit.KilometresPerHour, "2026-11-20T08:00:01.234+01:00\t45", Expect(45, In, s_ts)),
        V(FrameFormat.Ops243Plain, SpeedUnit.KilometresPerHour, "2026/11/20 07:00:01.234 1.5,-2.5", Expect(1.5, In, s_ts), Expect(2.5, Out, s_ts)),
        V(FrameFormat.Ops243Plain, SpeedUnit.KilometresPerHour, "  2026-11-20 07:00:01.234567 9", Expect(9, In, s_ts)),
        V(FrameFormat.Ops243Plain, SpeedUnit.KilometresPerHour, "2026-11-20 07:00:01.234 0"),
        V(FrameFormat.Ops243Plain, SpeedUnit.KilometresPerHour, "2026-11-20 07:00:01.234 "),
        V(FrameFormat.Ops243Plain, SpeedUnit.KilometresPerHour, "1795158001234"),
        V(FrameFormat.Ops243Plain, SpeedUnit.KilometresPerHour, ""),
        V(FrameFormat.Ops243Csv, SpeedUnit.MetresPerSecond, "1795158001234;137.429,1234.5,-3.6", Expect(12.96, Out, s_ts, clock: 137.429, magnitude: 1234.5)),
        V(FrameFormat.Canonical, SpeedUnit.KilometresPerHour, """2026-11-20T07:00:01.234Z {"ts":"2026-11-25T18:03:12.345Z","kmh":57.3,"dir":"in"}""", Expect(57.3, In, s_canonicalTs)),
        V(FrameFormat.IcomsTma296, SpeedUnit.KilometresPerHour, "2026-11-20 07:00:01.234 +057 km/h", Expect(57, In, s_ts)),

        I(FrameFormat.Ops243Plain, "-12.3", RejectReason.MissingTimestamp),
        // A log nobody timestamped: the unit's own short numbers are no epoch milliseconds.
        I(FrameFormat.HoustonDr500, "057", RejectReason.MissingTimestamp),
        I(FrameFormat.Ops243Plain, "12.3", RejectReason.MissingTimestamp),
        I(FrameFormat.Ops243Plain, "17951580012 1.2", RejectReason.MissingTimestamp),
        I(FrameFormat.Ops243Json, """{"speed":1.2}""", RejectReason.MissingTimestamp),
        I(FrameFormat.Ops243Plain, "2026-11-20X07:00:01Z 1.2", RejectReason.InvalidTimestamp),
        I(FrameFormat.Ops243Plain, "2026-11-20T07:00:01.234Zx 1.2", RejectReason.InvalidTimestamp),
        I(FrameFormat.Ops243Plain, "2026-11-31 07:00:01 1.2", RejectReason.InvalidTimestamp),
        I(FrameFormat.Ops243Plain, "2026-11-20 07:00 1.2", RejectReason.InvalidTimestamp),
        I(FrameFormat.Ops243Plain, "12345678901234567 1.2", RejectReason.InvalidTimestamp),
        I(FrameFormat.Ops243Plain, "1795158001234x1.2", RejectReason.InvalidTimestamp),
        // A comma never starts a fraction: it is the separator, and "234 1.2" is not an OPS243 line.
        I(FrameFormat.Ops243Plain, "2026-11-20 07:00:01,234 1.2", RejectReason.Malformed),
        I(FrameFormat.Ops243Plain, "2026-11-20T07:00:01Z abc", RejectReason.Malformed),
        I(FrameFormat.Ops243Json, """2026-11-20T07:00:01Z {"speed":"fast"}""", RejectReason.InvalidNumber),
        // Within the decorator's limit, beyond the inner parser's (128): the inner limit holds.
        I(FrameFormat.Ops243Plain, "2026-11-20T07:00:01Z " + new string('1', 140), RejectReason.FrameTooLong),
    ];

    public static TheoryData<int> CaseIndexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Cases.Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    public static TheoryData<FrameFormat> InnerFormats() => [FrameFormat.Ops243Plain, FrameFormat.Ops243Json, FrameFormat.Ops243Csv, FrameFormat.Canonical];

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void TryReadFrame_WholeFrameAnySegmentation_GivesTheExpectedResult(int index)
    {
        FrameCase frame = Cases[index];
        var expected = new List<ParsedFrame> { new(frame.ExpectedResult, frame.Readings) };
        foreach (string lineEnd in new[] { "\n", "\r\n" })
        {
            byte[] bytes = Ascii(frame.Line + lineEnd);
            AssertSameFrames(expected, ReadAll(Create(frame), Sequences.OneSegment(bytes), false, out long consumed), $"{frame} one segment");
            Assert.Equal(bytes.Length, consumed);
            AssertSameFrames(expected, ReadAll(Create(frame), Sequences.SegmentPerByte(bytes), false, out consumed), $"{frame} segment per byte");
            Assert.Equal(bytes.Length, consumed);
            for (int split = 1; split < bytes.Length; split++)
            {
                AssertSameFrames(expected, ReadAll(Create(frame), Sequences.SplitAt(bytes, split), false, out consumed), $"{frame} split at {split}");
                Assert.Equal(bytes.Length, consumed);
            }
        }
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void TryReadFrame_EveryProperPrefix_ReturnsFalseAndConsumesNothing(int index)
    {
        FrameCase frame = Cases[index];
        byte[] bytes = Ascii(frame.Line + "\r\n");
        for (int length = 0; length < bytes.Length; length++)
        {
            foreach (ReadOnlySequence<byte> prefix in new[] { Sequences.OneSegment(bytes[..length]), Sequences.SegmentPerByte(bytes[..length]) })
            {
                List<ParsedFrame> frames = ReadAll(Create(frame), prefix, isFinalBlock: false, out long consumed);

                Assert.True(frames.Count == 0 && consumed == 0, $"{frame} prefix {length}: {frames.Count} frames, consumed {consumed}");
            }
        }
    }

    [Fact]
    public void CreateLogParser_InnerFormat_TakesItsFormatAndKind()
    {
        TimestampPrefixedParser parser = FrameParsers.CreateLogParser(FrameFormat.Ops243Json, SpeedUnit.MetresPerSecond);

        Assert.Equal(FrameFormat.Ops243Json, parser.Format);
        Assert.False(parser.ReportsVehicles);
        Assert.Equal(SpeedUnit.MetresPerSecond, parser.SpeedUnit);
        Assert.Equal(Ops243JsonParser.DefaultMaxFrameLength + TimestampPrefixedParser.MaxPrefixLength, parser.MaxFrameLength);
        Assert.True(FrameParsers.CreateLogParser(FrameFormat.Canonical).ReportsVehicles);
    }

    [Fact]
    public void Constructor_InnerWithMaximalFrames_CapsAtTheLimit()
    {
        var inner = new CsvParser(CsvColumnMap.Parse("ts=a,speed=b"), new CsvOptions(TimeZoneInfo.Utc));

        Assert.Equal(FrameParser.MaxFrameLengthLimit, new TimestampPrefixedParser(inner).MaxFrameLength);
    }

    [Fact]
    public void TryReadFrame_TenThousandPrefixedLines_AllocatesNothing()
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < 10_000; i++)
        {
            text.Append(i % 2 == 0 ? "2026-11-20 07:00:01.234 -12.3\n" : "1795158001234,4.5\r\n");
        }

        ReadOnlySequence<byte> sequence = Sequences.OneSegment(Ascii(text.ToString()));
        var destination = new Reading[FrameParser.MaxReadingsPerFrame];
        long fewest = long.MaxValue;
        for (int attempt = 0; attempt < 3 && fewest != 0; attempt++)
        {
            TimestampPrefixedParser parser = FrameParsers.CreateLogParser(FrameFormat.Ops243Plain);
            var reader = new SequenceReader<byte>(sequence);
            int frames = 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            while (parser.TryReadFrame(ref reader, destination, out FrameResult result))
            {
                frames += result.ReadingCount;
            }

            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(10_000, frames);
        }

        Assert.Equal(0, fewest);
    }

    [Theory]
    [MemberData(nameof(InnerFormats))]
    public void Feed_MutatedPrefixedLines_EveryLineEndsAsExactlyOneResult(FrameFormat inner)
    {
        var random = new Random(3000 + (int)inner);
        string[] valid = [.. Cases.Where(c => c.Format == inner && c.Line.Length > 0).Select(c => c.Line)
            .Concat(FrameCases.Valid.Where(c => c.Format == inner && c.Line.Length > 0).Select(c => "2026-11-20 07:00:01.234 " + c.Line))];
        var stream = new List<byte>();
        for (int line = 0; line < LinesPerFormat; line++)
        {
            byte[] bytes = Ascii(valid[random.Next(valid.Length)]);
            int mutations = random.Next(1, 4);
            for (int m = 0; m < mutations && bytes.Length > 0; m++)
            {
                int at = random.Next(bytes.Length);
                bytes[at] = random.Next(3) == 0 ? (byte)random.Next(256) : (byte)"0123456789-:.TZ ,;\t{}\""[random.Next(22)];
            }

            stream.AddRange(bytes);
            stream.Add((byte)'\n');
        }

        byte[] all = [.. stream];
        List<ParsedFrame> chunked = Feed(FrameParsers.CreateLogParser(inner, SpeedUnit.MetresPerSecond), RandomChunks(all, random, 300));
        List<ParsedFrame> whole = ReadAll(FrameParsers.CreateLogParser(inner, SpeedUnit.MetresPerSecond), Sequences.OneSegment(all), isFinalBlock: true);

        Assert.Equal(ExpectedResultCount(all), chunked.Count);
        AssertSameFrames(whole, chunked, $"{inner} whole vs chunked");
        foreach (ParsedFrame frame in chunked)
        {
            Assert.True(!frame.Result.IsRejected || frame.Result.ReadingCount == 0);
            foreach (Reading reading in frame.Readings)
            {
                Assert.True(reading.HasTimestamp, "a prefixed reading has a time");
                Assert.True(double.IsFinite(reading.SpeedKmh) && reading.SpeedKmh is >= 0 and <= 1000);
            }
        }

        // Mutations leave most prefixes intact: most lines are read, and some are counted rejects.
        Assert.Contains(chunked, f => f.Result.ReadingCount > 0);
        Assert.Contains(chunked, f => f.Result.IsRejected);
    }

    private static FrameParser Create(FrameCase frame) => FrameParsers.CreateLogParser(frame.Format, frame.Unit);

    private static FrameCase V(FrameFormat inner, SpeedUnit unit, string line, params Reading[] readings)
        => new(inner, unit, line, RejectReason.None, readings);

    private static FrameCase I(FrameFormat inner, string line, RejectReason reject)
        => new(inner, SpeedUnit.KilometresPerHour, line, reject, []);
}
