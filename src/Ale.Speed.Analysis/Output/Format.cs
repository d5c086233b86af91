using System.Globalization;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Time;

namespace Ale.Speed.Analysis.Output;

/// <summary>Number and time formatting shared by the renderers (invariant culture; NaN shown as "-" in tables, left empty in CSV).</summary>
internal static class Format
{
    private static readonly string[] s_fixed = ["F0", "F1", "F2", "F3"];

    public static string Number(double value, int decimals = 1)
        => double.IsFinite(value) ? value.ToString(Fixed(decimals), CultureInfo.InvariantCulture) : "-";

    public static string Percent(double share, int decimals = 1)
        => double.IsFinite(share) ? (share * 100).ToString(Fixed(decimals), CultureInfo.InvariantCulture) + "%" : "-";

    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary><see cref="Number(double, int)"/> written into <paramref name="buffer"/>, for a caller that copies it at once.</summary>
    public static ReadOnlySpan<char> Number(Span<char> buffer, double value, int decimals = 1)
    {
        if (double.IsFinite(value) && value.TryFormat(buffer, out int length, Fixed(decimals), CultureInfo.InvariantCulture))
        {
            return buffer[..length];
        }

        return Number(value, decimals);
    }

    /// <summary><see cref="Percent(double, int)"/> written into <paramref name="buffer"/>, for a caller that copies it at once.</summary>
    public static ReadOnlySpan<char> Percent(Span<char> buffer, double share, int decimals = 1)
    {
        if (double.IsFinite(share) && (share * 100).TryFormat(buffer, out int length, Fixed(decimals), CultureInfo.InvariantCulture) && length < buffer.Length)
        {
            buffer[length] = '%';
            return buffer[..(length + 1)];
        }

        return Percent(share, decimals);
    }

    /// <summary><see cref="Integer(long)"/> written into <paramref name="buffer"/>, for a caller that copies it at once.</summary>
    public static ReadOnlySpan<char> Integer(Span<char> buffer, long value)
        => value.TryFormat(buffer, out int length, default, CultureInfo.InvariantCulture) ? buffer[..length] : Integer(value);

    // The format strings of the usual decimals, made once: tables format every figure of every row.
    private static string Fixed(int decimals)
        => (uint)decimals < (uint)s_fixed.Length ? s_fixed[decimals] : "F" + decimals.ToString(CultureInfo.InvariantCulture);

    /// <summary>"+1.2", "-0.4"; a change that rounds to zero is "0.0", never "-0.0".</summary>
    public static string Signed(double value, int decimals = 1)
    {
        if (!double.IsFinite(value))
        {
            return "-";
        }

        string magnitude = Number(Math.Abs(value), decimals);
        return magnitude.AsSpan().Trim("0.").IsEmpty ? magnitude : (value > 0 ? "+" : "-") + magnitude;
    }

    /// <summary>ISO 8601 local time with its offset, e.g. 2026-03-02T07:00:00+01:00.</summary>
    public static string LocalIso(long unixMs) => StockholmTime.ToLocal(unixMs).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>Short local time for people: 2026-03-02 07:00.</summary>
    public static string LocalShort(long unixMs) => StockholmTime.ToLocal(unixMs).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static DateTimeOffset Local(long unixMs) => StockholmTime.ToLocal(unixMs);

    public static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
