namespace Ale.Speed.Influx.Bins;

/// <summary>
/// The stored form of a bin (docs/schema.md). One point per bin in measurement <c>speed_bin</c>, tagged with site,
/// direction, display mode and writer, timestamped with the window's start; fields a planner can chart directly
/// (count, mean, V85, share over the limit, band counts…) and the exact parts (<c>hist</c>, <c>over</c>, sums, max,
/// class counts) from which any statistic over any set of bins is recomputed exactly.
/// </summary>
public static class BinSchema
{
    public const string Measurement = "speed_bin";

    /// <summary>Hour rollups: the merge of a writer's bins whose window starts in the hour; same tags and fields.</summary>
    public const string HourMeasurement = "speed_bin_1h";

    /// <summary>Day rollups: the merge of a writer's bins whose window starts in the local (Stockholm) day.</summary>
    public const string DayMeasurement = "speed_bin_1d";

    /// <summary>Month rollups: the merge of a writer's day rollups of one local (Stockholm) calendar month.</summary>
    public const string MonthMeasurement = "speed_bin_1mo";

    /// <summary>Hours of the week per local calendar month: the merge of a writer's hour rollups of one hour of the week in the month.</summary>
    public const string MonthHourOfWeekMeasurement = "speed_bin_1mo_how";

    /// <summary>Hours of the week per local calendar year: the merge of a writer's <see cref="MonthHourOfWeekMeasurement"/> points of the year.</summary>
    public const string YearHourOfWeekMeasurement = "speed_bin_1y_how";

    public const string SiteTag = "site";
    public const string DirectionTag = "direction";
    public const string DisplayTag = "display";
    public const string WriterTag = "writer";

    /// <summary>Rollups only: the limit of the windows merged (a limit changed within an hour or day makes one rollup per limit).</summary>
    public const string LimitTag = "limit";

    public const string WindowSecondsField = "window_s";
    public const string CountField = "count";
    public const string LimitField = "limit_kmh";
    public const string MeanField = "mean_kmh";
    public const string StandardDeviationField = "sd_kmh";
    public const string V50Field = "v50_kmh";
    public const string V85Field = "v85_kmh";
    public const string V95Field = "v95_kmh";
    public const string MaxField = "max_kmh";
    public const string WithinLimitField = "within_limit";
    public const string WithinLimitPlus5Field = "within_limit_5";
    public const string OverLimitField = "over_limit";
    public const string Over30Field = "over_limit_30";
    public const string ShareOverLimitField = "share_over_limit";
    public const string FineFieldPrefix = "fine_";
    public const string ClassFieldPrefix = "class_";

    /// <summary>Counts per <see cref="Core.Bins.LengthPattern"/>, written only when the bin holds a passage with a reported length.</summary>
    public static readonly string[] LengthFields = ["len_reported", "len_car_25_35", "len_short_25_35", "len_short_over_45"];

    // The exact parts.
    public const string SumField = "sum_centi";
    public const string SumOfSquaresField = "sumsq_centi2";
    public const string MaxCentiField = "max_centi";
    public const string HistogramField = "hist";
    public const string OverLimitBucketsField = "over";

    /// <summary>Rollups only: bit i set when the rollup's hour i (from its start) holds a bin, so coverage survives rolling up.</summary>
    public const string HoursField = "hours";

    /// <summary>
    /// Month rollups only, instead of <see cref="HoursField"/> (a month has up to 745 hours): the hour bitmap as hex
    /// digits, digit j holding hours 4j to 4j + 3 (bit 1 = hour 4j, bit 8 = hour 4j + 3), trailing zero digits left out.
    /// </summary>
    public const string HourMapField = "hour_map";

    /// <summary>
    /// Hour-of-week levels only, instead of <see cref="HoursField"/>: bit i set when the i-th hour of the point's hour of
    /// the week in its month or year (in time order; <see cref="Core.Bins.HourOfWeekCalendar"/>) holds data.
    /// </summary>
    public const string OccurrencesField = "occurrences";

    /// <summary>The measurement holding <paramref name="level"/>.</summary>
    public static string MeasurementOf(Core.Bins.RollupLevel level) => level switch
    {
        Core.Bins.RollupLevel.Hour => HourMeasurement,
        Core.Bins.RollupLevel.Day => DayMeasurement,
        Core.Bins.RollupLevel.Month => MonthMeasurement,
        Core.Bins.RollupLevel.MonthHourOfWeek => MonthHourOfWeekMeasurement,
        Core.Bins.RollupLevel.YearHourOfWeek => YearHourOfWeekMeasurement,
        _ => Measurement,
    };

    public static string DirectionName(Core.Vehicles.Direction direction) => direction switch
    {
        Core.Vehicles.Direction.Approaching => "in",
        Core.Vehicles.Direction.Receding => "out",
        _ => "unknown",
    };

    public static bool TryParseDirection(string? name, out Core.Vehicles.Direction direction)
    {
        direction = name switch
        {
            "in" => Core.Vehicles.Direction.Approaching,
            "out" => Core.Vehicles.Direction.Receding,
            "unknown" => Core.Vehicles.Direction.Unknown,
            _ => (Core.Vehicles.Direction)255,
        };
        return (byte)direction != 255;
    }

    public static string DisplayName(Core.Sites.DisplayMode mode) => mode == Core.Sites.DisplayMode.Stealth ? "stealth" : "on";

    /// <summary>The display mode a stored <see cref="DisplayTag"/> names (anything but <c>stealth</c> is a display that shows the speed).</summary>
    public static Core.Sites.DisplayMode DisplayOf(string? name) => name == "stealth" ? Core.Sites.DisplayMode.Stealth : Core.Sites.DisplayMode.DisplayOn;

    public static string ClassName(Core.Vehicles.VehicleClass vehicleClass) => vehicleClass switch
    {
        Core.Vehicles.VehicleClass.ATraktor => "atraktor",
        _ => vehicleClass.ToString().ToLowerInvariant(),
    };

    /// <summary>"11-15" → <c>fine_11_15</c>, "over 40" → <c>fine_over_40</c>.</summary>
    public static string FineFieldName(string bandLabel) => FineFieldPrefix + bandLabel.Replace('-', '_').Replace(' ', '_');
}
