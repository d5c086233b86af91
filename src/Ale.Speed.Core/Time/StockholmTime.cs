using System.Globalization;

namespace Ale.Speed.Core.Time;

/// <summary>
/// Europe/Stockholm time: what people read and type, and what every hour of the week, evening, weekend and day refers
/// to; what is stored is UTC. The one home of the zone and of parsing the times people type. Stockholm's offsets are
/// whole hours, so a UTC hour boundary is a local hour boundary: hours are counted in UTC and labelled locally.
/// </summary>
public static class StockholmTime
{
    public const string ZoneId = "Europe/Stockholm";

    public const long HourMs = 3_600_000;

    public const int HoursPerWeek = 168;

    private static readonly string[] s_dayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    private static readonly string[] s_localFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-ddTHH", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss",
    ];

    /// <summary>What <see cref="TryParse"/> accepts, for error messages.</summary>
    public const string Accepted = "use ISO 8601, e.g. 2026-03-01, 2026-03-01T07:00 (Stockholm time) or 2026-03-01T06:00:00Z";

    /// <summary>The system's zone (on Linux from /usr/share/zoneinfo, which works with invariant globalization), else the EU rule.</summary>
    public static TimeZoneInfo Zone { get; } = Load();

    /// <summary>The local time of <paramref name="unixMs"/>, with its offset.</summary>
    public static DateTimeOffset ToLocal(long unixMs) => TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(unixMs), Zone);

    /// <summary>
    /// Stockholm wall-clock time to Unix ms. A time skipped by the spring shift is read as the same wall time an hour
    /// later; a time that occurs twice in the autumn is read as its first occurrence (summer time).
    /// </summary>
    public static long FromLocal(DateTime local)
    {
        long wallClockMs = LocalTime.WallClockMs(local);
        long utcMs;
        // Every skipped wall time is an hour after one that exists (Stockholm's shifts are one hour).
        return LocalTime.TryToUtc(wallClockMs, Zone, out utcMs) || LocalTime.TryToUtc(wallClockMs + HourMs, Zone, out utcMs)
            ? utcMs
            : throw new ArgumentOutOfRangeException(nameof(local), local, "Outside the range of times.");
    }

    /// <summary>Local hour of the week: 0 = Monday 00:00–01:00, 167 = Sunday 23:00–24:00.</summary>
    public static int HourOfWeek(long unixMs)
    {
        DateTimeOffset local = ToLocal(unixMs);
        return DayIndex(local.DayOfWeek) * 24 + local.Hour;
    }

    /// <summary>0 = Monday … 6 = Sunday.</summary>
    public static int DayIndex(DayOfWeek day) => ((int)day + 6) % 7;

    /// <summary>"Mon 07" for hour of week 7.</summary>
    public static string HourOfWeekLabel(int hourOfWeek)
        => $"{s_dayNames[hourOfWeek / 24]} {hourOfWeek % 24:00}";

    /// <summary>The local date holding <paramref name="unixMs"/>.</summary>
    public static DateOnly LocalDate(long unixMs) => DateOnly.FromDateTime(ToLocal(unixMs).DateTime);

    /// <summary>The Monday of the ISO week holding <paramref name="date"/> (weeks run Monday to Sunday).</summary>
    public static DateOnly WeekStart(DateOnly date) => date.AddDays(-DayIndex(date.DayOfWeek));

    /// <summary>The ISO 8601 week holding <paramref name="date"/>, as <c>2025-W10</c> (the week-numbering year: 2024-12-30 is <c>2025-W01</c>).</summary>
    public static string IsoWeekLabel(DateOnly date)
    {
        DateTime day = date.ToDateTime(TimeOnly.MinValue);
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(day):0000}-W{ISOWeek.GetWeekOfYear(day):00}");
    }

    /// <summary>Start (Unix ms) of the local day <paramref name="date"/>: its local midnight.</summary>
    public static long StartOfDay(DateOnly date) => FromLocal(date.ToDateTime(TimeOnly.MinValue));

    /// <summary>The start of the UTC (= local) hour holding <paramref name="unixMs"/>.</summary>
    public static long HourStart(long unixMs)
    {
        long start = unixMs / HourMs * HourMs;
        return start > unixMs ? start - HourMs : start;
    }

    /// <summary>
    /// A time as people type it, ISO 8601: with an offset (or Z) that instant; without one Stockholm wall-clock time (a
    /// date alone is its local midnight). Returns Unix ms, or false with an error saying what is accepted.
    /// </summary>
    public static bool TryParse(string? text, out long unixMs, out string? error)
    {
        unixMs = 0;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"A time is missing ({Accepted}).";
            return false;
        }

        text = text.Trim();
        if (HasOffset(text))
        {
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset instant))
            {
                unixMs = instant.ToUnixTimeMilliseconds();
                return true;
            }
        }
        else if (DateTime.TryParseExact(text, s_localFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime local))
        {
            unixMs = FromLocal(local);
            return true;
        }

        error = $"'{text}' is not a time ({Accepted}).";
        return false;
    }

    private static bool HasOffset(string text)
    {
        if (text.EndsWith('Z') || text.EndsWith('z'))
        {
            return true;
        }

        int t = text.IndexOfAny(['T', ' ']);
        return t >= 0 && text.LastIndexOfAny(['+', '-']) > t;
    }

    private static TimeZoneInfo Load()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(ZoneId);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return CreateEuropeanRule();
        }
    }

    /// <summary>
    /// The EU rule (CET/CEST, switching at 01:00 UTC on the last Sundays of March and October): the zone where the
    /// system has no tzdata (a slim container), so local hours stay right.
    /// </summary>
    public static TimeZoneInfo CreateEuropeanRule()
    {
        // Local transitions: 02:00 CET -> 03:00 CEST on the last Sunday of March, back at 03:00 CEST in October.
        TimeZoneInfo.TransitionTime start = TimeZoneInfo.TransitionTime.CreateFloatingDateRule(
            new DateTime(1, 1, 1, 2, 0, 0, DateTimeKind.Unspecified), 3, 5, DayOfWeek.Sunday);
        TimeZoneInfo.TransitionTime end = TimeZoneInfo.TransitionTime.CreateFloatingDateRule(
            new DateTime(1, 1, 1, 3, 0, 0, DateTimeKind.Unspecified), 10, 5, DayOfWeek.Sunday);
        TimeZoneInfo.AdjustmentRule rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
            DateTime.MinValue.Date, DateTime.MaxValue.Date, TimeSpan.FromHours(1), start, end);
        return TimeZoneInfo.CreateCustomTimeZone(ZoneId, TimeSpan.FromHours(1), ZoneId, "CET", "CEST", [rule]);
    }
}
