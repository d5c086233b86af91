using Ale.Speed.Core.Time;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Devices.Simulation;

/// <summary>
/// Generates realistic, deterministic traffic past one site: volumes with morning and evening peaks and a weekend shape,
/// speeds around the limit with a right tail of speeders (faster at night, slower in rush hours), heavy vehicles,
/// mopeds and A-traktors concentrated in evenings and at weekends. All hours are local Europe/Stockholm time.
/// </summary>
/// <remarks>
/// Each UTC hour is generated on its own from (seed, site id, hour, direction), so a vehicle's existence and attributes
/// do not depend on the window asked for: simulating a day, or its hours one by one, yields the same vehicles (only
/// <see cref="SimulatedVehicle.Sequence"/>, counted from the window's start, differs). Stockholm's offsets are whole
/// hours, so a UTC hour is always one local hour; on the spring DST day 23 of them are simulated, in autumn 25.
/// Arrivals within an hour and direction form a Poisson process with a minimum headway of one second (a following
/// driver keeps some distance); the two directions are independent.
/// </remarks>
public sealed class TrafficSimulator
{
    private const long HourMs = 3_600_000;
    private const double MinHeadwaySeconds = 1.0;

    // Share of the day's traffic in each local hour (per cent; normalised below). Weekdays have commuter peaks
    // at 07–08 and 16–17; weekends a broad midday hump and busier late nights.
    private static readonly double[] s_weekdayHourShares = Normalise(
    [
        0.6, 0.3, 0.2, 0.2, 0.4, 1.5, 4.5, 8.0, 7.0, 5.0, 4.8, 5.0,
        5.3, 5.3, 5.8, 7.2, 8.5, 7.8, 5.8, 4.2, 3.3, 2.6, 1.8, 1.1,
    ]);

    private static readonly double[] s_weekendHourShares = Normalise(
    [
        1.2, 0.8, 0.6, 0.4, 0.4, 0.6, 1.2, 2.2, 3.5, 5.2, 6.8, 7.8,
        8.2, 8.2, 8.0, 7.8, 7.4, 6.8, 5.8, 4.8, 3.8, 3.0, 2.3, 1.6,
    ]);

    private readonly RoadTypeProfile _road;
    private readonly ulong _siteSeed;

    /// <param name="timeZone">Defaults to <see cref="StockholmTime.Zone"/>; rates are taken at each UTC hour's start.</param>
    public TrafficSimulator(SiteProfile site, ulong seed, TimeZoneInfo? timeZone = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        site.Validate();
        Site = site;
        Seed = seed;
        TimeZone = timeZone ?? StockholmTime.Zone;
        _road = RoadTypeProfile.For(site.RoadType);
        _siteSeed = SimulationRandom.Mix(seed, SimulationRandom.StableHash(site.SiteId));
    }

    public SiteProfile Site { get; }

    public ulong Seed { get; }

    public TimeZoneInfo TimeZone { get; }

    /// <summary>The vehicles passing in [start, start + duration), in time order, generated lazily an hour at a time.</summary>
    /// <param name="startMs">Unix milliseconds UTC.</param>
    /// <param name="firstSequence">The sequence number of the first vehicle in the window.</param>
    public IEnumerable<SimulatedVehicle> Simulate(long startMs, long durationMs, long firstSequence = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(durationMs);
        return SimulateCore(startMs, startMs + durationMs, firstSequence);
    }

    public IEnumerable<SimulatedVehicle> Simulate(DateTimeOffset start, TimeSpan duration, long firstSequence = 1)
        => Simulate(start.ToUnixTimeMilliseconds(), (long)duration.TotalMilliseconds, firstSequence);

    /// <summary>The mean number of vehicles (both directions) the model sends in the UTC hour starting at <paramref name="hourStartMs"/>.</summary>
    public double ExpectedVehiclesInHour(long hourStartMs) => Describe(FloorHour(hourStartMs)).VehiclesPerHour;

