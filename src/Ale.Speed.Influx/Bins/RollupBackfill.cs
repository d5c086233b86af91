using Ale.Speed.Core.Bins;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Influx.Bins;

/// <summary>What <see cref="RollupBackfill.RunAsync"/> did.</summary>
public sealed record RollupBackfillSummary(long FromMs, long ToMs, int Days, long WindowsRead, long HourRollups, long DayRollups, long MonthRollups, InfluxWriteResult? Failure);

/// <summary>
/// Builds the hour and day rollups of stored windows (<c>ale-speed rollup</c>): a local day at a time, each writer's
/// windows merged into that writer's rollups and written whole. Idempotent: the same windows give the same points, which
/// replace themselves. Whole local days are always rebuilt, so a rollup is never written from part of its windows.
/// Then, with <paramref name="months"/>, the month rollups of every local month the days lie in, each merged whole from
/// the month's stored day rollups (of days outside the range too, and of days whose windows have expired).
/// </summary>
public sealed class RollupBackfill(BinReader reader, InfluxWriter writer, TimeZoneInfo zone, bool months = true)
{
    /// <summary>Rebuilds the rollups of every local day that [<paramref name="fromMs"/>, <paramref name="toMs"/>) touches.</summary>
    public async Task<RollupBackfillSummary> RunAsync(long fromMs, long toMs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(zone);
        long first = Rollups.DayStart(fromMs, zone);
        long end = Rollups.DayStart(toMs - 1, zone) is long last && last < toMs ? Rollups.NextDayStart(last, zone) : toMs;
        var encoder = new BinPointEncoder();
        var builders = new Dictionary<string, (RollupBuilder Hours, RollupBuilder Days)>(StringComparer.Ordinal);
        int days = 0;
        long windows = 0, hourRollups = 0, dayRollups = 0;
        for (long day = first; day < end; day = Rollups.NextDayStart(day, zone))
        {
            days++;
            foreach ((RollupBuilder hours, RollupBuilder daily) in builders.Values)
            {
                hours.Clear();
                daily.Clear();
            }

            await reader.ReadAsync(RollupLevel.Window, day, Rollups.NextDayStart(day, zone), null, stored =>
            {
                if (!builders.TryGetValue(stored.WriterId, out (RollupBuilder Hours, RollupBuilder Days) pair))
                {
                    pair = (new RollupBuilder(RollupLevel.Hour, zone), new RollupBuilder(RollupLevel.Day, zone));
                    builders.Add(stored.WriterId, pair);
                }

                pair.Hours.Add(stored.Key, stored.Bin);
                pair.Days.Add(stored.Key, stored.Bin);
                windows++;
            }, cancellationToken).ConfigureAwait(false);

            using LineBatch batch = writer.CreateBatch();
            foreach ((string writerId, (RollupBuilder hours, RollupBuilder daily)) in builders)
            {
                foreach (Rollup rollup in hours.Built().Concat(daily.Built()))
                {
                    encoder.Write(batch.Writer, rollup, writerId, batch.Precision);
                    if (rollup.Level == RollupLevel.Hour)
                    {
                        hourRollups++;
                    }
                    else
                    {
                        dayRollups++;
                    }
                }
            }

            if (batch.Count > 0)
            {
                InfluxWriteResult result = await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                if (!result.IsComplete)
                {
                    return new RollupBackfillSummary(first, end, days, windows, hourRollups, dayRollups, 0, result);
                }
            }
        }

        long monthRollups = 0;
        if (months)
        {
            // A month at a time: the month's days of every writer, one query.
            for (long month = Rollups.MonthStart(first, zone); month < end; month = Rollups.NextMonthStart(month, zone))
            {
                List<WriterRollup> merged = await new MonthRollups(reader, zone).MergeAsync(month, month + 1, writerId: null, only: null, cancellationToken).ConfigureAwait(false);
                using LineBatch batch = writer.CreateBatch();
                foreach (WriterRollup rollup in merged)
                {
                    encoder.Write(batch.Writer, rollup.Rollup, rollup.WriterId, batch.Precision);
                }

                if (batch.Count > 0)
                {
                    InfluxWriteResult result = await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                    if (!result.IsComplete)
                    {
                        return new RollupBackfillSummary(first, end, days, windows, hourRollups, dayRollups, monthRollups, result);
                    }
                }

                monthRollups += merged.Count;
            }
        }

        return new RollupBackfillSummary(first, end, days, windows, hourRollups, dayRollups, monthRollups, null);
    }
}
