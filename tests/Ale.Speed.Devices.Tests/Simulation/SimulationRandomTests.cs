using Ale.Speed.Devices.Simulation;

namespace Ale.Speed.Devices.Tests.Simulation;

public sealed class SimulationRandomTests
{
    [Fact]
    public void NextUInt64_FixedSeed_GivesPinnedSequence()
    {
        // Pinned so that simulated traffic stays the same across .NET versions and refactorings.
        var random = new SimulationRandom(42);
        ulong[] actual = [random.NextUInt64(), random.NextUInt64(), random.NextUInt64()];
        Assert.Equal(new ulong[] { 1546998764402558742, 6990951692964543102, 12544586762248559009 }, actual);
    }

    [Fact]
    public void NextDouble_ManyDraws_StaysInUnitIntervalWithMeanNearHalf()
    {
        var random = new SimulationRandom(7);
        double sum = 0;
        for (int i = 0; i < 100_000; i++)
        {
            double x = random.NextDouble();
            Assert.InRange(x, 0.0, 0.9999999999999999);
            sum += x;
        }

        Assert.InRange(sum / 100_000, 0.495, 0.505);
    }

    [Fact]
    public void NextInt_SmallRange_HitsEveryValueAndNothingElse()
    {
        var random = new SimulationRandom(3);
        var seen = new int[5];
        for (int i = 0; i < 10_000; i++)
        {
            int x = random.NextInt(-2, 3);
            Assert.InRange(x, -2, 2);
            seen[x + 2]++;
        }

        Assert.All(seen, count => Assert.InRange(count, 1800, 2200));
    }

    [Fact]
    public void NextGaussian_ManyDraws_HasUnitSpread()
    {
        var random = new SimulationRandom(11);
        double sum = 0;
        double sumSquares = 0;
        const int n = 100_000;
        for (int i = 0; i < n; i++)
        {
            double x = random.NextGaussian();
            sum += x;
            sumSquares += x * x;
        }

        double mean = sum / n;
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(Math.Sqrt((sumSquares / n) - (mean * mean)), 0.98, 1.02);
    }

    [Fact]
    public void StableHash_SameText_SameValueDifferentTextDifferentValue()
    {
        Assert.Equal(SimulationRandom.StableHash("alvangen-centrum"), SimulationRandom.StableHash("alvangen-centrum"));
        Assert.NotEqual(SimulationRandom.StableHash("alvangen-centrum"), SimulationRandom.StableHash("alafors-skolvagen"));
    }
}
