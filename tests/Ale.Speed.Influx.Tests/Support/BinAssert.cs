using Ale.Speed.Core.Bins;

namespace Ale.Speed.Influx.Tests.Support;

/// <summary>Two bins hold the same vehicles: every exact part a statistic is computed from (the key is the caller's to compare).</summary>
public static class BinAssert
{
    public static void Same(Bin expected, Bin actual, string? what = null)
    {
        Assert.True(expected.Count == actual.Count, $"{what}: {expected.Count} vehicles expected, {actual.Count} stored");
        Assert.Equal(expected.LimitKmh, actual.LimitKmh);
        Assert.Equal(expected.SumCentiKmh, actual.SumCentiKmh);
        Assert.Equal(expected.SumOfSquaresCentiKmh, actual.SumOfSquaresCentiKmh);
        Assert.Equal(expected.MaxCentiKmh, actual.MaxCentiKmh);
        Assert.Equal(expected.Histogram.Counts.ToArray(), actual.Histogram.Counts.ToArray());
        Assert.Equal(expected.AllOverLimitBuckets.ToArray(), actual.AllOverLimitBuckets.ToArray());
        Assert.Equal(expected.ClassCounts.ToArray(), actual.ClassCounts.ToArray());
        Assert.Equal(expected.LengthCounts.ToArray(), actual.LengthCounts.ToArray());
    }
}
