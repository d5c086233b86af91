using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Tests.Bins;

public sealed class BinnerTests
{
    private static readonly long s_day = new DateTimeOffset(2025, 6, 2, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly Site s_site = new("nodinge-1", "Nödinge", 50);
    private static readonly Unit s_unit = new() { Id = "u1", Site = s_site };

    private static Vehicle V(Unit unit, long ms, double kmh = 50, Direction direction = Direction.Approaching)
        => new() { Unit = unit, TimestampMs = ms, SpeedKmh = kmh, Direction = direction };

    [Fact]
    public void Add_WindowEdges_BinNamedByFlooredWindowStart()
    {
        var binner = new Binner();
        long fiveMin = 300_000;
        binner.Add(V(s_unit, s_day + fiveMin - 1));
        binner.Add(V(s_unit, s_day + fiveMin));
        binner.Add(V(s_unit, s_day + 2 * fiveMin - 1));

        Assert.Equal(2, binner.Bins.Count);
        Assert.Equal(1, binner.Bins[new BinKey("nodinge-1", Direction.Approaching, DisplayMode.DisplayOn, s_day)].Count);
        Assert.Equal(2, binner.Bins[new BinKey("nodinge-1", Direction.Approaching, DisplayMode.DisplayOn, s_day + fiveMin)].Count);
    }

    [Fact]
    public void Add_DirectionsDisplayModesAndSites_NeverShareABin()
    {
        var binner = new Binner();
        var stealth = new Unit { Id = "u2", Site = s_site, DisplayMode = DisplayMode.Stealth };
        var otherSite = new Unit { Id = "u3", Site = new Site("alafors-2", "Alafors", 40) };
        var secondUnitSameSite = new Unit { Id = "u4", Site = s_site };
        binner.Add(V(s_unit, s_day));
        binner.Add(V(s_unit, s_day, direction: Direction.Receding));
        binner.Add(V(stealth, s_day));
        binner.Add(V(otherSite, s_day));
        binner.Add(V(secondUnitSameSite, s_day)); // same site, direction and mode as the first: same bin

        Assert.Equal(4, binner.Bins.Count);
        Assert.True(binner.TryGetBin(new BinKey("nodinge-1", Direction.Approaching, DisplayMode.DisplayOn, s_day), out Bin shared));
        Assert.Equal(2, shared.Count);
        Assert.True(binner.TryGetBin(new BinKey("alafors-2", Direction.Approaching, DisplayMode.DisplayOn, s_day), out Bin alafors));
        Assert.Equal(40, alafors.LimitKmh);
        Assert.False(binner.TryGetBin(new BinKey("nowhere", Direction.Approaching, DisplayMode.DisplayOn, s_day), out _));
    }

    [Fact]
    public void Add_InterleavedBins_EveryVehicleCountedOnce()
    {
        var binner = new Binner(new BinningOptions { Window = TimeSpan.FromMinutes(15) });
        var random = new Random(11);
        var expected = new Dictionary<BinKey, int>();
        for (int i = 0; i < 5000; i++)
        {
            long ms = s_day + random.NextInt64(0, 86_400_000);
            Direction direction = random.Next(2) == 0 ? Direction.Approaching : Direction.Receding;
            binner.Add(V(s_unit, ms, direction: direction));
            var key = new BinKey(s_site.Id, direction, DisplayMode.DisplayOn, ms - ms % 900_000);
            expected[key] = expected.GetValueOrDefault(key) + 1;
        }

        Assert.Equal(expected.Count, binner.Bins.Count);
        foreach ((BinKey key, int count) in expected)
        {
            Assert.Equal(count, binner.Bins[key].Count);
            Assert.Equal(key, binner.Bins[key].Key);
        }
    }

    [Fact]
    public void Add_LimitChangesDuringDay_BinTakesLimitAtWindowStart()
    {
        long change = s_day + 300_000 + 60_000; // 00:06, inside the 00:05 window
        var site = new Site("s", "S", [new SpeedLimitPeriod(long.MinValue, 50), new SpeedLimitPeriod(change, 40)]);
        var unit = new Unit { Id = "u", Site = site };
        var binner = new Binner();
        binner.Add(V(unit, change + 1000, 45)); // window 00:05 started under 50
        binner.Add(V(unit, s_day + 600_000, 45)); // window 00:10: 40

        Bin early = binner.Bins[new BinKey("s", Direction.Approaching, DisplayMode.DisplayOn, s_day + 300_000)];
        Bin late = binner.Bins[new BinKey("s", Direction.Approaching, DisplayMode.DisplayOn, s_day + 600_000)];
        Assert.Equal((50, 0L), (early.LimitKmh, early.CountOverLimit));
        Assert.Equal((40, 1L), (late.LimitKmh, late.CountOverLimit));
    }

    [Fact]
    public void DrainChanged_ReturnsEachTouchedBinOnceThenNothing()
    {
        var binner = new Binner();
        binner.Add(V(s_unit, s_day));
        binner.Add(V(s_unit, s_day + 1));
        binner.Add(V(s_unit, s_day + 300_000));
        binner.Add(V(s_unit, s_day + 2));

        var changed = new List<Bin>();
        Assert.Equal(2, binner.DrainChanged(changed));
        Assert.Equal([s_day, s_day + 300_000], changed.Select(b => b.Key.WindowStartMs));

        changed.Clear();
        Assert.Equal(0, binner.DrainChanged(changed));

        // A late vehicle marks its old window changed again.
        binner.Add(V(s_unit, s_day + 3));
        Assert.Equal(1, binner.DrainChanged(changed));
        Assert.Equal(4, changed[0].Count);
    }

    [Fact]
    public void EvictBefore_ForgetsOnlyDrainedOldBins()
    {
        var binner = new Binner();
        binner.Add(V(s_unit, s_day));
        binner.Add(V(s_unit, s_day + 300_000));
        Assert.Equal(0, binner.EvictBefore(s_day + 300_000)); // not drained yet
        binner.DrainChanged([]);
        Assert.Equal(1, binner.EvictBefore(s_day + 300_000));
        Assert.Single(binner.Bins);

        // A late vehicle for the evicted window starts a fresh bin holding only itself.
        binner.Add(V(s_unit, s_day + 5));
        Assert.Equal(1, binner.Bins[new BinKey(s_site.Id, Direction.Approaching, DisplayMode.DisplayOn, s_day)].Count);
    }

    [Fact]
    public void Add_IntoExistingBins_AllocatesNothing()
    {
        var binner = new Binner();
        var other = new Unit { Id = "u2", Site = new Site("s2", "S2", 70) };
        Vehicle a = V(s_unit, s_day, 52.3);
        Vehicle b = V(other, s_day, 80.1);
        // Past the compact form, so that each bin has taken its arrays (once per bin, not per vehicle).
        for (int i = 0; i <= Bin.CompactCapacity; i++)
        {
            binner.Add(a);
            binner.Add(b);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            binner.Add(a);
            binner.Add(b); // alternating defeats the cache: the dictionary path must not allocate either
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10_000 + Bin.CompactCapacity + 1, binner.Bins.Values.First().Count);
    }

    [Fact]
    public void Accept_AsVehicleSink_Bins()
    {
        var binner = new Binner();
        ((IVehicleSink)binner).Accept(V(s_unit, s_day));
        Assert.Single(binner.Bins);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-300_000)]
    [InlineData(7 * 60_000)] // 7 min does not divide a day
    [InlineData(25 * 3_600_000)]
    public void Constructor_WindowNotDividingDay_Throws(long windowMs)
    {
        var options = new BinningOptions { Window = TimeSpan.FromMilliseconds(windowMs) };
        Assert.False(options.TryValidate(out _));
        Assert.Throws<ArgumentException>(() => new Binner(options));
    }

    [Fact]
    public void Constructor_SubMillisecondWindow_Throws()
        => Assert.Throws<ArgumentException>(() => new Binner(new BinningOptions { Window = TimeSpan.FromTicks(15_000) }));

    [Theory]
    [InlineData(60_000)]
    [InlineData(300_000)]
    [InlineData(3_600_000)]
    [InlineData(86_400_000)]
    public void Constructor_WindowDividingDay_Accepted(long windowMs)
        => Assert.Equal(windowMs, new Binner(new BinningOptions { Window = TimeSpan.FromMilliseconds(windowMs) }).WindowMs);

    [Theory]
    [InlineData(-1, -300_000)]
    [InlineData(-300_000, -300_000)]
    [InlineData(0, 0)]
    [InlineData(299_999, 0)]
    public void WindowStartOf_FloorsAlsoBefore1970(long ms, long expected)
        => Assert.Equal(expected, BinningOptions.WindowStartOf(ms, 300_000));
}
