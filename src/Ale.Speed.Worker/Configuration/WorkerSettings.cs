using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Worker.Configuration;

/// <summary>How a unit's bytes reach the worker.</summary>
public enum Transport
{
    Mqtt,
    Serial,
    Stdin,
    File,
    /// <summary>Read out by hand and brought in with <c>ale-speed import</c>; the worker opens nothing for it and never calls it silent.</summary>
    Manual,
}

/// <summary>A registered unit with what the worker needs beyond Core's <see cref="Unit"/>.</summary>
public sealed record UnitRegistration(Unit Unit, Transport Transport, TimeSpan SilentAfter, string? Path, SerialSettings Serial);

/// <summary>
/// The configuration after validation: sites and units as Core objects, secrets read, defaults applied.
/// Built once at start; a mistake stops the start with a message that names the key.
/// </summary>
public sealed class WorkerSettings
{
    private readonly Dictionary<string, UnitRegistration> _units;

    private WorkerSettings(AleSpeedOptions options, string writerId, IReadOnlyList<Site> sites, Dictionary<string, UnitRegistration> units,
        InfluxCredentials influxCredentials, string? mqttPassword)
    {
        Options = options;
        WriterId = writerId;
        Sites = sites;
        _units = units;
        InfluxCredentials = influxCredentials;
        MqttPassword = mqttPassword;
    }

    public AleSpeedOptions Options { get; }

    public string WriterId { get; }

    public IReadOnlyList<Site> Sites { get; }

    public IReadOnlyCollection<UnitRegistration> Units => _units.Values;

    public InfluxCredentials InfluxCredentials { get; }

    public string? MqttPassword { get; }

    public string DataDirectory => Options.DataDirectory;

    /// <summary>The burst detector's timings, as configured.</summary>
    public Core.Vehicles.DetectorOptions DetectorOptions() => new()
    {
        LostAfterMs = Options.Detector.LostAfterMs,
        MinReadings = Options.Detector.MinReadings,
        MaxBurstMs = Options.Detector.MaxBurstMs,
    };

    /// <summary>The filters' settings, as configured; <paramref name="withLateHorizon"/> false accepts any age (an import).</summary>
    public Core.Vehicles.FilterOptions FilterOptions(bool withLateHorizon = true) => new()
    {
        ClockSkew = Options.Binning.MaxClockSkew,
        LateHorizon = withLateHorizon ? Options.Binning.LateHorizon : null,
        DuplicateCapacity = Options.Binning.DuplicateMemory,
    };

    /// <summary>The worker's journal (and spool), with its archive below it.</summary>
    public string JournalDirectory => System.IO.Path.Combine(DataDirectory, "journal");

    internal Pipeline.JournalOptions JournalOptions() => new(JournalDirectory, Options.Journal.SegmentBytes, Options.Journal.MaxSpoolBytes,
        Options.Binning.LateHorizon, TimeSpan.FromDays(Options.Journal.ArchiveDays));

    /// <summary>The ledger of vehicles <c>ale-speed import</c> has counted for <paramref name="unitId"/>.</summary>
    public string ImportLedgerDirectory(string unitId) => System.IO.Path.Combine(DataDirectory, "imports", unitId);

    /// <summary>A reading from a unit that is not registered is rejected, never auto-created.</summary>
    public bool TryGetUnit(string unitId, out UnitRegistration registration) => _units.TryGetValue(unitId, out registration!);

    /// <summary>Validates <paramref name="options"/>; returns the errors, each naming its configuration key.</summary>
    public static WorkerSettings? TryCreate(AleSpeedOptions options, string hostName, out List<string> errors)
    {
        var e = new List<string>();
        errors = e;
        const string Root = AleSpeedOptions.SectionName;

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            e.Add($"{Root}:DataDirectory is required (a folder for the journal and status file; it is created if missing).");
        }

        string writerId = string.IsNullOrWhiteSpace(options.WriterId) ? hostName : options.WriterId.Trim();