    private IEnumerable<SimulatedVehicle> SimulateCore(long startMs, long endMs, long sequence)
    {
        var approaching = new List<SimulatedVehicle>();
        var receding = new List<SimulatedVehicle>();
        for (long hourStart = FloorHour(startMs); hourStart < endMs; hourStart += HourMs)
        {
            HourContext context = Describe(hourStart);
            GenerateDirection(hourStart, context, Direction.Approaching, Site.ApproachingShare, approaching);
            GenerateDirection(hourStart, context, Direction.Receding, 1.0 - Site.ApproachingShare, receding);

            // Merge the two directions; on equal milliseconds the approaching vehicle goes first, so the order is total.
            int a = 0;
            int r = 0;
            while (a < approaching.Count || r < receding.Count)
            {
                SimulatedVehicle next = r >= receding.Count
                    || (a < approaching.Count && approaching[a].TimestampMs <= receding[r].TimestampMs)
                    ? approaching[a++]
                    : receding[r++];
                if (next.TimestampMs >= startMs && next.TimestampMs < endMs)
                {
                    yield return next with { Sequence = sequence++ };
                }
            }
        }
    }

    private void GenerateDirection(long hourStart, HourContext context, Direction direction, double share, List<SimulatedVehicle> into)
    {
        into.Clear();
        double perHour = context.VehiclesPerHour * share;
        if (perHour <= 0)
        {
            return;
        }

        ulong hourIndex = (ulong)(hourStart / HourMs);
        var random = new SimulationRandom(SimulationRandom.Mix(SimulationRandom.Mix(_siteSeed, hourIndex), (ulong)direction));
        double meanGap = 3600.0 / perHour;
        bool keepHeadway = meanGap >= 2 * MinHeadwaySeconds;
        double t = random.NextExponential(meanGap);
        while (t < 3600.0)
        {
            into.Add(CreateVehicle(ref random, hourStart + (long)(t * 1000.0), direction, context));
            t += keepHeadway ? MinHeadwaySeconds + random.NextExponential(meanGap - MinHeadwaySeconds) : random.NextExponential(meanGap);
        }
    }

    private SimulatedVehicle CreateVehicle(ref SimulationRandom random, long timestampMs, Direction direction, HourContext context)
    {
        VehicleClass vehicleClass = DrawClass(ref random, context);
        double speed = vehicleClass switch
        {
            VehicleClass.Heavy => random.NextGaussian(context.HeavyMeanKmh, 4.0),
            VehicleClass.Moped => DrawMopedSpeed(ref random),
            VehicleClass.ATraktor => DrawATraktorSpeed(ref random),
            VehicleClass.Bicycle => Math.Clamp(random.NextGaussian(20.0, 4.0), 8.0, 40.0),
            VehicleClass.Motorcycle => DrawCarSpeed(ref random, context, Math.Min(1.0, context.SpeederShare * 1.5)),
            _ => DrawCarSpeed(ref random, context, context.SpeederShare),
        };
        double length = vehicleClass switch
        {
            // Rigid trucks and buses 10–12.5 m, articulated 15.5–18 m.
            VehicleClass.Heavy => random.NextBool(0.5) ? random.NextDouble(10.0, 12.5) : random.NextDouble(15.5, 18.0),
            VehicleClass.Moped => Math.Clamp(random.NextGaussian(1.8, 0.08), 1.5, 2.1),
            VehicleClass.ATraktor => Math.Clamp(random.NextGaussian(4.3, 0.25), 3.6, 5.0),
            VehicleClass.Motorcycle => Math.Clamp(random.NextGaussian(2.1, 0.1), 1.8, 2.5),
            VehicleClass.Bicycle => Math.Clamp(random.NextGaussian(1.75, 0.08), 1.5, 2.0),
            _ => Math.Clamp(random.NextGaussian(4.5, 0.3), 3.5, 5.4),
        };
        return new SimulatedVehicle(
            timestampMs,
            Math.Round(Math.Clamp(speed, 5.0, 200.0), 1),
            direction,
            vehicleClass,
            Math.Round(length, 1),
            Sequence: 0);
    }

    private static VehicleClass DrawClass(ref SimulationRandom random, HourContext context)
    {
        double u = random.NextDouble();
        if ((u -= context.HeavyShare) < 0)
        {
            return VehicleClass.Heavy;
        }

        if ((u -= context.MopedShare) < 0)
        {
            return VehicleClass.Moped;
        }

        if ((u -= context.ATraktorShare) < 0)
        {
            return VehicleClass.ATraktor;
        }

        if ((u -= context.MotorcycleShare) < 0)
        {
            return VehicleClass.Motorcycle;
        }

        return u - context.BicycleShare < 0 ? VehicleClass.Bicycle : VehicleClass.Car;
    }

    private double DrawCarSpeed(ref SimulationRandom random, HourContext context, double speederShare)
    {
        if (random.NextBool(speederShare))
        {
            // Drivers who choose their own speed: well over the limit, an exponential tail (a few at +30 and more).
            double tailMean = Math.Clamp(0.2 * Site.SpeedLimitKmh, 6.0, 14.0);
            return Site.SpeedLimitKmh + 4.0 + random.NextExponential(tailMean);
        }

        return random.NextGaussian(context.CarMeanKmh, context.CarSdKmh);
    }

