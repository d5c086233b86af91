using System.Globalization;

namespace Ale.Speed.Worker.Configuration;

/// <summary>What people read and type is Europe/Stockholm time; what is stored is UTC.</summary>
public static class LocalTime
{
    public static TimeZoneInfo Stockholm { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    /// <summary>
    /// Parses ISO 8601. A value with an offset (or Z) means that instant; a value without one is Stockholm wall-clock
    /// time (a date alone is its local midnight). Returns Unix milliseconds.
    /// </summary>
    public static bool TryParse(string? text, out long unixMs)
    {
        unixMs = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        bool hasOffset = text.EndsWith('Z') || HasExplicitOffset(text);
        if (hasOffset)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset instant))
            {
                return false;
            }

            unixMs = instant.ToUnixTimeMilliseconds();
            return true;
        }

        string[] formats = ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];
        if (!DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime local))
        {
            return false;
        }

        unixMs = FromLocal(local);
        return true;
    }

    /// <summary>Stockholm wall-clock time to Unix ms; a time skipped by the spring shift is taken as the instant after it.</summary>
    public static long FromLocal(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (Stockholm.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }

        TimeSpan offset = Stockholm.IsAmbiguousTime(local) ? Stockholm.GetAmbiguousTimeOffsets(local).Max() : Stockholm.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUnixTimeMilliseconds();
    }

    public static DateTimeOffset ToLocal(long unixMs) => TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(unixMs), Stockholm);

    private static bool HasExplicitOffset(string text)
    {
        int t = text.IndexOf('T', StringComparison.Ordinal);
        if (t < 0)
        {
            return false;
        }

        int sign = text.LastIndexOfAny(['+', '-']);
        return sign > t;
    }
}
