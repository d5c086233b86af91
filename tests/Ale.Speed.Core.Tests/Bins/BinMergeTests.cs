using Ale.Speed.Core.Bins;

namespace Ale.Speed.Core.Tests.Bins;

/// <summary>Merging is exact: any grouping, any order, gives the bin of all the vehicles at once.</summary>
public sealed class BinMergeTests
{
    private static List<List<RawVehicle>> RandomPartition(Random random, List<RawVehicle> vehicles, int parts)
    {
        var result = Enumerable.Range(0, parts).Select(_ => new List<RawVehicle>()).ToList();
        foreach (RawVehicle v in vehicles)
        {
            result[random.Next(parts)].Add(v);
        }

        return result;
    }

    private static Bin[] Shuffled(Random random, IEnumerable<Bin> bins)
    {
        Bin[] array = [.. bins];
        random.Shuffle(array);
        return array;
    }

    [Fact]
    public void Merge_RandomPartitionsOfOneLimit_EqualsBinOfAll()
    {
        for (int seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed);
            int limit = RawVehicles.Limits[seed % RawVehicles.Limits.Length];
            List<RawVehicle> vehicles = RawVehicles.Generate(random, random.Next(1, 400), limit);

            var all = new Bin(limit);
            foreach (RawVehicle v in vehicles)
            {
                all.Add(v.SpeedKmh, v.Class, v.LengthMetres);
            }

            List<List<RawVehicle>> parts = RandomPartition(random, vehicles, random.Next(1, 12));
            Bin merged = Bin.Merge(Shuffled(random, parts.Select(RawVehicles.BinOf)));

            RawVehicles.AssertSameContent(all, merged);
            RawVehicles.AssertBinHolds(vehicles, merged);
        }
    }

    [Fact]
    public void Merge_RandomPartitionsOfMixedLimits_HoldsEveryVehicleAgainstItsOwnLimit()
    {
        for (int seed = 100; seed < 160; seed++)
        {
            var random = new Random(seed);
            List<RawVehicle> vehicles = RawVehicles.GenerateMixed(random, random.Next(1, 500));
            List<List<RawVehicle>> parts = RandomPartition(random, vehicles, random.Next(1, 10));

            // Merge in a random tree shape: repeatedly merge two random bins until one is left.
            var pool = parts.Select(RawVehicles.BinOf).ToList();
            while (pool.Count > 1)
            {
                int i = random.Next(pool.Count);
                Bin a = pool[i];
                pool.RemoveAt(i);
                int j = random.Next(pool.Count);
                pool[j] = random.Next(2) == 0 ? Bin.Merge(a, pool[j]) : Bin.Merge(pool[j], a);
            }

            RawVehicles.AssertBinHolds(vehicles, pool[0]);
            RawVehicles.AssertSameContent(RawVehicles.BinOf(vehicles), pool[0]);
        }
    }

    [Fact]
    public void Clear_ThenMergingAnotherGroup_EqualsMergingItIntoANewBin()
    {
        // A reader merges group after group into one cleared bin: nothing of an earlier group may remain.
        var reused = new Bin();
        for (int seed = 200; seed < 240; seed++)
        {
            var random = new Random(seed);
            List<RawVehicle> vehicles = random.Next(2) == 0
                ? RawVehicles.GenerateMixed(random, random.Next(0, 400))
                : RawVehicles.Generate(random, random.Next(0, 40), RawVehicles.Limits[random.Next(RawVehicles.Limits.Length)]);
            List<List<RawVehicle>> parts = RandomPartition(random, vehicles, random.Next(1, 6));

            reused.Clear();
            foreach (List<RawVehicle> part in parts)
            {
                reused.MergeFrom(RawVehicles.BinOf(part));
            }

            RawVehicles.AssertSameContent(Bin.Merge(parts.Select(RawVehicles.BinOf)), reused);
            RawVehicles.AssertBinHolds(vehicles, reused);
        }
    }

    [Fact]
    public void Merge_IsCommutativeAndAssociative()
    {
        for (int seed = 200; seed < 240; seed++)
        {
            var random = new Random(seed);
            Bin a = RawVehicles.BinOf(RawVehicles.GenerateMixed(random, random.Next(0, 50)));
            Bin b = RawVehicles.BinOf(RawVehicles.Generate(random, random.Next(0, 50), RawVehicles.Limits[random.Next(5)]));
            Bin c = RawVehicles.BinOf(RawVehicles.Generate(random, random.Next(0, 50), RawVehicles.Limits[random.Next(5)]));

            RawVehicles.AssertSameContent(Bin.Merge(a, b), Bin.Merge(b, a));
            RawVehicles.AssertSameContent(Bin.Merge(Bin.Merge(a, b), c), Bin.Merge(a, Bin.Merge(b, c)));
        }
    }

    [Fact]
    public void Merge_EmptyBin_IsIdentity()
    {
        Bin x = RawVehicles.BinOf(RawVehicles.Generate(new Random(7), 80, 40));
        RawVehicles.AssertSameContent(x, Bin.Merge(new Bin(), x));
        RawVehicles.AssertSameContent(x, Bin.Merge(x, new Bin()));
        RawVehicles.AssertSameContent(new Bin(), Bin.Merge(new Bin(), new Bin()));
        RawVehicles.AssertSameContent(new Bin(), Bin.Merge([]));
    }

    [Fact]
    public void Merge_SingleVehicleBins_EqualsBinOfBoth()
    {
        var a = new Bin(50);
        a.Add(63.47);
        var b = new Bin(50);
        b.Add(48.5);
        Bin merged = Bin.Merge(a, b);
        RawVehicles.AssertBinHolds([new RawVehicle(63.47, 50, default), new RawVehicle(48.5, 50, default)], merged);
        Assert.Equal(50, merged.LimitKmh);
    }

    [Fact]
    public void Merge_DifferentLimits_LimitIsMixedAndCountsStayPerVehicle()
    {
        var thirty = new Bin(30);
        thirty.Add(45); // 15 over a 30 limit
        var seventy = new Bin(70);
        seventy.Add(60); // within a 70 limit

        Bin merged = Bin.Merge(thirty, seventy);

        Assert.Equal(Bin.MixedLimits, merged.LimitKmh);
        Assert.Equal(1, merged.CountOverLimit);
        Assert.Equal(1, merged.CountWithinLimit);
        Assert.Equal(1, merged.CountOverLimitBy(LimitCategory.AtMost30, 14, 15));
    }

    [Fact]
    public void MergeFrom_KeepsTheTargetsKeyAndAddsInPlace()
    {
        var target = new Bin(50);
        target.Add(50);
        var other = new Bin(50);
        other.Add(70);
        target.MergeFrom(other);
        Assert.Equal(2, target.Count);
        Assert.Equal(1, other.Count);
        Assert.Equal(7000, target.MaxCentiKmh);
    }

    [Theory]
    [InlineData(Bin.NoLimit, 50, 50)]
    [InlineData(50, 50, 50)]
    [InlineData(30, 50, Bin.MixedLimits)]
    [InlineData(Bin.MixedLimits, 50, Bin.MixedLimits)]
    [InlineData(Bin.MixedLimits, Bin.NoLimit, Bin.MixedLimits)]
    public void CombineLimits_IsASemilattice(int first, int second, int expected)
    {
        Assert.Equal(expected, Bin.CombineLimits(first, second));
        Assert.Equal(expected, Bin.CombineLimits(second, first));
    }
}
