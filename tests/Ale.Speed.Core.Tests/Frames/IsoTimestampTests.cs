using Ale.Speed.Core.Frames;
using static Ale.Speed.Core.Tests.Frames.FrameTestKit;

namespace Ale.Speed.Core.Tests.Frames;

public sealed class IsoTimestampTests
{
    [Theory]
    [InlineData("1970-01-01T00:00:00Z", 0L)]
    [InlineData("1970-01-01T00:00:00.001Z", 1L)]
    [InlineData("1969-12-31T23:59:59.999Z", -1L)]
    [InlineData("2026-11-25T18:03:12.345Z", 1795629792345L)]
    [InlineData("2026-11-25t18:03:12.345z", 1795629792345L)]
    [InlineData("2026-11-25T18:03:12.3Z", 1795629792300L)]
    [InlineData("2026-11-25T18:03:12.34Z", 1795629792340L)]
    [InlineData("2026-11-25T18:03:12.3459999999Z", 1795629792345L)]
    [InlineData("2026-11-25T19:03:12.345+01:00", 1795629792345L)]
    [InlineData("2026-11-25T19:03:12.345+0100", 1795629792345L)]
    [InlineData("2026-11-25T13:33:12.345-04:30", 1795629792345L)]
    [InlineData("2026-11-25T18:03:12.345-00:00", 1795629792345L)]
    [InlineData("2024-02-29T12:00:00Z", 1709208000000L)]
    [InlineData("2000-02-29T00:00:00Z", 951782400000L)]
    [InlineData("2026-03-29T01:00:00Z", 1774746000000L)]
    [InlineData("9999-12-31T23:59:59.999Z", 253402300799999L)]
    [InlineData("0001-01-01T00:00:00Z", -62135596800000L)]
    public void TryParseUnixMs_ValidTimestamp_ReturnsUnixMilliseconds(string text, long expected)
    {
        Assert.True(IsoTimestamp.TryParseUnixMs(Ascii(text), out long unixMs));
        Assert.Equal(expected, unixMs);
    }

    [Fact]
    public void TryParseUnixMs_OffsetCrossingMidnight_LandsOnThePreviousUtcDay()
    {
        Assert.True(IsoTimestamp.TryParseUnixMs("2026-01-01T00:30:00+02:00"u8, out long unixMs));
        Assert.Equal(new DateTimeOffset(2025, 12, 31, 22, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), unixMs);

        Assert.True(IsoTimestamp.TryParseUnixMs("2025-12-31T23:30:00-01:00"u8, out unixMs));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), unixMs);
    }

    [Fact]
    public void DaysFromCivil_EveryDayOf400Years_MatchesDateTime()
    {
        var day = new DateTime(1800, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (int i = 0; i < 146_097; i++, day = day.AddDays(1))
        {
            long expected = (long)(day - DateTime.UnixEpoch).TotalDays;
            Assert.Equal(expected, IsoTimestamp.DaysFromCivil(day.Year, day.Month, day.Day));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-11-25")]
    [InlineData("2026-11-25T18:03:12")]
    [InlineData("2026-11-25T18:03:12.345")]
    [InlineData("2026-11-25 18:03:12Z")]
    [InlineData("2026-11-25T18:03:12.Z")]
    [InlineData("2026-11-25T18:03:12,345Z")]
    [InlineData("2026-11-25T18:03Z")]
    [InlineData("26-11-25T18:03:12Z")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-00-01T00:00:00Z")]
    [InlineData("2026-11-00T00:00:00Z")]
    [InlineData("2026-11-31T00:00:00Z")]
    [InlineData("2026-02-29T00:00:00Z")]
    [InlineData("1900-02-29T00:00:00Z")]
    [InlineData("2026-11-25T24:00:00Z")]
    [InlineData("2026-11-25T18:60:00Z")]
    [InlineData("2026-11-25T18:03:60Z")]
    [InlineData("2026-11-25T18:03:12+1:00")]
    [InlineData("2026-11-25T18:03:12+01")]
    [InlineData("2026-11-25T18:03:12+24:00")]
    [InlineData("2026-11-25T18:03:12+01:60")]
    [InlineData("2026-11-25T18:03:12+01:00Z")]
    [InlineData("2026-11-25T18:03:12ZZ")]
    [InlineData("2026-11-25T18:03:12 Z")]
    [InlineData("+2026-11-25T18:03:12Z")]
    [InlineData("2026-1a-25T18:03:12Z")]
    public void TryParseUnixMs_InvalidTimestamp_ReturnsFalse(string text)
        => Assert.False(IsoTimestamp.TryParseUnixMs(Ascii(text), out _));
}
