using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Mqtt;
using Ale.Speed.Devices.Serial;
using Ale.Speed.Influx.Writing;

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
/// <param name="Serial">The serial line, parsed and checked, for Transport <c>serial</c>; otherwise null.</param>
public sealed record UnitRegistration(Unit Unit, Transport Transport, TimeSpan SilentAfter, string? Path, SerialUnitOptions? Serial);

/// <summary>
/// The configuration after validation: every value parsed once into the typed options its consumer takes (Core's
/// <see cref="Site"/>, <see cref="Unit"/>, <see cref="BinningOptions"/>…, the serial line, InfluxDB's options), secrets
/// read, defaults applied. Built once at start; a mistake stops the start with a message that names the key. Each typed
/// options class states and checks its own limits; this class only adds the configuration key to its messages.
/// </summary>
public sealed partial class WorkerSettings
{
    private readonly Dictionary<string, UnitRegistration> _units;

    private WorkerSettings(AleSpeedOptions options, string writerId, IReadOnlyList<Site> sites, Dictionary<string, UnitRegistration> units,
        InfluxOptions influx, MqttSourceOptions? mqtt, DetectorOptions detector)
    {
        Options = options;
        WriterId = writerId;
        Sites = sites;
        _units = units;
        Influx = influx;
        Mqtt = mqtt;
        Detector = detector;
        Binning = new BinningOptions { Window = options.Binning.Window };
        Filter = new FilterOptions
        {
            ClockSkew = options.Binning.MaxClockSkew,
            LateHorizon = options.Binning.LateHorizon,
            DuplicateCapacity = options.Binning.DuplicateMemory,
        };
    }

    /// <summary>The bound configuration, for values the binder already typed (intervals, sizes).</summary>
    public AleSpeedOptions Options { get; }

    public string WriterId { get; }

    public IReadOnlyList<Site> Sites { get; }

    public IReadOnlyCollection<UnitRegistration> Units => _units.Values;

    /// <summary>The MQTT source's options (broker URL parsed, password read), or null when no broker is configured.</summary>
    public MqttSourceOptions? Mqtt { get; }

    public string DataDirectory => Options.DataDirectory;

    /// <summary>The burst detector's timings.</summary>
    public DetectorOptions Detector { get; }

    /// <summary>The live filters' settings; an import drops the late horizon (<c>Filter with { LateHorizon = null }</c>).</summary>
    public FilterOptions Filter { get; }

    public BinningOptions Binning { get; }

    /// <summary>How bins reach InfluxDB (and are read back).</summary>
    public InfluxOptions Influx { get; }

    /// <summary>The worker's journal (and spool), with its archive below it.</summary>
    public string JournalDirectory => System.IO.Path.Combine(DataDirectory, "journal");

    internal Pipeline.JournalOptions Journal => new(JournalDirectory, Options.Journal.SegmentBytes, Options.Journal.MaxSpoolBytes,
        Options.Binning.LateHorizon, TimeSpan.FromDays(Options.Journal.ArchiveDays));

    /// <summary>The ledger of vehicles <c>ale-speed import</c> has counted for <paramref name="unitId"/>.</summary>
    public string ImportLedgerDirectory(string unitId) => System.IO.Path.Combine(DataDirectory, "imports", unitId);

    /// <summary>A reading from a unit that is not registered is rejected, never auto-created.</summary>
    public bool TryGetUnit(string unitId, out UnitRegistration registration) => _units.TryGetValue(unitId, out registration!);

    /// <summary>Validates <paramref name="options"/>; returns the errors, each naming its configuration key.</summary>
    public static WorkerSettings? TryCreate(AleSpeedOptions options, string defaultWriterId, out List<string> errors)
    {
        var e = new List<string>();
        errors = e;
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            e.Add($"{Root}:DataDirectory is required (a folder for the journal and status file; it is created if missing).");
        }

        string writerId = string.IsNullOrWhiteSpace(options.WriterId) ? defaultWriterId : options.WriterId.Trim();
        Dictionary<string, Site> sites = ParseSites(options, e);
        DetectorOptions detector = ParseDetector(options.Detector, e);
        Dictionary<string, UnitRegistration> units = ParseUnits(options, sites, detector, e);
        ValidateBinning(options.Binning, e);
        ValidateJournal(options.Journal, e);
        ValidateHourOfWeekLevels(options.Influx.HourOfWeekLevels, e);
        if (options.Enforcement.ReportableMarginKmh is < 0 or > 20)
        {
            e.Add($"{Root}:Enforcement:ReportableMarginKmh {options.Enforcement.ReportableMarginKmh} must be between 0 and 20 km/h.");
        }

        InfluxOptions? influx = ParseInflux(options.Influx, options.DataDirectory, e);
        MqttSourceOptions? mqtt = ParseMqtt(options, writerId, units, e);
        var followUp = ParseFollowUp(options, e);

        if (e.Count > 0)
        {
            return null;
        }

        var settings = new WorkerSettings(options, writerId, [.. sites.Values], units, influx!, mqtt, detector);
        settings.ApplyFollowUp(followUp);
        return settings;
    }
}
