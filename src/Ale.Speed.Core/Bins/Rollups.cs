using Ale.Speed.Core.Time;

namespace Ale.Speed.Core.Bins;

/// <summary>How finely stored bins are merged: the binner's windows, or rollups per hour, local day or local month.</summary>
public enum RollupLevel
{
    /// <summary>The binner's windows (5 minutes by default), as the worker writes them.</summary>
    Window,

    /// <summary>The merge of the windows that start in one hour (a UTC hour is a local hour where offsets are whole hours).</summary>
    Hour,

    /// <summary>The merge of the windows that start in one local day (23, 24 or 25 hours across a daylight-saving shift).</summary>
    Day,

    /// <summary>The merge of the windows that start in one local calendar month (the merge of its day rollups).</summary>
    Month,

    /// <summary>Per local calendar month, one rollup per hour of the week: the merge of the month's hour rollups of that hour of the week.</summary>
    MonthHourOfWeek,

    /// <summary>Per local calendar year, one rollup per hour of the week: the merge of the year's <see cref="MonthHourOfWeek"/> rollups.</summary>
    YearHourOfWeek,
}

/// <summary>One stretch of window starts [<see cref="FromMs"/>, <see cref="ToMs"/>) read from one <see cref="RollupLevel"/>.</summary>
public readonly record struct RollupSpan(RollupLevel Level, long FromMs, long ToMs);

/// <summary>
/// The rollup keys (which hour and which local day a window belongs to) and the tiling of a range by the coarsest levels.
/// A rollup holds the bins whose window <em>starts</em> in it, so a rollup is exactly the merge of those bins whatever
/// the window length, and a range [from, to) — the bins whose window starts in it — is tiled exactly.
/// </summary>
/// <remarks>Hours are UTC hours: this holds for zones whose offsets are whole hours (Europe/Stockholm).</remarks>
public static class Rollups
{
    public const long HourMs = 3_600_000;

    /// <summary>The start of the hour holding <paramref name="unixMs"/> (floor, also before 1970).</summary>
    public static long HourStart(long unixMs) => BinningOptions.WindowStartOf(unixMs, HourMs);

    /// <summary>The start of the local day holding <paramref name="unixMs"/>: its local midnight.</summary>
    public static long DayStart(long unixMs, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return MidnightOf(LocalDateOf(unixMs, zone), zone);
    }

    /// <summary>The start of the local day after the one starting at <paramref name="dayStartMs"/>.</summary>
    public static long NextDayStart(long dayStartMs, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        // Any instant 26 h on lies in the next day or the one after (days have 23 to 25 hours).
        long later = DayStart(dayStartMs + 26 * HourMs, zone);
        return later - dayStartMs > 25 * HourMs ? DayStart(later - 1, zone) : later;
    }

    /// <summary>The start of the local calendar month holding <paramref name="unixMs"/>: the local midnight of its first day.</summary>
    public static long MonthStart(long unixMs, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        DateOnly date = LocalDateOf(unixMs, zone);
        return MidnightOf(new DateOnly(date.Year, date.Month, 1), zone);
    }

    /// <summary>The start of the local month after the one holding <paramref name="unixMs"/>.</summary>
    public static long NextMonthStart(long unixMs, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        DateOnly date = LocalDateOf(unixMs, zone);
        return MidnightOf(new DateOnly(date.Year, date.Month, 1).AddMonths(1), zone);
    }

    /// <summary>The local month holding <paramref name="unixMs"/> as <c>yyyy-MM</c> (what notes and logs name a month by).</summary>
    public static string MonthLabel(long unixMs, TimeZoneInfo zone)
    {
        DateOnly date = LocalDateOf(unixMs, zone);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{date.Year:0000}-{date.Month:00}");
    }

    /// <summary>The start of the local calendar year holding <paramref name="unixMs"/>: the local midnight of 1 January.</summary>
    public static long YearStart(long unixMs, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return MidnightOf(new DateOnly(LocalDateOf(unixMs, zone).Year, 1, 1), zone);
    }

    /// <summary>The start of the local year after the one holding <paramref name="unixMs"/>.</summary>
    public static long NextYearStart(long unixMs, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return MidnightOf(new DateOnly(LocalDateOf(unixMs, zone).Year + 1, 1, 1), zone);
    }

    /// <summary>The rollup of <paramref name="level"/> that a window (or a finer rollup) starting at <paramref name="windowStartMs"/> belongs to.</summary>
    public static long KeyOf(RollupLevel level, long windowStartMs, TimeZoneInfo zone) => level switch
    {
        RollupLevel.Hour => HourStart(windowStartMs),
        RollupLevel.Day => DayStart(windowStartMs, zone),
        RollupLevel.Month => MonthStart(windowStartMs, zone),
        _ => windowStartMs,
    };

    /// <summary>The end of the rollup of <paramref name="level"/> starting at <paramref name="startMs"/>.</summary>
    public static long EndOf(RollupLevel level, long startMs, long windowMs, TimeZoneInfo zone) => level switch
    {
        RollupLevel.Hour => startMs + HourMs,
        RollupLevel.Day => NextDayStart(startMs, zone),
        RollupLevel.Month or RollupLevel.MonthHourOfWeek => NextMonthStart(startMs, zone),
        RollupLevel.YearHourOfWeek => NextYearStart(startMs, zone),
        _ => startMs + windowMs,
    };

