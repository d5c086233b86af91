using System.Buffers;
using System.Collections.ObjectModel;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Pipeline;
using Ale.Speed.Worker.Sources;
using Ale.Speed.Worker.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Worker.Hosting;

/// <summary>The journal loop: batches from sources → journal (fsync) → acknowledgement → bins.</summary>
internal sealed class JournalService(JournalWriter journal) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => journal.RunAsync(stoppingToken);
}

/// <summary>Writes changed bins every flush interval, and once more on the way out.</summary>
internal sealed class FlushService(BinFlusher flusher, WorkerSettings settings, TimeProvider timeProvider, ILogger<FlushService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Options.Binning.FlushInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await flusher.FlushOnceAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // What is not stored now stays in the journal and is written after the next start.
        using var last = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await flusher.FlushOnceAsync(last.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.FinalFlushTimedOut(logger);
        }
    }
}

/// <summary>Runs the file and standard-input sources.</summary>
internal sealed class StreamSourcesService(IReadOnlyList<StreamSource> sources) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Task.WhenAll(sources.Select(s => s.RunAsync(stoppingToken)));
}

/// <summary>
/// Keeps status.json current for <c>ale-speed status</c>; once every hosted service has stopped (the last flush done),
/// writes it one last time marked stopped, so that a clean exit does not read as running until the file grows old.
/// </summary>
internal sealed class StatusService(StatusReporter reporter, WorkerSettings settings, TimeProvider timeProvider) : BackgroundService, IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        reporter.WriteNow(stopped: true);
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Options.Status.Interval, timeProvider);
        do
        {
            reporter.WriteNow();
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));

        reporter.WriteNow();
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken token)
    {
        try
        {
            return await timer.WaitForNextTickAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>
/// For runs over finite input (<c>--exit-when-done</c>, the demo and tests): stops the worker once every file source is
/// read and everything it produced is stored.
/// </summary>
internal sealed class ExitWhenDoneService(IReadOnlyList<StreamSource> sources, JournalWriter journal, BinFlusher flusher,
    IHostApplicationLifetime lifetime, TimeProvider timeProvider, ILogger<ExitWhenDoneService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(sources.Select(s => s.Completed)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Already logged by the source; stop anyway so the run does not hang.
        }

        while (!stoppingToken.IsCancellationRequested && (journal.JournalLag > 0 || flusher.UnwrittenBins > 0))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), timeProvider, stoppingToken).ConfigureAwait(false);
        }

        Log.AllInputStored(logger);
        lifetime.StopApplication();
    }
}