    private static double DrawMopedSpeed(ref SimulationRandom random)
    {
        double u = random.NextDouble();
        return u switch
        {
            < 0.2 => random.NextGaussian(28.0, 2.5), // class II (25, older "30-mopeds")
            < 0.9 => random.NextGaussian(42.0, 3.5), // class I (45)
            _ => 50.0 + random.NextExponential(8.0), // tuned
        };
    }

    private static double DrawATraktorSpeed(ref SimulationRandom random)
        => random.NextBool(0.7)
            ? Math.Min(random.NextGaussian(30.5, 1.8), 34.0) // limited to 30 (+10 % tolerated)
            : random.NextDouble(38.0, 62.0); // tuned

    private HourContext Describe(long hourStartMs)
    {
        DateTimeOffset local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(hourStartMs), TimeZone);
        int hour = local.Hour;
        DayOfWeek day = local.DayOfWeek;
        bool weekend = day is DayOfWeek.Saturday or DayOfWeek.Sunday;
        bool winter = local.Month is 11 or 12 or 1 or 2 or 3;
        bool night = hour >= 22 || hour < 5;
        bool rushHour = !weekend && hour is 7 or 16 or 17;

        double dayFactor = day switch
        {
            DayOfWeek.Friday => 1.06,
            DayOfWeek.Saturday => 0.80,
            DayOfWeek.Sunday => 0.70,
            _ => 1.0,
        };
        double vehiclesPerHour = Site.DailyVehicles * dayFactor * (weekend ? s_weekendHourShares : s_weekdayHourShares)[hour];

        // Young drivers' vehicles: evenings, Friday and Saturday nights (local hours 0–2 of Saturday and Sunday),
        // weekend afternoons; a few on the way to school.
        bool fridayOrSaturdayEvening = hour >= 18 && day is DayOfWeek.Friday or DayOfWeek.Saturday;
        double youth = hour >= 18 ? (fridayOrSaturdayEvening ? 4.0 : 3.0)
            : weekend && hour <= 2 ? 3.0
            : weekend && hour is >= 11 and < 18 ? 2.0
            : !weekend && hour is 7 or 8 ? 1.0
            : 0.4;
        double heavy = Site.HeavyShare * (weekend ? 0.4 : hour is >= 6 and < 19 ? 1.3 : 0.8);
        double moped = Site.MopedShare * youth * (winter ? 0.4 : 1.0);
        double aTraktor = Site.ATraktorShare * youth;
        double motorcycle = Site.MotorcycleShare * (winter ? 0.15 : weekend && hour is >= 10 and < 19 ? 1.8 : 1.0);
        double bicycle = Site.BicycleShare * (hour is >= 7 and < 20 ? 1.3 : 0.2) * (winter ? 0.4 : 1.0);
        double total = heavy + moped + aTraktor + motorcycle + bicycle;
        double scale = total > 0.9 ? 0.9 / total : 1.0;

        int limit = Site.SpeedLimitKmh;
        return new HourContext(
            vehiclesPerHour,
            heavy * scale,
            moped * scale,
            aTraktor * scale,
            motorcycle * scale,
            bicycle * scale,
            CarMeanKmh: limit + _road.MeanOffsetKmh + (night ? _road.NightSpeedupKmh : 0) - (rushHour ? _road.RushHourSlowdownKmh : 0),
            CarSdKmh: _road.SpeedSdKmh + (night ? 1.0 : 0.0),
            SpeederShare: Math.Min(1.0, Site.SpeederShare * (night ? 1.5 : 1.0)),
            HeavyMeanKmh: Math.Min(limit - 2.0, 83.0) + (night ? 2.0 : 0.0));
    }

    private static long FloorHour(long ms) => ms - (((ms % HourMs) + HourMs) % HourMs);

    private static double[] Normalise(double[] shares)
    {
        double sum = shares.Sum();
        return [.. shares.Select(s => s / sum)];
    }

    private readonly record struct HourContext(
        double VehiclesPerHour,
        double HeavyShare,
        double MopedShare,
        double ATraktorShare,
        double MotorcycleShare,
        double BicycleShare,
        double CarMeanKmh,
        double CarSdKmh,
        double SpeederShare,
        double HeavyMeanKmh);
}
