using System.Globalization;
using Ale.Speed.Core.Bins;

namespace Ale.Speed.Core.Tests.Bins;

/// <summary>The hour bitmap against a plain set of hour starts: the same answers for any mix of operations, across daylight-saving shifts.</summary>
public sealed class HourSetTests
{
    private const long HourMs = 3_600_000;
    private static readonly TimeZoneInfo s_stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    private static long Utc(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    [Theory]
    [InlineData("2025-03-27T00:00:00+01:00", "2025-04-02T00:00:00+02:00")] // spring forward: a 23-hour day
    [InlineData("2025-10-24T00:00:00+02:00", "2025-10-29T00:00:00+01:00")] // fall back: a 25-hour day
    [InlineData("2025-01-01T00:00:00+01:00", "2026-01-01T00:00:00+01:00")] // a year, both shifts
    [InlineData("1969-12-20T00:00:00+01:00", "1970-01-10T00:00:00+01:00")] // hours before 1970 (negative Unix time)
    public void RandomOperations_AnswerAsASetOfHourStarts(string from, string to)
    {
        long fromMs = Utc(from), toMs = Utc(to);
        var random = new Random((int)(fromMs / HourMs));
        for (int round = 0; round < 25; round++)
        {
            // Every other round sized for the range up front: the same set, only without growing.
            HourSet hours = round % 2 == 0 ? new HourSet() : new HourSet(fromMs, toMs);
            var model = new SortedSet<long>();
            for (int op = 0; op < 40; op++)
            {
                Apply(random, fromMs, toMs, hours, model);
                AssertSame(random, fromMs, toMs, model, hours);
            }
        }
    }

    [Fact]
    public void Empty_HasNoHoursAndNoMinimum()
    {
        var hours = new HourSet();
        Assert.Empty(hours);
        Assert.False(hours.Contains(0));
        Assert.Equal(0, hours.CountIn(long.MinValue / 2, long.MaxValue / 2));
        Assert.Throws<InvalidOperationException>(() => hours.Min);
    }

    [Fact]
    public void Freeze_ASharedSet_RefusesChangesAndItsCopyDoesNot()
    {
        long start = Utc("2025-03-30T00:00:00+01:00");
        HourSet shared = new HourSet([start, start + 5 * HourMs]).Freeze();
        Assert.True(shared.IsReadOnly);
        Assert.Throws<InvalidOperationException>(() => shared.Add(start + HourMs));
        Assert.Throws<InvalidOperationException>(() => shared.AddRange(start, start + 3 * HourMs));
        Assert.Throws<InvalidOperationException>(() => shared.UnionWith(new HourSet([start + 7 * HourMs])));
        Assert.Equal((long[])[start, start + 5 * HourMs], shared);

        var copy = new HourSet(shared);
        Assert.False(copy.IsReadOnly);
        Assert.True(copy.Add(start + HourMs));
        Assert.Equal(2, shared.Count);
    }

    [Fact]
    public void AddMask_ADayRollupsHoursAcrossTheSpringShift_NamesTheDaysOwnHours()
    {
        // 30 March 2025 has 23 hours: bit 22 is its last hour, 22:00 local (20:00 UTC); bit 23 is the next day's first.
        long day = Utc("2025-03-30T00:00:00+01:00");
        Assert.Equal(day + 23 * HourMs, Rollups.NextDayStart(day, s_stockholm));
        var hours = new HourSet();
        hours.AddMask(day, (1UL << 0) | (1UL << 2) | (1UL << 22));
        Assert.Equal((long[])[day, Utc("2025-03-30T03:00:00+02:00"), Utc("2025-03-30T23:00:00+02:00")], hours);
    }

    private static void Apply(Random random, long fromMs, long toMs, HourSet hours, SortedSet<long> model)
    {
        long At() => fromMs + (long)(random.NextDouble() * (toMs - fromMs));
        switch (random.Next(5))
        {
            case 0:
                long instant = At();
                Assert.Equal(model.Add(Rollups.HourStart(instant)), hours.Add(instant));
                break;
            case 1:
                // A stored hour or day rollup: its mask from the local day's (or hour's) start.
                long start = random.Next(2) == 0 ? Rollups.DayStart(At(), s_stockholm) : Rollups.HourStart(At());
                ulong mask = RandomMask(random, random.Next(1, 26));
                hours.AddMask(start, mask);
                AddBits(model, start, mask);
                break;
            case 2:
                // A month rollup's hour map, 64 hours to a word from the local month's start.
                long month = Rollups.MonthStart(At(), s_stockholm);
                for (int word = 0; word < 12; word++)
                {
                    ulong bits = random.Next(3) == 0 ? 0 : RandomMask(random, 64);
                    hours.AddMask(month + word * 64 * HourMs, bits);
                    AddBits(model, month + word * 64 * HourMs, bits);
                }

                break;
            case 3:
                // A window (minutes) or a long run (an outage), at any alignment.
                long a = At();
                long b = a + (random.Next(2) == 0 ? random.Next(0, 600_000) : (long)(random.NextDouble() * 400 * HourMs));
                hours.AddRange(a, b);
                for (long h = Rollups.HourStart(a); h < Math.Max(b, a + 1); h += HourMs)
                {
                    model.Add(h);
                }

                break;
            default:
                var other = new HourSet();
                var otherModel = new SortedSet<long>();
                for (int i = random.Next(4); i >= 0; i--)
                {
                    Apply(random, fromMs, toMs, other, otherModel);
                }

                hours.UnionWith(other);
                model.UnionWith(otherModel);
                Assert.Equal(otherModel, other);
                break;
        }
    }

    private static void AssertSame(Random random, long fromMs, long toMs, SortedSet<long> model, HourSet hours)
    {
        Assert.Equal(model.Count, hours.Count);
        if (!model.SequenceEqual(hours))
        {
            Assert.Equal(model, hours); // only for its message
        }

        if (model.Count > 0)
        {
            Assert.Equal(model.Min, hours.Min);
        }

        for (int i = 0; i < 10; i++)
        {
            // Anywhere, including well outside the hours held.
            long span = toMs - fromMs;
            long a = fromMs - span / 4 + (long)(random.NextDouble() * span * 1.5);
            long b = a + (long)(random.NextDouble() * span * (random.Next(2) == 0 ? 0.01 : 1));
            Assert.Equal(model.Contains(Rollups.HourStart(a)), hours.Contains(a));
            Assert.Equal(b <= a ? 0 : model.GetViewBetween(Rollups.HourStart(a), b - 1).Count, hours.CountIn(a, b));
        }
    }

    private static ulong RandomMask(Random random, int bits)
    {
        ulong mask = (ulong)random.NextInt64() ^ ((ulong)random.NextInt64() << 32);
        return bits == 64 ? mask : mask & ((1UL << bits) - 1);
    }

    private static void AddBits(SortedSet<long> model, long start, ulong mask)
    {
        for (int bit = 0; bit < 64; bit++)
        {
            if ((mask & (1UL << bit)) != 0)
            {
                model.Add(start + bit * HourMs);
            }
        }
    }
}
