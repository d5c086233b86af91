using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Tests.Bins;

/// <summary>A vehicle as the tests see it: speed at 0.01 km/h, the limit it drove under, its class, its length (NaN: none reported).</summary>
public readonly record struct RawVehicle(double SpeedKmh, int LimitKmh, VehicleClass Class, double LengthMetres = double.NaN);

/// <summary>
/// Random vehicle sets (fixed seeds) and everything a bin should hold, computed directly from the raw speeds —
/// never through the project's bin or statistics code.
/// </summary>
public static class RawVehicles
{
    public static readonly int[] Limits = [30, 40, 50, 70, 90];

    /// <summary>Speeds around the limit with a spread, a tail of speeders, and some exact-limit and exact-band-edge values.</summary>
    public static List<RawVehicle> Generate(Random random, int count, int limitKmh)
    {
        var list = new List<RawVehicle>(count);
        for (int i = 0; i < count; i++)
        {
            double speed = random.Next(10) switch
            {
                0 => limitKmh + random.Next(0, 45), // exactly on integer excesses, band edges included
                1 => limitKmh + 30 + random.NextDouble() * 90, // serious speeders, some beyond +100
                _ => limitKmh + Gaussian(random) * limitKmh * 0.2,
            };
            speed = Math.Round(Math.Clamp(speed, 0, 250), 2);
            // Half report a length: two-wheelers, cars, trucks, and the pattern edges 2.5 and 6.0 m exactly.
            double length = random.Next(6) switch
            {
                0 or 1 or 2 => double.NaN,
                3 => random.Next(2) == 0 ? 2.5 : 6.0,
                _ => Math.Round(1 + random.NextDouble() * 15, 1),
            };
            if (random.Next(8) == 0)
            {
                speed = Math.Round(20 + random.NextDouble() * 40, 2); // slow and moped-fast bands, also at low limits
            }

            list.Add(new RawVehicle(speed, limitKmh, (VehicleClass)random.Next(0, 8), length));
        }

        return list;
    }

    /// <summary>Vehicles under several limits at once.</summary>
    public static List<RawVehicle> GenerateMixed(Random random, int count)
    {
        var list = new List<RawVehicle>(count);
        while (list.Count < count)
        {
            list.AddRange(Generate(random, Math.Min(count - list.Count, 1 + random.Next(20)), Limits[random.Next(Limits.Length)]));
        }

        return list;
    }

    public static double Gaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Builds bins (one per limit present) by adding vehicles one at a time, then merges them.</summary>
    public static Bin BinOf(IEnumerable<RawVehicle> vehicles)
    {
        var byLimit = new Dictionary<int, Bin>();
        foreach (RawVehicle v in vehicles)
        {
            if (!byLimit.TryGetValue(v.LimitKmh, out Bin? bin))
            {
                bin = new Bin(v.LimitKmh);
                byLimit.Add(v.LimitKmh, bin);
            }

            bin.Add(v.SpeedKmh, v.Class, v.LengthMetres);
        }

        return Bin.Merge(byLimit.Values);
    }

    public static int Category(int limit) => limit <= 30 ? 0 : limit <= 50 ? 1 : 2;

    /// <summary>Vehicles whose excess over their own limit is in (from, to] (to null: above from), optionally in one limit category.</summary>
    public static long CountExcess(IEnumerable<RawVehicle> vehicles, int fromExclusive, int? toInclusive, Func<int, bool>? limitFilter = null)
        => vehicles.LongCount(v => (limitFilter is null || limitFilter(v.LimitKmh))
            && v.SpeedKmh > v.LimitKmh + fromExclusive
            && (toInclusive is not int to || v.SpeedKmh <= v.LimitKmh + to));

    /// <summary>The empirical quantile: the ⌈q·n⌉-th smallest speed.</summary>
    public static double EmpiricalQuantile(IReadOnlyList<RawVehicle> vehicles, double q)
    {
        double[] sorted = [.. vehicles.Select(v => v.SpeedKmh).OrderBy(s => s)];
        int rank = Math.Max(1, (int)Math.Ceiling(q * sorted.Length - 1e-9));
        return sorted[rank - 1];
    }

