using System.Runtime.CompilerServices;

namespace Ale.Speed.Core.Frames;

/// <summary>ISO 8601 / RFC 3339 date-times with an explicit offset, to Unix milliseconds, without allocation.</summary>
internal static class IsoTimestamp
{
    private const long MillisecondsPerDay = 86_400_000;

    /// <summary>
    /// Parses <c>yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm|±hhmm)</c>. <c>T</c> and <c>Z</c> may be lower case.
    /// Any number of fraction digits; digits below the millisecond are truncated. A leap second (60) is rejected.
    /// </summary>
    public static bool TryParseUnixMs(ReadOnlySpan<byte> text, out long unixMs)
    {
        unixMs = 0;
        if (text.Length < 20
            || !TryTwoDigits(text, 0, out int century) || !TryTwoDigits(text, 2, out int yearOfCentury)
            || text[4] != '-' || !TryTwoDigits(text, 5, out int month)
            || text[7] != '-' || !TryTwoDigits(text, 8, out int day)
            || (text[10] | 0x20) != 't'
            || !TryTwoDigits(text, 11, out int hour)
            || text[13] != ':' || !TryTwoDigits(text, 14, out int minute)
            || text[16] != ':' || !TryTwoDigits(text, 17, out int second))
        {
            return false;
        }

        int year = (century * 100) + yearOfCentury;

        if (month is < 1 or > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        int i = 19;
        int millisecond = 0;
        if (text[i] == '.' && !TryReadMilliseconds(text, ref i, out millisecond))
        {
            return false;
        }

        if (!TryOffsetMinutes(text[i..], out int offsetMinutes))
        {
            return false;
        }

        long days = DaysFromCivil(year, month, day);
        unixMs = (days * MillisecondsPerDay)
            + (((hour * 3600L) + (minute * 60L) + second - (offsetMinutes * 60L)) * 1000L)
            + millisecond;
        return true;
    }

    private static bool TryOffsetMinutes(ReadOnlySpan<byte> text, out int minutes)
    {
        minutes = 0;
        if (text.Length == 1 && (text[0] | 0x20) == 'z')
        {
            return true;
        }

        if (text.Length is not (5 or 6) || (text[0] != '+' && text[0] != '-'))
        {
            return false;
        }

        int minuteAt = text.Length == 6 ? 4 : 3;
        if ((text.Length == 6 && text[3] != ':')
            || !TryTwoDigits(text, 1, out int offsetHours) || !TryTwoDigits(text, minuteAt, out int offsetMinutes)
            || offsetHours > 23 || offsetMinutes > 59)
        {
            return false;
        }

        minutes = (offsetHours * 60) + offsetMinutes;
        if (text[0] == '-')
        {
            minutes = -minutes;
        }

        return true;
    }

    /// <summary>
    /// The fraction after the separator at <paramref name="i"/>: any number of digits, those below the millisecond
    /// truncated. Moves <paramref name="i"/> past them; false when there is none.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryReadMilliseconds(ReadOnlySpan<byte> text, ref int i, out int millisecond)
    {
        millisecond = 0;
        int fractionStart = ++i;
        while (i < text.Length && AsciiNumber.IsDigit(text[i]))
        {
            if (i - fractionStart < 3)
            {
                millisecond = (millisecond * 10) + (text[i] - '0');
            }

            i++;
        }

        int fractionDigits = i - fractionStart;
        for (int pad = fractionDigits; pad < 3; pad++)
        {
            millisecond *= 10;
        }

        return fractionDigits > 0;
    }

    /// <summary>Two ASCII digits at <paramref name="start"/>; callers have checked that the text is long enough.</summary>
    internal static bool TryTwoDigits(ReadOnlySpan<byte> text, int start, out int value)
    {
        uint tens = (uint)(text[start] - '0');
        uint ones = (uint)(text[start + 1] - '0');
        value = (int)((tens * 10) + ones);
        return tens <= 9 && ones <= 9;
    }

    internal static bool IsLeapYear(int year) => (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    internal static int DaysInMonth(int year, int month) => month switch
    {
        2 => IsLeapYear(year) ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    /// <summary>Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).</summary>
    internal static long DaysFromCivil(int year, int month, int day)
    {
        long y = month <= 2 ? year - 1 : year;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yearOfEra = y - (era * 400);
        long dayOfYear = ((153 * (month + (month > 2 ? -3 : 9))) + 2) / 5 + day - 1;
        long dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return (era * 146_097) + dayOfEra - 719_468;
    }
}
