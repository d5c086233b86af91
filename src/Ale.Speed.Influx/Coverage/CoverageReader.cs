using System.Globalization;
using System.Text.Json;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Querying;

namespace Ale.Speed.Influx.Coverage;

/// <summary>The hours in which at least one unit of a site and display mode was alive, by the stored coverage points.</summary>
public sealed class StoredCoverage
{
    private readonly Dictionary<(string Site, DisplayMode Display), HourSet> _hours = [];

    /// <summary>No coverage stored (data written before coverage existed, or only by import).</summary>
    public static StoredCoverage None { get; } = new();

    /// <summary>Hour starts (Unix ms) in which a unit of <paramref name="siteId"/> was alive, in any display mode or in <paramref name="display"/>.</summary>
    public HourSet AliveHours(string siteId, DisplayMode? display = null)
    {
        var hours = new HourSet();
        foreach (((string site, DisplayMode mode), HourSet set) in _hours)
        {
            if (site == siteId && (display is null || mode == display))
            {
                hours.UnionWith(set);
            }
        }

        return hours;
    }

    /// <summary>Adds the alive hours of <paramref name="other"/> (another read: another site or period).</summary>
    public void UnionWith(StoredCoverage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, None))
        {
            throw new InvalidOperationException("The empty coverage is shared and cannot be added to.");
        }

        foreach (((string site, DisplayMode display), HourSet hours) in other._hours)
        {
            Of(site, display).UnionWith(hours);
        }
    }

    internal void Add(string siteId, DisplayMode display, long hourStartMs) => Of(siteId, display).Add(hourStartMs);

    internal void AddMask(string siteId, DisplayMode display, long startMs, ulong hourMask) => Of(siteId, display).AddMask(startMs, hourMask);

    private HourSet Of(string siteId, DisplayMode display)
    {
        if (!_hours.TryGetValue((siteId, display), out HourSet? set))
        {
            set = [];
            _hours.Add((siteId, display), set);
        }

        return set;
    }
}

/// <summary>
/// Reads the alive hours of units: from <see cref="CoverageSchema.Measurement"/> hour by hour (InfluxDB counts the
/// windows; one row per alive hour), or, with <see cref="UseDayRollups"/>, whole local days from the coverage day
/// rollups (<see cref="CoverageDays"/>) and only the edges from the windows — the same hours either way.
/// </summary>
public sealed class CoverageReader(InfluxQueryClient client)
{
    /// <summary>Take whole local days from <see cref="CoverageSchema.DayMeasurement"/> (<c>Influx:ReadRollups</c>).</summary>
    public bool UseDayRollups { get; init; }

    /// <summary>The local time zone of the days (Europe/Stockholm).</summary>
    public TimeZoneInfo Zone { get; init; } = Core.Time.StockholmTime.Zone;

    /// <summary>Told when a site's days are read from the windows because its day rollups do not reach them (data stored before them).</summary>
    public Action<string>? Notice { get; init; }

