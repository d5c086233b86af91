using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Tests.Bins;

/// <summary>Rollup keys and the tiling of a range: exact, aligned, for Stockholm's 23-, 24- and 25-hour days.</summary>
public sealed class RollupTests
{
    private const long HourMs = 3_600_000;
    private const long WindowMs = 300_000;
    private static readonly TimeZoneInfo s_stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    private static long Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    [Theory]
    [InlineData("2026-03-29T00:00:00+01:00", 23)] // spring forward
    [InlineData("2026-10-25T00:00:00+02:00", 25)] // fall back
    [InlineData("2026-06-15T00:00:00+02:00", 24)]
    [InlineData("2026-12-15T00:00:00+01:00", 24)]
    public void NextDayStart_DaysAcrossShifts_HaveTheirLocalLength(string midnight, int hours)
    {
        long start = Utc(midnight);
        Assert.Equal(start, Rollups.DayStart(start, s_stockholm));
        Assert.Equal(start, Rollups.DayStart(start + hours * HourMs - 1, s_stockholm));
        Assert.Equal(start + hours * HourMs, Rollups.NextDayStart(start, s_stockholm));
    }

    [Fact]
    public void Tile_ManyRandomRanges_CoverTheRangeExactlyWithAlignedSpans()
    {
        var random = new Random(7);
        long origin = Utc("2026-03-20T00:00:00Z");
        for (int i = 0; i < 3000; i++)
        {
            long from = origin + (long)(random.NextDouble() * 240 * HourMs) / 60_000 * 60_000;
            long to = from + (long)(random.NextDouble() * (random.Next(3) switch { 0 => 3, 1 => 240, _ => 24 * 120 }) * HourMs) / 60_000 * 60_000 + 60_000;
            foreach (RollupLevel coarsest in Enum.GetValues<RollupLevel>())
            {
                List<RollupSpan> spans = Rollups.Tile(from, to, s_stockholm, coarsest);
                long at = from;
                foreach (RollupSpan span in spans)
                {
                    Assert.Equal(at, span.FromMs);
                    Assert.True(span.ToMs > span.FromMs);
                    Assert.True(span.Level <= coarsest);
                    if (span.Level == RollupLevel.Hour)
                    {
                        Assert.Equal(0, span.FromMs % HourMs);
                        Assert.Equal(0, span.ToMs % HourMs);
                    }
                    else if (span.Level == RollupLevel.Day)
                    {
                        Assert.Equal(span.FromMs, Rollups.DayStart(span.FromMs, s_stockholm));
                        Assert.Equal(span.ToMs, Rollups.DayStart(span.ToMs, s_stockholm));
                    }
                    else if (span.Level == RollupLevel.Month)
                    {
                        Assert.Equal(span.FromMs, Rollups.MonthStart(span.FromMs, s_stockholm));
                        Assert.Equal(span.ToMs, Rollups.MonthStart(span.ToMs, s_stockholm));
                    }
                    else
                    {
                        // Windows only where no whole hour fits: within the hour before or after the rollups.
                        Assert.True(span.ToMs - span.FromMs < HourMs || spans.Count == 1);
                    }

                    at = span.ToMs;
                }

                Assert.Equal(to, at);
                Assert.True(spans.Count <= 7);
                // The coarsest level that fits: a whole month inside the range is read from months when the caller can.
                long firstMonth = Rollups.MonthStart(from, s_stockholm) == from ? from : Rollups.NextMonthStart(from, s_stockholm);
                bool wholeMonth = Rollups.NextMonthStart(firstMonth, s_stockholm) <= to;
                Assert.Equal(coarsest == RollupLevel.Month && wholeMonth, spans.Exists(span => span.Level == RollupLevel.Month));
            }
        }
    }

    [Fact]
    public void Tile_AYearOfWholeDays_IsOneDaySpan()
    {
        long from = Utc("2025-01-01T00:00:00+01:00");
        long to = Utc("2026-01-01T00:00:00+01:00");
        Assert.Equal([new RollupSpan(RollupLevel.Day, from, to)], Rollups.Tile(from, to, s_stockholm));
        Assert.Equal([new RollupSpan(RollupLevel.Hour, from, to)], Rollups.Tile(from, to, s_stockholm, RollupLevel.Hour));
        Assert.Equal([new RollupSpan(RollupLevel.Month, from, to)], Rollups.Tile(from, to, s_stockholm, RollupLevel.Month));
    }

    [Fact]
    public void Tile_MonthsInTheMiddle_DaysHoursAndWindowsAtTheEdges()
    {
        long from = Utc("2026-02-27T22:10:00+01:00");
        long to = Utc("2026-11-02T01:30:00+01:00");
        long hour = Utc("2026-02-27T23:00:00+01:00");
        long day = Utc("2026-02-28T00:00:00+01:00");
        long march = Utc("2026-03-01T00:00:00+01:00");
        long november = Utc("2026-11-01T00:00:00+01:00");
        long lastDay = Utc("2026-11-02T00:00:00+01:00");
        long lastHour = Utc("2026-11-02T01:00:00+01:00");
        Assert.Equal(
            [
                new RollupSpan(RollupLevel.Window, from, hour), new RollupSpan(RollupLevel.Hour, hour, day), new RollupSpan(RollupLevel.Day, day, march),
                new RollupSpan(RollupLevel.Month, march, november), new RollupSpan(RollupLevel.Day, november, lastDay),
                new RollupSpan(RollupLevel.Hour, lastDay, lastHour), new RollupSpan(RollupLevel.Window, lastHour, to),
            ],
            Rollups.Tile(from, to, s_stockholm, RollupLevel.Month));
    }

