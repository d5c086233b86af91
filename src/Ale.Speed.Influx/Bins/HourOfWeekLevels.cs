using System.Globalization;
using Ale.Speed.Core.Bins;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Influx.Bins;

/// <summary>What <see cref="HourOfWeekLevels.RefreshAsync"/> did.</summary>
public sealed record HourOfWeekRefresh(int MonthsChecked, int MonthsBuilt, int YearsChecked, int YearsBuilt, long Points, InfluxWriteResult? Failure);

/// <summary>What <see cref="HourOfWeekLevels.ReadAsync"/> read: years and months from the levels, and the starts of the months read from hour rollups instead.</summary>
public sealed record HourOfWeekRead(int YearsFromLevel, int MonthsFromLevel, IReadOnlyList<long> StaleMonths);

/// <summary>
/// The hour-of-week levels (<c>speed_bin_1mo_how</c>, <c>speed_bin_1y_how</c>, docs/schema.md): per writer, series and
/// local month (year), one rollup per hour of the week, so a read grouped by hour of the week over whole months and years
/// takes a few thousand points instead of every hour rollup. Derived, never trusted blindly: a level is used for a
/// writer's series only where its vehicles and speed sum equal those of the month rollups of the same span (summed by
/// InfluxDB); anything else (late data, an import, not built yet) is read from the hour rollups, counted and told.
/// </summary>
public sealed class HourOfWeekLevels(BinReader reader, TimeZoneInfo zone)
{
    private const int BatchLines = 5_000;

    public TimeZoneInfo Zone => zone;

    /// <summary>
    /// Reads the bins of [<paramref name="fromMs"/>, <paramref name="toMs"/>) (whole local months) grouped by hour of the
    /// week: whole years from the year level, other months from the month level, each writer's series only where its level
    /// is valid, the rest from hour rollups. A level's bin is handed over keyed by the first of its hours holding data,
    /// with <see cref="StoredBin.Hours"/> listing them; as with <see cref="BinReader"/>, the bin is reused after the call.
    /// </summary>
    public async Task<HourOfWeekRead> ReadAsync(long fromMs, long toMs, BinFilter filter, Action<StoredBin> onBin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(onBin);
        if (Rollups.MonthStart(fromMs, zone) != fromMs || (toMs > fromMs && Rollups.MonthStart(toMs, zone) != toMs))
        {
            throw new ArgumentException("Hour-of-week levels are read in whole local months.", nameof(fromMs));
        }

        int years = 0, months = 0;
        var stale = new List<long>();
        for (long start = fromMs; start < toMs;)
        {
            long yearEnd = Rollups.NextYearStart(start, zone);
            if (Rollups.YearStart(start, zone) == start && yearEnd <= toMs)
            {
                Task<(HashSet<WriterSeries> Valid, HashSet<WriterSeries> Invalid)> check = CheckAsync(RollupLevel.YearHourOfWeek, start, yearEnd, filter, cancellationToken);
                await ReadLevelAsync(RollupLevel.YearHourOfWeek, start, yearEnd, filter, check, onBin, cancellationToken).ConfigureAwait(false);
                (HashSet<WriterSeries> valid, HashSet<WriterSeries> invalid) = await check.ConfigureAwait(false);
                years += valid.Count > 0 ? 1 : 0;
                for (long month = start; invalid.Count > 0 && month < yearEnd; month = Rollups.NextMonthStart(month, zone))
                {
                    months += await ReadMonthAsync(month, filter, invalid, onBin, stale, cancellationToken).ConfigureAwait(false) ? 1 : 0;
                }

                start = yearEnd;
            }
            else
            {
                months += await ReadMonthAsync(start, filter, only: null, onBin, stale, cancellationToken).ConfigureAwait(false) ? 1 : 0;
                start = Rollups.NextMonthStart(start, zone);
            }
        }

        foreach (long month in stale)
        {
            reader.ReportFallback(string.Create(CultureInfo.InvariantCulture,
                $"hour-of-week level stale or missing for {Rollups.MonthLabel(month, zone)}: read from hour rollups (run ale-speed rollup)"));
        }

        return new HourOfWeekRead(years, months, stale);
    }