    /// <summary>Asserts that <paramref name="bin"/> holds exactly what the raw vehicles say, field by field.</summary>
    public static void AssertBinHolds(IReadOnlyList<RawVehicle> vehicles, Bin bin)
    {
        Assert.Equal(vehicles.Count, bin.Count);
        long[] histogram = new long[256];
        foreach (RawVehicle v in vehicles)
        {
            histogram[(int)Math.Floor(v.SpeedKmh)]++;
        }

        Assert.Equal(histogram, bin.Histogram.Counts.ToArray());
        long[] centi = [.. vehicles.Select(v => (long)Math.Round(v.SpeedKmh * 100))];
        Assert.Equal(centi.Sum(), bin.SumCentiKmh);
        Assert.Equal(centi.Aggregate(UInt128.Zero, (acc, c) => acc + (UInt128)(c * c)), bin.SumOfSquaresCentiKmh);
        Assert.Equal(vehicles.Count == 0 ? 0 : centi.Max(), bin.MaxCentiKmh);
        for (int c = 0; c < 8; c++)
        {
            Assert.Equal(vehicles.LongCount(v => (int)v.Class == c), bin.ClassCounts[c]);
        }

        // Length patterns, by the definitions in docs/schema.md: car 2.5–6.0 m, short under 2.5 m; slow [25, 35), fast > 45.
        RawVehicle[] withLength = [.. vehicles.Where(v => double.IsFinite(v.LengthMetres))];
        bool Slow(RawVehicle v) => v.SpeedKmh >= 25 && v.SpeedKmh < 35;
        Assert.Equal(
            [withLength.LongLength,
             withLength.LongCount(v => v.LengthMetres >= 2.5 && v.LengthMetres <= 6.0 && Slow(v)),
             withLength.LongCount(v => v.LengthMetres < 2.5 && Slow(v)),
             withLength.LongCount(v => v.LengthMetres < 2.5 && v.SpeedKmh > 45)],
            bin.LengthCounts.ToArray());

        for (int category = 0; category < 3; category++)
        {
            int cat = category;
            ReadOnlySpan<long> over = bin.OverLimitHistogram((LimitCategory)category);
            for (int k = 0; k < 100; k++)
            {
                Assert.Equal(CountExcess(vehicles, k, k + 1, l => Category(l) == cat), over[k]);
            }

            Assert.Equal(CountExcess(vehicles, 100, null, l => Category(l) == cat), over[100]);
        }

        int[] limits = [.. vehicles.Select(v => v.LimitKmh).Distinct()];
        int expectedLimit = limits.Length switch { 0 => Bin.NoLimit, 1 => limits[0], _ => Bin.MixedLimits };
        Assert.Equal(expectedLimit, bin.LimitKmh);
    }

    /// <summary>Field-by-field equality of two bins (key excluded).</summary>
    public static void AssertSameContent(Bin expected, Bin actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.LimitKmh, actual.LimitKmh);
        Assert.Equal(expected.SumCentiKmh, actual.SumCentiKmh);
        Assert.Equal(expected.SumOfSquaresCentiKmh, actual.SumOfSquaresCentiKmh);
        Assert.Equal(expected.MaxCentiKmh, actual.MaxCentiKmh);
        Assert.Equal(expected.Histogram.Counts.ToArray(), actual.Histogram.Counts.ToArray());
        Assert.Equal(expected.ClassCounts.ToArray(), actual.ClassCounts.ToArray());
        Assert.Equal(expected.LengthCounts.ToArray(), actual.LengthCounts.ToArray());
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(expected.OverLimitHistogram((LimitCategory)c).ToArray(), actual.OverLimitHistogram((LimitCategory)c).ToArray());
        }
    }
}
