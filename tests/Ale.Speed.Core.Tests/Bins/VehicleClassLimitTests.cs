using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Tests.Bins;

public sealed class VehicleClassLimitTests
{
    private static readonly long s_2025 = new DateTimeOffset(2025, 6, 2, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    // The test's own table: what each class may drive (0 = only the posted limit), independent of the project's data.
    private static int OwnLimit(VehicleClass c) => c switch
    {
        VehicleClass.ATraktor => 30,
        VehicleClass.Moped => 45,
        VehicleClass.Heavy => 90,
        _ => 0,
    };

    private static RawVehicle Effective(RawVehicle v)
        => OwnLimit(v.Class) is > 0 and var own && own < v.LimitKmh ? v with { LimitKmh = own } : v;

    [Theory]
    [InlineData(1, 7)]
    [InlineData(2, 32)]
    [InlineData(3, 33)]
    [InlineData(4, 2000)]
    public void Add_ClassifiedVehicles_CountOverTheStricterOfPostedAndClassLimit(int seed, int count)
    {
        VehicleLimitSet? limits = VehicleClassLimits.Sweden.At(s_2025);
        Assert.NotNull(limits);
        foreach (int posted in RawVehicles.Limits)
        {
            List<RawVehicle> vehicles = RawVehicles.Generate(new Random(seed * 100 + posted), count, posted);
            var bin = new Bin(posted, limits);
            foreach (RawVehicle v in vehicles)
            {
                bin.Add(v.SpeedKmh, v.Class, v.LengthMetres);
            }

            List<RawVehicle> effective = [.. vehicles.Select(Effective)];
            Assert.Equal(effective.LongCount(v => v.SpeedKmh > v.LimitKmh), bin.CountOverLimit);
            Assert.Equal(effective.LongCount(v => v.SpeedKmh > v.LimitKmh + 30), bin.CountOverLimitBy(30));
            for (int category = 0; category < 3; category++)
            {
                int cat = category;
                Assert.Equal(RawVehicles.CountExcess(effective, 10, 15, l => RawVehicles.Category(l) == cat), bin.CountOverLimitBy((LimitCategory)category, 10, 15));
            }

            Assert.Equal(posted, bin.LimitKmh); // the stored limit stays the posted one
        }
    }

    [Fact]
    public void Merge_CompactBinsUnderDifferentClassRules_KeepEachVehiclesOwnLimit()
    {
        long before = new DateTimeOffset(2023, 8, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var old = new Bin(50, VehicleClassLimits.Sweden.At(before));
        var current = new Bin(50, VehicleClassLimits.Sweden.At(s_2025));
        old.Add(40, VehicleClass.ATraktor); // before 31 August 2023: only the posted 50 applied
        current.Add(40, VehicleClass.ATraktor); // since: 10 over its own 30

        Bin merged = Bin.Merge([new Bin(), old, current]);
        Bin reversed = Bin.Merge([current, old]);

        Assert.Equal(1, merged.CountOverLimit);
        Assert.Equal(1, merged.CountOverLimitBy(LimitCategory.AtMost30, 9, 10));
        Assert.Equal(merged.AllOverLimitBuckets.ToArray(), reversed.AllOverLimitBuckets.ToArray());
    }

    [Fact]
    public void Binner_ATraktorOnA50Road_OverItsLimitOnlyFrom31August2023()
    {
        var site = new Site("s", "S", 50);
        var unit = new Unit { Id = "u", Site = site };
        long aug30 = new DateTimeOffset(2023, 8, 30, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        long sep1 = new DateTimeOffset(2023, 9, 1, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var binner = new Binner();
        foreach (long t in new[] { aug30, sep1 })
        {
            binner.Add(new Vehicle { Unit = unit, TimestampMs = t, SpeedKmh = 42, Direction = Direction.Approaching, Class = VehicleClass.ATraktor });
            binner.Add(new Vehicle { Unit = unit, TimestampMs = t, SpeedKmh = 42, Direction = Direction.Approaching, Class = VehicleClass.Car });
            binner.Add(new Vehicle { Unit = unit, TimestampMs = t, SpeedKmh = 42, Direction = Direction.Approaching });
        }

        Bin august = binner.Bins[binner.KeyOf(new Vehicle { Unit = unit, TimestampMs = aug30, SpeedKmh = 0, Direction = Direction.Approaching })];
        Bin september = binner.Bins[binner.KeyOf(new Vehicle { Unit = unit, TimestampMs = sep1, SpeedKmh = 0, Direction = Direction.Approaching })];
        Assert.Equal(0, august.CountOverLimit);
        Assert.Equal(1, september.CountOverLimit);
        Assert.Equal(1, september.CountOverLimitBy(LimitCategory.AtMost30, 10, 15));

        var none = new Binner(new BinningOptions { VehicleClassLimits = VehicleClassLimits.None });
        none.Add(new Vehicle { Unit = unit, TimestampMs = sep1, SpeedKmh = 42, Direction = Direction.Approaching, Class = VehicleClass.ATraktor });
        Assert.Equal(0, none.Bins.Values.Single().CountOverLimit);
    }

    [Fact]
    public void Constructor_UnknownClassOrImplausibleLimit_Refused()
    {
        Assert.Throws<ArgumentException>(() => new VehicleClassLimits([new(VehicleClass.Unknown, 30)]));
        Assert.Throws<ArgumentException>(() => new VehicleClassLimits([new(VehicleClass.Moped, 0)]));
    }
}
