using System.Globalization;
using System.Text.Json;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Worker.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Worker.Hosting;

/// <summary>
/// Once at start (v1 API): warns when the retention policy the rollups are written to has short shard groups — a year's
/// read then opens one per week instead of 2 (docs/schema.md, retention per level). Never stops the start: a query that
/// fails is logged at debug level and the worker goes on.
/// </summary>
internal sealed partial class ShardGroupCheckService(WorkerSettings settings, HttpClient http, TimeProvider timeProvider, ILogger<ShardGroupCheckService> logger)
    : BackgroundService
{
    /// <summary>The warning given at start, for the status file: none, or one.</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await CheckAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <returns>The rollups' policy when it has short shard groups; null when not, or when it could not be read.</returns>
    internal async Task<RetentionPolicy?> CheckAsync(CancellationToken cancellationToken)
    {
        string database = settings.Influx.Database!;
        IReadOnlyList<RetentionPolicy> policies;
        using var timeout = new CancellationTokenSource(settings.Options.Influx.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            policies = await RetentionPolicies.ReadAsync(new InfluxQueryClient(http, settings.Influx), database, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or InfluxQueryException or FormatException or JsonException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogUnread(logger, database, ex.Message);
            return null;
        }

        string? name = settings.Influx.ForRollups().RetentionPolicy;
        RetentionPolicy? policy = RetentionPolicies.Find(policies, name);
        if (policy is null || policy.ShardGroupDuration >= RetentionPolicies.ShortShardGroup)
        {
            return null;
        }

        string duration = policy.ShardGroupDuration.TotalDays >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{policy.ShardGroupDuration.TotalDays:0.##} days")
            : string.Create(CultureInfo.InvariantCulture, $"{policy.ShardGroupDuration.TotalHours:0.##} hours");
        LogShortShardGroups(logger, policy.Name, duration, database);
        Warnings = [$"the rollups' retention policy \"{policy.Name}\" has shard groups of {duration}: ALTER RETENTION POLICY \"{policy.Name}\" ON \"{database}\" SHARD DURATION 52w"];
        return policy;
    }

    [LoggerMessage(6120, LogLevel.Warning, "The rollups' retention policy \"{Policy}\" has shard groups of {Duration}: a year's read opens one per such period. "
        + "Fix: ALTER RETENTION POLICY \"{Policy}\" ON \"{Database}\" SHARD DURATION 52w (applies to new shard groups; data already stored stays where it is unless copied with SELECT INTO); docs/schema.md, retention per level")]
    private static partial void LogShortShardGroups(ILogger logger, string policy, string duration, string database);

    [LoggerMessage(6121, LogLevel.Debug, "Could not read the retention policies of \"{Database}\" to check the rollups' shard groups ({Reason}); going on")]
    private static partial void LogUnread(ILogger logger, string database, string reason);
}
