using Ale.Speed.Core.Bins;

namespace Ale.Speed.Influx.Bins;

/// <summary>A rollup and the writer whose bins it merges.</summary>
public readonly record struct WriterRollup(string WriterId, Rollup Rollup);

/// <summary>
/// Month rollups (<c>speed_bin_1mo</c>) merged from the stored day rollups of their local month, with nothing else: a
/// read-modify-write, run after the days are stored. Exact, because every stored day rollup is complete (the writers
/// only ever store a day whole), and repeatable: merging again after any day changed gives the month of the new days.
/// </summary>
/// <param name="timeout">How long the read-back may take (null: as long as the reader's HTTP client allows).</param>
public sealed class MonthRollups(BinReader reader, TimeZoneInfo zone, TimeSpan? timeout = null, TimeProvider? timeProvider = null)
{
    public TimeZoneInfo Zone => zone;

    /// <summary>
    /// The month rollups of every local month that [<paramref name="fromMs"/>, <paramref name="toMs"/>) touches, each
    /// merged whole from the stored day rollups of its month: of one writer (<paramref name="writerId"/>) or of every
    /// writer, each its own. <paramref name="only"/>: just these months (keys named by the month's start). One query.
    /// </summary>
    public async Task<List<WriterRollup>> MergeAsync(long fromMs, long toMs, string? writerId, IReadOnlySet<BinKey>? only, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(zone);
        var builders = new Dictionary<string, RollupBuilder>(StringComparer.Ordinal);
        if (toMs <= fromMs)
        {
            return [];
        }

        using CancellationTokenSource? timer = timeout is { } limit ? new CancellationTokenSource(limit, timeProvider ?? TimeProvider.System) : null;
        using CancellationTokenSource? linked = timer is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        long monthStart = long.MaxValue, monthEnd = long.MinValue;
        await reader.ReadAsync(RollupLevel.Day, Rollups.MonthStart(fromMs, zone), Rollups.NextMonthStart(toMs - 1, zone), new BinFilter { WriterId = writerId }, stored =>
        {
            long day = stored.Key.WindowStartMs;
            if (day < monthStart || day >= monthEnd)
            {
                monthStart = Rollups.MonthStart(day, zone);
                monthEnd = Rollups.NextMonthStart(day, zone);
            }

            if (only is not null && !only.Contains(stored.Key with { WindowStartMs = monthStart }))
            {
                return;
            }

            if (!builders.TryGetValue(stored.WriterId, out RollupBuilder? builder))
            {
                builders.Add(stored.WriterId, builder = new RollupBuilder(RollupLevel.Month, zone));
            }

            builder.Add(stored.Key, stored.Bin, stored.Hours ?? EveryHour(stored));
        }, linked?.Token ?? cancellationToken).ConfigureAwait(false);

        var months = new List<WriterRollup>();
        foreach ((string writer, RollupBuilder builder) in builders)
        {
            foreach (Rollup rollup in builder.Built())
            {
                months.Add(new WriterRollup(writer, rollup));
            }
        }

        return months;
    }

    /// <summary>
    /// Whether the stored month rollups of the local month starting at <paramref name="monthStartMs"/> hold exactly its
    /// stored days: the same vehicles and speed sums per writer and series, summed by InfluxDB (two small answers). False
    /// for data stored before month rollups existed, or whose month was never merged.
    /// </summary>
    public async Task<bool> MatchesDaysAsync(long monthStartMs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        long end = Rollups.NextMonthStart(monthStartMs, zone);
        Dictionary<WriterSeries, SeriesSums> months = await reader.SumsAsync(RollupLevel.Month, monthStartMs, end, default, cancellationToken).ConfigureAwait(false);
        Dictionary<WriterSeries, SeriesSums> days = await reader.SumsAsync(RollupLevel.Day, monthStartMs, end, default, cancellationToken).ConfigureAwait(false);
        return months.Count == days.Count && days.All(d => months.TryGetValue(d.Key, out SeriesSums month) && month == d.Value);
    }

    /// <summary>A day rollup stored without its hours holds data in every hour it spans.</summary>
    private static IEnumerable<long> EveryHour(StoredBin stored)
    {
        for (long hour = Rollups.HourStart(stored.Key.WindowStartMs); hour < stored.Key.WindowStartMs + stored.WindowMs; hour += Rollups.HourMs)
        {
            yield return hour;
        }
    }
}
