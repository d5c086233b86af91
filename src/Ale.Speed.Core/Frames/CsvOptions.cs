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
}