    /// <summary>The alive hours of [<paramref name="fromMs"/>, <paramref name="toMs"/>), of one site or all, every writer together.</summary>
    public async Task<StoredCoverage> ReadAsync(long fromMs, long toMs, string? siteId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var coverage = new StoredCoverage();
        if (toMs <= fromMs)
        {
            return coverage;
        }

        // Whole local days [firstDay, endDay) from the day rollups; the rest from the windows.
        long firstDay = Rollups.DayStart(fromMs, Zone);
        firstDay = firstDay < fromMs ? Rollups.NextDayStart(firstDay, Zone) : firstDay;
        long endDay = Rollups.DayStart(toMs, Zone);
        if (!UseDayRollups || endDay <= firstDay)
        {
            await ReadWindowsAsync(coverage, fromMs, toMs, siteId, cancellationToken).ConfigureAwait(false);
            return coverage;
        }

        await ReadWindowsAsync(coverage, fromMs, firstDay, siteId, cancellationToken).ConfigureAwait(false);
        await ReadWindowsAsync(coverage, endDay, toMs, siteId, cancellationToken).ConfigureAwait(false);
        var reach = new Dictionary<string, (long First, long End)>(StringComparer.Ordinal);
        string days = string.Create(CultureInfo.InvariantCulture,
            $"SELECT \"{CoverageSchema.HoursField}\" FROM {CoverageSchema.DayMeasurementIn(client.Options.RollupRetentionPolicy)} WHERE time >= {firstDay}ms AND time < {endDay}ms{BinReader.SiteCondition(siteId)} GROUP BY \"{BinSchema.SiteTag}\",\"{BinSchema.DisplayTag}\",\"{CoverageSchema.UnitTag}\",\"{BinSchema.WriterTag}\"");
        await client.StreamAsync(days, new DayDecoder(coverage, reach, Zone), cancellationToken).ConfigureAwait(false);

        // Days whose windows the rollups do not reach (stored before them, or by a writer that does not keep them) are read
        // from the windows. Asked only where it can be so: a site with coverage but no rollup in the range, windows before a
        // site's first rollup day, or after its last. With the rollups complete, no window is read for the check.
        var fallbacks = new List<(string Site, long From, long To)>();
        foreach (string site in await BinReader.SitesOfAsync(client, $"\"{CoverageSchema.Measurement}\"", cancellationToken).ConfigureAwait(false))
        {
            if ((siteId is null || site == siteId) && !reach.ContainsKey(site)
                && (await ExtentAsync("first", firstDay, endDay, site, cancellationToken).ConfigureAwait(false)).Count > 0)
            {
                fallbacks.Add((site, firstDay, endDay));
            }
        }

        long latestFirst = reach.Count == 0 ? firstDay : reach.Values.Max(r => r.First);
        if (latestFirst > firstDay)
        {
            foreach ((string site, long first) in await ExtentAsync("first", firstDay, latestFirst, siteId, cancellationToken).ConfigureAwait(false))
            {
                if (reach.TryGetValue(site, out (long First, long End) r) && first < r.First)
                {
                    fallbacks.Add((site, firstDay, r.First));
                }
            }
        }

        long earliestEnd = reach.Count == 0 ? endDay : reach.Values.Min(r => r.End);
        if (earliestEnd < endDay)
        {
            foreach ((string site, long last) in await ExtentAsync("last", earliestEnd, endDay, siteId, cancellationToken).ConfigureAwait(false))
            {
                if (reach.TryGetValue(site, out (long First, long End) r) && last >= r.End)
                {
                    fallbacks.Add((site, r.End, endDay));
                }
            }
        }

        foreach ((string site, long from, long to) in fallbacks)
        {
            Notice?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"coverage day rollups of site '{site}' are missing from {Core.Time.StockholmTime.ToLocal(from):yyyy-MM-dd} to {Core.Time.StockholmTime.ToLocal(to):yyyy-MM-dd}: read from the coverage points (slower); run ale-speed rollup for that range"));
            await ReadWindowsAsync(coverage, from, to, site, cancellationToken).ConfigureAwait(false);
        }

        return coverage;
    }

    /// <summary>One row of a <c>count(…) GROUP BY time(1h)</c> answer: the hour's start and its alive windows.</summary>
    internal static (long Time, long Windows) HourRow(ref Utf8JsonReader reader)
    {
        long time = 0, windows = 0;
        for (int i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
        {
            long value = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long v) ? v : 0;
            if (i == 0)
            {
                time = value;
            }
            else if (i == 1)
            {
                windows = value;
            }
        }

        return (time, windows);
    }

    private Task ReadWindowsAsync(StoredCoverage coverage, long fromMs, long toMs, string? siteId, CancellationToken cancellationToken)
    {
        if (toMs <= fromMs)
        {
            return Task.CompletedTask;
        }

        // Stockholm's offset from UTC is whole hours, so UTC hour buckets are local hours.
        string query = string.Create(CultureInfo.InvariantCulture,
            $"SELECT count(\"{CoverageSchema.WindowSecondsField}\") FROM \"{CoverageSchema.Measurement}\" WHERE time >= {fromMs}ms AND time < {toMs}ms{BinReader.SiteCondition(siteId)} GROUP BY time(1h),\"{BinSchema.SiteTag}\",\"{BinSchema.DisplayTag}\" fill(none)");
        return client.StreamAsync(query, new Decoder(coverage), cancellationToken);
    }

    /// <summary>The time of each site's <paramref name="selector"/> (first or last) stored window in [<paramref name="fromMs"/>, <paramref name="toMs"/>): one point read per series.</summary>
    private async Task<Dictionary<string, long>> ExtentAsync(string selector, long fromMs, long toMs, string? siteId, CancellationToken cancellationToken)
    {
        string query = string.Create(CultureInfo.InvariantCulture,
            $"SELECT {selector}(\"{CoverageSchema.WindowSecondsField}\") FROM \"{CoverageSchema.Measurement}\" WHERE time >= {fromMs}ms AND time < {toMs}ms{BinReader.SiteCondition(siteId)} GROUP BY \"{BinSchema.SiteTag}\"");
        var extent = new ExtentDecoder();
        await client.StreamAsync(query, extent, cancellationToken).ConfigureAwait(false);
        return extent.Times;
    }

    private static string SiteOf(string name, IReadOnlyDictionary<string, string> tags)
        => tags.TryGetValue(BinSchema.SiteTag, out string? site) && site.Length > 0
            ? site
            : throw new InvalidDataException($"Stored coverage in '{name}' has no site tag.");

    /// <summary>Rows of one site and display mode at a time.</summary>
    private abstract class SiteRows : InfluxRowVisitor
    {
        protected string Site { get; private set; } = "";

        protected DisplayMode Display { get; private set; }

        public override void OnSeries(string name, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> columns, bool continuesPrevious)
        {
            Site = SiteOf(name, tags);
            Display = BinSchema.DisplayOf(tags.GetValueOrDefault(BinSchema.DisplayTag));
        }
    }

    private sealed class Decoder(StoredCoverage coverage) : SiteRows
    {
        public override void OnRow(ref Utf8JsonReader reader)
        {
            (long time, long windows) = HourRow(ref reader);
            if (windows > 0)
            {
                coverage.Add(Site, Display, time);
            }
        }
    }

    /// <summary>Day rollup rows: the day's start and its hour mask; notes the days each site's rollups span.</summary>
    private sealed class DayDecoder(StoredCoverage coverage, Dictionary<string, (long First, long End)> reach, TimeZoneInfo zone) : SiteRows
    {
        public override void OnRow(ref Utf8JsonReader reader)
        {
            (long day, long mask) = HourRow(ref reader);
            coverage.AddMask(Site, Display, day, (ulong)mask);
            long end = Rollups.NextDayStart(day, zone);
            reach[Site] = reach.TryGetValue(Site, out (long First, long End) r) ? (Math.Min(r.First, day), Math.Max(r.End, end)) : (day, end);
        }
    }

    private sealed class ExtentDecoder : InfluxRowVisitor
    {
        private string _site = "";

        public Dictionary<string, long> Times { get; } = new(StringComparer.Ordinal);

        public override void OnSeries(string name, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> columns, bool continuesPrevious)
            => _site = SiteOf(name, tags);

        public override void OnRow(ref Utf8JsonReader reader) => Times[_site] = HourRow(ref reader).Time;
    }
}
