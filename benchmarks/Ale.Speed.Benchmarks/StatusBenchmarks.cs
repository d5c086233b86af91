using System.Text.Json;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Ingest;
using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Devices.Mqtt;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Hosting;
using Ale.Speed.Worker.Pipeline;
using Ale.Speed.Worker.Status;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ale.Speed.Benchmarks;

/// <summary>
/// One status write of an idle worker with 100 MQTT units (the fault tool's soak: every 0.5 s), status.json written to
/// disk each time. <c>Before</c> (baseline) is the reporter as it was at 6b56e43: LINQ sums with a closure per unit
/// and reason, a silence map, a fresh array for the JSON; <c>After</c> is <see cref="StatusReporter.WriteNow"/>.
/// </summary>
[MemoryDiagnoser]
public class StatusBenchmarks
{
    private const int Units = 100;
    private string _directory = null!;
    private IHost _host = null!;
    private StatusReporter _reporter = null!;
    private WorkerSettings _settings = null!;
    private UnitRouter _router = null!;
    private UnitActivity _activity = null!;
    private string _beforePath = null!;
    private JournalWriter _journal = null!;
    private BinStore _bins = null!;
    private BinFlusher _flusher = null!;
    private WorkerMetrics _metrics = null!;
    private CoverageService _coverage = null!;
    private MqttVehicleSource _mqtt = null!;
    private DateTimeOffset _startedAt;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("ale-status-bench").FullName;
        var options = new AleSpeedOptions
        {
            DataDirectory = Path.Combine(_directory, "data"),
            WriterId = "bench",
            Sites = [.. Enumerable.Range(0, Units / 10).Select(s => new SiteOptions { Id = $"site-{s:000}", Name = $"Site {s}", SpeedLimitKmh = 40 })],
            Units = [.. Enumerable.Range(0, Units).Select(u => new UnitOptions { Id = $"u-{u:000}", Site = $"site-{u / 10:000}", Transport = "mqtt", Format = "canonical" })],
            Mqtt = new MqttSettings { Url = "mqtt://127.0.0.1:1" },
            Influx = new InfluxSettings { Url = "http://127.0.0.1:1", Api = "v1", Database = "bench" },
        };
        options.Status.Interval = TimeSpan.FromMilliseconds(500);
        _settings = WorkerSettings.TryCreate(options, "bench", out List<string> errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
        _host = WorkerApp.Build(_settings, exitWhenDone: false); // built, never started: nothing connects
        _reporter = _host.Services.GetRequiredService<StatusReporter>();
        _router = _host.Services.GetRequiredService<UnitRouter>();
        _activity = _host.Services.GetRequiredService<UnitActivity>();
        _journal = _host.Services.GetRequiredService<JournalWriter>();
        _bins = _host.Services.GetRequiredService<BinStore>();
        _flusher = _host.Services.GetRequiredService<BinFlusher>();
        _metrics = _host.Services.GetRequiredService<WorkerMetrics>();
        _coverage = _host.Services.GetRequiredService<CoverageService>();
        _mqtt = _host.Services.GetRequiredService<MqttVehicleSource>();
        _startedAt = TimeProvider.System.GetUtcNow();
        _beforePath = Path.Combine(_directory, "before-" + WorkerStatus.FileName);
        Before();
        After();
        if (!JsonEquivalent(File.ReadAllText(_beforePath), File.ReadAllText(Path.Combine(_settings.DataDirectory, WorkerStatus.FileName))))
        {
            throw new InvalidOperationException("Before and After wrote different status files");
        }
    }

