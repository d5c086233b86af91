using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Tests.Support;
using static Ale.Speed.Core.Tests.Frames.FrameTestKit;

namespace Ale.Speed.Core.Tests.Frames;

public sealed class FrameParserTableTests
{
    [Theory]
    [MemberData(nameof(FrameCases.ValidIndexes), MemberType = typeof(FrameCases))]
    public void TryReadFrame_ValidFrame_ReturnsExpectedReadings(int index)
    {
        FrameCase frame = FrameCases.Valid[index];

        List<ParsedFrame> frames = ReadAll(frame.CreateParser(), Sequences.OneSegment(Ascii(frame.Line + "\n")));

        ParsedFrame parsed = Assert.Single(frames);
        Assert.True(parsed.Result == frame.ExpectedResult, $"{frame}: expected {frame.ExpectedResult}, got {parsed.Result}");
        AssertReadings(frame.Readings, parsed.Readings, frame.ToString());
    }

    [Theory]
    [MemberData(nameof(FrameCases.InvalidIndexes), MemberType = typeof(FrameCases))]
    public void TryReadFrame_InvalidFrame_RejectsWithReason(int index)
    {
        FrameCase frame = FrameCases.Invalid[index];

        List<ParsedFrame> frames = ReadAll(frame.CreateParser(), Sequences.OneSegment(Ascii(frame.Line + "\n")));

        ParsedFrame parsed = Assert.Single(frames);
        Assert.True(parsed.Result == FrameResult.Rejected(frame.Reject), $"{frame}: expected {frame.Reject}, got {parsed.Result}");
    }

    [Theory]
    [InlineData(FrameFormat.Ops243Plain, "1.2,3.4")]
    [InlineData(FrameFormat.Ops243, "\"mps\",1.2,3.4,5.6")]
    [InlineData(FrameFormat.Ops243Json, """{"speed":[1.2,3.4]}""")]
    [InlineData(FrameFormat.Ops243Csv, "1,5,6,1.2,3.4")]
    public void TryReadFrame_DestinationShorterThanTheTargets_RejectsInsteadOfThrowing(FrameFormat format, string line)
    {
        FrameParser parser = FrameParsers.Create(format, SpeedUnit.KilometresPerHour);
        var reader = new System.Buffers.SequenceReader<byte>(Sequences.OneSegment(Ascii(line + "\n")));
        var destination = new Reading[1];

        Assert.True(parser.TryReadFrame(ref reader, destination, out FrameResult result));
        Assert.Equal(FrameResult.Rejected(RejectReason.TooManyTargets), result);
    }

    [Fact]
    public void Tables_CoverEveryFormat_WithValidAndInvalidFrames()
    {
        foreach (FrameFormat format in Enum.GetValues<FrameFormat>())
        {
            Assert.Contains(FrameCases.Valid, c => c.Format == format && c.Readings.Length > 0);
            Assert.Contains(FrameCases.Invalid, c => c.Format == format);
        }
    }

    [Theory]
    [InlineData(FrameFormat.Canonical, true, 512)]
    [InlineData(FrameFormat.Ops243, false, 256)]
    [InlineData(FrameFormat.Ops243Plain, false, 128)]
    [InlineData(FrameFormat.Ops243Json, false, 256)]
    [InlineData(FrameFormat.Ops243Csv, false, 256)]
    [InlineData(FrameFormat.IcomsTma296, true, 32)]
    [InlineData(FrameFormat.HoustonDr500, false, 32)]
    [InlineData(FrameFormat.HlkLd2415h, false, 32)]
    [InlineData(FrameFormat.IcomsTma3b3, true, 256)]
    public void Create_EveryFormat_ReturnsItsParser(FrameFormat format, bool reportsVehicles, int maxFrameLength)
    {
        FrameParser parser = FrameParsers.Create(format, SpeedUnit.MilesPerHour);

        Assert.Equal(format, parser.Format);
        Assert.Equal(reportsVehicles, parser.ReportsVehicles);
        Assert.Equal(maxFrameLength, parser.MaxFrameLength);
        Assert.Equal(format == FrameFormat.Canonical ? SpeedUnit.KilometresPerHour : SpeedUnit.MilesPerHour, parser.SpeedUnit);
    }

    [Fact]
    public void Create_Csv_ThrowsPointingAtTheOverloadWithAColumnMap()
    {
        ArgumentException thrown = Assert.Throws<ArgumentException>(() => FrameParsers.Create(FrameFormat.Csv));

        Assert.Contains("CsvColumnMap", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsSelfContained_EveryFormatButCsv_IsTrue()
    {
        foreach (FrameFormat format in Enum.GetValues<FrameFormat>())
        {
            Assert.Equal(format != FrameFormat.Csv, FrameParsers.IsSelfContained(format));
        }

        Assert.False(FrameParsers.IsSelfContained((FrameFormat)200));
    }

    [Fact]
    public void NameOf_EveryFormat_ParsesBackAndIsListed()
    {
        foreach (FrameFormat format in Enum.GetValues<FrameFormat>())
        {
            string name = FrameParsers.NameOf(format);

            Assert.True(FrameParsers.TryParseFormat(name, out FrameFormat parsed), name);
            Assert.Equal(format, parsed);
            Assert.Contains(name, FrameParsers.FormatNames);
        }
    }

    [Fact]
    public void Create_UndefinedFormat_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => FrameParsers.Create((FrameFormat)200));

    [Theory]
    [InlineData("Canonical", FrameFormat.Canonical)]
    [InlineData("canonical", FrameFormat.Canonical)]
    [InlineData("OPS243PLAIN", FrameFormat.Ops243Plain)]
    [InlineData("ops243json", FrameFormat.Ops243Json)]
    [InlineData(" Ops243Csv ", FrameFormat.Ops243Csv)]
    [InlineData("IcomsTma296", FrameFormat.IcomsTma296)]
    [InlineData("HoustonDr500", FrameFormat.HoustonDr500)]
    [InlineData("hlkld2415h", FrameFormat.HlkLd2415h)]
    [InlineData("ops243", FrameFormat.Ops243)]
    [InlineData("ops243-json", FrameFormat.Ops243Json)]
    [InlineData("OPS243-CSV", FrameFormat.Ops243Csv)]
    [InlineData("icoms", FrameFormat.IcomsTma296)]
    [InlineData("dr500", FrameFormat.HoustonDr500)]
    [InlineData("ld2415h", FrameFormat.HlkLd2415h)]
    [InlineData("hlk-ld2415h", FrameFormat.HlkLd2415h)]
    [InlineData("icoms-tma3b3", FrameFormat.IcomsTma3b3)]
    [InlineData("TMA3B3", FrameFormat.IcomsTma3b3)]
    [InlineData("IcomsTma3b3", FrameFormat.IcomsTma3b3)]
    [InlineData("csv", FrameFormat.Csv)]
    [InlineData(" CSV ", FrameFormat.Csv)]
    public void TryParseFormat_NameOrAlias_ReturnsFormat(string name, FrameFormat expected)
    {
        Assert.True(FrameParsers.TryParseFormat(name, out FrameFormat format));
        Assert.Equal(expected, format);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("3")]
    [InlineData("Canonical,Ops243Json")]
    [InlineData("ops")]
    [InlineData("dr-500")]
    public void TryParseFormat_UnknownName_ReturnsFalse(string? name)
        => Assert.False(FrameParsers.TryParseFormat(name, out _));
}
