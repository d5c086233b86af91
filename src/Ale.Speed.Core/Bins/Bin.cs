using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Bins;

/// <summary>
/// The vehicles of one window (or of any set of windows merged), kept so that every statistic can be computed later
/// and bins merge exactly: count; a 1 km/h <see cref="SpeedHistogram"/>; sum and sum of squares of speeds as integers
/// in 0.01 km/h; the maximum; counts per <see cref="VehicleClass"/>; the speed limit; and, per
/// <see cref="LimitCategory"/>, an over-limit histogram of each vehicle's excess e = speed − limit.
/// </summary>
/// <remarks>
/// <para>Over-limit bucket k (0 ≤ k &lt; 100) holds 0 &lt; e with e in (k, k+1] km/h; bucket 100 holds e &gt; 100.
/// Vehicles at or under their limit (e ≤ 0) are in no bucket. So every band with integer edges up to 100 km/h over —
/// within the limit, within limit + 5, more than 30 over, a fine or licence band (a, b] — is an exact count.</para>
/// <para>Merging adds everything up (max takes the maximum), so merging any bins in any grouping or order gives exactly the
/// bin of all their vehicles. <see cref="LimitKmh"/> merges to the common limit, or <see cref="MixedLimits"/>; a
/// <c>new Bin()</c> (limit <see cref="NoLimit"/>) is the identity of merging.</para>
/// <para>Speeds enter at 0.01 km/h (rounded, as <see cref="VehicleFilter.Quantise"/> does).</para>
/// </remarks>
public sealed class Bin
{
    /// <summary>The limit of a bin that was made empty, without a window: it takes the limit of whatever it merges with.</summary>
    public const int NoLimit = -1;

    /// <summary>The limit of a bin merged from bins with different limits.</summary>
    public const int MixedLimits = 0;

    /// <summary>Over-limit buckets per <see cref="LimitCategory"/>: (k, k+1] for k = 0..99, then e &gt; 100.</summary>
    public const int OverLimitBucketCount = 101;

    /// <summary>The largest excess (km/h) a band edge may have and still be counted exactly.</summary>
    public const int MaxExactExcessKmh = 100;

    private const int ClassCount = (int)VehicleClass.Other + 1;

    private readonly SpeedHistogram _histogram = new();
    private readonly long[] _overLimit = new long[LimitCategories.Count * OverLimitBucketCount];
    private readonly long[] _classCounts = new long[ClassCount];
    private long _count;
    private long _sumCentiKmh;
    private UInt128 _sumOfSquaresCentiKmh;
    private int _maxCentiKmh;
    private int _limitKmh;
    private int _limitCentiKmh;
    private int _overLimitOffset;

    // [_overLimitUsedFrom, _overLimitUsedTo) covers every non-zero over-limit bucket, so that reusing a bin clears a few
    // bytes, not all 303 longs: with a few vehicles per bin (quiet roads, 5-minute windows) that clear was most of the
    // cost of binning. Empty when from >= to.
    private int _overLimitUsedFrom = int.MaxValue;
    private int _overLimitUsedTo;

    /// <summary>An empty bin without a limit: the identity of <see cref="Merge(Bin, Bin)"/>. Vehicles cannot be added to it.</summary>
    public Bin()
    {
        _limitKmh = NoLimit;
    }

    /// <summary>An empty bin for vehicles driving under <paramref name="limitKmh"/>.</summary>
    public Bin(int limitKmh)
        : this(default, limitKmh)
    {
    }

