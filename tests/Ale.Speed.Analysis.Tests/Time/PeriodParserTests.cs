using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Time;

namespace Ale.Speed.Analysis.Tests.Time;

public sealed class PeriodParserTests
{
    [Theory]
    [InlineData("2026-03-01", "2026-02-28T23:00:00Z")]
    [InlineData("2026-07-01T07:30", "2026-07-01T05:30:00Z")]
    [InlineData("2026-07-01T07:30:00+00:00", "2026-07-01T07:30:00Z")]
    [InlineData("2026-07-01T07:30:00Z", "2026-07-01T07:30:00Z")]
    [InlineData("2026-03-29T02:30", "2026-03-29T01:30:00Z")] // skipped by the spring shift: read as 03:30 CEST
    [InlineData("2026-10-25T02:30", "2026-10-25T00:30:00Z")] // occurs twice: the first (summer time)
    public void TryParseTime_NoOffsetMeansStockholm(string text, string utc)
    {
        Assert.True(PeriodParser.TryParseTime(text, out long ms, out string? error), error);
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), ms);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-13-01")]
    [InlineData("")]
    public void TryParseTime_Nonsense_IsAClearError(string text)
    {
        Assert.False(PeriodParser.TryParseTime(text, out _, out string? error));
        Assert.Contains("ISO 8601", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ToBeforeFrom_IsRejected()
    {
        Assert.False(PeriodParser.TryParse("2026-03-02", "2026-03-01", out _, out string? error));
        Assert.Contains("--to", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseRange_SplitsFromAndTo()
    {
        Assert.True(PeriodParser.TryParseRange("2026-10-24/2026-10-27", out Period period, out string? error), error);
        Assert.Equal(Traffic.Local(2026, 10, 24), period.FromMs);
        Assert.Equal(Traffic.Local(2026, 10, 27), period.ToMs);
        Assert.Equal(73, period.HourCount);
        Assert.False(PeriodParser.TryParseRange("2026-10-24", out _, out error));
        Assert.Contains("FROM/TO", error, StringComparison.Ordinal);
    }

    [Fact]
    public void HourOfWeek_IsLocal()
    {
        Assert.Equal(0, StockholmTime.HourOfWeek(Traffic.Local(2026, 3, 2)));          // Monday 00 local = Sunday 23 UTC
        Assert.Equal(167, StockholmTime.HourOfWeek(Traffic.Local(2026, 3, 1, 23, 59)));
        Assert.Equal("Fri 22", StockholmTime.HourOfWeekLabel(4 * 24 + 22));
    }
}
