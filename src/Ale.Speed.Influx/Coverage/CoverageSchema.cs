using Ale.Speed.Core.Sites;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.LineProtocol;

namespace Ale.Speed.Influx.Coverage;

/// <summary>
/// One unit alive in one window: it sent frames of any kind, or its line was open and it had not been silent longer than
/// its SilentAfter. Written by the worker, so that an hour without vehicles but with a working unit reads as an observed
/// hour with zero vehicles, not as an outage.
/// </summary>
/// <param name="Frames">Frames of any kind read from the unit in the window (vehicles, rejects, range reports, device messages).</param>
/// <param name="Connected">The unit's serial port or the worker's MQTT session was open during the window.</param>
public readonly record struct CoveragePoint(string SiteId, string UnitId, DisplayMode DisplayMode, long WindowStartMs, long WindowMs, long Frames, bool Connected);

/// <summary>
/// The stored form of coverage (docs/schema.md): measurement <c>unit_coverage</c>, one point per unit and window,
/// tagged with site, unit, display mode and writer, timestamped with the window's start. A point exists only for a
/// window in which the unit was alive; rewriting it is idempotent.
/// </summary>
public static class CoverageSchema
{
    public const string Measurement = "unit_coverage";

    /// <summary>Day rollups of coverage (<see cref="CoverageDays"/>): per unit, writer and local day, the hours alive as a mask.</summary>
    public const string DayMeasurement = "unit_coverage_1d";

    public const string UnitTag = "unit";
    public const string WindowSecondsField = "window_s";
    public const string FramesField = "frames";
    public const string ConnectedField = "connected";
    public const string HoursField = "hours";
    public const string WindowsField = "windows";

    public static void Write(LineProtocolWriter writer, in CoveragePoint point, string writerId, TimestampPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Measurement(Measurement)
            .Tag(BinSchema.SiteTag, point.SiteId)
            .Tag(UnitTag, point.UnitId)
            .Tag(BinSchema.DisplayTag, BinSchema.DisplayName(point.DisplayMode))
            .Tag(BinSchema.WriterTag, writerId)
            .Field(WindowSecondsField, point.WindowMs / 1000)
            .Field(FramesField, point.Frames)
            .Field(ConnectedField, point.Connected)
            .Timestamp(point.WindowStartMs, precision);
    }

    /// <summary>A unit's day: bit i of <paramref name="hourMask"/> set when hour i from the local midnight <paramref name="dayStartMs"/> held an alive window.</summary>
    public static void WriteDay(LineProtocolWriter writer, string siteId, string unitId, DisplayMode display, string writerId, long dayStartMs, long dayLengthMs,
        ulong hourMask, long windows, TimestampPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Measurement(DayMeasurement)
            .Tag(BinSchema.SiteTag, siteId)
            .Tag(UnitTag, unitId)
            .Tag(BinSchema.DisplayTag, BinSchema.DisplayName(display))
            .Tag(BinSchema.WriterTag, writerId)
            .Field(WindowSecondsField, dayLengthMs / 1000)
            .Field(HoursField, (long)hourMask)
            .Field(WindowsField, windows)
            .Timestamp(dayStartMs, precision);
    }

    /// <summary>The day rollups' measurement, in the rollups' own retention policy when they have one.</summary>
    internal static string DayMeasurementIn(string? rollupRetentionPolicy)
        => string.IsNullOrWhiteSpace(rollupRetentionPolicy) ? $"\"{DayMeasurement}\"" : $"\"{rollupRetentionPolicy.Replace("\"", "\\\"", StringComparison.Ordinal)}\".\"{DayMeasurement}\"";
}
