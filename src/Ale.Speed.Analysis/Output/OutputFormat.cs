namespace Ale.Speed.Analysis.Output;

/// <summary>What a command writes to standard output.</summary>
public enum OutputFormat : byte
{
    /// <summary>Plain text with aligned columns, for a terminal.</summary>
    Table = 0,
    /// <summary>RFC 4180 CSV, invariant culture, for spreadsheets.</summary>
    Csv = 1,
    /// <summary>JSON (camelCase, ISO 8601 times), for programs.</summary>
    Json = 2,
    /// <summary>A self-contained printable HTML page (report only).</summary>
    Html = 3,
}

/// <summary>The names the CLI accepts for formats and groupings.</summary>
public static class OutputNames
{
    public static bool TryParseFormat(string? text, out OutputFormat format)
    {
        format = text?.Trim().ToLowerInvariant() switch
        {
            "table" or null or "" => OutputFormat.Table,
            "csv" => OutputFormat.Csv,
            "json" => OutputFormat.Json,
            "html" => OutputFormat.Html,
            _ => (OutputFormat)255,
        };
        return (byte)format != 255;
    }

    /// <summary>The names <see cref="TryParseGrouping"/> accepts, for messages.</summary>
    public const string GroupingNames = "total, day, week, hour-of-week";

    public static bool TryParseGrouping(string? text, out Reports.ReportGrouping grouping)
    {
        grouping = text?.Trim().ToLowerInvariant() switch
        {
            "total" or null or "" => Reports.ReportGrouping.Total,
            "day" => Reports.ReportGrouping.Day,
            "week" => Reports.ReportGrouping.Week,
            "hour-of-week" => Reports.ReportGrouping.HourOfWeek,
            _ => (Reports.ReportGrouping)255,
        };
        return (byte)grouping != 255;
    }

    public static string Name(Reports.ReportGrouping grouping) => grouping switch
    {
        Reports.ReportGrouping.Day => "day",
        Reports.ReportGrouping.Week => "week",
        Reports.ReportGrouping.HourOfWeek => "hour-of-week",
        _ => "total",
    };

    public static bool TryParseKind(string? text, out Hotspots.HotspotKind kind)
    {
        kind = text?.Trim().ToLowerInvariant() switch
        {
            "speeding" or null or "" => Hotspots.HotspotKind.Speeding,
            "atraktor" => Hotspots.HotspotKind.ATraktor,
            _ => (Hotspots.HotspotKind)255,
        };
        return (byte)kind != 255;
    }
}
