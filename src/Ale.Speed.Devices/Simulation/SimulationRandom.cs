namespace Ale.Speed.Devices.Simulation;

/// <summary>
/// xoshiro256** seeded through SplitMix64. Our own generator rather than <see cref="Random"/>, whose algorithm for a
/// given seed is not promised to stay the same across .NET versions; simulated traffic must not change under us.
/// </summary>
/// <remarks>
/// A mutable struct: pass it by <c>ref</c>. Gaussian and exponential draws use <see cref="Math.Log"/> and
/// <see cref="Math.Cos"/>, which may differ by one ulp between C runtimes; rounding speeds to 0.1 km/h and times to
/// whole milliseconds hides that in all but vanishingly rare cases.
/// </remarks>
internal struct SimulationRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public SimulationRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>Combines seeds so that each (seed, part) pair gets an independent-looking stream.</summary>
    public static ulong Mix(ulong seed, ulong part)
    {
        ulong x = seed ^ (part * 0x9E3779B97F4A7C15UL);
        return SplitMix64(ref x);
    }

    /// <summary>A hash of a string that, unlike <see cref="string.GetHashCode()"/>, is the same in every process.</summary>
    public static ulong StableHash(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    public ulong NextUInt64()
    {
        ulong result = BitRotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitRotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public double NextDouble(double min, double max) => min + ((max - min) * NextDouble());

    /// <summary>Uniform integer in [minInclusive, maxExclusive).</summary>
    public int NextInt(int minInclusive, int maxExclusive)
    {
        ulong range = (ulong)(maxExclusive - minInclusive);
        return minInclusive + (int)(((NextUInt64() >> 32) * range) >> 32);
    }

    public bool NextBool(double probability) => NextDouble() < probability;

    /// <summary>Standard normal (Box–Muller; one value per call keeps the stream easy to reason about).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public double NextGaussian(double mean, double standardDeviation) => mean + (standardDeviation * NextGaussian());

    public double NextExponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong BitRotateLeft(ulong value, int offset) => (value << offset) | (value >> (64 - offset));
}