    /// <summary>The same file but for the times of writing.</summary>
    private static bool JsonEquivalent(string before, string after)
    {
        static string WithoutTimes(string json) => string.Join('\n', json.Split('\n').Where(l => !l.Contains("updatedAt", StringComparison.Ordinal) && !l.Contains("startedAt", StringComparison.Ordinal)));
        return WithoutTimes(before) == WithoutTimes(after);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public int Before()
    {
        WorkerStatus status = BeforeSnapshot();
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(status, StatusJsonContext.Default.WorkerStatus);
        string temporary = _beforePath + ".tmp";
        File.WriteAllBytes(temporary, json);
        File.Move(temporary, _beforePath, overwrite: true);
        return json.Length;
    }

    [Benchmark]
    public int After()
    {
        _reporter.WriteNow();
        return _settings.Units.Count;
    }

    /// <summary>The old <c>StatusReporter.Snapshot</c>, as it was.</summary>
    private WorkerStatus BeforeSnapshot()
    {
        Dictionary<string, bool> silence = _activity.Silence().ToDictionary(s => s.UnitId, s => s.Silent);
        var units = new List<UnitStatus>();
        foreach (UnitRegistration registration in _settings.Units)
        {
            _router.TryGetRoute(registration.Unit.Id, out UnitRoute route);
            var rejects = new Dictionary<string, long>();
            foreach (RejectReason reason in Enum.GetValues<RejectReason>())
            {
                long count = OldCounters(route).Sum(c => c.RejectCount(reason));
                if (count > 0)
                {
                    rejects[reason.ToString()] = count;
                }
            }

            units.Add(new UnitStatus
            {
                Id = registration.Unit.Id,
                Site = registration.Unit.Site.Id,
                Transport = registration.Transport.ToString().ToLowerInvariant(),
                Format = FrameParsers.NameOf(registration.Unit.Format),
                Frames = OldCounters(route).Sum(c => c.Frames),
                VehiclesAccepted = OldCounters(route).Sum(c => c.VehiclesAccepted),
                NoiseReadings = OldCounters(route).Sum(c => c.NoiseReadings),
                RangeReports = OldCounters(route).Sum(c => c.RangeReports),
                DeviceMessages = OldCounters(route).Sum(c => c.DeviceMessages),
                Rejects = rejects,
                LastVehicleAt = _activity.LastVehicle(registration.Unit.Id),
                Silent = silence.GetValueOrDefault(registration.Unit.Id),
            });
        }

        return new WorkerStatus
        {
            WriterId = _settings.WriterId,
            ProcessId = Environment.ProcessId,
            StartedAt = _startedAt,
            UpdatedAt = TimeProvider.System.GetUtcNow(),
            IntervalSeconds = _settings.Options.Status.Interval.TotalSeconds,
            SpoolBytes = _journal.SpoolBytes,
            MaxSpoolBytes = _settings.Options.Journal.MaxSpoolBytes,
            SpoolFull = _journal.SpoolFull,
            DiskFull = _journal.DiskFull,
            JournalLag = _journal.JournalLag,
            VehiclesJournaled = _journal.VehiclesJournaled,
            LateBinsRebuilt = _bins.LateBinsRebuilt,
            VehiclesAlreadyImported = _journal.VehiclesAlreadyImported,
            JournalTruncatedBytes = _journal.JournalTruncatedBytes,
            UnwrittenBins = _flusher.UnwrittenBins,
            BinsWritten = _metrics.TotalBinsWritten,
            LastWriteSuccess = _flusher.LastSuccess,
            LastWriteFailureAt = _flusher.LastFailureAt,
            LastWriteFailure = _flusher.LastFailure is { } f ? $"{f.Failure} (HTTP {f.StatusCode})" : null,
            Coverage = new CoverageStatus(_coverage.TotalWritten, _coverage.PendingCount, _coverage.TotalDropped),
            Units = units,
            UnknownUnits = _router.UnknownUnits.ToDictionary(),
            Mqtt = new MqttStatus(_mqtt.IsConnected, _mqtt.MessagesReceived, _mqtt.MessagesAcknowledged, _mqtt.UnknownUnitMessages, _mqtt.Reconnects)
            {
                ClientId = _mqtt.Options.ClientId,
                SessionTakeovers = _mqtt.SessionTakeovers,
                AcknowledgementsSkipped = _mqtt.AcknowledgementsSkipped,
                RedeliveriesDeduplicated = _mqtt.RedeliveriesDeduplicated,
                QuarantinedMessages = _mqtt.QuarantinedMessages,
            },
        };
    }

    /// <summary>The old <c>UnitRoute.Counters</c>: a new collection on every read.</summary>
    private static IEnumerable<IngestCounters> OldCounters(UnitRoute route)
        => route.Counters.Length == 1 ? [route.Counters[0]] : [route.Counters[0], route.Counters[1]];
}
