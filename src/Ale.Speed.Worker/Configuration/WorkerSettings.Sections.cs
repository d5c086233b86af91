using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Mqtt;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Worker.Configuration;

/// <summary>The settings sections beside sites and units: binning, detector, journal, InfluxDB, MQTT, secrets.</summary>
public sealed partial class WorkerSettings
{
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

    private static void ValidateHourOfWeekLevels(HourOfWeekLevelSettings levels, List<string> e)
    {
        const string Key = $"{AleSpeedOptions.SectionName}:Influx:HourOfWeekLevels";
        if (levels.StartDelay < TimeSpan.Zero || levels.StartDelay > TimeSpan.FromDays(1))
        {
            e.Add($"{Key}:StartDelay {levels.StartDelay} must be between 0 and 1 day.");
        }

        if (levels.Interval < TimeSpan.FromMinutes(1) || levels.Interval > TimeSpan.FromDays(31))
        {
            e.Add($"{Key}:Interval {levels.Interval} must be between 1 minute and 31 days.");
        }

        if (levels.LookbackMonths is < 1 or > 240)
        {
            e.Add($"{Key}:LookbackMonths {levels.LookbackMonths} must be between 1 and 240.");
        }
    }

    private static InfluxOptions? ParseInflux(InfluxSettings influx, string dataDirectory, List<string> e)
    {
        const string Key = $"{AleSpeedOptions.SectionName}:Influx";
        int before = e.Count;
        if (!Uri.TryCreate(influx.Url, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            e.Add($"{Key}:Url '{influx.Url}' is not an http:// or https:// URL.");
        }

        InfluxApi api = InfluxApi.V1;
        switch (influx.Api?.ToLowerInvariant())
        {
            case "v1":
                if (string.IsNullOrWhiteSpace(influx.Database))
                {
                    e.Add($"{Key}:Database is required with Api 'v1'.");
                }

                break;
            case "v2":
                api = InfluxApi.V2;
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
        return e.Count > before ? null : new InfluxOptions
        {
            Url = url,
            Api = api,
            Database = influx.Database,
            RetentionPolicy = influx.RetentionPolicy,
            RollupRetentionPolicy = influx.RollupRetentionPolicy,
            Organization = influx.Org,
            Bucket = influx.Bucket,
            RollupBucket = influx.RollupBucket,
            UserName = influx.User,
            Password = password,
            Token = token,
            Gzip = influx.Gzip,
            BatchSize = influx.BatchLines,
            AttemptTimeout = influx.Timeout,
            QuarantinePath = Path.Combine(dataDirectory, "quarantine.ndjson"),
        };
    }

    private static DetectorOptions ParseDetector(DetectorSettings settings, List<string> e)
    {
        var detector = new DetectorOptions
        {
            LostAfterMs = settings.LostAfterMs,
            MinReadings = settings.MinReadings,
            MaxBurstMs = settings.MaxBurstMs,
            BeamLengthMetres = settings.BeamLengthMetres,
            SpeedJumpShare = settings.SpeedJumpShare,
            MagnitudeDip = settings.MagnitudeDip,
            SpeedDip = settings.SpeedDip,
            HighFlowPerHour = settings.HighFlowPerHour,
        };
        if (!detector.TryValidate(out string? error))
        {
            e.Add($"{AleSpeedOptions.SectionName}:Detector:{error}");
        }

        return detector;
    }

    /// <summary>The global detector settings with the keys the unit sets replaced, validated together.</summary>
    private static DetectorOptions ParseUnitDetector(UnitDetectorSettings own, DetectorOptions global, string key, List<string> e)
    {
        DetectorOptions detector = global with
        {
            LostAfterMs = own.LostAfterMs ?? global.LostAfterMs,
            MinReadings = own.MinReadings ?? global.MinReadings,
            MaxBurstMs = own.MaxBurstMs ?? global.MaxBurstMs,
            BeamLengthMetres = own.BeamLengthMetres ?? global.BeamLengthMetres,
            SpeedJumpShare = own.SpeedJumpShare ?? global.SpeedJumpShare,
            MagnitudeDip = own.MagnitudeDip ?? global.MagnitudeDip,
            SpeedDip = own.SpeedDip ?? global.SpeedDip,
            HighFlowPerHour = own.HighFlowPerHour ?? global.HighFlowPerHour,
        };
        if (!detector.TryValidate(out string? error))
        {
            e.Add($"{key}:{error}");
        }

        return detector;
    }

    /// <summary>The MQTT source's options, the URL parsed once; null when no broker is configured (or on errors).</summary>
    private static MqttSourceOptions? ParseMqtt(AleSpeedOptions options, string writerId, Dictionary<string, UnitRegistration> units, List<string> e)
    {
        const string Key = $"{AleSpeedOptions.SectionName}:Mqtt";
        int before = e.Count;
        MqttSettings mqtt = options.Mqtt;
        bool needed = options.Units.Any(u => string.Equals(u.Transport, "mqtt", StringComparison.OrdinalIgnoreCase));
        Uri? url = null;
        if ((needed || !string.IsNullOrWhiteSpace(mqtt.Url))
            && (!Uri.TryCreate(mqtt.Url, UriKind.Absolute, out url) || url.Scheme is not ("mqtt" or "mqtts") || url.Host.Length == 0))
        {
            e.Add($"{Key}:Url '{mqtt.Url}' is not an mqtt:// or mqtts:// URL{(needed ? " (required: some units use Transport 'mqtt')" : "")}.");
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

        string? password = Secret(mqtt.Password, mqtt.PasswordFile, $"{Key}:PasswordFile", e);
        if (url is null || e.Count > before)
        {
            return null;
        }

        return new MqttSourceOptions
        {
            BrokerUri = url,
            ClientId = string.IsNullOrWhiteSpace(mqtt.ClientId) ? MqttSourceOptions.ClientIdFor(writerId) : mqtt.ClientId,
            UserName = mqtt.User,
            Password = password,
            CaFile = mqtt.CaFile,
            ClientCertificateFile = mqtt.ClientCertificateFile,
            ClientKeyFile = mqtt.ClientKeyFile,
            SessionExpiry = mqtt.SessionExpiry,
            SharedSubscriptionGroup = mqtt.SharedGroup,
            TopicPrefix = mqtt.TopicPrefix,
            UnitIds = [.. units.Values.Where(u => u.Transport == Transport.Mqtt).Select(u => u.Unit.Id)],
            QuarantinePath = mqtt.QuarantineUnknownUnits ? Path.Combine(options.DataDirectory, "mqtt-quarantine.ndjson") : null,
        };
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
