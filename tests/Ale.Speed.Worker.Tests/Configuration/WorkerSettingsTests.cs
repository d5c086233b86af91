using Ale.Speed.Core.Vehicles;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Hosting;
using Ale.Speed.Worker.Tests.Support;

namespace Ale.Speed.Worker.Tests.Configuration;

/// <summary>A wrong configuration stops the start with a message that names the key and says what is wrong.</summary>
/// <remarks>In the environment collection: one test sets an environment variable that child processes would inherit.</remarks>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class WorkerSettingsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ale-speed-config-" + Guid.NewGuid().ToString("N"));

    public WorkerSettingsTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The minimal example: only the required keys.</summary>
    private static AleSpeedOptions Minimal() => new()
    {
        DataDirectory = "/var/lib/ale-speed",
        Sites = [new SiteOptions { Id = "nodinge-ale-torg", Name = "Ale torg, Nödinge", SpeedLimitKmh = 40 }],
        Units = [new UnitOptions { Id = "u-0001", Site = "nodinge-ale-torg", Transport = "mqtt", Format = "canonical" }],
        Influx = new InfluxSettings { Url = "http://127.0.0.1:8086", Api = "v1", Database = "ale_speed" },
        Mqtt = new MqttSettings { Url = "mqtt://127.0.0.1:1883" },
    };

    private static string SingleError(AleSpeedOptions options)
    {
        WorkerSettings? settings = WorkerSettings.TryCreate(options, "host-1", out List<string> errors);
        Assert.Null(settings);
        return Assert.Single(errors);
    }

    [Fact]
    public void MinimalExample_IsValid_WithDocumentedDefaults()
    {
        WorkerSettings? settings = WorkerSettings.TryCreate(Minimal(), "host-1", out List<string> errors);

        Assert.Empty(errors);
        Assert.NotNull(settings);
        Assert.Equal("host-1", settings.WriterId);
        Core.Sites.Unit unit = Assert.Single(settings.Units).Unit;
        Assert.Equal(0, unit.MountingAngleDegrees);
        Assert.Equal(Core.Vehicles.DirectionSelection.Both, unit.Directions);
        Assert.True(unit.MinPlausibleKmh <= 5 && unit.MaxPlausibleKmh >= 200);
        Assert.Equal(Core.Sites.DisplayMode.DisplayOn, unit.DisplayMode);
        Assert.Equal(40, unit.Site.LimitAt(0));
    }

    [Fact]
    public void ManualUnit_NeedsNoPathNorBroker_AndJournalArchiveDaysIsChecked()
    {
        AleSpeedOptions options = Minimal();
        options.Units[0].Transport = "manual";
        options.Units[0].Format = "icoms";
        options.Mqtt = new MqttSettings();
        WorkerSettings? settings = WorkerSettings.TryCreate(options, "host-1", out List<string> errors);
        Assert.Empty(errors);
        Assert.Equal(Transport.Manual, Assert.Single(settings!.Units).Transport);
        Assert.Equal(400, settings.Options.Journal.ArchiveDays);

        options.Journal.ArchiveDays = -1;
        Assert.StartsWith("AleSpeed:Journal:ArchiveDays -1 must be between 0", SingleError(options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a\\b")]
    public void UnitId_ThatCannotNameADirectory_IsRejected(string id)
    {
        AleSpeedOptions options = Minimal();
        options.Units[0].Id = id;
        Assert.Contains("is not usable as a directory name", SingleError(options), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownFrameFormat_NamesTheUnitsFormatKey()
    {
        AleSpeedOptions options = Minimal();
        options.Units[0].Format = "ops999";
        string error = SingleError(options);
        Assert.StartsWith("AleSpeed:Units[0]:Format 'ops999' is not a known frame format", error, StringComparison.Ordinal);
        Assert.Contains("ops243-json", error, StringComparison.Ordinal);
    }

    [Fact]
    public void CsvFrameFormat_IsForImportsOnly()
    {
        AleSpeedOptions options = Minimal();
        options.Units[0].Format = "csv";
        string error = SingleError(options);
        Assert.StartsWith("AleSpeed:Units[0]:Format 'csv' needs a column map", error, StringComparison.Ordinal);
    }

    [Fact]
    public void SiteWithoutSpeedLimit_NamesTheSite()
    {
        AleSpeedOptions options = Minimal();
        options.Sites[0].SpeedLimitKmh = null;
        Assert.StartsWith("AleSpeed:Sites[0] ('nodinge-ale-torg') has no speed limit", SingleError(options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("htp:/127.0.0.1")]
    [InlineData("127.0.0.1:8086")]
    [InlineData("")]
    public void BadInfluxUrl_NamesTheKey(string url)
    {
        AleSpeedOptions options = Minimal();
        options.Influx.Url = url;
        Assert.StartsWith($"AleSpeed:Influx:Url '{url}' is not an http:// or https:// URL", SingleError(options), StringComparison.Ordinal);
    }

    [Fact]
    public void BadMqttUrl_WhenUnitsUseMqtt_NamesTheKey()
    {
        AleSpeedOptions options = Minimal();
        options.Mqtt.Url = "http://broker";
        Assert.StartsWith("AleSpeed:Mqtt:Url 'http://broker' is not an mqtt:// or mqtts:// URL", SingleError(options), StringComparison.Ordinal);
    }

    [Fact]
    public void UnreadableSecretFile_NamesTheKeyButNeverTheSecret()
    {
        AleSpeedOptions options = Minimal();
        options.Influx.PasswordFile = Path.Combine(_directory, "missing-password");
        options.Influx.Password = "hunter2-inline";
        string error = SingleError(options);
        Assert.StartsWith("AleSpeed:Influx:PasswordFile", error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretFile_IsReadWithoutItsLineEnd_AndNeverShownByToString()
    {
        string file = Path.Combine(_directory, "token");
        File.WriteAllText(file, "s3cr3t-token\n");
        AleSpeedOptions options = Minimal();
        options.Influx.Api = "v2";
        options.Influx.Bucket = "ale";
        options.Influx.TokenFile = file;

        WorkerSettings? settings = WorkerSettings.TryCreate(options, "h", out _);

        Assert.Equal("s3cr3t-token", settings!.Influx.Token);
        Assert.Equal(Influx.Writing.InfluxApi.V2, settings.Influx.Api);
        Assert.DoesNotContain("s3cr3t", settings.Influx.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void UnitOfAnUnknownSite_NamesTheUnitAndTheConfiguredSites()
    {
        AleSpeedOptions options = Minimal();
        options.Units[0].Site = "alafors";
        Assert.Equal("AleSpeed:Units[0]:Site 'alafors' is not one of the configured sites (nodinge-ale-torg).", SingleError(options));
    }

    [Theory]
    [InlineData("Transport", "carrier-pigeon", "AleSpeed:Units[0]:Transport 'carrier-pigeon' is not one of mqtt, serial, stdin, file, manual.")]
    [InlineData("Directions", "up", "AleSpeed:Units[0]:Directions 'up' is not one of both, in, out.")]
    [InlineData("DisplayMode", "blink", "AleSpeed:Units[0]:DisplayMode 'blink' is not one of on, stealth.")]
    [InlineData("SpeedUnit", "knots", "AleSpeed:Units[0]:SpeedUnit 'knots' is not one of kmh, mps, mph.")]
    [InlineData("SpeedRounding", "up", "AleSpeed:Units[0]:SpeedRounding 'up' is not one of round, truncate.")]
    [InlineData("InstalledAt", "yesterday", "AleSpeed:Units[0]:InstalledAt 'yesterday' is not a date/time (ISO 8601).")]
    public void BadUnitValue_NamesTheKey(string property, string value, string expected)
    {
        AleSpeedOptions options = Minimal();
        typeof(UnitOptions).GetProperty(property)!.SetValue(options.Units[0], value);
        Assert.Equal(expected, SingleError(options));
    }

    [Theory]
    [InlineData("canonical", "kmh", null, "round", 0.0, SpeedRounding.Round)]
    [InlineData("dr500", "kmh", null, "round", 1.0, SpeedRounding.Round)]
    [InlineData("dr500", "mph", null, "truncate", 1.609344, SpeedRounding.Truncate)]
    [InlineData("icoms", "kmh", 0.0, "round", 0.0, SpeedRounding.Round)]
    [InlineData("ops243-plain", "mps", 0.36, "truncate", 0.36, SpeedRounding.Truncate)]
    public void SpeedResolution_DefaultsToWholeSpeedUnitsForWholeNumberFormats(string format, string speedUnit, double? stepKmh, string rounding, double expectedStep, SpeedRounding expectedRounding)
    {
        AleSpeedOptions options = Minimal();
        options.Units[0].Format = format;
        options.Units[0].SpeedUnit = speedUnit;
        options.Units[0].SpeedResolutionKmh = stepKmh;
        options.Units[0].SpeedRounding = rounding;
        WorkerSettings? settings = WorkerSettings.TryCreate(options, "host-1", out List<string> errors);
        Assert.Empty(errors);
        SpeedResolution resolution = Assert.Single(settings!.Units).Unit.SpeedResolution;
        Assert.Equal(expectedStep, resolution.StepKmh);
        Assert.Equal(expectedStep == 0 ? SpeedRounding.Round : expectedRounding, resolution.Rounding);
    }

    [Fact]
    public void SpeedResolutionOutOfRange_NamesTheKey()
    {
        AleSpeedOptions options = Minimal();
        options.Units[0].SpeedResolutionKmh = 10;
        Assert.Equal("AleSpeed:Units[0]:SpeedResolutionKmh 10 is not 0 (exact) or a step from 0.01 to 5 km/h.", SingleError(options));
    }

    [Fact]
    public void BinWindowThatDoesNotDivideADay_NamesTheKey()
    {
        AleSpeedOptions options = Minimal();
        options.Binning.Window = TimeSpan.FromMinutes(7);
        Assert.StartsWith("AleSpeed:Binning:Window 00:07:00 must be at least one minute and divide a day", SingleError(options), StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigurationFile_WithAWrongValue_IsRefusedBeforeAnythingStarts()
    {
        string path = Path.Combine(_directory, "ale-speed.json");
        File.WriteAllText(path, """
            { "AleSpeed": {
                "DataDirectory": "/tmp/x",
                "Sites": [ { "Id": "s", "SpeedLimitKmh": 40 } ],
                "Units": [ { "Id": "u", "Site": "s", "Transport": "file", "Format": "canonical" } ],
                "Influx": { "Url": "http://127.0.0.1:8086", "Api": "v3", "Database": "d" } } }
            """);
        var errors = new StringWriter();

        WorkerSettings? settings = WorkerApp.LoadSettings(path, errors);

        Assert.Null(settings);
        Assert.Contains("AleSpeed:Units[0]:Path is required with Transport 'file'.", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("AleSpeed:Influx:Api 'v3' is not one of", errors.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Units", """{ "Id": "u2", "Site": "s", "Transport": "stdin", "Format": "canonical", "SilentAfter": "5 minutes" }""", "AleSpeed:Units[1]")]
    [InlineData("Sites", """{ "Id": "s2", "SpeedLimitKmh": "forty" }""", "AleSpeed:Sites[1]")]
    public void ListEntryWithAValueThatCannotBeConverted_IsRefused_NeverLeftOut(string list, string entry, string key)
    {
        string units = """{ "Id": "u", "Site": "s", "Transport": "stdin", "Format": "canonical" }""";
        string sites = """{ "Id": "s", "SpeedLimitKmh": 40 }""";
        if (list == "Units")
        {
            units += ", " + entry;
        }
        else
        {
            sites += ", " + entry;
        }

        string path = Path.Combine(_directory, "ale-speed.json");
        File.WriteAllText(path, $$"""
            { "AleSpeed": {
                "DataDirectory": "/tmp/x",
                "Sites": [ {{sites}} ],
                "Units": [ {{units}} ],
                "Influx": { "Url": "http://127.0.0.1:8086", "Api": "v1", "Database": "d" } } }
            """);
        var errors = new StringWriter();

        Assert.Null(WorkerApp.LoadSettings(path, errors));
        Assert.Contains($"error: {key} cannot be read, so it would be left out: Failed to convert configuration value", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EnvironmentVariable_OverridesTheFile_WithTheStandardBinding()
    {
        string path = Path.Combine(_directory, "ale-speed.json");
        File.WriteAllText(path, """
            { "AleSpeed": {
                "DataDirectory": "/tmp/x",
                "Sites": [ { "Id": "s", "SpeedLimitKmh": 40 } ],
                "Units": [ { "Id": "u", "Site": "s", "Transport": "stdin", "Format": "canonical" } ],
                "Influx": { "Url": "http://127.0.0.1:8086", "Api": "v1", "Database": "d" } } }
            """);
        Environment.SetEnvironmentVariable("AleSpeed__Units__0__Format", "no-such-format");
        try
        {
            var errors = new StringWriter();
            Assert.Null(WorkerApp.LoadSettings(path, errors));
            Assert.Contains("AleSpeed:Units[0]:Format 'no-such-format'", errors.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AleSpeed__Units__0__Format", null);
        }
    }

    [Fact]
    public void SerialLine_IsParsedOnce_FromItsNames()
    {
        string path = WriteSerialConfig("""{ "Port": "/dev/ttyUSB0", "BaudRate": 19200, "Parity": "even", "StopBits": "two" }""");
        WorkerSettings? settings = WorkerApp.LoadSettings(path, new StringWriter());

        Devices.Serial.SerialUnitOptions serial = Assert.Single(settings!.Units).Serial!;
        Assert.Equal(("/dev/ttyUSB0", 19200, System.IO.Ports.Parity.Even, System.IO.Ports.StopBits.Two),
            (serial.PortPath, serial.BaudRate, serial.Parity, serial.StopBits));
    }

    [Theory]
    [InlineData("""{ "Port": "/dev/ttyUSB0", "Parity": "sometimes" }""", "AleSpeed:Units[0]:Serial:Parity 'sometimes' is not one of none, odd, even, mark, space.")]
    [InlineData("""{ "Port": "/dev/ttyUSB0", "StopBits": "none" }""", "AleSpeed:Units[0]:Serial:StopBits 'none' is not one of one, onepointfive, two.")]
    [InlineData("""{ "Port": "/dev/ttyUSB0", "BaudRate": 10 }""", "AleSpeed:Units[0]:Serial:BaudRate 10 is not a serial line speed (50 to 4000000).")]
    [InlineData("""{ "Port": "/dev/ttyUSB0", "DataBits": 9 }""", "AleSpeed:Units[0]:Serial:DataBits 9 must be 5 to 8.")]
    public void BadSerialLine_NamesTheKey(string serial, string expected)
    {
        var errors = new StringWriter();
        Assert.Null(WorkerApp.LoadSettings(WriteSerialConfig(serial), errors));
        Assert.Contains(expected, errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void DetectorSettings_AreCheckedByTheDetectorsOwnRules_NamingTheKey()
    {
        AleSpeedOptions options = Minimal();
        options.Detector.MaxBurstMs = 100;
        Assert.Equal("AleSpeed:Detector:MaxBurstMs (100) must be at least LostAfterMs (700).", SingleError(options));
    }

    [Fact]
    public void DenseTrafficDetectorSettings_ReachTheDetector_AndAreChecked()
    {
        AleSpeedOptions options = Minimal();
        options.Detector.BeamLengthMetres = 15;
        options.Detector.HighFlowPerHour = 400;
        WorkerSettings? settings = WorkerSettings.TryCreate(options, "host-1", out List<string> errors);
        Assert.Empty(errors);
        Assert.Equal((15.0, 400, 0.15, 0.5), (settings!.Detector.BeamLengthMetres, settings.Detector.HighFlowPerHour, settings.Detector.SpeedJumpShare, settings.Detector.MagnitudeDip));

        options.Detector.MagnitudeDip = 1.5;
        Assert.Equal("AleSpeed:Detector:MagnitudeDip must be from 0 (off) to below 1 (was 1.5).", SingleError(options));
    }

    [Fact]
    public void UnitDetectorSettings_OverrideTheGlobalOnesKeyByKey_AndReachTheUnitsDetector()
    {
        string path = Path.Combine(_directory, "detector.json");
        File.WriteAllText(path, """
            { "AleSpeed": {
                "DataDirectory": "/tmp/x",
                "Sites": [ { "Id": "s", "SpeedLimitKmh": 40 } ],
                "Detector": { "BeamLengthMetres": 40, "LostAfterMs": 500 },
                "Units": [
                  { "Id": "narrow", "Site": "s", "Transport": "mqtt", "Format": "ops243-csv", "Detector": { "BeamLengthMetres": 12, "MinReadings": 3 } },
                  { "Id": "plain", "Site": "s", "Transport": "mqtt", "Format": "ops243-csv" } ],
                "Mqtt": { "Url": "mqtt://127.0.0.1:1883" },
                "Influx": { "Url": "http://127.0.0.1:8086", "Api": "v1", "Database": "d" } } }
            """);

        WorkerSettings? settings = WorkerApp.LoadSettings(path, new StringWriter());

        Assert.NotNull(settings);
        Assert.True(settings.TryGetUnit("narrow", out UnitRegistration narrow));
        Assert.True(settings.TryGetUnit("plain", out UnitRegistration plain));
        Assert.Equal((12.0, 3, 500), (narrow.Unit.Detector!.BeamLengthMetres, narrow.Unit.Detector.MinReadings, narrow.Unit.Detector.LostAfterMs));
        Assert.Null(plain.Unit.Detector);
        var router = new Devices.Ingestion.UnitRouter(settings.Units.Select(u => u.Unit), TimeProvider.System, settings.Detector);
        Assert.True(router.TryGetRoute("narrow", out Devices.Ingestion.UnitRoute narrowRoute));
        Assert.True(router.TryGetRoute("plain", out Devices.Ingestion.UnitRoute plainRoute));
        Assert.Equal(12.0, narrowRoute.Native.Detector!.Options.BeamLengthMetres);
        Assert.Equal((40.0, 2, 500), (plainRoute.Native.Detector!.Options.BeamLengthMetres, plainRoute.Native.Detector.Options.MinReadings, plainRoute.Native.Detector.Options.LostAfterMs));
    }

    [Fact]
    public void UnitDetectorSettings_AreCheckedWithTheGlobalOnes_NamingTheUnitsKey()
    {
        AleSpeedOptions options = Minimal();
        options.Detector.LostAfterMs = 900;
        options.Units[0].Detector = new UnitDetectorSettings { MaxBurstMs = 800 };
        Assert.Equal("AleSpeed:Units[0]:Detector:MaxBurstMs (800) must be at least LostAfterMs (900).", SingleError(options));

        options.Units[0].Detector = new UnitDetectorSettings { BeamLengthMetres = 0 };
        Assert.Equal("AleSpeed:Units[0]:Detector:BeamLengthMetres must be above 0 and at most 1000 (was 0).", SingleError(options));
    }

    private string WriteSerialConfig(string serial)
    {
        string path = Path.Combine(_directory, "serial.json");
        File.WriteAllText(path, $$"""
            { "AleSpeed": {
                "DataDirectory": "/tmp/x",
                "Sites": [ { "Id": "s", "SpeedLimitKmh": 40 } ],
                "Units": [ { "Id": "u", "Site": "s", "Transport": "serial", "Format": "icoms", "Serial": {{serial}} } ],
                "Influx": { "Url": "http://127.0.0.1:8086", "Api": "v1", "Database": "d" } } }
            """);
        return path;
    }
}
