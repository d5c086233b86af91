using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Statistics;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Tests.Bins;

/// <summary>
/// A bin of few vehicles keeps their exact speeds instead of arrays. Nothing a user reads may tell the two forms apart:
/// every figure from a compact bin equals the one from the arrays, across promotion, merging, restoring and reuse.
/// </summary>
public sealed class CompactBinTests
{
    private static Bin Compact(IEnumerable<RawVehicle> vehicles, int limit)
    {
        var bin = new Bin(limit);
        foreach (RawVehicle v in vehicles)
        {
            bin.Add(v.SpeedKmh, v.Class, v.LengthMetres);
        }

        return bin;
    }

    /// <summary>The same vehicles in a bin that holds the arrays from its first vehicle on.</summary>
    private static Bin Dense(IEnumerable<RawVehicle> vehicles, int limit)
    {
        var bin = new Bin(limit);
        _ = bin.Histogram; // reading the arrays makes the (empty) bin take them
        Assert.False(bin.IsCompact);
        foreach (RawVehicle v in vehicles)
        {
            bin.Add(v.SpeedKmh, v.Class, v.LengthMetres);
        }

        return bin;
    }

    /// <summary>Every figure that can be read without the arrays, so that reading them does not change the form.</summary>
    private static List<object> FiguresWithoutArrays(Bin bin)
    {
        var figures = new List<object>();
        foreach (double q in new[] { 0, 0.01, 0.1, 0.25, 0.5, 0.85, 0.9, 0.95, 0.99, 1 })
        {
            figures.Add(SpeedStatistics.Percentile(bin, q));
        }

        for (int from = 0; from <= Bin.MaxExactExcessKmh; from += 5)
        {
            figures.Add(bin.CountOverLimitBy(from));
            figures.Add(bin.CountWithinLimitPlus(from));
            for (int c = 0; c < LimitCategories.Count; c++)
            {
                figures.Add(bin.CountOverLimitBy((LimitCategory)c, from, Math.Min(from + 7, Bin.MaxExactExcessKmh)));
            }
        }

        figures.Add(SpeedStatistics.Pace(bin)?.ToString() ?? "none");
        figures.Add(SpeedStatistics.Mean(bin));
        figures.Add(SpeedStatistics.StandardDeviation(bin));
        figures.Add(bin.MaxCentiKmh);
        figures.Add(string.Join(',', bin.ClassCounts.ToArray()));
        return figures;
    }

    [Fact]
    public void Add_UpToCompactCapacity_StaysCompact_OneMoreTakesTheArrays()
    {
        var random = new Random(7);
        List<RawVehicle> vehicles = RawVehicles.Generate(random, Bin.CompactCapacity + 1, 50);
        var bin = new Bin(50);
        for (int i = 0; i < Bin.CompactCapacity; i++)
        {
            bin.Add(vehicles[i].SpeedKmh, vehicles[i].Class, vehicles[i].LengthMetres);
        }

        Assert.True(bin.IsCompact);
        Assert.Equal(FiguresWithoutArrays(Dense(vehicles.Take(Bin.CompactCapacity), 50)), FiguresWithoutArrays(bin));
        Assert.True(bin.IsCompact);

        bin.Add(vehicles[^1].SpeedKmh, vehicles[^1].Class, vehicles[^1].LengthMetres);
        Assert.False(bin.IsCompact);
        RawVehicles.AssertBinHolds(vehicles, bin);
        RawVehicles.AssertSameContent(Dense(vehicles, 50), bin);
    }

    [Fact]
    public void Figures_CompactAndDense_AreEqualToTheLastBit()
    {
        for (int seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            int limit = RawVehicles.Limits[seed % RawVehicles.Limits.Length];
            List<RawVehicle> vehicles = RawVehicles.Generate(random, 1 + (seed % Bin.CompactCapacity), limit);
            if (seed % 3 == 0)
            {
                // Ties within one 1 km/h bucket and on exact speeds, where the interpolation divides by the bucket count.
                vehicles = [.. vehicles.Select(v => v with { SpeedKmh = Math.Round(v.SpeedKmh / 3, 0) * 3 + (random.Next(2) * 0.5) })];
                vehicles = [.. vehicles.Where(v => v.SpeedKmh <= Unit.PlausibleKmhCeiling)];
            }

            Bin compact = Compact(vehicles, limit);
            List<object> compactFigures = FiguresWithoutArrays(compact);
            Assert.True(compact.IsCompact);
            Assert.Equal(FiguresWithoutArrays(Dense(vehicles, limit)), compactFigures);
            RawVehicles.AssertBinHolds(vehicles, compact);
        }
    }

