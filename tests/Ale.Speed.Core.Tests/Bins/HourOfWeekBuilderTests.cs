using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Tests.Bins;

/// <summary>Hours of the week per local month and year: which hour is which occurrence, across both daylight-saving shifts, and exact merges.</summary>
public sealed class HourOfWeekBuilderTests
{
    private const long HourMs = 3_600_000;
    private static readonly TimeZoneInfo s_stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    private static long Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    /// <summary>The tests' own hour of the week (Monday 00 = 0) of an instant.</summary>
    private static int HourOfWeek(long ms)
    {
        DateTimeOffset local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), s_stockholm);
        return ((int)local.DayOfWeek + 6) % 7 * 24 + local.Hour;
    }

    [Theory]
    [InlineData("2025-03-01T00:00:00+01:00", "2025-04-01T00:00:00+02:00", 743)] // spring forward on Sunday 30 March: no Sunday 02
    [InlineData("2025-10-01T00:00:00+02:00", "2025-11-01T00:00:00+01:00", 745)] // fall back on Sunday 26 October: Sunday 02 twice
    [InlineData("2025-06-01T00:00:00+02:00", "2025-07-01T00:00:00+02:00", 720)]
    public void Month_AcrossShifts_NumbersEachHourOfTheWeekInOrder(string start, string end, int hours)
    {
        var calendar = HourOfWeekCalendar.Of(RollupLevel.MonthHourOfWeek, Utc(start) + 40 * HourMs, s_stockholm);
        Assert.Equal((Utc(start), Utc(end)), (calendar.StartMs, calendar.EndMs));
        Assert.Equal(hours, calendar.LengthMs / HourMs);
        var seen = new int[168];
        for (long hour = calendar.StartMs; hour < calendar.EndMs; hour += HourMs)
        {
            int cell = HourOfWeek(hour);
            Assert.Equal(cell, calendar.CellOf(hour));
            Assert.Equal(seen[cell], calendar.OccurrenceOf(hour));
            Assert.Equal(hour, calendar.HourOf(cell, seen[cell]));
            seen[cell]++;
        }

        Assert.Equal(hours, seen.Sum());
        for (int cell = 0; cell < 168; cell++)
        {
            Assert.Equal(seen[cell], calendar.Occurrences(cell));
            Assert.Equal(calendar.HourOf(cell, 0), calendar.FirstHourOf(cell));
        }
    }

    [Fact]
    public void Month_TheTwoShifts_GiveSunday02FourAndFiveOccurrences()
    {
        const int Sunday02 = 6 * 24 + 2;
        var march = HourOfWeekCalendar.Of(RollupLevel.MonthHourOfWeek, Utc("2025-03-15T12:00:00Z"), s_stockholm);
        var october = HourOfWeekCalendar.Of(RollupLevel.MonthHourOfWeek, Utc("2025-10-15T12:00:00Z"), s_stockholm);
        Assert.Equal(4, march.Occurrences(Sunday02)); // five Sundays, one without 02:00
        Assert.Equal(5, march.Occurrences(Sunday02 + 1));
        Assert.Equal(5, october.Occurrences(Sunday02)); // four Sundays, one with 02:00 twice
        // Both 02:00s of 26 October, in order: 00:00 and 01:00 UTC.
        Assert.Equal([Utc("2025-10-26T00:00:00Z"), Utc("2025-10-26T01:00:00Z")], october.HoursOf(Sunday02, 0b11000));
        Assert.Throws<InvalidDataException>(() => october.HoursOf(Sunday02, 1UL << 5));
        Assert.Equal(october.HoursOf(Sunday02, 0b11010), october.HourSetOf(Sunday02, 0b11010));
        Assert.Throws<InvalidDataException>(() => october.HourSetOf(Sunday02, 1UL << 5));
    }

    [Theory]
    [InlineData(2025)]
    [InlineData(2028)] // a leap year starting on a Saturday
    public void Year_EveryHourOfTheWeekFitsAnOccurrenceMask(int year)
    {
        var calendar = HourOfWeekCalendar.Of(RollupLevel.YearHourOfWeek, Utc($"{year}-07-01T00:00:00Z"), s_stockholm);
        Assert.Equal(DateTime.IsLeapYear(year) ? 8784 : 8760, calendar.LengthMs / HourMs);
        Assert.All(Enumerable.Range(0, 168), cell => Assert.InRange(calendar.Occurrences(cell), 52, HourOfWeekCalendar.MaxOccurrences));
    }

    [Fact]
    public void Build_YearFromMonths_EqualsTheYearFromHours()
    {
        // Random hour bins over a year, two series and two limits; the year merged from its months equals the year from its hours.
        var random = new Random(3);
        var year = HourOfWeekCalendar.Of(RollupLevel.YearHourOfWeek, Utc("2025-06-01T00:00:00Z"), s_stockholm);
        var fromHours = new HourOfWeekBuilder(year);
        var months = new Dictionary<long, HourOfWeekBuilder>();
        var expected = new Dictionary<(string, int, int), (Bin Bin, ulong Mask)>();
        for (long hour = year.StartMs; hour < year.EndMs; hour += HourMs)
        {
            if (random.Next(4) == 0)
            {
                continue;
            }

            string site = random.Next(2) == 0 ? "a" : "b";
            var bin = new Bin(hour < year.StartMs + 4000 * HourMs ? 50 : 60);
            for (int v = random.Next(1, 5); v > 0; v--)
            {
                bin.Add(Math.Round(20 + random.NextDouble() * 60, 2), VehicleClass.Car);
            }

            var key = new BinKey(site, Direction.Approaching, DisplayMode.DisplayOn, hour);
            fromHours.Add(key, bin, hour);
            long month = Rollups.MonthStart(hour, s_stockholm);
            if (!months.TryGetValue(month, out HourOfWeekBuilder? builder))
            {
                months.Add(month, builder = new HourOfWeekBuilder(HourOfWeekCalendar.Of(RollupLevel.MonthHourOfWeek, month, s_stockholm)));
            }

            builder.Add(key, bin, hour);
            (string, int, int) id = (site, bin.LimitKmh, HourOfWeek(hour));
            Bin merged = expected.TryGetValue(id, out var e) ? e.Bin : new Bin();
            merged.MergeFrom(bin);
            expected[id] = (merged, (e.Mask) | 1UL << year.OccurrenceOf(hour));
        }

        var fromMonths = new HourOfWeekBuilder(year);
        foreach ((long month, HourOfWeekBuilder builder) in months)
        {
            var calendar = HourOfWeekCalendar.Of(RollupLevel.MonthHourOfWeek, month, s_stockholm);
            foreach (Rollup rollup in builder.Built())
            {
                Assert.Equal(calendar.FirstHourOf(calendar.CellOf(rollup.Key.WindowStartMs)), rollup.Key.WindowStartMs);
                fromMonths.Add(rollup.Key, rollup.Bin, calendar.HoursOf(calendar.CellOf(rollup.Key.WindowStartMs), rollup.HourBits[0]));
            }
        }

        foreach (HourOfWeekBuilder built in (HourOfWeekBuilder[])[fromHours, fromMonths])
        {
            List<Rollup> rollups = [.. built.Built()];
            Assert.Equal(expected.Count, rollups.Count);
            foreach (Rollup rollup in rollups)
            {
                Assert.Equal(RollupLevel.YearHourOfWeek, rollup.Level);
                int cell = HourOfWeek(rollup.Key.WindowStartMs);
                Assert.Equal(year.FirstHourOf(cell), rollup.Key.WindowStartMs);
                (Bin bin, ulong mask) = expected[(rollup.Key.SiteId, rollup.Bin.LimitKmh, cell)];
                Assert.Equal(mask, rollup.HourBits[0]);
                Assert.Equal((bin.Count, bin.SumCentiKmh, bin.SumOfSquaresCentiKmh, bin.MaxCentiKmh), (rollup.Bin.Count, rollup.Bin.SumCentiKmh, rollup.Bin.SumOfSquaresCentiKmh, rollup.Bin.MaxCentiKmh));
                Assert.Equal(bin.Histogram.Counts.ToArray(), rollup.Bin.Histogram.Counts.ToArray());
            }
        }
    }

    [Fact]
    public void Add_HoursOfTwoHoursOfTheWeek_AreRefused()
    {
        var calendar = HourOfWeekCalendar.Of(RollupLevel.MonthHourOfWeek, Utc("2025-05-10T00:00:00Z"), s_stockholm);
        var builder = new HourOfWeekBuilder(calendar);
        var bin = new Bin(50);
        bin.Add(42, VehicleClass.Car);
        Assert.Throws<ArgumentException>(() => builder.Add(new BinKey("a", Direction.Approaching, DisplayMode.DisplayOn, calendar.StartMs), bin, [calendar.StartMs, calendar.StartMs + HourMs]));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Add(new BinKey("a", Direction.Approaching, DisplayMode.DisplayOn, calendar.EndMs), bin, calendar.EndMs));
    }
}
