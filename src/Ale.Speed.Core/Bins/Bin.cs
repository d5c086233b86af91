using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
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
/// <para>A vehicle's limit is the posted limit, or its class's own limit when that is stricter
/// (<see cref="VehicleClassLimits"/>: an A-traktor at 45 on a 50 road is 15 over its limit of 30, in the category of 30).
/// <see cref="LimitKmh"/> stays the posted limit.</para>
/// </remarks>
/// <remarks>
/// <para>Over-limit bucket k (0 ≤ k &lt; 100) holds 0 &lt; e with e in (k, k+1] km/h; bucket 100 holds e &gt; 100.
/// Vehicles at or under their limit (e ≤ 0) are in no bucket. So every band with integer edges up to 100 km/h over —
/// within the limit, within limit + 5, more than 30 over, a fine or licence band (a, b] — is an exact count.</para>
/// <para>Merging adds everything up (max takes the maximum), so merging any bins in any grouping or order gives exactly the
/// bin of all their vehicles. <see cref="LimitKmh"/> merges to the common limit, or <see cref="MixedLimits"/>; a
/// <c>new Bin()</c> (limit <see cref="NoLimit"/>) is the identity of merging.</para>
/// <para>Speeds enter at 0.01 km/h (<see cref="SpeedQuantum"/>).</para>
/// <para>A bin of up to <see cref="CompactCapacity"/> vehicles under one limit keeps their exact speeds instead of the
/// arrays (it is compact); every figure read from it is the one the arrays would give. Reading <see cref="Histogram"/>
/// or the over-limit spans of a compact bin builds the arrays once. Reading is safe from several threads at once;
/// adding and merging are not, and not while others read.</para>
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

    /// <summary>
    /// Vehicles a bin keeps as exact speeds before it takes the <see cref="DenseCounts"/> arrays. Most 5-minute windows
    /// hold a handful of vehicles: kept inline, such a bin is a few hundred bytes instead of ~5 KB, so thousands of them
    /// stay in the CPU's cache.
    /// </summary>
    internal const int CompactCapacity = 32;

    /// <summary>A compact entry is (speed in 0.01 km/h) &lt;&lt; ClassBits | class index, so entries sort by speed.</summary>
    internal const int ClassBits = 3;

    private const int ClassMask = (1 << ClassBits) - 1;

    // Spare arrays a binner keeps for bins that outgrow the compact form: enough for the busy windows of a day, bounded
    // so that a burst of arrays (bins read as arrays, a busy day) is not kept for good.
    private const int MaxSpareDenseCounts = 4096;

    private const int ClassCount = (int)VehicleClass.Other + 1;

    // A binner's spare arrays: a bin takes them when it outgrows its compact form and gives them back on reuse.
    private readonly Stack<DenseCounts>? _densePool;
    private long _count;
    private long _sumCentiKmh;
    // Σ speed² as two halves, not a UInt128 field: crossgen2 cannot fix the layout of a class holding a UInt128, so no
    // method touching this class's fields was precompiled (docs/performance.md, the published build).
    private ulong _sumOfSquaresLow;
    private ulong _sumOfSquaresHigh;
    private int _maxCentiKmh;
    private int _limitKmh;
    private int _limitCentiKmh;
    private int _overLimitOffset;

    // The class limits of the bin's window (null: none); a vehicle of such a class counts against the stricter limit.
    private VehicleLimitSet? _classLimits;

    // Null while the bin is compact: then _entries[0.._count) are its vehicles, sorted, all under _limitKmh (> 0 unless
    // empty). Once set (more than CompactCapacity vehicles, a merge that needs it, or a read of the arrays) it holds them
    // all and _entries is stale. Readers may set it concurrently (see DenseForReading); writers are single-threaded.
    private DenseCounts? _dense;
    private ClassCounters _classCounts;
    private LengthCounters _lengthCounts;
    private CompactEntries _entries;

    /// <summary>An empty bin without a limit: the identity of <see cref="Merge(Bin, Bin)"/>. Vehicles cannot be added to it.</summary>
    public Bin()
    {
        _limitKmh = NoLimit;
    }

    /// <summary>An empty bin for vehicles driving under a posted limit of <paramref name="limitKmh"/> and, where classified, their class's own limit.</summary>
    public Bin(int limitKmh, VehicleLimitSet? classLimits = null)
        : this(default, limitKmh, classLimits)
    {
    }

    internal Bin(BinKey key, int limitKmh, VehicleLimitSet? classLimits, Stack<DenseCounts>? densePool = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limitKmh);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limitKmh, (int)Unit.PlausibleKmhCeiling);
        Key = key;
        _densePool = densePool;
        _classLimits = classLimits;
        SetLimit(limitKmh);
    }

    private Bin(BinKey key)
    {
        Key = key;
        _limitKmh = NoLimit;
    }

    /// <summary>The window this bin belongs to, when it came from a <see cref="Binner"/>; default otherwise.</summary>
    public BinKey Key { get; private set; }

    public long Count => _count;

    /// <summary>The limit in force, <see cref="MixedLimits"/> after merging different limits, or <see cref="NoLimit"/>.</summary>
    public int LimitKmh => _limitKmh;

    /// <summary>The 1 km/h histogram (a compact bin builds it when first read).</summary>
    public SpeedHistogram Histogram => DenseForReading().Histogram;

    /// <summary>Σ speed, in 0.01 km/h.</summary>
    public long SumCentiKmh => _sumCentiKmh;

    /// <summary>Σ speed², in (0.01 km/h)².</summary>
    public UInt128 SumOfSquaresCentiKmh => new(_sumOfSquaresHigh, _sumOfSquaresLow);

    /// <summary>The highest speed in 0.01 km/h (0 when empty).</summary>
    public int MaxCentiKmh => _maxCentiKmh;

    /// <summary>The highest speed in km/h, NaN when empty.</summary>
    public double MaxKmh => _count == 0 ? double.NaN : _maxCentiKmh / 100.0;

    /// <summary>Counts indexed by <see cref="VehicleClass"/>.</summary>
    public ReadOnlySpan<long> ClassCounts => _classCounts;

    public long CountOf(VehicleClass vehicleClass) => _classCounts[ClassIndex(vehicleClass)];

    /// <summary>Counts indexed by <see cref="LengthPattern"/>: passages with a reported length, and those whose length and speed fit an A-traktor or a moped.</summary>
    public ReadOnlySpan<long> LengthCounts => _lengthCounts;

    public long CountOf(LengthPattern pattern) => _lengthCounts[(int)pattern];

    /// <summary>The over-limit histogram of vehicles that drove under a limit of <paramref name="category"/>.</summary>
    public ReadOnlySpan<long> OverLimitHistogram(LimitCategory category)
        => DenseForReading().OverLimit.AsSpan((int)category * OverLimitBucketCount, OverLimitBucketCount);

    /// <summary>All over-limit buckets, category after category (what <see cref="Restore"/> takes).</summary>
    public ReadOnlySpan<long> AllOverLimitBuckets => DenseForReading().OverLimit;

    /// <summary>
    /// Copies the histogram (<see cref="SpeedHistogram.BucketCount"/> counts) and every over-limit bucket (as
    /// <see cref="AllOverLimitBuckets"/>) into the destinations — what a writer stores — without building arrays for a
    /// compact bin: reading <see cref="Histogram"/> would give it arrays it keeps.
    /// </summary>
    public void CopyCountsTo(Span<long> histogram, Span<long> overLimitBuckets)
    {
        if (Volatile.Read(ref _dense) is { } dense)
        {
            dense.Histogram.Counts.CopyTo(histogram);
            dense.OverLimit.CopyTo(overLimitBuckets);
            return;
        }

        histogram[..SpeedHistogram.BucketCount].Clear();
        overLimitBuckets[..(LimitCategories.Count * OverLimitBucketCount)].Clear();
        foreach (int entry in CompactSpan())
        {
            int centi = entry >> ClassBits;
            histogram[SpeedHistogram.BucketOf(centi)]++;
            (int limitCenti, int offset) = LimitOf(entry & ClassMask);
            int index = DenseCounts.OverLimitIndex(centi, limitCenti, offset);
            if (index >= 0)
            {
                overLimitBuckets[index]++;
            }
        }
    }

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

        if (Volatile.Read(ref _dense) is not { } dense)
        {
            return CountCompactOverLimit(category, exclusiveFromKmh, end);
        }

        ReadOnlySpan<long> buckets = dense.OverLimit.AsSpan((int)category * OverLimitBucketCount, OverLimitBucketCount);
        long total = 0;
        for (int k = exclusiveFromKmh; k < end; k++)
        {
            total += buckets[k];
        }

        return total;
    }

    /// <summary>Adds a vehicle (its speed, class and, when its unit reports one, its length).</summary>
    public void Add(in Vehicle vehicle) => Add(vehicle.SpeedKmh, vehicle.Class, vehicle.LengthMetres);

    /// <summary>
    /// Adds one vehicle at <paramref name="speedKmh"/>, rounded to 0.01 km/h; 0 ≤ speed ≤ <see cref="Unit.PlausibleKmhCeiling"/>;
    /// <paramref name="lengthMetres"/> NaN when its unit reports none.
    /// </summary>
    public void Add(double speedKmh, VehicleClass vehicleClass = VehicleClass.Unknown, double lengthMetres = double.NaN)
    {
        if (!(speedKmh >= 0 && speedKmh <= Unit.PlausibleKmhCeiling))
        {
            ThrowSpeedOutOfRange(speedKmh);
        }

        if (_limitKmh <= 0)
        {
            ThrowNoLimit();
        }

        int centi = SpeedQuantum.ToCentiKmh(speedKmh);
        int classIndex = ClassIndex(vehicleClass);
        DenseCounts? dense = _dense;
        if (dense is null && _count < CompactCapacity)
        {
            InsertCompact((int)_count, (centi << ClassBits) | classIndex);
        }
        else if (classIndex == 0 || _classLimits is null)
        {
            (dense ?? Promote()).Add(centi, _limitCentiKmh, _overLimitOffset);
        }
        else
        {
            (int limitCenti, int offset) = LimitOf(classIndex);
            (dense ?? Promote()).Add(centi, limitCenti, offset);
        }

        _count++;
        _sumCentiKmh += centi;
        AddToSumOfSquares((ulong)((long)centi * centi), 0);
        if (centi > _maxCentiKmh)
        {
            _maxCentiKmh = centi;
        }

        _classCounts[classIndex]++;
        if (double.IsFinite(lengthMetres))
        {
            // The band edges see the speed as binned (0.01 km/h), as the histogram does.
            LengthPatterns.Add(_lengthCounts, centi / 100.0, lengthMetres);
        }
    }

    /// <summary>Adds all of <paramref name="other"/>'s vehicles to this bin.</summary>
    public void MergeFrom(Bin other)
    {
        ArgumentNullException.ThrowIfNull(other);
        int limit = CombineLimits(_limitKmh, other._limitKmh);
        long count = _count + other._count;
        DenseCounts? otherDense = Volatile.Read(ref other._dense);
        bool sameClassLimits = ReferenceEquals(_classLimits, other._classLimits) || _count == 0 || other._count == 0;
        if (_dense is null && otherDense is null && count <= CompactCapacity && (limit > 0 || count == 0) && sameClassLimits)
        {
            _classLimits = _count == 0 ? other._classLimits : _classLimits;
            // Both compact, under one limit, with room for both: merge the sorted entries from the back. The other's
            // entries are copied first, since other may be this bin.
            CompactEntries from = other._entries;
            Span<int> entries = _entries;
            int i = (int)_count - 1;
            int j = (int)other._count - 1;
            for (int k = (int)count - 1; j >= 0; k--)
            {
                entries[k] = i >= 0 && entries[i] > from[j] ? entries[i--] : from[j--];
            }
        }
        else
        {
            // This bin's entries count under its own limit, the other's under the other's: a mixed merge keeps each
            // vehicle in the over-limit category of the limit it drove under.
            DenseCounts dense = _dense ?? Promote();
            if (otherDense is not null)
            {
                dense.MergeFrom(otherDense);
            }
            else
            {
                foreach (int entry in other.CompactSpan())
                {
                    (int limitCenti, int offset) = other.LimitOf(entry & ClassMask);
                    dense.Add(entry >> ClassBits, limitCenti, offset);
                }
            }
        }

        _count = count;
        _sumCentiKmh += other._sumCentiKmh;
        AddToSumOfSquares(other._sumOfSquaresLow, other._sumOfSquaresHigh);
        _maxCentiKmh = Math.Max(_maxCentiKmh, other._maxCentiKmh);
        for (int c = 0; c < ClassCount; c++)
        {
            _classCounts[c] += other._classCounts[c];
        }

        for (int p = 0; p < LengthPatterns.Count; p++)
        {
            _lengthCounts[p] += other._lengthCounts[p];
        }

        SetLimit(limit);
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
    /// <param name="lengthCounts">Counts per <see cref="LengthPattern"/>, or empty (points written before lengths were kept: none).</param>
    /// <exception cref="InvalidDataException">The parts contradict each other (a damaged or foreign point).</exception>
    public static Bin Restore(BinKey key, int limitKmh, long count, long sumCentiKmh, UInt128 sumOfSquaresCentiKmh, int maxCentiKmh,
        ReadOnlySpan<long> histogram, ReadOnlySpan<long> overLimit, ReadOnlySpan<long> classCounts, ReadOnlySpan<long> lengthCounts = default)
    {
        var bin = new Bin(key);
        bin.RestoreFrom(key, limitKmh, count, sumCentiKmh, sumOfSquaresCentiKmh, maxCentiKmh, histogram, overLimit, classCounts, lengthCounts);
        return bin;
    }

    /// <summary>
    /// As <see cref="Restore"/>, into this bin, reusing its arrays: for a reader that merges each stored bin into others
    /// and moves on, so that reading a million stored bins does not allocate a million sets of arrays.
    /// </summary>
    /// <exception cref="InvalidDataException">The parts contradict each other (a damaged or foreign point).</exception>
    public void RestoreFrom(BinKey key, int limitKmh, long count, long sumCentiKmh, UInt128 sumOfSquaresCentiKmh, int maxCentiKmh,
        ReadOnlySpan<long> histogram, ReadOnlySpan<long> overLimit, ReadOnlySpan<long> classCounts, ReadOnlySpan<long> lengthCounts = default)
    {
        if (histogram.Length != SpeedHistogram.BucketCount || overLimit.Length != LimitCategories.Count * OverLimitBucketCount
            || classCounts.Length != ClassCount || (lengthCounts.Length != 0 && lengthCounts.Length != LengthPatterns.Count))
        {
            throw new InvalidDataException("A stored bin has parts of the wrong size.");
        }

        // Every pattern is a passage with a length, and each passage fits at most one pattern.
        if (!lengthCounts.IsEmpty && (Sum(lengthCounts) < 0 || lengthCounts[0] > count || Sum(lengthCounts[1..]) > lengthCounts[0]))
        {
            throw new InvalidDataException($"A stored bin's length counts do not agree (count {count}, with a length {lengthCounts[0]}).");
        }

        if (count < 0 || Sum(histogram) != count || Sum(classCounts) != count || Sum(overLimit) > count
            || maxCentiKmh < 0 || sumCentiKmh < 0 || (count == 0 && (sumCentiKmh != 0 || maxCentiKmh != 0)))
        {
            throw new InvalidDataException($"A stored bin's counts do not agree (count {count}).");
        }

        // A stored bin has buckets, not exact speeds: it is never compact. Restore and CopyTo overwrite every count.
        DenseCounts dense = _dense ?? new DenseCounts();
        dense.Histogram.Restore(histogram);
        overLimit.CopyTo(dense.OverLimit);
        dense.MarkOverLimitUsed(0, dense.OverLimit.Length);
        Key = key;
        _count = count;
        _sumCentiKmh = sumCentiKmh;
        _sumOfSquaresLow = (ulong)sumOfSquaresCentiKmh;
        _sumOfSquaresHigh = (ulong)(sumOfSquaresCentiKmh >> 64);
        _maxCentiKmh = maxCentiKmh;
        _dense = dense;
        classCounts.CopyTo(_classCounts);
        ((Span<long>)_lengthCounts).Clear();
        lengthCounts.CopyTo(_lengthCounts);
        _classLimits = null;
        SetLimit(limitKmh);

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

    /// <summary>Empties a pooled bin for reuse under another key (the binner reuses bins it let go of).</summary>
    internal void Reinitialize(BinKey key, int limitKmh, VehicleLimitSet? classLimits = null)
    {
        if (_dense is { } dense)
        {
            // Back to compact; the arrays go to the binner's spares for whichever bin outgrows its entries next.
            dense.Clear();
            if (_densePool is { Count: < MaxSpareDenseCounts } pool)
            {
                pool.Push(dense);
            }

            _dense = null;
        }

        Empty(key, limitKmh, classLimits);
    }

    /// <summary>
    /// Empties the bin back to what <c>new Bin()</c> is (no vehicles, <see cref="NoLimit"/>), keeping its arrays (cleared):
    /// for a reader that merges group after group into one bin instead of a new ~5 KB bin per group.
    /// </summary>
    public void Clear()
    {
        _dense?.Clear();
        Empty(default, NoLimit, null);
    }

    private void Empty(BinKey key, int limitKmh, VehicleLimitSet? classLimits)
    {
        Key = key;
        _classLimits = classLimits;
        _count = 0;
        _sumCentiKmh = 0;
        _sumOfSquaresLow = 0;
        _sumOfSquaresHigh = 0;
        _maxCentiKmh = 0;
        ((Span<long>)_classCounts).Clear();
        ((Span<long>)_lengthCounts).Clear();
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

    /// <summary>True while the bin keeps its vehicles as exact speeds.</summary>
    internal bool IsCompact => Volatile.Read(ref _dense) is null;

    /// <summary>
    /// While the bin is compact, its vehicles as sorted entries (speed in 0.01 km/h &lt;&lt; <see cref="ClassBits"/> |
    /// class); false once it holds the arrays. For statistics that can do without the histogram array (percentiles).
    /// </summary>
    internal bool TryGetCompactEntries(out ReadOnlySpan<int> entries)
    {
        if (Volatile.Read(ref _dense) is null)
        {
            entries = CompactSpan();
            return true;
        }

        entries = default;
        return false;
    }

    /// <summary>Writes the 1 km/h histogram into <paramref name="destination"/> (at least <see cref="SpeedHistogram.BucketCount"/> long) without making a compact bin build it.</summary>
    internal void CopyHistogramTo(Span<long> destination)
    {
        if (Volatile.Read(ref _dense) is { } dense)
        {
            dense.Histogram.Counts.CopyTo(destination);
            return;
        }

        destination[..SpeedHistogram.BucketCount].Clear();
        foreach (int entry in CompactSpan())
        {
            destination[SpeedHistogram.BucketOf(entry >> ClassBits)]++;
        }
    }

    private Bin CloneWithKey(BinKey key)
    {
        var copy = new Bin(key)
        {
            _count = _count,
            _sumCentiKmh = _sumCentiKmh,
            _sumOfSquaresLow = _sumOfSquaresLow,
            _sumOfSquaresHigh = _sumOfSquaresHigh,
            _maxCentiKmh = _maxCentiKmh,
            _classCounts = _classCounts,
            _lengthCounts = _lengthCounts,
            _classLimits = _classLimits,
        };
        if (Volatile.Read(ref _dense) is { } dense)
        {
            copy._dense = new DenseCounts();
            dense.CopyTo(copy._dense);
        }
        else
        {
            copy._entries = _entries;
        }

        copy.SetLimit(_limitKmh);
        return copy;
    }

    private ReadOnlySpan<int> CompactSpan() => ((ReadOnlySpan<int>)_entries)[..(int)_count];

    private long CountCompactOverLimit(LimitCategory category, int fromBucket, int toBucket)
    {
        if (_count == 0)
        {
            return 0;
        }

        long total = 0;
        int categoryOffset = (int)category * OverLimitBucketCount;
        foreach (int entry in CompactSpan())
        {
            (int limitCenti, int offset) = LimitOf(entry & ClassMask);
            int excess = (entry >> ClassBits) - limitCenti;
            if (excess > 0 && offset == categoryOffset)
            {
                int k = Math.Min((excess - 1) / 100, OverLimitBucketCount - 1);
                if (k >= fromBucket && k < toBucket)
                {
                    total++;
                }
            }
        }

        return total;
    }

    private void InsertCompact(int count, int entry)
    {
        // Insertion: a few entries, arriving in no particular order of speed.
        Span<int> entries = _entries;
        int i = count;
        while (i > 0 && entries[i - 1] > entry)
        {
            entries[i] = entries[i - 1];
            i--;
        }

        entries[i] = entry;
    }

    /// <summary>Adds a 128-bit value, given as its halves, to Σ speed² (the low half's overflow carries into the high).</summary>
    private void AddToSumOfSquares(ulong low, ulong high)
    {
        ulong sum = _sumOfSquaresLow + low;
        _sumOfSquaresHigh += high + (sum < low ? 1UL : 0UL);
        _sumOfSquaresLow = sum;
    }

    /// <summary>Moves the compact entries (all under this bin's limit) into arrays, the binner's spares when it has some.</summary>
    private DenseCounts Promote()
    {
        DenseCounts dense = _densePool is { Count: > 0 } pool ? pool.Pop() : new DenseCounts();
        Fill(dense);
        _dense = dense;
        return dense;
    }

    /// <summary>
    /// The arrays, for readers. A compact bin builds fresh ones and publishes them atomically, so two threads reading the
    /// same unchanging bin both see complete arrays.
    /// </summary>
    private DenseCounts DenseForReading()
    {
        if (Volatile.Read(ref _dense) is { } dense)
        {
            return dense;
        }

        var built = new DenseCounts();
        Fill(built);
        return Interlocked.CompareExchange(ref _dense, built, null) ?? built;
    }

    private void Fill(DenseCounts dense)
    {
        foreach (int entry in CompactSpan())
        {
            (int limitCenti, int offset) = LimitOf(entry & ClassMask);
            dense.Add(entry >> ClassBits, limitCenti, offset);
        }
    }

    private void SetLimit(int limitKmh)
    {
        _limitKmh = limitKmh;
        _limitCentiKmh = limitKmh * 100;
        _overLimitOffset = limitKmh > 0 ? (int)LimitCategories.Of(limitKmh) * OverLimitBucketCount : -1;
    }

    /// <summary>The limit (0.01 km/h) a vehicle of the class counts against in this bin, and where its over-limit category starts.</summary>
    private (int LimitCenti, int OverLimitOffset) LimitOf(int classIndex)
    {
        if (_classLimits is null || _limitKmh <= 0)
        {
            return (_limitCentiKmh, _overLimitOffset);
        }

        int limit = _classLimits.Effective(classIndex, _limitKmh);
        return limit == _limitKmh ? (_limitCentiKmh, _overLimitOffset) : (limit * 100, (int)LimitCategories.Of(limit) * OverLimitBucketCount);
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

    [InlineArray(CompactCapacity)]
    private struct CompactEntries
    {
        private int _element0;
    }

    [InlineArray(ClassCount)]
    private struct ClassCounters
    {
        private long _element0;
    }

    [InlineArray(LengthPatterns.Count)]
    private struct LengthCounters
    {
        private long _element0;
    }
}