        var sites = new Dictionary<string, Site>(StringComparer.Ordinal);
        for (int i = 0; i < options.Sites.Count; i++)
        {
            SiteOptions site = options.Sites[i];
            string key = $"{Root}:Sites[{i}]";
            int errorsBefore = e.Count;
            if (string.IsNullOrWhiteSpace(site.Id))
            {
                e.Add($"{key}:Id is required.");
                continue;
            }

            if (sites.ContainsKey(site.Id))
            {
                e.Add($"{key}:Id '{site.Id}' is used by two sites.");
                continue;
            }

            var periods = new List<SpeedLimitPeriod>();
            if (site.SpeedLimitKmh is int limit)
            {
                if (limit is < 5 or > 130)
                {
                    e.Add($"{key}:SpeedLimitKmh {limit} is not a plausible speed limit (5–130 km/h).");
                }

                periods.Add(new SpeedLimitPeriod(long.MinValue, limit));
            }

            for (int j = 0; j < site.SpeedLimits.Count; j++)
            {
                SpeedLimitChange change = site.SpeedLimits[j];
                string changeKey = $"{key}:SpeedLimits[{j}]";
                if (!LocalTime.TryParse(change.From, out long fromMs))
                {
                    e.Add($"{changeKey}:From '{change.From}' is not a date (ISO 8601, e.g. 2026-06-01; without an offset it is Europe/Stockholm time).");
                }
                else if (change.LimitKmh is < 5 or > 130)
                {
                    e.Add($"{changeKey}:LimitKmh {change.LimitKmh} is not a plausible speed limit (5–130 km/h).");
                }
                else
                {
                    periods.Add(new SpeedLimitPeriod(fromMs, change.LimitKmh));
                }
            }

            if (periods.Count == 0)
            {
                e.Add($"{key} ('{site.Id}') has no speed limit: set SpeedLimitKmh (or SpeedLimits).");
                continue;
            }

            if (e.Count == errorsBefore)
            {
                sites.Add(site.Id, new Site(site.Id, site.Name ?? site.Id, periods));
            }
        }

        if (options.Sites.Count == 0)
        {
            e.Add($"{Root}:Sites is empty: configure at least one site with an Id and a SpeedLimitKmh.");
        }

