namespace Ale.Speed.Core.Bins;

/// <summary>
/// Vehicle counts by speed in 1 km/h buckets: bucket k holds speeds in [k, k+1) km/h, 0 ≤ k &lt; 256. Speeds are at most
/// <see cref="Sites.Unit.PlausibleKmhCeiling"/>, so the last bucket is never a catch-all in practice.
/// </summary>
/// <remarks>
/// It remembers the lowest and highest bucket in use: most bins of a quiet road hold a handful of vehicles within a few
/// km/h, and percentiles, merging and reuse then touch those buckets only, not all 256.
/// </remarks>
public sealed class SpeedHistogram
{
    public const int BucketCount = 256;

    private readonly long[] _counts = new long[BucketCount];

    // [_first, _last] spans every non-zero bucket; _first > _last when empty.
    private int _first = BucketCount;
    private int _last = -1;

    /// <summary>The count in bucket <paramref name="bucket"/> ([bucket, bucket+1) km/h).</summary>
    public long this[int bucket] => _counts[bucket];

    public ReadOnlySpan<long> Counts => _counts;

    /// <summary>The lowest bucket that may be non-zero (<see cref="BucketCount"/> when empty).</summary>
    public int FirstUsedBucket => _first;

    /// <summary>Buckets <see cref="FirstUsedBucket"/> to the highest non-zero one; every other bucket is zero.</summary>
    public ReadOnlySpan<long> UsedCounts => _first <= _last ? _counts.AsSpan(_first, _last - _first + 1) : [];

    /// <summary>The bucket of a speed in 0.01 km/h.</summary>
    public static int BucketOf(int speedCentiKmh) => Math.Min(speedCentiKmh / 100, BucketCount - 1);

    internal void Increment(int bucket)
    {
        _counts[bucket]++;
        if (bucket < _first)
        {
            _first = bucket;
        }

        if (bucket > _last)
        {
            _last = bucket;
        }
    }

    /// <summary>Sets every count at once (restoring a stored bin).</summary>
    internal void Restore(ReadOnlySpan<long> counts)
    {
        counts.CopyTo(_counts);
        _first = BucketCount;
        _last = -1;
        for (int i = 0; i < BucketCount; i++)
        {
            if (_counts[i] != 0)
            {
                _first = Math.Min(_first, i);
                _last = i;
            }
        }
    }

    internal void Clear()
    {
        if (_first <= _last)
        {
            _counts.AsSpan(_first, _last - _first + 1).Clear();
        }

        _first = BucketCount;
        _last = -1;
    }

    internal void MergeFrom(SpeedHistogram other)
    {
        for (int i = other._first; i <= other._last; i++)
        {
            _counts[i] += other._counts[i];
        }

        _first = Math.Min(_first, other._first);
        _last = Math.Max(_last, other._last);
    }

    internal void CopyTo(SpeedHistogram destination)
    {
        destination.Clear();
        if (_first <= _last)
        {
            _counts.AsSpan(_first, _last - _first + 1).CopyTo(destination._counts.AsSpan(_first));
        }

        destination._first = _first;
        destination._last = _last;
    }
}
