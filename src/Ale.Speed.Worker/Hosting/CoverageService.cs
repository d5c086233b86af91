using System.Diagnostics.Metrics;
using Ale.Speed.Influx.Coverage;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Writing;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Worker.Hosting;

/// <summary>
/// Samples which units are alive and writes one coverage point per alive unit and window (docs/schema.md), so that
/// reports can tell a quiet hour from an hour without a working unit. Points wait in a bounded queue while InfluxDB is
/// away; past the bound the oldest are dropped and counted (a dropped point makes an hour read as an outage, never as
/// traffic). Not journaled: after a SIGKILL the window in progress is written again from the next start's samples.
/// With <see cref="CoverageDays"/> (when the worker may read InfluxDB: <c>Influx:MonthRollups</c>), the local days of
/// the points written are then rebuilt whole from the stored points; days whose rebuild failed are retried with the next
/// sample, and a start rebuilds the day of the writer's last stored point (a kill between the two writes).
/// </summary>
internal sealed partial class CoverageService : BackgroundService
{
    /// <summary>How often the units are looked at: short against the 5-minute window, long against the hot path.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(10);

    private readonly CoverageRecorder _recorder;
    private readonly InfluxWriter _writer;
    private readonly string _writerId;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<CoverageService> _logger;
    private readonly Queue<CoveragePoint> _pending = new();
    private readonly List<CoveragePoint> _completed = [];
    private readonly int _capacity;
    private readonly Counter<long> _written;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _dayFailures;
    private readonly CoverageDays? _days;
    private long _totalWritten;
    private long _totalDropped;

    // Local days [from, to) whose day rollups wait for a rebuild; the start's check until it has run once.
    private long _daysFromMs = long.MaxValue;
    private long _daysToMs = long.MinValue;
    private bool _lastDayChecked;

    public CoverageService(CoverageRecorder recorder, InfluxWriter writer, WorkerSettings settings, TimeProvider timeProvider,
        ILogger<CoverageService> logger, IMeterFactory? meterFactory = null, CoverageDays? days = null)
    {
        _days = days;
        _lastDayChecked = days is null;
        _recorder = recorder;
        _writer = writer;
        _writerId = settings.WriterId;
        _timeProvider = timeProvider;
        _logger = logger;
        // A week of windows for every unit: longer than any InfluxDB outage the spool is sized for.
        _capacity = Math.Max(1_000, settings.Units.Count * (int)(TimeSpan.FromDays(7) / settings.Binning.Window));
        Meter meter = meterFactory?.Create(WorkerMetrics.MeterName) ?? new Meter(WorkerMetrics.MeterName);
        _written = meter.CreateCounter<long>("ale.speed.coverage.written", "{point}", "Coverage points written (one per alive unit and window).");
        _dropped = meter.CreateCounter<long>("ale.speed.coverage.dropped", "{point}",
            "Coverage points dropped because InfluxDB was away longer than the queue holds: those windows read as outages.");
        meter.CreateObservableGauge("ale.speed.coverage.pending", () => PendingCount, "{point}", "Coverage points waiting for InfluxDB.");
        _dayFailures = meter.CreateCounter<long>("ale.speed.coverage.day_rollup_failures", "{attempt}",
            "Coverage day rollup rebuilds that failed (InfluxDB unreadable or refusing): retried with the next sample.");
    }

    public int PendingCount
    {
        get
        {
            lock (_pending)
            {
                return _pending.Count;
            }
        }
    }

    public long TotalWritten => Interlocked.Read(ref _totalWritten);

    public long TotalDropped => Interlocked.Read(ref _totalDropped);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SampleInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                _recorder.Sample(_completed);
                Enqueue();
                await WriteAsync(stoppingToken).ConfigureAwait(false);
                await RebuildDaysAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        _recorder.Close(_completed);
        Enqueue();
        using var last = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await WriteAsync(last.Token).ConfigureAwait(false);
            await RebuildDaysAsync(last.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        if (PendingCount > 0)
        {
            LogNotWritten(_logger, PendingCount);
        }
    }

    private void Enqueue()
    {
        lock (_pending)
        {
            foreach (CoveragePoint point in _completed)
            {
                if (_pending.Count == _capacity)
                {
                    _pending.Dequeue();
                    _dropped.Add(1);
                    Interlocked.Increment(ref _totalDropped);
                }

                _pending.Enqueue(point);
            }
        }

        _completed.Clear();
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        CoveragePoint[] points;
        lock (_pending)
        {
            points = [.. _pending];
        }

        if (points.Length == 0)
        {
            return;
        }

        using LineBatch batch = _writer.CreateBatch();
        foreach (CoveragePoint point in points)
        {
            CoverageSchema.Write(batch.Writer, point, _writerId, batch.Precision);
        }

        InfluxWriteResult result = await _writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        if (!result.IsComplete)
        {
            // Kept; written again with the next sample. Rewriting a point that was stored is harmless.
            LogWriteFailed(_logger, result.Failure.ToString(), points.Length);
            return;
        }

        lock (_pending)
        {
            for (int i = 0; i < points.Length && _pending.Count > 0; i++)
            {
                _pending.Dequeue();
            }
        }

        _written.Add(points.Length);
        Interlocked.Add(ref _totalWritten, points.Length);
        foreach (CoveragePoint point in points)
        {
            _daysFromMs = Math.Min(_daysFromMs, point.WindowStartMs);
            _daysToMs = Math.Max(_daysToMs, point.WindowStartMs + 1);
        }
    }

    /// <summary>Rebuilds the day rollups of the days written since the last rebuild (and, once, of the last day stored before this start).</summary>
    internal async Task RebuildDaysAsync(CancellationToken cancellationToken)
    {
        if (_days is null)
        {
            return;
        }

        try
        {
            if (!_lastDayChecked && await _days.LastWindowAsync(_writerId, cancellationToken).ConfigureAwait(false) is long last)
            {
                _daysFromMs = Math.Min(_daysFromMs, last);
                _daysToMs = Math.Max(_daysToMs, last + 1);
            }

            _lastDayChecked = true;
            if (_daysToMs <= _daysFromMs)
            {
                return;
            }

            CoverageDaysResult result = await _days.RebuildAsync(_daysFromMs, _daysToMs, _writerId, cancellationToken).ConfigureAwait(false);
            if (result.Failure is { } failure)
            {
                _dayFailures.Add(1);
                LogDaysFailed(_logger, failure.Failure.ToString());
                return;
            }

            (_daysFromMs, _daysToMs) = (long.MaxValue, long.MinValue);
        }
        catch (Exception ex) when (ex is InfluxQueryException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _dayFailures.Add(1);
            LogDaysFailed(_logger, ex.Message);
        }
    }

    [LoggerMessage(6080, LogLevel.Warning, "Writing coverage to InfluxDB failed ({Failure}); {Points} points kept for the next try")]
    private static partial void LogWriteFailed(ILogger logger, string failure, int points);

    [LoggerMessage(6082, LogLevel.Warning, "Rebuilding the coverage day rollups failed ({Failure}); retried with the next sample")]
    private static partial void LogDaysFailed(ILogger logger, string failure);

    [LoggerMessage(6081, LogLevel.Warning, "{Points} coverage points could not be written before the stop: those windows will read as outages")]
    private static partial void LogNotWritten(ILogger logger, int points);
}
