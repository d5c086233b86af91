using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Tests.Support;
using Ale.Speed.Core.Vehicles;
using static Ale.Speed.Core.Tests.Frames.FrameTestKit;

namespace Ale.Speed.Core.Tests.Frames;

/// <summary>A whole TMA-3B3 log as the sign's read-out writes it.</summary>
public sealed class IcomsTma3b3ParserTests
{
    private const string Log =
        "typ;date and time [UTC];speed [km/h];length [m];range [m];notes\r\n"
        + "100; 2019/01/24 16:20:03,120; ; ; ; Serial Number = 1234567\r\n"
        + "001; 2019/01/24 16:21:05,450; 52,4; 4,5; ; \r\n"
        + "001; 2019/01/24 16:21:07,010; -48,0; 4,5; ; \r\n"
        + "201; 2019/01/24 17:00:00,000; ; ; ; Battery = 12,6\r\n"
        + "\r\n"
        + "001; 2019/01/24 17:01:00,000; fast; ; ; \r\n";

    [Fact]
    public void TryReadFrame_LogFromTheManual_TwoVehiclesOneRejectAndNothingElse()
    {
        foreach (bool segmentPerByte in new[] { false, true })
        {
            byte[] bytes = Ascii(Log);
            List<ParsedFrame> frames = ReadAll(new IcomsTma3b3Parser(), segmentPerByte ? Sequences.SegmentPerByte(bytes) : Sequences.OneSegment(bytes));

            Assert.Equal(7, frames.Count);
            Assert.Equal([0, 0, 1, 1, 0, 0, 0], frames.Select(f => f.Result.ReadingCount));
            Assert.Equal(RejectReason.Malformed, frames[6].Result.Reject);
            Assert.Single(frames, f => f.Result.IsRejected);
            long first = new DateTimeOffset(2019, 1, 24, 16, 21, 5, 450, TimeSpan.Zero).ToUnixTimeMilliseconds();
            AssertReadings([Expect(52.4, Direction.Approaching, first, length: 4.5)], frames[2].Readings, "approaching");
            AssertReadings([Expect(48, Direction.Receding, first + 1560, length: 4.5)], frames[3].Readings, "receding");
        }
    }

    [Theory]
    [InlineData("001; 2019-01-24 16:21:05.450; 52.4")]
    [InlineData("001;2019/01/24T16:21:05,450;52,4;;;")]
    [InlineData("001; 2019/01/24 16:21:05,45; 52,40")]
    [InlineData("001; 2019/01/24 17:21:05,450+01:00; 52,4")]
    public void ParseFrame_SeparatorVariants_GiveTheSameReading(string line)
    {
        ParsedFrame frame = Assert.Single(ReadAll(new IcomsTma3b3Parser(), Sequences.OneSegment(Ascii(line + "\r\n"))));

        AssertReadings([Expect(52.4, Direction.Approaching, new DateTimeOffset(2019, 1, 24, 16, 21, 5, 450, TimeSpan.Zero).ToUnixTimeMilliseconds())], frame.Readings, line);
    }

    [Fact]
    public void ParseFrame_MissingMilliseconds_AreZero()
    {
        ParsedFrame frame = Assert.Single(ReadAll(new IcomsTma3b3Parser(), Sequences.OneSegment(Ascii("002; 2019/01/24 16:21:05; 52,4\r\n"))));

        Assert.Equal(new DateTimeOffset(2019, 1, 24, 16, 21, 5, TimeSpan.Zero).ToUnixTimeMilliseconds(), frame.Readings[0].TimestampMs);
    }
}
