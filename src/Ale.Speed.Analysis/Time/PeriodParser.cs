using Ale.Speed.Core.Time;

namespace Ale.Speed.Analysis.Time;

/// <summary>
/// Parses the times people type: ISO 8601, with an offset (or Z) meaning that instant, without one meaning Stockholm
/// wall-clock time (a date alone is its local midnight). Errors say what was wrong and what is accepted.
/// </summary>
public static class PeriodParser
{
    /// <summary>One time as Unix ms (<see cref="StockholmTime.TryParse"/>).</summary>
    public static bool TryParseTime(string? text, out long unixMs, out string? error) => StockholmTime.TryParse(text, out unixMs, out error);

    /// <summary><c>--from</c> and <c>--to</c>: [from, to), from before to.</summary>
    public static bool TryParse(string? from, string? to, out Period period, out string? error)
    {
        period = default;
        if (!TryParseTime(from, out long fromMs, out error))
        {
            error = "--from: " + error;
            return false;
        }

        if (!TryParseTime(to, out long toMs, out error))
        {
            error = "--to: " + error;
            return false;
        }

        if (toMs <= fromMs)
        {
            error = $"--to ({to}) must come after --from ({from}); the range is [from, to).";
            return false;
        }

        period = new Period(fromMs, toMs);
        return true;
    }

    /// <summary>A <c>FROM/TO</c> pair, as <c>--before</c> and <c>--after</c> take.</summary>
    public static bool TryParseRange(string? text, out Period period, out string? error)
    {
        period = default;
        int slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (text is null || slash <= 0 || slash != text.LastIndexOf('/') || slash == text.Length - 1)
        {
            error = $"'{text}' is not a FROM/TO range (e.g. 2026-03-01/2026-04-01, Stockholm time unless an offset is given).";
            return false;
        }

        return TryParse(text[..slash], text[(slash + 1)..], out period, out error);
    }

    /// <summary>Like <see cref="TryParse"/>, throwing <see cref="FormatException"/> with the message on failure.</summary>
    public static Period Parse(string from, string to)
        => TryParse(from, to, out Period period, out string? error) ? period : throw new FormatException(error);

    /// <summary>Like <see cref="TryParseRange"/>, throwing <see cref="FormatException"/> with the message on failure.</summary>
    public static Period ParseRange(string text)
        => TryParseRange(text, out Period period, out string? error) ? period : throw new FormatException(error);
}
