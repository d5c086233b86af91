using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Tests.Bins;

public sealed class BinTests
{
    public static TheoryData<int, int, int> Sets()
    {
        var data = new TheoryData<int, int, int>();
        int seed = 1;
        foreach (int limit in RawVehicles.Limits)
        {
            foreach (int count in new[] { 1, 7, 100, 2500 })
            {
                data.Add(seed++, limit, count);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void Add_RandomVehicles_BinHoldsExactlyTheRawCounts(int seed, int limit, int count)
    {
        List<RawVehicle> vehicles = RawVehicles.Generate(new Random(seed), count, limit);
        RawVehicles.AssertBinHolds(vehicles, RawVehicles.BinOf(vehicles));
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void LimitAccessors_RandomVehicles_MatchExactComparisons(int seed, int limit, int count)
    {
        List<RawVehicle> vehicles = RawVehicles.Generate(new Random(seed), count, limit);
        Bin bin = RawVehicles.BinOf(vehicles);

        Assert.Equal(vehicles.LongCount(v => v.SpeedKmh <= v.LimitKmh), bin.CountWithinLimit);
        Assert.Equal(vehicles.LongCount(v => v.SpeedKmh > v.LimitKmh), bin.CountOverLimit);
        Assert.Equal(vehicles.LongCount(v => v.SpeedKmh <= v.LimitKmh + 5), bin.CountWithinLimitPlus(5));
        Assert.Equal(vehicles.LongCount(v => v.SpeedKmh > v.LimitKmh + 30), bin.CountOverLimitBy(30));
        Assert.Equal(vehicles.LongCount(v => v.SpeedKmh > v.LimitKmh + 10 && v.SpeedKmh <= v.LimitKmh + 15), bin.CountOverLimitBy(10, 15));
        Assert.Equal(vehicles.LongCount(v => v.SpeedKmh > v.LimitKmh + 100), bin.CountOverLimitBy(100));
        Assert.Equal(0, bin.CountOverLimitBy(20, 20));
    }

    [Fact]
    public void Add_ExactlyOnBandEdges_CountsRightClosed()
    {
        var bin = new Bin(50);
        bin.Add(50.00); // e = 0: within
        bin.Add(50.01); // e = 0.01: (0, 1]
        bin.Add(55.00); // e = 5: (4, 5]
        bin.Add(55.01); // e = 5.01: (5, 6]
        bin.Add(150.00); // e = 100: (99, 100]
        bin.Add(150.01); // e > 100

        Assert.Equal(1, bin.CountWithinLimit);
        Assert.Equal(3, bin.CountWithinLimitPlus(5));
        ReadOnlySpan<long> over = bin.OverLimitHistogram(LimitCategory.From31To50);
        Assert.Equal(1, over[0]);
        Assert.Equal(1, over[4]);
        Assert.Equal(1, over[5]);
        Assert.Equal(1, over[99]);
        Assert.Equal(1, over[100]);
        Assert.Equal(1, bin.CountOverLimitBy(99, 100));
        Assert.Equal(1, bin.CountOverLimitBy(100));
    }

    [Theory]
    [InlineData(30, LimitCategory.AtMost30)]
    [InlineData(31, LimitCategory.From31To50)]
    [InlineData(50, LimitCategory.From31To50)]
    [InlineData(60, LimitCategory.Over50)]
    public void Add_LimitCategory_FollowsTheBinLimit(int limit, LimitCategory category)
    {
        var bin = new Bin(limit);
        bin.Add(limit + 12.5);
        Assert.Equal(1, bin.OverLimitHistogram(category)[12]);
        Assert.Equal(1, bin.CountOverLimitBy(category, 12, 13));
        Assert.Equal(1, bin.CountOverLimit);
    }

    [Fact]
    public void Add_Histogram_BucketKHoldsKToKPlusOne()
    {
        var bin = new Bin(50);
        bin.Add(49.99);
        bin.Add(50.00);
        bin.Add(0);
        bin.Add(250);
        Assert.Equal(1, bin.Histogram[49]);
        Assert.Equal(1, bin.Histogram[50]);
        Assert.Equal(1, bin.Histogram[0]);
        Assert.Equal(1, bin.Histogram[250]);
        Assert.Equal(250.0, bin.MaxKmh);
    }

    [Fact]
    public void Add_Classes_CountedPerClass()
    {
        var bin = new Bin(30);
        bin.Add(25, VehicleClass.ATraktor);
        bin.Add(31, VehicleClass.ATraktor);
        bin.Add(44, VehicleClass.Moped);
        Assert.Equal(2, bin.CountOf(VehicleClass.ATraktor));
        Assert.Equal(1, bin.CountOf(VehicleClass.Moped));
        Assert.Equal(0, bin.CountOf(VehicleClass.Car));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(250.01)]
    [InlineData(double.NaN)]
    public void Add_SpeedOutsideHistogram_Throws(double speed)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new Bin(50).Add(speed));

    [Fact]
    public void Add_ToBinWithoutSingleLimit_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new Bin().Add(50));
        Bin mixed = Bin.Merge(new Bin(30), new Bin(50));
        Assert.Equal(Bin.MixedLimits, mixed.LimitKmh);
        Assert.Throws<InvalidOperationException>(() => mixed.Add(50));
    }

    [Fact]
    public void CountOverLimitBy_EdgesBeyondExactRange_Throw()
    {
        var bin = new Bin(50);
        Assert.Throws<ArgumentOutOfRangeException>(() => bin.CountOverLimitBy(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => bin.CountOverLimitBy(101));
        Assert.Throws<ArgumentOutOfRangeException>(() => bin.CountOverLimitBy(10, 101));
        Assert.Throws<ArgumentOutOfRangeException>(() => bin.CountOverLimitBy(10, 9));
    }

    [Fact]
    public void Reinitialize_AfterOverLimitVehiclesMergesAndRestores_StartsFromZero()
    {
        // Reuse clears only the over-limit buckets known to be used; every way of filling them must be known.
        var slow = new Bin(30);
        var fast = new Bin(80);
        foreach (double speed in new[] { 31.5, 45, 90, 250 })
        {
            slow.Add(speed);
            fast.Add(speed + 50 > 250 ? 250 : speed + 50);
        }

        Bin merged = Bin.Merge(slow, fast);
        Bin restored = Bin.Restore(default, 30, slow.Count, slow.SumCentiKmh, slow.SumOfSquaresCentiKmh, slow.MaxCentiKmh,
            slow.Histogram.Counts, slow.AllOverLimitBuckets, slow.ClassCounts);
        Assert.NotEqual(0, merged.CountOverLimit);
        foreach (Bin bin in new[] { slow, fast, merged, restored, slow.Clone() })
        {
            bin.Reinitialize(default, 50);
            Assert.All(bin.AllOverLimitBuckets.ToArray(), c => Assert.Equal(0, c));
            Assert.Equal(0, bin.Count);
            bin.Add(51);
            Assert.Equal(1, bin.CountOverLimit);
        }
    }

    [Fact]
    public void MergeFrom_SumsOfSquaresPast64Bits_CarryIntoTheHighHalf()
    {
        // A year of a busy road's day rollups stays far below 2^64 (centi-km/h squared), but a sum restored from storage
        // may hold anything up to 128 bits; merging must carry exactly, as UInt128 addition does.
        var one = new Bin(50);
        one.Add(60);
        UInt128 nearTop = ulong.MaxValue - 5UL;
        UInt128 high = ((UInt128)3 << 64) + ulong.MaxValue;
        Bin first = Bin.Restore(default, 50, 1, one.SumCentiKmh, nearTop, one.MaxCentiKmh, one.Histogram.Counts, one.AllOverLimitBuckets, one.ClassCounts);
        Bin second = Bin.Restore(default, 50, 1, one.SumCentiKmh, high, one.MaxCentiKmh, one.Histogram.Counts, one.AllOverLimitBuckets, one.ClassCounts);

        first.MergeFrom(second);
        first.Add(60);

        Assert.Equal(nearTop + high + 36_000_000UL, first.SumOfSquaresCentiKmh);
        Assert.Equal(nearTop + high + 36_000_000UL, first.Clone().SumOfSquaresCentiKmh);
    }

    [Fact]
    public void Clone_IsIndependentCopy()
    {
        var bin = new Bin(50);
        bin.Add(60, VehicleClass.Car);
        Bin copy = bin.Clone();
        bin.Add(70);
        Assert.Equal(1, copy.Count);
        Assert.Equal(6000, copy.MaxCentiKmh);
        RawVehicles.AssertBinHolds([new RawVehicle(60, 50, VehicleClass.Car)], copy);
    }
}