        var units = new Dictionary<string, UnitRegistration>(StringComparer.Ordinal);
        for (int i = 0; i < options.Units.Count; i++)
        {
            UnitOptions unit = options.Units[i];
            string key = $"{Root}:Units[{i}]";
            int before = e.Count;
            if (string.IsNullOrWhiteSpace(unit.Id))
            {
                e.Add($"{key}:Id is required.");
                continue;
            }

            if (units.ContainsKey(unit.Id))
            {
                e.Add($"{key}:Id '{unit.Id}' is used by two units.");
            }

            if (unit.Id.Contains('/', StringComparison.Ordinal) || unit.Id.Contains('+', StringComparison.Ordinal) || unit.Id.Contains('#', StringComparison.Ordinal))
            {
                e.Add($"{key}:Id '{unit.Id}' may not contain '/', '+' or '#' (it is part of MQTT topics).");
            }
            else if (unit.Id is "." or ".." || unit.Id.Contains('\\', StringComparison.Ordinal) || unit.Id.Contains('\0', StringComparison.Ordinal))
            {
                e.Add($"{key}:Id '{unit.Id}' is not usable as a directory name (import ledgers are kept per unit).");
            }

            if (!sites.TryGetValue(unit.Site ?? "", out Site? site) && options.Sites.TrueForAll(s => s.Id != unit.Site))
            {
                e.Add($"{key}:Site '{unit.Site}' is not one of the configured sites ({string.Join(", ", options.Sites.Select(s => s.Id))}).");
            }

            if (!Enum.TryParse(unit.Transport, ignoreCase: true, out Transport transport) || int.TryParse(unit.Transport, out _))
            {
                e.Add($"{key}:Transport '{unit.Transport}' is not one of mqtt, serial, stdin, file, manual.");
            }

            if (!FrameParsers.TryParseFormat(unit.Format, out FrameFormat format))
            {
                e.Add($"{key}:Format '{unit.Format}' is not a known frame format ({string.Join(", ", FrameParsers.FormatNames)}).");
            }
            else if (!FrameParsers.IsSelfContained(format))
            {
                e.Add($"{key}:Format '{unit.Format}' needs a column map and is for imports only ('ale-speed import FILE --format csv'), not a unit's live format.");
            }

            SpeedUnit speedUnit = SpeedUnit.KilometresPerHour;
            switch (unit.SpeedUnit?.ToLowerInvariant())
            {
                case "kmh" or "km/h": speedUnit = SpeedUnit.KilometresPerHour; break;
                case "mps" or "m/s": speedUnit = SpeedUnit.MetresPerSecond; break;
                case "mph": speedUnit = SpeedUnit.MilesPerHour; break;
                default: e.Add($"{key}:SpeedUnit '{unit.SpeedUnit}' is not one of kmh, mps, mph."); break;
            }

            SpeedRounding rounding = SpeedRounding.Round;
            switch (unit.SpeedRounding?.ToLowerInvariant())
            {
                case "round": break;
                case "truncate": rounding = SpeedRounding.Truncate; break;
                default: e.Add($"{key}:SpeedRounding '{unit.SpeedRounding}' is not one of round, truncate."); break;
            }

            SpeedResolution resolution = SpeedResolution.DefaultFor(format, speedUnit);
            if (unit.SpeedResolutionKmh is { } step)
            {
                if (step == 0 || (step >= SpeedResolution.MinStepKmh && step <= SpeedResolution.MaxStepKmh))
                {
                    resolution = new SpeedResolution(step, rounding);
                }
                else
                {
                    e.Add($"{key}:SpeedResolutionKmh {step} is not 0 (exact) or a step from {SpeedResolution.MinStepKmh} to {SpeedResolution.MaxStepKmh} km/h.");
                }
            }
            else if (!resolution.IsExact)
            {
                resolution = new SpeedResolution(resolution.StepKmh, rounding);
            }

            DirectionSelection directions = DirectionSelection.Both;
            switch (unit.Directions?.ToLowerInvariant())
            {
                case "both": break;
                case "in": directions = DirectionSelection.ApproachingOnly; break;
                case "out": directions = DirectionSelection.RecedingOnly; break;
                default: e.Add($"{key}:Directions '{unit.Directions}' is not one of both, in, out."); break;
            }

            DisplayMode displayMode = DisplayMode.DisplayOn;
            switch (unit.DisplayMode?.ToLowerInvariant())
            {
                case "on": break;
                case "stealth" or "off": displayMode = DisplayMode.Stealth; break;
                default: e.Add($"{key}:DisplayMode '{unit.DisplayMode}' is not one of on, stealth."); break;
            }

            if (unit.MountingAngleDegrees is < 0 or >= 60 || double.IsNaN(unit.MountingAngleDegrees))
            {
                e.Add($"{key}:MountingAngleDegrees {unit.MountingAngleDegrees} is out of range (0 to below 60 degrees).");
            }

            if (!(unit.MinKmh >= 0 && unit.MinKmh < unit.MaxKmh && unit.MaxKmh <= Unit.PlausibleKmhCeiling))
            {
                e.Add($"{key}:MinKmh/MaxKmh {unit.MinKmh}–{unit.MaxKmh} is not a valid range (0 ≤ MinKmh < MaxKmh ≤ {Unit.PlausibleKmhCeiling}).");
            }

            long installedAtMs = long.MinValue;
            if (!string.IsNullOrWhiteSpace(unit.InstalledAt) && !LocalTime.TryParse(unit.InstalledAt, out installedAtMs))
            {
                e.Add($"{key}:InstalledAt '{unit.InstalledAt}' is not a date/time (ISO 8601).");
            }

            if (unit.SilentAfter <= TimeSpan.Zero)
            {
                e.Add($"{key}:SilentAfter must be positive.");
            }

            if (transport == Transport.File && string.IsNullOrWhiteSpace(unit.Path))
            {
                e.Add($"{key}:Path is required with Transport 'file'.");
            }

            if (transport == Transport.Serial)
            {
                if (string.IsNullOrWhiteSpace(unit.Serial.Port))
                {
                    e.Add($"{key}:Serial:Port is required with Transport 'serial' (e.g. /dev/ttyUSB0).");
                }

                if (unit.Serial.BaudRate is < 300 or > 4_000_000)
                {
                    e.Add($"{key}:Serial:BaudRate {unit.Serial.BaudRate} is not a serial line speed (300 to 4000000).");
                }

                if (Hosting.DeviceSources.ParseParity(unit.Serial.Parity) is null)
                {
                    e.Add($"{key}:Serial:Parity '{unit.Serial.Parity}' is not one of none, odd, even, mark, space.");
                }

                if (unit.Serial.DataBits is < 5 or > 8)
                {
                    e.Add($"{key}:Serial:DataBits {unit.Serial.DataBits} must be 5 to 8.");
                }

                if (Hosting.DeviceSources.ParseStopBits(unit.Serial.StopBits) is null)
                {
                    e.Add($"{key}:Serial:StopBits '{unit.Serial.StopBits}' is not one of one, onepointfive, two.");
                }
            }

            if (e.Count == before && site is not null)
            {
                units[unit.Id] = new UnitRegistration(
                    new Unit
                    {
                        Id = unit.Id,
                        Site = site,
                        Format = format,
                        SpeedUnit = speedUnit,
                        SpeedResolution = resolution,
                        MountingAngleDegrees = unit.MountingAngleDegrees,
                        Directions = directions,
                        MinPlausibleKmh = unit.MinKmh,
                        MaxPlausibleKmh = unit.MaxKmh,
                        InstalledAtMs = installedAtMs,
                        DisplayMode = displayMode,
                    },
                    transport,
                    unit.SilentAfter,
                    unit.Path,
                    unit.Serial);
            }
        }

