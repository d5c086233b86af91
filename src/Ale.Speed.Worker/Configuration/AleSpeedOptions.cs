using System.ComponentModel.DataAnnotations;

namespace Ale.Speed.Worker.Configuration;

/// <summary>
/// The <c>AleSpeed</c> configuration section: JSON file plus environment variables (<c>AleSpeed__Influx__Password</c>…).
/// Only DataDirectory, Sites, Units, Influx.Url/Api/Database (or Org/Bucket) and, with MQTT units, Mqtt.Url are required;
/// everything else has a default that works on a fresh machine. docs/configuration.md lists every key.
/// </summary>
public sealed class AleSpeedOptions
{
    public const string SectionName = "AleSpeed";

    /// <summary>Journal, checkpoint, status file and quarantine live here; created if missing.</summary>
    [Required]
    public string DataDirectory { get; set; } = "";

    /// <summary>Tag on every stored point; several workers merge when read. Default: the data directory's instance id.</summary>
    public string? WriterId { get; set; }

    public List<SiteOptions> Sites { get; set; } = [];

    public List<UnitOptions> Units { get; set; } = [];

    public BinningSettings Binning { get; set; } = new();

    public DetectorSettings Detector { get; set; } = new();

    public JournalSettings Journal { get; set; } = new();

    public InfluxSettings Influx { get; set; } = new();

    public MqttSettings Mqtt { get; set; } = new();

    public StatusSettings Status { get; set; } = new();

    public EnforcementSettings Enforcement { get; set; } = new();

    /// <summary>The commitment being followed up (<c>ale-speed followup</c>); optional.</summary>
    public CommitmentSettings? Commitment { get; set; }

    public ConcernSettings Concerns { get; set; } = new();

    /// <summary><c>ale-speed serve</c> (docs/dashboard.md).</summary>
    public Dashboard.DashboardOptions Dashboard { get; set; } = new();
}

public sealed class SiteOptions
{
    public string Id { get; set; } = "";

    public string? Name { get; set; }

    /// <summary>The limit in force (when there is no history, or before its first entry).</summary>
    public int? SpeedLimitKmh { get; set; }

    /// <summary>Limits in force from a date (local time, Europe/Stockholm, midnight when no time is given).</summary>
    public List<SpeedLimitChange> SpeedLimits { get; set; } = [];

    /// <summary>Where the site stands (WGS 84 degrees, both or neither): the dashboard's map, and residents' reports linked to the site by position.</summary>
    public double? Latitude { get; set; }

    public double? Longitude { get; set; }
}

public sealed class SpeedLimitChange
{
    public string From { get; set; } = "";

    public int LimitKmh { get; set; }
}

public sealed class UnitOptions
{
    public string Id { get; set; } = "";

    public string Site { get; set; } = "";

    /// <summary><c>mqtt</c>, <c>serial</c>, <c>stdin</c> or <c>file</c>.</summary>
    public string Transport { get; set; } = "";

    /// <summary>A frame format name (see docs/device-formats.md).</summary>
    public string Format { get; set; } = "";

    /// <summary><c>kmh</c>, <c>mps</c> or <c>mph</c>: the unit set on the device. Default km/h (OPS243 units ship in m/s: set <c>mps</c> or provision <c>UK</c>).</summary>
    public string SpeedUnit { get; set; } = "kmh";

    /// <summary>
    /// The step the unit reports speeds in, km/h (1 for whole km/h, 1.609344 for whole mph, 0 for exact). Default: one
    /// whole speed unit for formats without decimals (TMA-296, DR500), exact otherwise.
    /// </summary>
    public double? SpeedResolutionKmh { get; set; }

    /// <summary><c>round</c> (a reported k means [k − step/2, k + step/2)) or <c>truncate</c> ([k, k + step)).</summary>
    public string SpeedRounding { get; set; } = "round";

    public double MountingAngleDegrees { get; set; }

    /// <summary><c>both</c>, <c>in</c> (approaching) or <c>out</c> (receding).</summary>
    public string Directions { get; set; } = "both";

    public double MinKmh { get; set; } = 3;

    public double MaxKmh { get; set; } = 230;

    /// <summary>Readings before this time are rejected (ISO 8601).</summary>
    public string? InstalledAt { get; set; }

    /// <summary><c>on</c> (drivers see their speed) or <c>stealth</c>.</summary>
    public string DisplayMode { get; set; } = "on";

    /// <summary>A unit without a vehicle for this long is flagged silent. Default 1 hour.</summary>
    public TimeSpan SilentAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Detector settings of this unit (its beam, its report rate); each key left out takes the global <c>Detector</c> value.</summary>
    public UnitDetectorSettings? Detector { get; set; }

    /// <summary>For <c>file</c>: the path to read (frames in the unit's format).</summary>
    public string? Path { get; set; }

    public SerialSettings Serial { get; set; } = new();
}

public sealed class SerialSettings
{
    public string? Port { get; set; }

    public int BaudRate { get; set; } = 9600;

    public string Parity { get; set; } = "none";

    public int DataBits { get; set; } = 8;

    public string StopBits { get; set; } = "one";
}

public sealed class BinningSettings
{
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A changed bin is written within this time of its last change.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Vehicles older than this are rejected as too late; younger ones re-emit their complete bin.</summary>
    public TimeSpan LateHorizon { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Allowed clock skew of units ahead of this machine.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Recent vehicle identities remembered per unit to reject duplicates (restored from the journal at start).</summary>
    public int DuplicateMemory { get; set; } = 16_384;
}

public sealed class DetectorSettings
{
    public int LostAfterMs { get; set; } = 700;

