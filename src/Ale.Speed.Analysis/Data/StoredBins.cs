using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;

namespace Ale.Speed.Analysis.Data;

/// <summary>Reading and merging stored bins: the one way every analysis gets its data.</summary>
public static class StoredBins
{
    /// <summary>The bins of [from, to) (of one site or all), with the bins of several writers merged into one per key.</summary>
    public static async Task<IReadOnlyList<StoredBin>> ReadMergedAsync(BinReader reader, Period period, string? siteId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        IReadOnlyList<StoredBin> raw = await reader.ReadAsync(period.FromMs, period.ToMs, siteId, cancellationToken).ConfigureAwait(false);
        return BinReader.MergeWriters(raw);
    }

    /// <summary>Merges <paramref name="bins"/> exactly (an empty bin when there are none).</summary>
    public static Bin Merge(IEnumerable<StoredBin> bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        var merged = new Bin();
        foreach (StoredBin stored in bins)
        {
            merged.MergeFrom(stored.Bin);
        }

        return merged;
    }

    /// <summary>The start of every hour that a bin's window overlaps (UTC hour boundaries are Stockholm hour boundaries).</summary>
    public static HashSet<long> CoveredHours(IEnumerable<StoredBin> bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        var hours = new HashSet<long>();
        foreach (StoredBin stored in bins)
        {
            long start = stored.Key.WindowStartMs;
            long end = start + Math.Max(1, stored.WindowMs);
            for (long h = StockholmTime.HourStart(start); h < end; h += StockholmTime.HourMs)
            {
                hours.Add(h);
            }
        }

        return hours;
    }

    /// <summary>Runs of hours of <paramref name="period"/> in which no bin lies, in order.</summary>
    public static List<HourGap> Gaps(Period period, HashSet<long> coveredHours, TimeSpan outageAfter)
    {
        ArgumentNullException.ThrowIfNull(coveredHours);
        var gaps = new List<HourGap>();
        long? gapStart = null;
        long last = 0;
        foreach (long hour in period.HourStarts())
        {
            if (coveredHours.Contains(hour))
            {
                if (gapStart is long s)
                {
                    gaps.Add(HourGap.Create(s, hour, outageAfter));
                    gapStart = null;
                }
            }
            else
            {
                gapStart ??= hour;
            }

            last = hour;
        }

        if (gapStart is long open)
        {
            gaps.Add(HourGap.Create(open, last + StockholmTime.HourMs, outageAfter));
        }

        return gaps;
    }

    public static string DirectionName(Direction direction) => BinSchema.DirectionName(direction);

    public static string DisplayName(DisplayMode mode) => BinSchema.DisplayName(mode);
}

/// <summary>
/// Hours [<see cref="FromMs"/>, <see cref="ToMs"/>) without any bin. <see cref="LikelyOutage"/> when the run is at least
/// as long as the units' SilentAfter: the stored data cannot tell an hour without vehicles from an hour without a working
/// unit, so a long run is flagged, not read as less traffic.
/// </summary>
public readonly record struct HourGap(long FromMs, long ToMs, bool LikelyOutage)
{
    public int Hours => (int)((ToMs - FromMs) / StockholmTime.HourMs);

    internal static HourGap Create(long fromMs, long toMs, TimeSpan outageAfter)
        => new(fromMs, toMs, toMs - fromMs >= (long)outageAfter.TotalMilliseconds);
}