    [Fact]
    public void CopyCountsTo_CompactOrDense_GivesTheArraysCountsAndLeavesACompactBinCompact()
    {
        for (int seed = 0; seed < 100; seed++)
        {
            var random = new Random(seed);
            int limit = RawVehicles.Limits[seed % RawVehicles.Limits.Length];
            List<RawVehicle> vehicles = RawVehicles.Generate(random, 1 + (seed % (2 * Bin.CompactCapacity)), limit);
            Bin bin = Compact(vehicles, limit);
            bool wasCompact = bin.IsCompact;
            long[] histogram = new long[SpeedHistogram.BucketCount];
            long[] overLimit = new long[LimitCategories.Count * Bin.OverLimitBucketCount];
            Array.Fill(histogram, -1); // stale content from the bin written before must not survive
            Array.Fill(overLimit, -1);

            bin.CopyCountsTo(histogram, overLimit);

            Assert.Equal(wasCompact, bin.IsCompact);
            Bin dense = Dense(vehicles, limit);
            Assert.Equal(dense.Histogram.Counts.ToArray(), histogram);
            Assert.Equal(dense.AllOverLimitBuckets.ToArray(), overLimit);
        }
    }

    [Fact]
    public void Figures_EmptyCompactBin_AreThoseOfAnEmptyBin()
    {
        var bin = new Bin(30);
        Assert.True(double.IsNaN(SpeedStatistics.V85(bin)));
        Assert.Null(SpeedStatistics.Pace(bin));
        Assert.Equal(0, bin.CountOverLimit);
        Assert.True(bin.IsCompact);
        RawVehicles.AssertBinHolds([], new Bin());
    }

    [Theory]
    [InlineData(10, 10, 50, 50)] // both compact, room for both: stays compact
    [InlineData(16, 16, 50, 50)] // exactly the capacity
    [InlineData(20, 20, 50, 50)] // compact + compact past the capacity
    [InlineData(10, 10, 30, 70)] // compact + compact, different limits: each vehicle against its own limit
    [InlineData(40, 5, 50, 50)]  // dense + compact
    [InlineData(5, 40, 50, 50)]  // compact + dense
    [InlineData(5, 40, 40, 90)]  // compact + dense, different limits
    [InlineData(0, 12, 50, 50)]
    public void MergeFrom_CompactAndDenseInEveryCombination_HoldsEveryVehicle(int firstCount, int secondCount, int firstLimit, int secondLimit)
    {
        var random = new Random(firstCount * 1000 + secondCount);
        List<RawVehicle> first = RawVehicles.Generate(random, firstCount, firstLimit);
        List<RawVehicle> second = RawVehicles.Generate(random, secondCount, secondLimit);

        Bin forward = Compact(first, firstLimit);
        forward.MergeFrom(Compact(second, secondLimit));
        Bin backward = Compact(second, secondLimit);
        backward.MergeFrom(Compact(first, firstLimit));
        Bin identity = new();
        identity.MergeFrom(Compact(first, firstLimit));
        identity.MergeFrom(Compact(second, secondLimit));

        bool staysCompact = firstLimit == secondLimit && firstCount + secondCount <= Bin.CompactCapacity;
        Assert.Equal(staysCompact, forward.IsCompact);
        Assert.Equal(staysCompact, identity.IsCompact);
        List<RawVehicle> all = [.. first, .. second];
        if (firstLimit == secondLimit)
        {
            Assert.Equal(FiguresWithoutArrays(Dense(all, firstLimit)), FiguresWithoutArrays(forward));
        }

        RawVehicles.AssertBinHolds(all, forward);
        RawVehicles.AssertSameContent(forward, backward);
        RawVehicles.AssertSameContent(forward, identity);
    }

    [Fact]
    public void MergeFrom_CompactBinIntoItself_CountsEveryVehicleTwice()
    {
        List<RawVehicle> vehicles = RawVehicles.Generate(new Random(3), 9, 40);
        Bin bin = Compact(vehicles, 40);
        bin.MergeFrom(bin);
        Assert.True(bin.IsCompact);
        RawVehicles.AssertBinHolds([.. vehicles, .. vehicles], bin);
    }

