namespace Ale.Speed.Core.Bins;

/// <summary>
/// The arrays of a <see cref="Bin"/> that has outgrown its compact form: the 1 km/h histogram and the over-limit
/// buckets of every <see cref="LimitCategory"/>. About 4.5 KB, so a bin takes them only when it needs them, and a
/// <see cref="Binner"/> hands them from bin to bin instead of allocating.
/// </summary>
internal sealed class DenseCounts
{
    public readonly SpeedHistogram Histogram = new();
    public readonly long[] OverLimit = new long[LimitCategories.Count * Bin.OverLimitBucketCount];

    // [OverLimitUsedFrom, OverLimitUsedTo) covers every non-zero over-limit bucket, so that reuse clears a few bytes,
    // not all 303 longs. Empty when from >= to.
    public int OverLimitUsedFrom = int.MaxValue;
    public int OverLimitUsedTo;

    /// <summary>Counts one vehicle at <paramref name="centiKmh"/> under a limit of <paramref name="limitCentiKmh"/>.</summary>
    /// <param name="overLimitOffset">Where the limit's category starts in <see cref="OverLimit"/>.</param>
    public void Add(int centiKmh, int limitCentiKmh, int overLimitOffset)
    {
        Histogram.Increment(SpeedHistogram.BucketOf(centiKmh));
        int index = OverLimitIndex(centiKmh, limitCentiKmh, overLimitOffset);
        if (index >= 0)
        {
            OverLimit[index]++;
            MarkOverLimitUsed(index, index + 1);
        }
    }

    /// <summary>The over-limit bucket of a vehicle, or -1 when it is within its limit.</summary>
    public static int OverLimitIndex(int centiKmh, int limitCentiKmh, int overLimitOffset)
    {
        int excess = centiKmh - limitCentiKmh;
        // (excess - 1) / 100 puts e in (k, k+1] km/h into bucket k.
        return excess > 0 ? overLimitOffset + Math.Min((excess - 1) / 100, Bin.OverLimitBucketCount - 1) : -1;
    }

    public void MergeFrom(DenseCounts other)
    {
        Histogram.MergeFrom(other.Histogram);
        for (int i = other.OverLimitUsedFrom; i < other.OverLimitUsedTo; i++)
        {
            OverLimit[i] += other.OverLimit[i];
        }

        MarkOverLimitUsed(other.OverLimitUsedFrom, other.OverLimitUsedTo);
    }

    public void CopyTo(DenseCounts destination)
    {
        Histogram.CopyTo(destination.Histogram);
        destination.ClearOverLimit();
        if (OverLimitUsedFrom < OverLimitUsedTo)
        {
            OverLimit.AsSpan(OverLimitUsedFrom, OverLimitUsedTo - OverLimitUsedFrom).CopyTo(destination.OverLimit.AsSpan(OverLimitUsedFrom));
        }

        destination.OverLimitUsedFrom = OverLimitUsedFrom;
        destination.OverLimitUsedTo = OverLimitUsedTo;
    }

    public void Clear()
    {
        Histogram.Clear();
        ClearOverLimit();
    }

    public void MarkOverLimitUsed(int from, int to)
    {
        if (from < OverLimitUsedFrom)
        {
            OverLimitUsedFrom = from;
        }

        if (to > OverLimitUsedTo)
        {
            OverLimitUsedTo = to;
        }
    }

    private void ClearOverLimit()
    {
        if (OverLimitUsedFrom < OverLimitUsedTo)
        {
            OverLimit.AsSpan(OverLimitUsedFrom, OverLimitUsedTo - OverLimitUsedFrom).Clear();
        }

        OverLimitUsedFrom = int.MaxValue;
        OverLimitUsedTo = 0;
    }
}