    [Theory]
    [InlineData("2026-03-01T00:00:00+01:00", "2026-04-01T00:00:00+02:00", 743)] // spring forward
    [InlineData("2026-10-01T00:00:00+02:00", "2026-11-01T00:00:00+01:00", 745)] // fall back
    [InlineData("2026-02-01T00:00:00+01:00", "2026-03-01T00:00:00+01:00", 672)]
    public void MonthStart_LocalCalendarMonths_HaveTheirLength(string first, string next, int hours)
    {
        long start = Utc(first);
        Assert.Equal(start, Rollups.MonthStart(start, s_stockholm));
        Assert.Equal(start, Rollups.MonthStart(start + hours * HourMs - 1, s_stockholm));
        Assert.Equal(Utc(next), Rollups.NextMonthStart(start, s_stockholm));
        Assert.Equal(hours * HourMs, Utc(next) - start);
    }

    [Fact]
    public void RollupBuilder_MonthFromItsDays_EqualsTheMonthFromItsWindows_WithEveryHour()
    {
        // October 2026 has 745 hours: its last hour is bit 744, beyond any 64-bit mask.
        long first = Utc("2026-10-01T00:00:00+02:00");
        long end = Utc("2026-11-01T00:00:00+01:00");
        var random = new Random(3);
        var days = new RollupBuilder(RollupLevel.Day, s_stockholm);
        var fromWindows = new RollupBuilder(RollupLevel.Month, s_stockholm);
        var expectedHours = new List<long>();
        for (long window = first; window < end; window += WindowMs)
        {
            if (random.Next(4) != 0 && window < end - HourMs)
            {
                continue;
            }

            var bin = new Bin(50);
            bin.Add(20 + random.Next(60), VehicleClass.Car);
            var key = new BinKey("month-site", Direction.Approaching, DisplayMode.DisplayOn, window);
            days.Add(key, bin);
            fromWindows.Add(key, bin);
            if (expectedHours.Count == 0 || expectedHours[^1] != Rollups.HourStart(window))
            {
                expectedHours.Add(Rollups.HourStart(window));
            }
        }

        var fromDays = new RollupBuilder(RollupLevel.Month, s_stockholm);
        foreach (Rollup day in days.Built())
        {
            Assert.True(day.HourMask != 0);
            fromDays.Add(day.Key, day.Bin, Enumerable.Range(0, 64).Where(i => (day.HourMask & (1L << i)) != 0).Select(i => day.Key.WindowStartMs + i * HourMs));
        }

        Rollup a = Assert.Single(fromWindows.Built());
        Rollup b = Assert.Single(fromDays.Built());
        Assert.Equal((first, 745 * HourMs), (a.Key.WindowStartMs, a.LengthMs));
        Assert.Equal((a.Key, a.LengthMs, a.Bin.Count, a.Bin.SumCentiKmh), (b.Key, b.LengthMs, b.Bin.Count, b.Bin.SumCentiKmh));
        Assert.Equal(a.Bin.Histogram.Counts.ToArray(), b.Bin.Histogram.Counts.ToArray());
        Assert.Equal(a.HourBits, b.HourBits);
        long[] hours = [.. Enumerable.Range(0, 768).Where(i => (a.HourBits[i / 64] & (1UL << (i % 64))) != 0).Select(i => first + i * HourMs)];
        Assert.Equal(expectedHours, hours);
        Assert.Contains(first + 744 * HourMs, hours);
    }

    [Fact]
    public void RollupBuilder_DayAcrossTheAutumnShift_IsTheExactMergeOfItsWindowsWithItsHourMask()
    {
        long day = Utc("2026-10-25T00:00:00+02:00");
        var random = new Random(3);
        var hours = new RollupBuilder(RollupLevel.Hour, s_stockholm);
        var days = new RollupBuilder(RollupLevel.Day, s_stockholm);
        var all = new List<Bin>();
        long expectedMask = 0;
        for (long window = day - WindowMs; window < day + 25 * HourMs + WindowMs; window += WindowMs)
        {
            if (random.Next(4) == 0)
            {
                continue;
            }

            var bin = new Bin(50);
            for (int v = random.Next(1, 50); v > 0; v--)
            {
                bin.Add(random.NextDouble() * 120, (VehicleClass)random.Next(8));
            }

            var key = new BinKey("s", Direction.Approaching, DisplayMode.DisplayOn, window);
            hours.Add(key, bin);
            days.Add(key, bin);
            if (window >= day && window < day + 25 * HourMs)
            {
                all.Add(bin);
                expectedMask |= 1L << (int)((window - day) / HourMs);
            }
        }

        Rollup rollup = Assert.Single(days.Built(), r => r.Key.WindowStartMs == day);
        Assert.Equal(25 * HourMs, rollup.LengthMs);
        Assert.Equal(expectedMask, rollup.HourMask);
        RawVehicles.AssertSameContent(Bin.Merge(all), rollup.Bin);
        Assert.Equal(3, days.Count); // the window before and the one after belong to the days around
        RawVehicles.AssertSameContent(Bin.Merge(all), Bin.Merge(hours.Built().Where(h => h.Key.WindowStartMs >= day && h.Key.WindowStartMs < day + 25 * HourMs).Select(h => h.Bin)));

        // A limit changed within the day: the windows under the new limit make a rollup of their own.
        var changed = new Bin(70);
        changed.Add(75);
        days.Add(new BinKey("s", Direction.Approaching, DisplayMode.DisplayOn, day + 20 * HourMs), changed);
        Assert.Equal([50, 70], days.Built().Where(r => r.Key.WindowStartMs == day).Select(r => r.Bin.LimitKmh).Order());
    }
}