    [Fact]
    public void Restore_FromACompactBinsParts_EqualsTheBin()
    {
        List<RawVehicle> vehicles = RawVehicles.Generate(new Random(11), 12, 30);
        Bin compact = Compact(vehicles, 30);
        Bin reference = Compact(vehicles, 30);
        Bin restored = Bin.Restore(default, compact.LimitKmh, compact.Count, compact.SumCentiKmh, compact.SumOfSquaresCentiKmh,
            compact.MaxCentiKmh, compact.Histogram.Counts, compact.AllOverLimitBuckets, compact.ClassCounts, compact.LengthCounts);

        Assert.False(restored.IsCompact);
        Assert.Equal(FiguresWithoutArrays(reference), FiguresWithoutArrays(restored));
        RawVehicles.AssertSameContent(reference, restored);
        RawVehicles.AssertBinHolds(vehicles, restored);
    }

    [Fact]
    public void Clone_OfCompactBin_IsCompactAndIndependent()
    {
        List<RawVehicle> vehicles = RawVehicles.Generate(new Random(5), 6, 50);
        Bin bin = Compact(vehicles, 50);
        Bin copy = bin.Clone();
        bin.Add(120);
        Assert.True(copy.IsCompact);
        RawVehicles.AssertBinHolds(vehicles, copy);
    }

    [Fact]
    public void Binner_ReusesBinsAndArraysAfterClear_CompactAgainAndAllocatesNothing()
    {
        var site = new Site("s", "S", 50);
        var unit = new Unit { Id = "u", Site = site };
        long day = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var binner = new Binner();

        // Two windows: the first outgrows the compact form, the second stays compact. After Clear the pooled bins come
        // back in the other order, so the arrays must move from bin to bin through the binner's spares.
        void Fill(int busyWindow)
        {
            for (int window = 0; window < 2; window++)
            {
                int vehicles = window == busyWindow ? Bin.CompactCapacity + 5 : 3;
                for (int i = 0; i < vehicles; i++)
                {
                    binner.Add(new Vehicle { Unit = unit, TimestampMs = day + window * 300_000 + i, SpeedKmh = 40 + i, Direction = Direction.Approaching });
                }
            }
        }

        Fill(busyWindow: 0);
        binner.Clear();
        Fill(busyWindow: 1);
        binner.Clear();

        long before = GC.GetAllocatedBytesForCurrentThread();
        Fill(busyWindow: 0);
        binner.Clear();
        Fill(busyWindow: 1);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        Bin quiet = binner.Bins[new BinKey("s", Direction.Approaching, DisplayMode.DisplayOn, day)];
        Bin busy = binner.Bins[new BinKey("s", Direction.Approaching, DisplayMode.DisplayOn, day + 300_000)];
        Assert.True(quiet.IsCompact);
        Assert.False(busy.IsCompact);
        RawVehicles.AssertBinHolds([.. Enumerable.Range(0, 3).Select(i => new RawVehicle(40 + i, 50, VehicleClass.Unknown))], quiet);
        RawVehicles.AssertBinHolds(
            [.. Enumerable.Range(0, Bin.CompactCapacity + 5).Select(i => new RawVehicle(40 + i, 50, VehicleClass.Unknown))], busy);
    }

    [Fact]
    public void Histogram_ReadFromManyThreadsAtOnce_EveryReaderSeesTheWholeBin()
    {
        for (int round = 0; round < 50; round++)
        {
            List<RawVehicle> vehicles = RawVehicles.Generate(new Random(round), 20, 50);
            Bin bin = Compact(vehicles, 50);
            long[] expected = Dense(vehicles, 50).Histogram.Counts.ToArray();
            using var start = new Barrier(4);
            long[][] seen = new long[4][];
            Thread[] threads = [.. Enumerable.Range(0, 4).Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                seen[t] = bin.Histogram.Counts.ToArray();
            }))];
            foreach (Thread thread in threads)
            {
                thread.Start();
            }

            foreach (Thread thread in threads)
            {
                thread.Join();
            }

            Assert.All(seen, counts => Assert.Equal(expected, counts));
        }
    }
}
