using System.Diagnostics.Metrics;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Time;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Writing;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Worker.Hosting;

/// <summary>
/// Keeps the hour-of-week levels of complete past months and years built (docs/schema.md), off the flush path: at
/// <see cref="HourOfWeekLevelSettings.StartDelay"/> after start and then every <see cref="HourOfWeekLevelSettings.Interval"/>,
/// each complete month of the lookback is checked — first its month rollups against its stored days (re-merged where
/// they differ: data stored before month rollups existed), then its level against its month rollups — and what is
/// missing or stale is rebuilt from the stored hour rollups, then the complete years. Readers never depend on it: they
/// check every level they use and fall back to hour rollups, so a late or failed pass costs time, not correctness.
/// </summary>
internal sealed partial class HourOfWeekLevelService : BackgroundService
{
    /// <summary>A pass that takes longer (a hung InfluxDB: the worker's HTTP client has no timeout) fails, and the next one tries again.</summary>
    private static readonly TimeSpan s_passTimeout = TimeSpan.FromHours(1);

    /// <summary>Merges of one month in a pass while its days keep changing under it.</summary>
    private const int MaxMonthMerges = 3;

    private readonly HourOfWeekLevelSettings _options;
    private readonly HourOfWeekLevels _levels;
    private readonly MonthRollups _months;
    private readonly InfluxWriter _writer;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<HourOfWeekLevelService> _logger;
    private readonly Counter<long> _passes;
    private readonly Counter<long> _built;
    private readonly Counter<long> _monthsRepaired;
    private readonly Counter<long> _failures;
    private long _totalPasses;
    private long _totalFailures;
    private long _totalMonthsRepaired;
    private DateTimeOffset _firstDue;

    public HourOfWeekLevelService(WorkerSettings settings, HttpClient http, TimeProvider timeProvider, ILoggerFactory loggers, IMeterFactory? meterFactory = null)
    {
        _options = settings.Options.Influx.HourOfWeekLevels;
        var reader = new BinReader(new InfluxQueryClient(http, settings.Influx));
        _levels = new HourOfWeekLevels(reader, StockholmTime.Zone);
        _months = new MonthRollups(reader, StockholmTime.Zone, settings.Options.Influx.Timeout, timeProvider);
        _writer = new InfluxWriter(http, settings.Influx.ForRollups(), timeProvider, loggers.CreateLogger<InfluxWriter>());
        _timeProvider = timeProvider;
        _logger = loggers.CreateLogger<HourOfWeekLevelService>();
        Meter meter = meterFactory?.Create(WorkerMetrics.MeterName) ?? new Meter(WorkerMetrics.MeterName);
        _passes = meter.CreateCounter<long>("ale.speed.levels.passes", "{pass}", "Passes of the hour-of-week level job that checked every month and year of the lookback.");
        _built = meter.CreateCounter<long>("ale.speed.levels.built", "{period}", "Hour-of-week levels rebuilt because they were missing or stale, by level (month, year).");
        _monthsRepaired = meter.CreateCounter<long>("ale.speed.levels.months_repaired", "{month}",
            "Month rollups re-merged from their stored days because they differed (data stored before month rollups existed, or never merged).");
        _failures = meter.CreateCounter<long>("ale.speed.levels.failures", "{pass}", "Passes of the hour-of-week level job that InfluxDB failed; the next pass tries again.");
    }

    /// <summary>What the last pass did (null before the first, or when it failed).</summary>
    public HourOfWeekRefresh? LastPass { get; private set; }

    public long Passes => Interlocked.Read(ref _totalPasses);

    public long Failures => Interlocked.Read(ref _totalFailures);

