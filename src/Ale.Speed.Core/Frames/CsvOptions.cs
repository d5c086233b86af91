using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Frames;

/// <summary>How a CSV export is written, beyond its columns (<see cref="CsvColumnMap"/>).</summary>
/// <param name="TimeZone">
/// The zone of timestamps written without an offset (the caller passes Europe/Stockholm by default). Timestamps with
/// <c>Z</c> or an offset, and epoch milliseconds, are absolute and ignore it.
/// </param>
public sealed record CsvOptions(TimeZoneInfo TimeZone)
{
    /// <summary>The field separator: <c>,</c>, <c>;</c> or a tab; null to detect it from the header line.</summary>
    public char? Separator { get; init; }

    /// <summary>Whether numbers use a decimal comma (a point is read too); null for "yes unless the separator is a comma".</summary>
    public bool? DecimalComma { get; init; }

    /// <summary>The unit of the speed column.</summary>
    public SpeedUnit SpeedUnit { get; init; } = SpeedUnit.KilometresPerHour;

    /// <summary>
    /// .NET custom date and time formats (invariant culture, e.g. <c>M/d/yyyy h:mm:ss tt</c>) for the <c>ts</c> column,
    /// or for <c>date</c> and <c>time</c> joined by one space; the first that fits wins. Null for the built-in ISO 8601
    /// and <c>yyyy-MM-dd HH:mm:ss</c> forms and epoch milliseconds.
    /// </summary>
    public IReadOnlyList<string>? TimeFormats { get; init; }

    /// <summary>
    /// The values of the <c>dir</c> column (a direction, lane or channel; case-insensitive) and the direction each
    /// stands for; a value not in it is <see cref="RejectReason.InvalidDirection"/>. Null for the built-in words.
    /// </summary>
    public IReadOnlyDictionary<string, Direction>? Directions { get; init; }

    /// <summary>
    /// The values of the <c>class</c> column (case-insensitive) and the class each stands for; a value not in it is
    /// <see cref="RejectReason.InvalidField"/>. Null for the canonical class names.
    /// </summary>
    public IReadOnlyDictionary<string, VehicleClass>? Classes { get; init; }
}

/// <summary>The <c>value=target,…</c> maps of <see cref="CsvOptions.Directions"/> and <see cref="CsvOptions.Classes"/>, from text.</summary>
public static class CsvValueMap
{
    /// <summary><c>1=in,2=out</c>: values of a direction, lane or channel column to <c>in</c> (approaching) or <c>out</c> (receding).</summary>
    public static bool TryParseDirections(string? text, [NotNullWhen(true)] out IReadOnlyDictionary<string, Direction>? map, [NotNullWhen(false)] out string? error)
        => TryParse(text, "in or out", static target => target switch
        {
            "in" => Direction.Approaching,
            "out" => Direction.Receding,
            _ => null,
        }, out map, out error);

    /// <summary><c>1=car,2=heavy</c>: values of a class column to the canonical class names.</summary>
    public static bool TryParseClasses(string? text, [NotNullWhen(true)] out IReadOnlyDictionary<string, VehicleClass>? map, [NotNullWhen(false)] out string? error)
        => TryParse(text, "one of car, heavy, moped, atraktor, motorcycle, bicycle, other, unknown",
            static target => VehicleClassNames.TryParse(Encoding.UTF8.GetBytes(target), out VehicleClass parsed) ? parsed : null, out map, out error);

    /// <summary>Checks that each format can format a date at all (a broken custom format throws there); the message names it.</summary>
    public static bool TryCheckTimeFormats(IReadOnlyList<string> formats, [NotNullWhen(false)] out string? error)
    {
        foreach (string format in formats)
        {
            try
            {
                if (string.IsNullOrWhiteSpace(format) || new DateTime(2023, 11, 6, 11, 54, 57, DateTimeKind.Unspecified).ToString(format, CultureInfo.InvariantCulture).Length == 0)
                {
                    error = $"'{format}' is not a date and time format.";
                    return false;
                }
            }
            catch (FormatException)
            {
                error = $"'{format}' is not a .NET date and time format.";
                return false;
            }
        }

        error = null;
        return true;
    }

    private static bool TryParse<T>(string? text, string targets, Func<string, T?> parseTarget,
        [NotNullWhen(true)] out IReadOnlyDictionary<string, T>? map, [NotNullWhen(false)] out string? error)
        where T : struct
    {
        map = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the map is empty; write value=target pairs separated by commas.";
            return false;
        }

        var entries = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
        foreach (string entry in text.Split(','))
        {
            int equals = entry.IndexOf('=', StringComparison.Ordinal);
            string value = equals < 0 ? "" : entry[..equals].Trim();
            if (value.Length == 0)
            {
                error = $"entry '{entry.Trim()}' is not value=target.";
                return false;
            }

            string target = entry[(equals + 1)..].Trim();
            if (parseTarget(target.ToLowerInvariant()) is not { } parsed)
            {
                error = $"entry '{entry.Trim()}': '{target}' is not {targets}.";
                return false;
            }

            if (!entries.TryAdd(value, parsed))
            {
                error = $"value '{value}' is mapped twice.";
                return false;
            }
        }

        map = entries;
        error = null;
        return true;
    }
}