    /// <summary>
    /// Splits [<paramref name="fromMs"/>, <paramref name="toMs"/>) into spans read from the coarsest level that fits
    /// whole: local months, days at their edges, hours at those edges, windows for what is left of an hour (at most
    /// seven spans, in time order).
    /// </summary>
    /// <param name="coarsest">The coarsest level the caller can use (hours when it groups by hour, days by day).</param>
    public static List<RollupSpan> Tile(long fromMs, long toMs, TimeZoneInfo zone, RollupLevel coarsest = RollupLevel.Day)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var spans = new List<RollupSpan>(7);
        if (toMs <= fromMs)
        {
            return spans;
        }

        long firstHour = HourStart(fromMs) == fromMs ? fromMs : HourStart(fromMs) + HourMs;
        long lastHourEnd = HourStart(toMs);
        if (coarsest == RollupLevel.Window || firstHour >= lastHourEnd)
        {
            spans.Add(new RollupSpan(RollupLevel.Window, fromMs, toMs));
            return spans;
        }

        long firstDay = DayStart(firstHour, zone);
        if (firstDay < firstHour)
        {
            firstDay = NextDayStart(firstDay, zone);
        }

        long lastDayEnd = DayStart(lastHourEnd, zone);
        Add(spans, RollupLevel.Window, fromMs, firstHour);
        if (coarsest >= RollupLevel.Day && firstDay < lastDayEnd)
        {
            Add(spans, RollupLevel.Hour, firstHour, firstDay);
            long firstMonth = MonthStart(firstDay, zone) == firstDay ? firstDay : NextMonthStart(firstDay, zone);
            long lastMonthEnd = MonthStart(lastDayEnd, zone);
            if (coarsest == RollupLevel.Month && firstMonth < lastMonthEnd)
            {
                Add(spans, RollupLevel.Day, firstDay, firstMonth);
                Add(spans, RollupLevel.Month, firstMonth, lastMonthEnd);
                Add(spans, RollupLevel.Day, lastMonthEnd, lastDayEnd);
            }
            else
            {
                Add(spans, RollupLevel.Day, firstDay, lastDayEnd);
            }

            Add(spans, RollupLevel.Hour, lastDayEnd, lastHourEnd);
        }
        else
        {
            Add(spans, RollupLevel.Hour, firstHour, lastHourEnd);
        }

        Add(spans, RollupLevel.Window, lastHourEnd, toMs);
        return spans;

        static void Add(List<RollupSpan> spans, RollupLevel level, long from, long to)
        {
            if (from < to)
            {
                spans.Add(new RollupSpan(level, from, to));
            }
        }
    }

    /// <summary>
    /// The rollups of every hour and local day that a window in <paramref name="changed"/> starts in, each rebuilt whole by
    /// merging the windows of <paramref name="windows"/> that start in it. <paramref name="windows"/> must hold every
    /// window of those days (one writer's): a rollup is only ever stored whole.
    /// </summary>
    public static List<Rollup> RebuildTouched(IEnumerable<BinKey> changed, IReadOnlyDictionary<BinKey, Bin> windows, long windowMs, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(changed);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(zone);
        var hours = new HashSet<BinKey>();
        var days = new HashSet<BinKey>();
        foreach (BinKey key in changed)
        {
            hours.Add(key with { WindowStartMs = HourStart(key.WindowStartMs) });
            days.Add(key with { WindowStartMs = DayStart(key.WindowStartMs, zone) });
        }

        var rollups = new List<Rollup>(hours.Count + days.Count);
        var builder = new RollupBuilder(RollupLevel.Hour, zone);
        Collect(hours, builder, windows, windowMs, zone, rollups);
        builder = new RollupBuilder(RollupLevel.Day, zone);
        Collect(days, builder, windows, windowMs, zone, rollups);
        return rollups;

        static void Collect(HashSet<BinKey> keys, RollupBuilder builder, IReadOnlyDictionary<BinKey, Bin> windows, long windowMs, TimeZoneInfo zone, List<Rollup> into)
        {
            foreach (BinKey key in keys)
            {
                long end = EndOf(builder.Level, key.WindowStartMs, windowMs, zone);
                for (long start = FirstWindowFrom(key.WindowStartMs, windowMs); start < end; start += windowMs)
                {
                    BinKey window = key with { WindowStartMs = start };
                    if (windows.TryGetValue(window, out Bin? bin) && bin.Count > 0)
                    {
                        builder.Add(window, bin);
                    }
                }
            }

            into.AddRange(builder.Built());
        }
    }

    /// <summary>The first window start at or after <paramref name="unixMs"/>: windows that start in a rollup belong to it.</summary>
    public static long FirstWindowFrom(long unixMs, long windowMs)
    {
        long start = BinningOptions.WindowStartOf(unixMs, windowMs);
        return start < unixMs ? start + windowMs : start;
    }

    private static DateOnly LocalDateOf(long unixMs, TimeZoneInfo zone)
        => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UnixEpoch.AddMilliseconds(unixMs), zone));

    private static long MidnightOf(DateOnly date, TimeZoneInfo zone)
    {
        long wallClockMs = LocalTime.WallClockMs(date.ToDateTime(TimeOnly.MinValue));
        // Where a shift skips midnight, the day starts at the first local time that exists (shifts are at most 2 hours).
        for (int step = 0; step <= 4; step++, wallClockMs += 30 * 60_000)
        {
            if (LocalTime.TryToUtc(wallClockMs, zone, out long utcMs))
            {
                return utcMs;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(date), date, "No local time near the start of this day.");
    }
}