    public long MonthsRepaired => Interlocked.Read(ref _totalMonthsRepaired);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Passes are due at fixed times from the start (ExecuteAsync may begin later on the thread pool).
        _firstDue = _timeProvider.GetUtcNow() + _options.StartDelay;
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            for (DateTimeOffset due = _firstDue; ; due += _options.Interval)
            {
                TimeSpan wait = due - _timeProvider.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _timeProvider, stoppingToken).ConfigureAwait(false);
                }

                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                if (_timeProvider.GetUtcNow() - due > _options.Interval)
                {
                    due = _timeProvider.GetUtcNow(); // a pass longer than the interval: the next one an interval after it
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass over the complete months of the lookback and their complete years; false when InfluxDB failed it.</summary>
    internal async Task<bool> RunOnceAsync(CancellationToken stoppingToken)
    {
        using var timeout = new CancellationTokenSource(s_passTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        CancellationToken cancellationToken = linked.Token;
        TimeZoneInfo zone = StockholmTime.Zone;
        long end = Rollups.MonthStart(_timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), zone);
        long from = end;
        for (int i = 0; i < _options.LookbackMonths; i++)
        {
            from = Rollups.MonthStart(from - 1, zone);
        }

        string? failure;
        try
        {
            for (long month = from; month < end; month = Rollups.NextMonthStart(month, zone))
            {
                if (!await _months.MatchesDaysAsync(month, cancellationToken).ConfigureAwait(false)
                    && await RepairMonthAsync(month, cancellationToken).ConfigureAwait(false) is { } refused)
                {
                    return Failed($"{refused.Failure}, HTTP {refused.StatusCode}: {refused.Message}");
                }
            }

            HourOfWeekRefresh refresh = await _levels.RefreshAsync(_writer, from, end, force: false, cancellationToken).ConfigureAwait(false);
            _built.Add(refresh.MonthsBuilt, new KeyValuePair<string, object?>("level", "month"));
            _built.Add(refresh.YearsBuilt, new KeyValuePair<string, object?>("level", "year"));
            if (refresh.Failure is { } refusedLevels)
            {
                return Failed($"{refusedLevels.Failure}, HTTP {refusedLevels.StatusCode}: {refusedLevels.Message}");
            }

            LastPass = refresh;
            _passes.Add(1);
            Interlocked.Increment(ref _totalPasses);
            LogPass(_logger, refresh.MonthsChecked, refresh.MonthsBuilt, refresh.YearsChecked, refresh.YearsBuilt, refresh.Points);
            return true;
        }
        catch (Exception ex) when (ex is InfluxQueryException or HttpRequestException or System.Text.Json.JsonException or InvalidDataException
            || (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested))
        {
            failure = ex.Message;
        }

        return Failed(failure);

        bool Failed(string reason)
        {
            LastPass = null;
            _failures.Add(1);
            Interlocked.Increment(ref _totalFailures);
            LogFailed(_logger, reason);
            return false;
        }
    }

    /// <summary>
    /// Re-merges a month's rollups from its stored days. A flush may store a late day of the month between the merge's
    /// read and its write, and the write would then put back the month without it (over the flush's own merge); so the
    /// month is checked again after the write, and merged again while it still differs. Null, or InfluxDB's refusal.
    /// </summary>
    private async Task<InfluxWriteResult?> RepairMonthAsync(long month, CancellationToken cancellationToken)
    {
        string label = Rollups.MonthLabel(month, StockholmTime.Zone);
        for (int attempt = 1; ; attempt++)
        {
            List<WriterRollup> merged = await _months.MergeAsync(month, month + 1, writerId: null, only: null, cancellationToken).ConfigureAwait(false);
            if (await HourOfWeekLevels.WriteAsync(_writer, merged, cancellationToken).ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            if (await _months.MatchesDaysAsync(month, cancellationToken).ConfigureAwait(false))
            {
                _monthsRepaired.Add(1);
                Interlocked.Increment(ref _totalMonthsRepaired);
                LogMonthRepaired(_logger, label, merged.Count);
                return null;
            }

            if (attempt == MaxMonthMerges)
            {
                // Days still arriving: the flush that stores them merges the month after them, and the next pass checks again.
                LogMonthStillChanging(_logger, label, attempt);
                return null;
            }
        }
    }

    public override void Dispose()
    {
        _writer.Dispose();
        base.Dispose();
    }

    [LoggerMessage(6100, LogLevel.Information, "Hour-of-week levels: {MonthsChecked} months checked, {MonthsBuilt} rebuilt; {YearsChecked} years checked, {YearsBuilt} rebuilt ({Points} points)")]
    private static partial void LogPass(ILogger logger, int monthsChecked, int monthsBuilt, int yearsChecked, int yearsBuilt, long points);

    [LoggerMessage(6101, LogLevel.Warning, "Month rollups of {Month} differed from its stored days (stored before month rollups existed?): re-merged {Rollups} month rollups")]
    private static partial void LogMonthRepaired(ILogger logger, string month, int rollups);

    [LoggerMessage(6103, LogLevel.Warning, "Month rollups of {Month} still differed from its stored days after {Merges} merges (days being stored meanwhile); the next pass checks again")]
    private static partial void LogMonthStillChanging(ILogger logger, string month, int merges);

    [LoggerMessage(6102, LogLevel.Warning, "The hour-of-week level job failed ({Failure}); reads use hour rollups where a level is stale, and the next pass tries again")]
    private static partial void LogFailed(ILogger logger, string failure);
}
