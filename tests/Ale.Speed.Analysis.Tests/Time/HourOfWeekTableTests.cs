using System.Globalization;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Time;

namespace Ale.Speed.Analysis.Tests.Time;

/// <summary>The cached hour of the week answers as the time zone does, for any instant, across both shifts and outside the period.</summary>
public sealed class HourOfWeekTableTests
{
    private static long Utc(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    [Theory]
    [InlineData("2025-03-10T12:30:00Z", "2025-11-02T04:30:00Z")] // starts and ends mid-hour, both shifts inside
    [InlineData("2025-10-25T00:00:00Z", "2025-10-27T00:00:00Z")] // the 25-hour day
    public void Of_AnyInstant_IsStockholmsHourOfTheWeek(string from, string to)
    {
        var period = new Period(Utc(from), Utc(to));
        var table = new HourOfWeekTable(period);
        var random = new Random(7);
        // Twice over, so the second answer comes from the table; from a day before to a day after the period.
        for (int pass = 0; pass < 2; pass++)
        {
            for (long t = period.FromMs - 86_400_000; t < period.ToMs + 86_400_000; t += StockholmTime.HourMs)
            {
                long instant = t + random.NextInt64(StockholmTime.HourMs);
                Assert.Equal(StockholmTime.HourOfWeek(instant), table.Of(instant));
            }
        }
    }
}