    /// <summary>
    /// Builds and writes the hour-of-week levels of every local month that [<paramref name="fromMs"/>,
    /// <paramref name="toMs"/>) touches (from the stored hour rollups), then of every local year it touches (from the
    /// year's month levels, after rebuilding those that are stale). <paramref name="force"/>: rebuild every month and year
    /// touched (<c>ale-speed rollup</c>); otherwise only those that are missing or stale, and only years that end by
    /// <paramref name="toMs"/> (the worker's background job). Idempotent: the same hour rollups give the same points.
    /// </summary>
    /// <param name="years">False: months only (<c>import</c>; a year whose level is then stale reads from its months' levels).</param>
    public async Task<HourOfWeekRefresh> RefreshAsync(InfluxWriter writer, long fromMs, long toMs, bool force, CancellationToken cancellationToken = default, bool years = true)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int monthsChecked = 0, monthsBuilt = 0, yearsChecked = 0, yearsBuilt = 0;
        long points = 0;
        var built = new HashSet<long>();
        if (toMs <= fromMs)
        {
            return new HourOfWeekRefresh(0, 0, 0, 0, 0, null);
        }

        for (long month = Rollups.MonthStart(fromMs, zone); month < toMs; month = Rollups.NextMonthStart(month, zone))
        {
            InfluxWriteResult? failure = await RefreshOneAsync(RollupLevel.MonthHourOfWeek, month, force).ConfigureAwait(false);
            if (failure is not null)
            {
                return Summary(failure);
            }
        }

        for (long year = Rollups.YearStart(fromMs, zone); years && year < toMs; year = Rollups.NextYearStart(year, zone))
        {
            long yearEnd = Rollups.NextYearStart(year, zone);
            if (!force && yearEnd > toMs)
            {
                continue;
            }

            yearsChecked++;
            if (!force && (await CheckAsync(RollupLevel.YearHourOfWeek, year, yearEnd, default, cancellationToken).ConfigureAwait(false)).Invalid.Count == 0)
            {
                continue;
            }

            // A year is merged from its months: first every month of it that is stale.
            for (long month = year; month < yearEnd; month = Rollups.NextMonthStart(month, zone))
            {
                InfluxWriteResult? failure = built.Contains(month) ? null : await RefreshOneAsync(RollupLevel.MonthHourOfWeek, month, force: false).ConfigureAwait(false);
                if (failure is not null)
                {
                    return Summary(failure);
                }
            }

            List<WriterRollup> rollups = await BuildAsync(RollupLevel.YearHourOfWeek, year, writerId: null, cancellationToken).ConfigureAwait(false);
            InfluxWriteResult? written = await WriteAsync(writer, rollups, cancellationToken).ConfigureAwait(false);
            if (written is not null)
            {
                return Summary(written);
            }

            yearsBuilt++;
            points += rollups.Count;
        }

        return Summary(null);

        HourOfWeekRefresh Summary(InfluxWriteResult? failure) => new(monthsChecked, monthsBuilt, yearsChecked, yearsBuilt, points, failure);