/// <summary>Builds the status file's content from the live pipeline.</summary>
internal sealed class StatusReporter(WorkerSettings settings, UnitRouter router, JournalWriter journal, BinStore bins, BinFlusher flusher,
    WorkerMetrics metrics, UnitActivity activity, TimeProvider timeProvider, IServiceProvider services)
{
    private static readonly Core.Frames.RejectReason[] s_reasons = Enum.GetValues<Core.Frames.RejectReason>();

    private readonly Devices.Mqtt.MqttVehicleSource? _mqtt = services.GetService(typeof(Devices.Mqtt.MqttVehicleSource)) as Devices.Mqtt.MqttVehicleSource;
    private readonly CoverageService? _coverage = services.GetService(typeof(CoverageService)) as CoverageService;
    private readonly ShardGroupCheckService? _shardGroups = services.GetService(typeof(ShardGroupCheckService)) as ShardGroupCheckService;

    private readonly DateTimeOffset _startedAt = timeProvider.GetUtcNow();
    private readonly string _path = Path.Combine(settings.DataDirectory, WorkerStatus.FileName);
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private readonly UnitRegistration[] _units = [.. settings.Units];
    private readonly string[] _transports = [.. settings.Units.Select(u => u.Transport.ToString().ToLowerInvariant())];

    public WorkerStatus Snapshot(bool stopped = false)
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        var units = new UnitStatus[_units.Length];
        for (int i = 0; i < units.Length; i++)
        {
            UnitRegistration registration = _units[i];
            router.TryGetRoute(registration.Unit.Id, out UnitRoute route);
            units[i] = new UnitStatus
            {
                Id = registration.Unit.Id,
                Site = registration.Unit.Site.Id,
                Transport = _transports[i],
                Format = Core.Frames.FrameParsers.NameOf(registration.Unit.Format),
                Frames = route.Total(static c => c.Frames),
                VehiclesAccepted = route.Total(static c => c.VehiclesAccepted),
                NoiseReadings = route.Total(static c => c.NoiseReadings),
                RangeReports = route.Total(static c => c.RangeReports),
                DeviceMessages = route.Total(static c => c.DeviceMessages),
                Rejects = Rejects(route),
                LastVehicleAt = activity.LastVehicle(registration.Unit.Id),
                Silent = activity.IsSilent(registration, now),
            };
        }

        return new WorkerStatus
        {
            WriterId = settings.WriterId,
            ProcessId = Environment.ProcessId,
            StartedAt = _startedAt,
            UpdatedAt = now,
            IntervalSeconds = settings.Options.Status.Interval.TotalSeconds,
            SpoolBytes = journal.SpoolBytes,
            MaxSpoolBytes = settings.Options.Journal.MaxSpoolBytes,
            SpoolFull = journal.SpoolFull,
            DiskFull = journal.DiskFull,
            JournalLag = journal.JournalLag,
            VehiclesJournaled = journal.VehiclesJournaled,
            LateBinsRebuilt = bins.LateBinsRebuilt,
            VehiclesAlreadyImported = journal.VehiclesAlreadyImported,
            JournalTruncatedBytes = journal.JournalTruncatedBytes,
            UnwrittenBins = flusher.UnwrittenBins,
            BinsWritten = metrics.TotalBinsWritten,
            LastWriteSuccess = flusher.LastSuccess,
            LastWriteFailureAt = flusher.LastFailureAt,
            LastWriteFailure = flusher.LastFailure is { } f ? $"{f.Failure} (HTTP {f.StatusCode})" : null,
            Coverage = _coverage is null ? null : new CoverageStatus(_coverage.TotalWritten, _coverage.PendingCount, _coverage.TotalDropped),
            StartupWarnings = _shardGroups?.Warnings ?? [],
            StoppedAt = stopped ? now : null,
            Units = units,
            UnknownUnits = router.UnknownUnits.ToDictionary(),
            Mqtt = _mqtt is null ? null : new MqttStatus(_mqtt.IsConnected, _mqtt.MessagesReceived, _mqtt.MessagesAcknowledged, _mqtt.UnknownUnitMessages, _mqtt.Reconnects)
            {
                ClientId = _mqtt.Options.ClientId,
                SessionTakeovers = _mqtt.SessionTakeovers,
                AcknowledgementsSkipped = _mqtt.AcknowledgementsSkipped,
                RedeliveriesDeduplicated = _mqtt.RedeliveriesDeduplicated,
                QuarantinedMessages = _mqtt.QuarantinedMessages,
            },
        };
    }

    public void WriteNow(bool stopped = false)
    {
        try
        {
            Snapshot(stopped).Write(_path, _buffer);
        }
        catch (IOException)
        {
            // A full disk must not stop the worker; the metrics still tell.
        }
    }

    /// <summary>Only the reasons that occurred; a unit without rejects (the usual case) shares one empty map.</summary>
    private static IReadOnlyDictionary<string, long> Rejects(UnitRoute route)
    {
        Dictionary<string, long>? rejects = null;
        foreach (Core.Frames.RejectReason reason in s_reasons)
        {
            if (route.RejectCount(reason) is > 0 and long count)
            {
                (rejects ??= [])[reason.ToString()] = count;
            }
        }

        return rejects is null ? ReadOnlyDictionary<string, long>.Empty : rejects;
    }
}

internal static partial class Log
{
    [LoggerMessage(6060, LogLevel.Warning, "The last flush on shutdown did not finish in time; the journal keeps the bins for the next start")]
    public static partial void FinalFlushTimedOut(ILogger logger);

    [LoggerMessage(6061, LogLevel.Information, "All input read and stored; stopping")]
    public static partial void AllInputStored(ILogger logger);
}