    internal Bin(BinKey key, int limitKmh)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limitKmh);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limitKmh, (int)Unit.PlausibleKmhCeiling);
        Key = key;
        SetLimit(limitKmh);
    }

    /// <summary>The window this bin belongs to, when it came from a <see cref="Binner"/>; default otherwise.</summary>
    public BinKey Key { get; private set; }

    public long Count => _count;

    /// <summary>The limit in force, <see cref="MixedLimits"/> after merging different limits, or <see cref="NoLimit"/>.</summary>
    public int LimitKmh => _limitKmh;

    public SpeedHistogram Histogram => _histogram;

    /// <summary>Σ speed, in 0.01 km/h.</summary>
    public long SumCentiKmh => _sumCentiKmh;

    /// <summary>Σ speed², in (0.01 km/h)².</summary>
    public UInt128 SumOfSquaresCentiKmh => _sumOfSquaresCentiKmh;

    /// <summary>The highest speed in 0.01 km/h (0 when empty).</summary>
    public int MaxCentiKmh => _maxCentiKmh;

    /// <summary>The highest speed in km/h, NaN when empty.</summary>
    public double MaxKmh => _count == 0 ? double.NaN : _maxCentiKmh / 100.0;

    /// <summary>Counts indexed by <see cref="VehicleClass"/>.</summary>
    public ReadOnlySpan<long> ClassCounts => _classCounts;

    public long CountOf(VehicleClass vehicleClass) => _classCounts[ClassIndex(vehicleClass)];

    /// <summary>The over-limit histogram of vehicles that drove under a limit of <paramref name="category"/>.</summary>
    public ReadOnlySpan<long> OverLimitHistogram(LimitCategory category)
        => _overLimit.AsSpan((int)category * OverLimitBucketCount, OverLimitBucketCount);

    /// <summary>Vehicles faster than their limit (e &gt; 0).</summary>
    public long CountOverLimit => CountOverLimitBy(0);

    /// <summary>Vehicles at or under their limit (e ≤ 0).</summary>
    public long CountWithinLimit => _count - CountOverLimit;

    /// <summary>Vehicles at or under their limit + <paramref name="marginKmh"/> (e ≤ margin), 0 ≤ margin ≤ 100.</summary>
    public long CountWithinLimitPlus(int marginKmh) => _count - CountOverLimitBy(marginKmh);

    /// <summary>
    /// Vehicles whose excess e is in (<paramref name="exclusiveFromKmh"/>, <paramref name="inclusiveToKmh"/>] km/h, or
    /// above <paramref name="exclusiveFromKmh"/> when the upper edge is null. Edges lie in [0, 100].
    /// </summary>
    public long CountOverLimitBy(int exclusiveFromKmh, int? inclusiveToKmh = null)
    {
        long total = 0;
        for (int c = 0; c < LimitCategories.Count; c++)
        {
            total += CountOverLimitBy((LimitCategory)c, exclusiveFromKmh, inclusiveToKmh);
        }

        return total;
    }

    /// <summary>As <see cref="CountOverLimitBy(int, int?)"/>, for the vehicles under limits of one category only.</summary>
    public long CountOverLimitBy(LimitCategory category, int exclusiveFromKmh, int? inclusiveToKmh = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exclusiveFromKmh);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(exclusiveFromKmh, MaxExactExcessKmh);
        int end = OverLimitBucketCount;
        if (inclusiveToKmh is int to)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(to, exclusiveFromKmh, nameof(inclusiveToKmh));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(to, MaxExactExcessKmh, nameof(inclusiveToKmh));
            end = to; // buckets a..b-1 hold (a, b]
        }

        ReadOnlySpan<long> buckets = OverLimitHistogram(category);
        long total = 0;
        for (int k = exclusiveFromKmh; k < end; k++)
        {
            total += buckets[k];
        }

        return total;
    }

    /// <summary>Adds a vehicle (its speed and class).</summary>
    public void Add(in Vehicle vehicle) => Add(vehicle.SpeedKmh, vehicle.Class);

    /// <summary>Adds one vehicle at <paramref name="speedKmh"/>, rounded to 0.01 km/h; 0 ≤ speed ≤ <see cref="Unit.PlausibleKmhCeiling"/>.</summary>
    public void Add(double speedKmh, VehicleClass vehicleClass = VehicleClass.Unknown)
    {
        if (!(speedKmh >= 0 && speedKmh <= Unit.PlausibleKmhCeiling))
        {
            ThrowSpeedOutOfRange(speedKmh);
        }

        if (_limitKmh <= 0)
        {
            ThrowNoLimit();
        }

        int centi = (int)Math.Round(speedKmh * 100, MidpointRounding.AwayFromZero);
        _count++;
        _sumCentiKmh += centi;
        _sumOfSquaresCentiKmh += (ulong)((long)centi * centi);
        if (centi > _maxCentiKmh)
        {
            _maxCentiKmh = centi;
        }

        _histogram.Increment(SpeedHistogram.BucketOf(centi));
        _classCounts[ClassIndex(vehicleClass)]++;
        int excess = centi - _limitCentiKmh;
        if (excess > 0)
        {
            // (excess - 1) / 100 puts e in (k, k+1] km/h into bucket k.
            int index = _overLimitOffset + Math.Min((excess - 1) / 100, OverLimitBucketCount - 1);
            _overLimit[index]++;
            MarkOverLimitUsed(index, index + 1);
        }
    }

    /// <summary>Adds all of <paramref name="other"/>'s vehicles to this bin.</summary>
    public void MergeFrom(Bin other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _count += other._count;
        _sumCentiKmh += other._sumCentiKmh;
        _sumOfSquaresCentiKmh += other._sumOfSquaresCentiKmh;
        _maxCentiKmh = Math.Max(_maxCentiKmh, other._maxCentiKmh);
        _histogram.MergeFrom(other._histogram);
        for (int i = other._overLimitUsedFrom; i < other._overLimitUsedTo; i++)
        {
            _overLimit[i] += other._overLimit[i];
        }

        MarkOverLimitUsed(other._overLimitUsedFrom, other._overLimitUsedTo);

        for (int i = 0; i < _classCounts.Length; i++)
        {
            _classCounts[i] += other._classCounts[i];
        }

        SetLimit(CombineLimits(_limitKmh, other._limitKmh));
    }

    /// <summary>A new bin holding the vehicles of both.</summary>
    public static Bin Merge(Bin first, Bin second)
    {
        ArgumentNullException.ThrowIfNull(first);
        Bin merged = first.CloneWithKey(first.Key == second.Key ? first.Key : default);
        merged.MergeFrom(second);
        return merged;
    }

    /// <summary>A new bin holding the vehicles of all <paramref name="bins"/> (an empty <c>new Bin()</c> if none).</summary>
    public static Bin Merge(IEnumerable<Bin> bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        var merged = new Bin();
        foreach (Bin bin in bins)
        {
            merged.MergeFrom(bin);
        }

        return merged;
    }

    /// <summary>
    /// Rebuilds a bin from its stored parts (what the InfluxDB sink writes), checking that they agree with each other.
    /// </summary>
    /// <param name="overLimit">The over-limit buckets of every <see cref="LimitCategory"/>, category after category
    /// (<see cref="LimitCategories.Count"/> × <see cref="OverLimitBucketCount"/>).</param>
    /// <exception cref="InvalidDataException">The parts contradict each other (a damaged or foreign point).</exception>
    public static Bin Restore(BinKey key, int limitKmh, long count, long sumCentiKmh, UInt128 sumOfSquaresCentiKmh, int maxCentiKmh,
        ReadOnlySpan<long> histogram, ReadOnlySpan<long> overLimit, ReadOnlySpan<long> classCounts)
    {
        if (histogram.Length != SpeedHistogram.BucketCount || overLimit.Length != LimitCategories.Count * OverLimitBucketCount
            || classCounts.Length != ClassCount)
        {
            throw new InvalidDataException("A stored bin has parts of the wrong size.");
        }

        if (count < 0 || Sum(histogram) != count || Sum(classCounts) != count || Sum(overLimit) > count
            || maxCentiKmh < 0 || sumCentiKmh < 0 || (count == 0 && (sumCentiKmh != 0 || maxCentiKmh != 0)))
        {
            throw new InvalidDataException($"A stored bin's counts do not agree (count {count}).");
        }

        var bin = new Bin(key);
        bin._count = count;
        bin._sumCentiKmh = sumCentiKmh;
        bin._sumOfSquaresCentiKmh = sumOfSquaresCentiKmh;
        bin._maxCentiKmh = maxCentiKmh;
        bin._histogram.Restore(histogram);
        overLimit.CopyTo(bin._overLimit);
        bin.MarkOverLimitUsed(0, bin._overLimit.Length);
        classCounts.CopyTo(bin._classCounts);
        bin.SetLimit(limitKmh);
        return bin;

        static long Sum(ReadOnlySpan<long> values)
        {
            long total = 0;
            foreach (long value in values)
            {
                if (value < 0)
                {
                    return -1;
                }

                total += value;
            }

            return total;
        }
    }

    /// <summary>All over-limit buckets, category after category (what <see cref="Restore"/> takes).</summary>
    public ReadOnlySpan<long> AllOverLimitBuckets => _overLimit;

    /// <summary>Empties a pooled bin for reuse under another key (the binner reuses bins it let go of).</summary>
    internal void Reinitialize(BinKey key, int limitKmh)
    {
        Key = key;
        _count = 0;
        _sumCentiKmh = 0;
        _sumOfSquaresCentiKmh = 0;
        _maxCentiKmh = 0;
        _histogram.Clear();
        if (_overLimitUsedFrom < _overLimitUsedTo)
        {
            _overLimit.AsSpan(_overLimitUsedFrom, _overLimitUsedTo - _overLimitUsedFrom).Clear();
        }

        _overLimitUsedFrom = int.MaxValue;
        _overLimitUsedTo = 0;
        Array.Clear(_classCounts);
        IsChanged = false;
        SetLimit(limitKmh);
    }

    /// <summary>A copy, for handing a bin to another thread while this one keeps counting.</summary>
    public Bin Clone() => CloneWithKey(Key);

    /// <summary>The merged limit: equal limits stay, <see cref="NoLimit"/> yields to the other, anything else is mixed.</summary>
    /// <remarks>A semilattice (commutative, associative, <see cref="NoLimit"/> the identity, mixed absorbing), so merging is order-free.</remarks>
    public static int CombineLimits(int first, int second)
        => first == second ? first : first == NoLimit ? second : second == NoLimit ? first : MixedLimits;

    // Set by the Binner, which owns the changed list.
    internal bool IsChanged { get; set; }

    private Bin CloneWithKey(BinKey key)
    {
        var copy = new Bin(key);
        copy._count = _count;
        copy._sumCentiKmh = _sumCentiKmh;
        copy._sumOfSquaresCentiKmh = _sumOfSquaresCentiKmh;
        copy._maxCentiKmh = _maxCentiKmh;
        _histogram.CopyTo(copy._histogram);
        _overLimit.AsSpan().CopyTo(copy._overLimit);
        copy._overLimitUsedFrom = _overLimitUsedFrom;
        copy._overLimitUsedTo = _overLimitUsedTo;
        _classCounts.AsSpan().CopyTo(copy._classCounts);
        copy.SetLimit(_limitKmh);
        return copy;
    }

    private Bin(BinKey key)
    {
        Key = key;
        _limitKmh = NoLimit;
    }

    private void MarkOverLimitUsed(int from, int to)
    {
        if (from < _overLimitUsedFrom)
        {
            _overLimitUsedFrom = from;
        }

        if (to > _overLimitUsedTo)
        {
            _overLimitUsedTo = to;
        }
    }

    private void SetLimit(int limitKmh)
    {
        _limitKmh = limitKmh;
        _limitCentiKmh = limitKmh * 100;
        _overLimitOffset = limitKmh > 0 ? (int)LimitCategories.Of(limitKmh) * OverLimitBucketCount : -1;
    }

    private static int ClassIndex(VehicleClass vehicleClass)
        => (uint)vehicleClass < ClassCount ? (int)vehicleClass : (int)VehicleClass.Other;

    [DoesNotReturn]
    [StackTraceHidden]
    private static void ThrowSpeedOutOfRange(double speedKmh)
        => throw new ArgumentOutOfRangeException(nameof(speedKmh), speedKmh, $"A binned speed must lie in [0, {Unit.PlausibleKmhCeiling}] km/h; filter vehicles first.");

    [DoesNotReturn]
    [StackTraceHidden]
    private static void ThrowNoLimit()
        => throw new InvalidOperationException("Vehicles can only be added to a bin with a single speed limit.");
}