        async Task<InfluxWriteResult?> RefreshOneAsync(RollupLevel level, long month, bool force)
        {
            long end = Rollups.NextMonthStart(month, zone);
            monthsChecked++;
            built.Add(month);
            if (!force && (await CheckAsync(level, month, end, default, cancellationToken).ConfigureAwait(false)).Invalid.Count == 0)
            {
                return null;
            }

            List<WriterRollup> rollups = await BuildAsync(level, month, writerId: null, cancellationToken).ConfigureAwait(false);
            InfluxWriteResult? failure = await WriteAsync(writer, rollups, cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                monthsBuilt++;
                points += rollups.Count;
            }

            return failure;
        }
    }

    /// <summary>
    /// The hour-of-week rollups of the local month (<see cref="RollupLevel.MonthHourOfWeek"/>) or year holding
    /// <paramref name="unixMs"/>, of one writer or each writer's own: a month merged from its stored hour rollups, a year
    /// from its stored month levels. One query.
    /// </summary>
    public async Task<List<WriterRollup>> BuildAsync(RollupLevel level, long unixMs, string? writerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        HourOfWeekCalendar calendar = HourOfWeekCalendar.Of(level, unixMs, zone);
        var builders = new Dictionary<string, HourOfWeekBuilder>(StringComparer.Ordinal);
        HourOfWeekCalendar? month = null;
        RollupLevel source = level == RollupLevel.YearHourOfWeek ? RollupLevel.MonthHourOfWeek : RollupLevel.Hour;
        await reader.ReadAsync(source, calendar.StartMs, calendar.EndMs, new BinFilter { WriterId = writerId }, stored =>
        {
            if (!builders.TryGetValue(stored.WriterId, out HourOfWeekBuilder? builder))
            {
                builders.Add(stored.WriterId, builder = new HourOfWeekBuilder(calendar));
            }

            if (source == RollupLevel.Hour)
            {
                builder.Add(stored.Key, stored.Bin, stored.Key.WindowStartMs);
            }
            else
            {
                if (month is null || !month.Contains(stored.Key.WindowStartMs))
                {
                    month = HourOfWeekCalendar.Of(RollupLevel.MonthHourOfWeek, stored.Key.WindowStartMs, zone);
                }

                builder.Add(stored.Key, stored.Bin, month.HoursOf(month.CellOf(stored.Key.WindowStartMs), stored.Occurrences));
            }
        }, cancellationToken).ConfigureAwait(false);

        var rollups = new List<WriterRollup>();
        foreach ((string writer, HourOfWeekBuilder builder) in builders)
        {
            rollups.AddRange(builder.Built().Select(r => new WriterRollup(writer, r)));
        }

        return rollups;
    }

    /// <summary>
    /// Which writers' series the level of [<paramref name="startMs"/>, <paramref name="endMs"/>) (a local month or year)
    /// holds exactly: those whose vehicles and speed sum equal the month rollups' over the same span. Invalid: every
    /// other series either holds (stale, missing, or a series without month rollups).
    /// </summary>
    public async Task<(HashSet<WriterSeries> Valid, HashSet<WriterSeries> Invalid)> CheckAsync(RollupLevel level, long startMs, long endMs, BinFilter filter,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        // Both asked at once: the check is two round trips in the way of every level read.
        Task<Dictionary<WriterSeries, SeriesSums>> storedRead = reader.SumsAsync(level, startMs, endMs, filter, cancellationToken);
        Task<Dictionary<WriterSeries, SeriesSums>> monthsRead = reader.SumsAsync(RollupLevel.Month, startMs, endMs, filter, cancellationToken);
        await Task.WhenAll(storedRead, monthsRead).ConfigureAwait(false);
        Dictionary<WriterSeries, SeriesSums> stored = await storedRead.ConfigureAwait(false);
        Dictionary<WriterSeries, SeriesSums> months = await monthsRead.ConfigureAwait(false);
        var valid = new HashSet<WriterSeries>();
        var invalid = new HashSet<WriterSeries>();
        foreach ((WriterSeries series, SeriesSums sums) in months)
        {
            (stored.TryGetValue(series, out SeriesSums own) && own == sums ? valid : invalid).Add(series);
        }

        invalid.UnionWith(stored.Keys.Where(s => !months.ContainsKey(s)));
        return (valid, invalid);
    }

    /// <summary>One month: its level for the series it holds validly (of <paramref name="only"/>, when given), hour rollups for the rest. True when the level was used.</summary>
    private async Task<bool> ReadMonthAsync(long month, BinFilter filter, HashSet<WriterSeries>? only, Action<StoredBin> onBin, List<long> stale, CancellationToken cancellationToken)
    {
        long end = Rollups.NextMonthStart(month, zone);
        Task<(HashSet<WriterSeries> Valid, HashSet<WriterSeries> Invalid)> check = CheckWithinAsync();
        await ReadLevelAsync(RollupLevel.MonthHourOfWeek, month, end, filter, check, onBin, cancellationToken).ConfigureAwait(false);
        (HashSet<WriterSeries> valid, HashSet<WriterSeries> invalid) = await check.ConfigureAwait(false);
        if (invalid.Count > 0)
        {
            stale.Add(month);
            BinFilter narrow = filter with
            {
                SiteId = filter.SiteId ?? (invalid.Select(s => s.SiteId).Distinct().Count() == 1 ? invalid.First().SiteId : null),
                WriterId = filter.WriterId ?? (invalid.Select(s => s.WriterId).Distinct().Count() == 1 ? invalid.First().WriterId : null),
            };
            await reader.ReadAsync(RollupLevel.Hour, month, end, narrow, stored =>
            {
                if (invalid.Contains(WriterSeries.Of(stored)))
                {
                    onBin(stored);
                }
            }, cancellationToken).ConfigureAwait(false);
        }

        return valid.Count > 0;

        async Task<(HashSet<WriterSeries> Valid, HashSet<WriterSeries> Invalid)> CheckWithinAsync()
        {
            (HashSet<WriterSeries> valid, HashSet<WriterSeries> invalid) = await CheckAsync(RollupLevel.MonthHourOfWeek, month, end, filter, cancellationToken).ConfigureAwait(false);
            if (only is not null)
            {
                valid.IntersectWith(only);
                invalid.IntersectWith(only);
                // Series of the year without a valid month level, and none at all (no data this month), are left out.
            }

            return (valid, invalid);
        }
    }

    /// <summary>
    /// Hands over the level's points of the series <paramref name="check"/> finds valid, keyed by their first hour with
    /// data, with their hours. The level is asked for while the check runs, so InfluxDB prepares both at once (the check
    /// used to be a round trip in the way of every level read); it is read once the check is done, and dropped unread
    /// when no series is valid.
    /// </summary>
    private async Task ReadLevelAsync(RollupLevel level, long startMs, long endMs, BinFilter filter,
        Task<(HashSet<WriterSeries> Valid, HashSet<WriterSeries> Invalid)> check, Action<StoredBin> onBin, CancellationToken cancellationToken)
    {
        HashSet<WriterSeries> valid = [];
        HourOfWeekCalendar calendar = HourOfWeekCalendar.Of(level, startMs, zone);
        // Most series hold data in the same hours of an hour of the week: one shared, read-only set each.
        var shared = new Dictionary<(int Cell, ulong Occurrences), HourSet>();
        await reader.ReadAsync(level, startMs, endMs, filter, stored =>
        {
            if (!valid.Contains(WriterSeries.Of(stored)))
            {
                return;
            }

            if (stored.Occurrences == 0)
            {
                throw new InvalidDataException($"A stored {BinSchema.MeasurementOf(level)} point of site '{stored.Key.SiteId}' has no hour with data.");
            }

            int cell = calendar.CellOf(stored.Key.WindowStartMs);
            if (!shared.TryGetValue((cell, stored.Occurrences), out HourSet? hours))
            {
                shared.Add((cell, stored.Occurrences), hours = calendar.HourSetOf(cell, stored.Occurrences).Freeze());
            }

            onBin(stored with { Key = stored.Key with { WindowStartMs = hours.Min }, Hours = hours });
        }, AfterCheckAsync(), cancellationToken).ConfigureAwait(false);

        async Task<bool> AfterCheckAsync()
        {
            valid = (await check.ConfigureAwait(false)).Valid;
            return valid.Count > 0;
        }
    }

    /// <summary>Writes <paramref name="rollups"/> (each under its writer's tag) in batches; null when all are stored, else the failure.</summary>
    public static async Task<InfluxWriteResult?> WriteAsync(InfluxWriter writer, IReadOnlyList<WriterRollup> rollups, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rollups);
        var encoder = new BinPointEncoder();
        for (int start = 0; start < rollups.Count; start += BatchLines)
        {
            using LineBatch batch = writer.CreateBatch();
            for (int i = start; i < Math.Min(rollups.Count, start + BatchLines); i++)
            {
                encoder.Write(batch.Writer, rollups[i].Rollup, rollups[i].WriterId, batch.Precision);
            }

            InfluxWriteResult result = await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            if (!result.IsComplete)
            {
                return result;
            }
        }

        return null;
    }
}
