namespace Ale.Speed.Core.Bins;

/// <summary>
/// Vehicle counts by speed in 1 km/h buckets: bucket k holds speeds in [k, k+1) km/h, 0 ≤ k &lt; 256. Speeds are at most
/// <see cref="Sites.Unit.PlausibleKmhCeiling"/>, so the last bucket is never a catch-all in practice.
/// </summary>
public sealed class SpeedHistogram
{
    public const int BucketCount = 256;

    private readonly long[] _counts = new long[BucketCount];

    /// <summary>The count in bucket <paramref name="bucket"/> ([bucket, bucket+1) km/h).</summary>
    public long this[int bucket] => _counts[bucket];

    public ReadOnlySpan<long> Counts => _counts;

    /// <summary>The bucket of a speed in 0.01 km/h.</summary>
    public static int BucketOf(int speedCentiKmh) => Math.Min(speedCentiKmh / 100, BucketCount - 1);

    internal void Increment(int bucket) => _counts[bucket]++;

    internal Span<long> CountsForRestore => _counts;

    internal void MergeFrom(SpeedHistogram other)
    {
        for (int i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }
    }

    internal void CopyTo(SpeedHistogram destination) => _counts.AsSpan().CopyTo(destination._counts);
}
