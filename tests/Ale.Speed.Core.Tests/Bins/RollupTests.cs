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
            long to = from + (long)(random.NextDouble() * (random.Next(3) == 0 ? 3 : 240) * HourMs) / 60_000 * 60_000 + 60_000;
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
                    else
                    {
                        // Windows only where no whole hour fits: within the hour before or after the rollups.
                        Assert.True(span.ToMs - span.FromMs < HourMs || spans.Count == 1);
                    }

                    at = span.ToMs;
                }

                Assert.Equal(to, at);
                Assert.True(spans.Count <= 5);
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