        if (options.Units.Count == 0)
        {
            e.Add($"{Root}:Units is empty: configure at least one unit with an Id, Site, Transport and Format.");
        }

        if (options.Units.Count(u => string.Equals(u.Transport, "stdin", StringComparison.OrdinalIgnoreCase)) > 1)
        {
            e.Add($"{Root}:Units: only one unit can read standard input.");
        }

        ValidateBinning(options.Binning, e);
        ValidateJournal(options.Journal, e);
        if (options.Enforcement.ReportableMarginKmh is < 0 or > 20)
        {
            e.Add($"{Root}:Enforcement:ReportableMarginKmh {options.Enforcement.ReportableMarginKmh} must be between 0 and 20 km/h.");
        }

        InfluxCredentials influx = ValidateInflux(options.Influx, e);
        string? mqttPassword = ValidateMqtt(options, e);

        return e.Count == 0 ? new WorkerSettings(options, writerId, [.. sites.Values], units, influx, mqttPassword) : null;
    }

    private static void ValidateBinning(BinningSettings binning, List<string> e)
    {
        const string Key = $"{AleSpeedOptions.SectionName}:Binning";
        if (binning.Window < TimeSpan.FromMinutes(1) || TimeSpan.FromDays(1).Ticks % binning.Window.Ticks != 0)
        {
            e.Add($"{Key}:Window {binning.Window} must be at least one minute and divide a day evenly (e.g. 00:05:00, 00:15:00, 01:00:00).");
        }

        if (binning.FlushInterval < TimeSpan.FromMilliseconds(100) || binning.FlushInterval > TimeSpan.FromHours(1))
        {
            e.Add($"{Key}:FlushInterval {binning.FlushInterval} must be between 100 ms and 1 hour.");
        }

        if (binning.LateHorizon < binning.Window || binning.LateHorizon > TimeSpan.FromDays(400))
        {
            e.Add($"{Key}:LateHorizon {binning.LateHorizon} must be at least one window and at most 400 days.");
        }

        if (binning.DuplicateMemory is < 16 or > 10_000_000)
        {
            e.Add($"{Key}:DuplicateMemory {binning.DuplicateMemory} must be between 16 and 10000000.");
        }

        if (binning.MaxClockSkew < TimeSpan.Zero || binning.MaxClockSkew > TimeSpan.FromDays(1))
        {
            e.Add($"{Key}:MaxClockSkew {binning.MaxClockSkew} must be between 0 and 1 day.");
        }
    }

    private static void ValidateJournal(JournalSettings journal, List<string> e)
    {
        const string Key = $"{AleSpeedOptions.SectionName}:Journal";
        if (journal.SegmentBytes < 4096)
        {
            e.Add($"{Key}:SegmentBytes {journal.SegmentBytes} is too small (at least 4096).");
        }

        if (journal.MaxSpoolBytes < journal.SegmentBytes)
        {
            e.Add($"{Key}:MaxSpoolBytes {journal.MaxSpoolBytes} must be at least SegmentBytes ({journal.SegmentBytes}).");
        }

        if (journal.ArchiveDays is < 0 or > 36_500)
        {
            e.Add($"{Key}:ArchiveDays {journal.ArchiveDays} must be between 0 (no archive) and 36500.");
        }
    }

    private static InfluxCredentials ValidateInflux(InfluxSettings influx, List<string> e)
    {
        const string Key = $"{AleSpeedOptions.SectionName}:Influx";
        if (!Uri.TryCreate(influx.Url, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            e.Add($"{Key}:Url '{influx.Url}' is not an http:// or https:// URL.");
        }

        switch (influx.Api?.ToLowerInvariant())
        {
            case "v1":
                if (string.IsNullOrWhiteSpace(influx.Database))
                {
                    e.Add($"{Key}:Database is required with Api 'v1'.");
                }

                break;
            case "v2":
                if (string.IsNullOrWhiteSpace(influx.Bucket))
                {
                    e.Add($"{Key}:Bucket is required with Api 'v2'.");
                }

                break;
            default:
                e.Add($"{Key}:Api '{influx.Api}' is not one of v1 (InfluxDB 1.x /write) or v2 (/api/v2/write: InfluxDB 1.8+, 2.x, 3.x).");
                break;
        }

        if (influx.BatchLines is < 1 or > 100_000)
        {
            e.Add($"{Key}:BatchLines {influx.BatchLines} must be between 1 and 100000.");
        }

        string? password = Secret(influx.Password, influx.PasswordFile, $"{Key}:PasswordFile", e);
        string? token = Secret(influx.Token, influx.TokenFile, $"{Key}:TokenFile", e);
        return new InfluxCredentials(influx.User, password, token);
    }

    private static string? ValidateMqtt(AleSpeedOptions options, List<string> e)
    {
        const string Key = $"{AleSpeedOptions.SectionName}:Mqtt";
        MqttSettings mqtt = options.Mqtt;
        bool needed = options.Units.Any(u => string.Equals(u.Transport, "mqtt", StringComparison.OrdinalIgnoreCase));
        if (needed || !string.IsNullOrWhiteSpace(mqtt.Url))
        {
            if (!Uri.TryCreate(mqtt.Url, UriKind.Absolute, out Uri? url) || url.Scheme is not ("mqtt" or "mqtts" or "tcp" or "ssl"))
            {
                e.Add($"{Key}:Url '{mqtt.Url}' is not an mqtt:// or mqtts:// URL{(needed ? " (required: some units use Transport 'mqtt')" : "")}.");
            }
        }

        if (mqtt.SessionExpiry < TimeSpan.Zero)
        {
            e.Add($"{Key}:SessionExpiry must not be negative.");
        }

        foreach ((string? path, string name) in new[] { (mqtt.CaFile, "CaFile"), (mqtt.ClientCertificateFile, "ClientCertificateFile"), (mqtt.ClientKeyFile, "ClientKeyFile") })
        {
            if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
            {
                e.Add($"{Key}:{name} '{path}' does not exist.");
            }
        }

        return Secret(mqtt.Password, mqtt.PasswordFile, $"{Key}:PasswordFile", e);
    }

    /// <summary>A secret from a file (trailing line end removed) or inline/environment; the error never shows the content.</summary>
    private static string? Secret(string? inline, string? file, string fileKey, List<string> e)
    {
        if (string.IsNullOrWhiteSpace(file))
        {
            return string.IsNullOrEmpty(inline) ? null : inline;
        }

        try
        {
            return File.ReadAllText(file).TrimEnd('\r', '\n');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            e.Add($"{fileKey} '{file}' cannot be read: {ex.GetType().Name}.");
            return null;
        }
    }
}

/// <summary>Secrets for InfluxDB. <see cref="ToString"/> never shows them.</summary>
public sealed record InfluxCredentials(string? User, string? Password, string? Token)
{
    public override string ToString() => $"InfluxCredentials {{ User = {User}, Password = {(Password is null ? "none" : "***")}, Token = {(Token is null ? "none" : "***")} }}";
}
