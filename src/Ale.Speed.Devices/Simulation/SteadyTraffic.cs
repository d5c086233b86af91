using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Devices.Simulation;

/// <summary>
/// Traffic at one steady flow in one direction, for measuring what a detector makes of dense traffic: arrivals with a
/// minimum headway of one second plus an exponential remainder (mean 3600 / flow seconds in all), 92 % cars around
/// limit + 2 km/h (sd 6), 8 % heavy vehicles around limit − 3 (sd 4, 10–18 m long). Deterministic from the seed.
/// </summary>
public static class SteadyTraffic
{
    private const double MinHeadwaySeconds = 1.0;

    public static IEnumerable<SimulatedVehicle> AtFlow(ulong seed, double vehiclesPerHour, long startMs, long durationMs, int limitKmh,
        Direction direction = Direction.Approaching)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vehiclesPerHour, 1.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(vehiclesPerHour, 3600 / MinHeadwaySeconds / 1.25);
        ArgumentOutOfRangeException.ThrowIfNegative(durationMs);
        return Generate(seed, vehiclesPerHour, startMs, durationMs, limitKmh, direction);
    }

    private static IEnumerable<SimulatedVehicle> Generate(ulong seed, double vehiclesPerHour, long startMs, long durationMs, int limitKmh, Direction direction)
    {
        var random = new SimulationRandom(SimulationRandom.Mix(seed, 0x5743_4144_5954UL));
        double meanRemainder = (3600 / vehiclesPerHour) - MinHeadwaySeconds;
        double seconds = random.NextExponential(meanRemainder);
        long sequence = 1;
        while (seconds * 1000 < durationMs)
        {
            bool heavy = random.NextBool(0.08);
            double kmh = heavy
                ? Math.Clamp(random.NextGaussian(limitKmh - 3, 4), 10, 90)
                : Math.Clamp(random.NextGaussian(limitKmh + 2, 6), 10, limitKmh + 60);
            double length = heavy ? random.NextDouble(10, 18) : random.NextGaussian(4.5, 0.3);
            yield return new SimulatedVehicle(
                startMs + (long)(seconds * 1000), Math.Round(kmh, 1), direction, heavy ? VehicleClass.Heavy : VehicleClass.Car, Math.Round(length, 1), sequence++);
            seconds += MinHeadwaySeconds + random.NextExponential(meanRemainder);
        }
    }
}
