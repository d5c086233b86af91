namespace Ale.Speed.Core.Frames;

/// <summary>
/// The date-time texts that logs and spreadsheets write, without allocation: ISO 8601 with <c>T</c> or a space,
/// <c>yyyy/MM/dd HH:mm:ss</c>, an optional fraction, an optional offset; integer epoch milliseconds.
/// </summary>
/// <remarks>
/// A time without an offset is read as wall-clock milliseconds (see <see cref="Time.LocalTime"/>, which turns them into
/// a real instant).
/// </remarks>
internal static class TimestampText
{
    /// <summary>Epoch milliseconds of 9999-12-31T23:59:59.999Z, the end of what ISO 8601 text can say too.</summary>
    public const long MaxEpochMilliseconds = 253_402_300_799_999;

    private const long MillisecondsPerDay = 86_400_000;

    /// <summary>
    /// Reads a date-time at the start of <paramref name="text"/>: a date (<see cref="TryReadDate"/>), <c>T</c>,
    /// <c>t</c> or one space, a time of day with optional fraction and offset (<see cref="TryReadTime"/>).
    /// <paramref name="consumed"/> says where it ended; what follows is the caller's business.
    /// </summary>
    /// <param name="timeMs">With an offset, UTC milliseconds; without, wall-clock milliseconds.</param>
    public static bool TryReadDateTime(ReadOnlySpan<byte> text, bool allowCommaFraction, out long timeMs, out bool hasOffset, out int consumed)
    {
        timeMs = 0;
        hasOffset = false;
        consumed = 0;
        int position = 0;
        if (!TryReadDate(text, ref position, out long days)
            || (uint)position >= (uint)text.Length || text[position] is not ((byte)'T' or (byte)'t' or (byte)' '))
        {
            return false;
        }

        position++;
        if (!TryReadTime(text, ref position, allowCommaFraction, out long timeOfDayMs, out hasOffset, out int offsetMinutes))
        {
            return false;
        }

        timeMs = (days * MillisecondsPerDay) + timeOfDayMs - (offsetMinutes * 60_000L);
        consumed = position;
        return true;
    }

    /// <summary>The whole of <paramref name="text"/> is a date-time (see <see cref="TryReadDateTime"/>).</summary>
    public static bool TryParseDateTime(ReadOnlySpan<byte> text, bool allowCommaFraction, out long timeMs, out bool hasOffset)
        => TryReadDateTime(text, allowCommaFraction, out timeMs, out hasOffset, out int consumed) && consumed == text.Length;

    /// <summary>The whole of <paramref name="text"/> is a date, <c>yyyy-MM-dd</c> or <c>yyyy/MM/dd</c>; gives days since 1970-01-01.</summary>
    public static bool TryParseDate(ReadOnlySpan<byte> text, out long days)
    {
        int position = 0;
        return TryReadDate(text, ref position, out days) && position == text.Length;
    }

    /// <summary>The whole of <paramref name="text"/> is a time of day (see <see cref="TryReadTime"/>).</summary>
    public static bool TryParseTime(ReadOnlySpan<byte> text, bool allowCommaFraction, out long timeOfDayMs, out bool hasOffset, out int offsetMinutes)
    {
        int position = 0;
        return TryReadTime(text, ref position, allowCommaFraction, out timeOfDayMs, out hasOffset, out offsetMinutes) && position == text.Length;
    }

    /// <summary>The whole of <paramref name="text"/> is 1 to 15 digits of non-negative epoch milliseconds up to year 9999.</summary>
    public static bool TryParseEpochMilliseconds(ReadOnlySpan<byte> text, out long epochMs)
        => AsciiNumber.TryParseNonNegativeInteger(text, 15, out epochMs) && epochMs <= MaxEpochMilliseconds;

    /// <summary><c>yyyy-MM-dd</c> or <c>yyyy/MM/dd</c> (the same separator twice), a real calendar date.</summary>
    public static bool TryReadDate(ReadOnlySpan<byte> text, ref int position, out long days)
    {
        days = 0;
        ReadOnlySpan<byte> date = text[position..];
        if (date.Length < 10
            || !IsoTimestamp.TryTwoDigits(date, 0, out int century) || !IsoTimestamp.TryTwoDigits(date, 2, out int yearOfCentury)
            || date[4] is not ((byte)'-' or (byte)'/') || date[7] != date[4]
            || !IsoTimestamp.TryTwoDigits(date, 5, out int month) || !IsoTimestamp.TryTwoDigits(date, 8, out int day))
        {
            return false;
        }

        int year = (century * 100) + yearOfCentury;
        if (month is < 1 or > 12 || day < 1 || day > IsoTimestamp.DaysInMonth(year, month))
        {
            return false;
        }

        days = IsoTimestamp.DaysFromCivil(year, month, day);
        position += 10;
        return true;
    }

    /// <summary>
    /// <c>HH:mm:ss</c>, then optionally <c>.</c> (or <c>,</c> when <paramref name="allowCommaFraction"/>) and one or more
    /// digits (below the millisecond truncated), then optionally <c>Z</c>, <c>±hh:mm</c> or <c>±hhmm</c>. A leap second
    /// (60) is rejected. The offset is not applied: the caller subtracts <paramref name="offsetMinutes"/>.
    /// </summary>
    public static bool TryReadTime(ReadOnlySpan<byte> text, ref int position, bool allowCommaFraction, out long timeOfDayMs, out bool hasOffset, out int offsetMinutes)
    {
        timeOfDayMs = 0;
        hasOffset = false;
        offsetMinutes = 0;
        ReadOnlySpan<byte> time = text[position..];
        if (time.Length < 8
            || !IsoTimestamp.TryTwoDigits(time, 0, out int hour) || time[2] != ':' || !IsoTimestamp.TryTwoDigits(time, 3, out int minute)
            || time[5] != ':' || !IsoTimestamp.TryTwoDigits(time, 6, out int second)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        int i = 8;
        int millisecond = 0;
        if (i < time.Length && (time[i] == '.' || (allowCommaFraction && time[i] == ','))
            && !IsoTimestamp.TryReadMilliseconds(time, ref i, out millisecond))
        {
            return false;
        }

        if (i < time.Length)
        {
            if ((time[i] | 0x20) == 'z')
            {
                hasOffset = true;
                i++;
            }
            else if (time[i] is (byte)'+' or (byte)'-' && TryReadOffset(time[i..], out offsetMinutes, out int offsetLength))
            {
                hasOffset = true;
                i += offsetLength;
            }
        }

        timeOfDayMs = (((hour * 3600L) + (minute * 60L) + second) * 1000L) + millisecond;
        position += i;
        return true;
    }

    private static bool TryReadOffset(ReadOnlySpan<byte> text, out int minutes, out int length)
    {
        minutes = 0;
        length = 0;
        if (text.Length >= 6 && text[3] == ':')
        {
            length = 6;
        }
        else if (text.Length >= 5)
        {
            length = 5;
        }
        else
        {
            return false;
        }

        if (!IsoTimestamp.TryTwoDigits(text, 1, out int hours) || !IsoTimestamp.TryTwoDigits(text, length - 2, out int offsetMinutes)
            || hours > 23 || offsetMinutes > 59)
        {
            return false;
        }

        minutes = (hours * 60) + offsetMinutes;
        if (text[0] == '-')
        {
            minutes = -minutes;
        }

        return true;
    }
}