    public int MinReadings { get; set; } = 2;

    public int MaxBurstMs { get; set; } = 60_000;

    public double BeamLengthMetres { get; set; } = 30;

    public double SpeedJumpShare { get; set; } = 0.15;

    public double MagnitudeDip { get; set; } = 0.5;

    public double SpeedDip { get; set; } = 0.92;

    public int HighFlowPerHour { get; set; } = 600;
}

/// <summary>A unit's own detector settings: the keys of <see cref="DetectorSettings"/>, each optional.</summary>
public sealed class UnitDetectorSettings
{
    public int? LostAfterMs { get; set; }

    public int? MinReadings { get; set; }

    public int? MaxBurstMs { get; set; }

    public double? BeamLengthMetres { get; set; }

    public double? SpeedJumpShare { get; set; }

    public double? MagnitudeDip { get; set; }

    public double? SpeedDip { get; set; }

    public int? HighFlowPerHour { get; set; }
}

public sealed class JournalSettings
{
    public long SegmentBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>When vehicles not yet stored in InfluxDB take more than this, sources are no longer acknowledged.</summary>
    public long MaxSpoolBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>
    /// Days a vehicle stays in the journal's archive after the journal lets it go, so that <c>ale-speed import</c> of a
    /// unit's read-out counts nothing the unit already sent live (about 60 bytes per vehicle). 0: no archive.
    /// </summary>
    public int ArchiveDays { get; set; } = 400;
}

public sealed class InfluxSettings
{
    public string Url { get; set; } = "";

    /// <summary><c>v1</c> (<c>/write</c>, InfluxDB 1.x) or <c>v2</c> (<c>/api/v2/write</c>: InfluxDB 1.8+, 2.x, 3.x).</summary>
    public string Api { get; set; } = "v1";

    public string? Database { get; set; }

    public string? RetentionPolicy { get; set; }

    /// <summary>1.x: the retention policy of the hour and day rollups (keep them longer than the windows); <see cref="RetentionPolicy"/> when empty.</summary>
    public string? RollupRetentionPolicy { get; set; }

    public string? Org { get; set; }

    public string? Bucket { get; set; }

    /// <summary>2.x/3.x: the bucket of the hour and day rollups (v2 API); <see cref="Bucket"/> when empty.</summary>
    public string? RollupBucket { get; set; }

    public string? User { get; set; }

    /// <summary>Prefer <see cref="PasswordFile"/> or the environment (<c>AleSpeed__Influx__Password</c>); never logged.</summary>
    public string? Password { get; set; }

    public string? PasswordFile { get; set; }

    public string? Token { get; set; }

    public string? TokenFile { get; set; }

    public int BatchLines { get; set; } = 5000;

    public bool Gzip { get; set; } = true;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Read whole hours and days from the hour and day rollups (docs/schema.md), which the worker and import keep complete.
    /// Turn off only for data written by older versions before <c>ale-speed rollup</c> has filled them in.
    /// </summary>
    public bool ReadRollups { get; set; } = true;

    /// <summary>
    /// Write month rollups (<c>speed_bin_1mo</c>), merged from the stored day rollups read back through InfluxQL (the
    /// worker's user needs read access), and read whole months from them. Off for a store without InfluxQL.
    /// </summary>
    public bool MonthRollups { get; set; } = true;

    /// <summary>The worker's background job that builds missing or stale hour-of-week levels (docs/schema.md); only with <see cref="MonthRollups"/>.</summary>
    public HourOfWeekLevelSettings HourOfWeekLevels { get; set; } = new();
}

/// <summary>
/// The worker's background job for the hour-of-week levels: at <see cref="StartDelay"/> after start and then every
/// <see cref="Interval"/>, it checks the complete months of the last <see cref="LookbackMonths"/> (and the complete
/// years they lie in) and rebuilds the levels that are missing or stale from the stored hour rollups; first it checks
/// each month rollup against its stored days and re-merges those that differ.
/// </summary>
public sealed class HourOfWeekLevelSettings
{
    public bool Enabled { get; set; } = true;

    /// <summary>After start, before the first pass (lets the worker store its journal's backlog first).</summary>
    public TimeSpan StartDelay { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How many complete months back each pass checks.</summary>
    public int LookbackMonths { get; set; } = 24;
}

public sealed class MqttSettings
{
    public string? Url { get; set; }

    public string? ClientId { get; set; }

    public string? User { get; set; }

    public string? Password { get; set; }

    public string? PasswordFile { get; set; }

    public string? CaFile { get; set; }

    public string? ClientCertificateFile { get; set; }

    public string? ClientKeyFile { get; set; }

    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Optional shared-subscription group for several workers (<c>$share/&lt;group&gt;/…</c>).</summary>
    public string? SharedGroup { get; set; }

    public string TopicPrefix { get; set; } = "ale/speed";

    /// <summary>
    /// Keep messages of units this worker is not configured for in <c>mqtt-quarantine.ndjson</c> (then acknowledge them)
    /// instead of leaving them unacknowledged with the broker.
    /// </summary>
    public bool QuarantineUnknownUnits { get; set; }
}

public sealed class EnforcementSettings
{
    /// <summary>
    /// Km/h the police deduct from a measured speed before it is an offence (their measuring tolerance). <c>hotspots</c>
    /// counts reportable offences on measured speed minus this; the report's bands stay on measured speed.
    /// </summary>
    public int ReportableMarginKmh { get; set; } = 3;
}

public sealed class StatusSettings
{
    /// <summary>How often the worker rewrites its status file (what <c>ale-speed status</c> reads).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);
}
