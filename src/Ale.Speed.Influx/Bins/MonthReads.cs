using System.Globalization;
using System.Text.Json;
using Ale.Speed.Core.Bins;
using Ale.Speed.Influx.Querying;

namespace Ale.Speed.Influx.Bins;

/// <summary>
/// Reads whole local months from the month rollups, and from the day rollups for any site that has none for a month:
/// data stored before month rollups existed reads as no data from the month level until <c>ale-speed rollup</c> has run,
/// so such a month is read from its days, and the reader is told (<see cref="BinReader.ReportFallback"/>).
/// </summary>
public static class MonthReads
{
    /// <summary>Streams the month rollups of the whole months [<paramref name="fromMs"/>, <paramref name="toMs"/>) to <paramref name="onBin"/>, and the day rollups of the sites' missing months.</summary>
    public static async Task ReadAsync(BinReader reader, long fromMs, long toMs, BinFilter filter, TimeZoneInfo zone, Action<StoredBin> onBin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(onBin);
        var seen = new HashSet<(string Site, long Month)>();
        await reader.ReadAsync(RollupLevel.Month, fromMs, toMs, filter, stored =>
        {
            seen.Add((stored.Key.SiteId, stored.Key.WindowStartMs));
            onBin(stored);
        }, cancellationToken).ConfigureAwait(false);

        // Every site with day rollups (from InfluxDB's index: no point read); a month without its month rollup is read
        // from the days, all such sites of a month in one query. Complete months cost no further query.
        List<string> sites = [.. (await reader.DaySitesAsync(cancellationToken).ConfigureAwait(false))
            .Where(s => (filter.SiteId is null || s == filter.SiteId) && !(filter.ExcludeSites?.Contains(s) ?? false))];
        for (long month = fromMs; month < toMs; month = Rollups.NextMonthStart(month, zone))
        {
            if (sites.TrueForAll(s => seen.Contains((s, month))))
            {
                continue;
            }

            var fromDays = new SortedSet<string>(StringComparer.Ordinal);
            BinFilter missing = filter with { ExcludeSites = [.. filter.ExcludeSites ?? [], .. sites.Where(s => seen.Contains((s, month)))] };
            await reader.ReadAsync(RollupLevel.Day, month, Rollups.NextMonthStart(month, zone), missing, stored =>
            {
                fromDays.Add(stored.Key.SiteId);
                onBin(stored);
            }, cancellationToken).ConfigureAwait(false);
            if (fromDays.Count > 0)
            {
                reader.ReportFallback(string.Create(CultureInfo.InvariantCulture,
                    $"month rollups missing for {Rollups.MonthLabel(month, zone)} (site {string.Join(", ", fromDays)}): read from day rollups; run ale-speed rollup"));
            }
        }
    }
}
