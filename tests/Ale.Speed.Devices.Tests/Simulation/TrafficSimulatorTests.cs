using Ale.Speed.Core.Time;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Simulation;

namespace Ale.Speed.Devices.Tests.Simulation;

public sealed class TrafficSimulatorTests
{
    private const long HourMs = 3_600_000;
    private const long DayMs = 24 * HourMs;

    // Monday 4 May 2026, 00:00 local (CEST).
    private static readonly long s_mondayMs = new DateTimeOffset(2026, 5, 4, 0, 0, 0, TimeSpan.FromHours(2)).ToUnixTimeMilliseconds();

    [Fact]
    public void Simulate_SameSeed_IdenticalVehicles()
    {
        SimulatedVehicle[] first = [.. new TrafficSimulator(AleSites.NodingeGoteborgsvagen, 42).Simulate(s_mondayMs, DayMs)];
        SimulatedVehicle[] second = [.. new TrafficSimulator(AleSites.NodingeGoteborgsvagen, 42).Simulate(s_mondayMs, DayMs)];

        Assert.True(first.Length > 1000);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Simulate_DifferentSeed_DifferentVehicles()
    {
        SimulatedVehicle[] first = [.. new TrafficSimulator(AleSites.NodingeGoteborgsvagen, 42).Simulate(s_mondayMs, DayMs)];
        SimulatedVehicle[] second = [.. new TrafficSimulator(AleSites.NodingeGoteborgsvagen, 43).Simulate(s_mondayMs, DayMs)];

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Simulate_SameSeedDifferentSite_DifferentArrivals()
    {
        var a = new SiteProfile("site-a", RoadType.MainRoad50);
        var b = new SiteProfile("site-b", RoadType.MainRoad50);

        long[] first = [.. new TrafficSimulator(a, 42).Simulate(s_mondayMs, DayMs).Select(v => v.TimestampMs)];
        long[] second = [.. new TrafficSimulator(b, 42).Simulate(s_mondayMs, DayMs).Select(v => v.TimestampMs)];

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Simulate_Window_TimeOrderedInsideWindowWithConsecutiveSequence()
    {
        long start = s_mondayMs + (7 * HourMs) + 1234;
        long duration = (5 * HourMs) + 777;

        SimulatedVehicle[] vehicles = [.. new TrafficSimulator(AleSites.AlvangenCentrum, 5).Simulate(start, duration, firstSequence: 100)];

        Assert.NotEmpty(vehicles);
        for (int i = 0; i < vehicles.Length; i++)
        {
            Assert.InRange(vehicles[i].TimestampMs, start, start + duration - 1);
            Assert.Equal(100 + i, vehicles[i].Sequence);
            if (i > 0)
            {
                Assert.True(vehicles[i].TimestampMs >= vehicles[i - 1].TimestampMs);
            }
        }
    }

    [Fact]
    public void Simulate_HourByHour_SameVehiclesAsWholeDay()
    {
        var simulator = new TrafficSimulator(AleSites.SkepplandaByvagen, 9);
        SimulatedVehicle[] whole = [.. simulator.Simulate(s_mondayMs, DayMs).Select(v => v with { Sequence = 0 })];
        SimulatedVehicle[] pieces =
        [
            .. Enumerable.Range(0, 48).SelectMany(i => simulator.Simulate(s_mondayMs + (i * HourMs / 2), HourMs / 2))
                .Select(v => v with { Sequence = 0 }),
        ];

        Assert.Equal(whole, pieces);
    }

    [Fact]
    public void Simulate_Values_RoundedToTenthsAndPlausible()
    {
        foreach (SimulatedVehicle v in new TrafficSimulator(AleSites.NolRural70, 1).Simulate(s_mondayMs, 7 * DayMs))
        {
            Assert.Equal(Math.Round(v.SpeedKmh, 1), v.SpeedKmh);
            Assert.Equal(Math.Round(v.LengthMetres, 1), v.LengthMetres);
            Assert.InRange(v.SpeedKmh, 5, 200);
            Assert.True(v.Direction is Direction.Approaching or Direction.Receding);
            Assert.NotEqual(VehicleClass.Unknown, v.Class);
        }
    }

    [Theory]
    [InlineData(RoadType.VillageStreet30)]
    [InlineData(RoadType.TownCentre40)]
    [InlineData(RoadType.MainRoad50)]
    [InlineData(RoadType.Rural60)]
    [InlineData(RoadType.Rural70)]
    [InlineData(RoadType.Road80)]
    [InlineData(RoadType.Road90)]
    public void Simulate_Week_CarMeanNearLimitWithSpeedersButMostWithinLimitPlusTen(RoadType roadType)
    {
        var site = new SiteProfile("s", roadType);
        SimulatedVehicle[] cars = [.. Week(site, 1).Where(v => v.Class == VehicleClass.Car)];

        double mean = cars.Average(v => v.SpeedKmh);
        double wellOver = cars.Count(v => v.SpeedKmh > site.SpeedLimitKmh + 10) / (double)cars.Length;

        Assert.True(cars.Length > 2000, $"{cars.Length} cars");
        Assert.InRange(mean, site.SpeedLimitKmh - 5, site.SpeedLimitKmh + 8);
        Assert.InRange(wellOver, 0.02, 0.25);
        Assert.Contains(cars, v => v.SpeedKmh > site.SpeedLimitKmh + 30);
    }

    [Fact]
    public void Simulate_HigherSpeederShare_MoreVehiclesOverTheLimit()
    {
        SiteProfile normal = AleSites.AlaforsSkolvagen;
        SiteProfile bad = normal with { SpeederShare = 0.4 };

        double Over(SiteProfile site) => Week(site, 3).Count(v => v.SpeedKmh > site.SpeedLimitKmh + 10) / (double)Week(site, 3).Count();

        // Speeders drive limit + 4 + an exponential tail, so about a third of them are more than 10 over.
        double extra = Over(bad) - Over(normal);
        Assert.True(extra > 0.04, $"{extra:P1} more over the limit");
    }

    [Fact]
    public void Simulate_Week_FewerVehiclesAtThreeThanAtEightLocal()
    {
        SimulatedVehicle[] week = [.. Week(AleSites.NodingeGoteborgsvagen, 2)];

        int atThree = week.Count(v => LocalTime(v).Hour == 3);
        int atEight = week.Count(v => LocalTime(v).Hour == 8);

        Assert.True(atThree * 10 < atEight, $"03: {atThree}, 08: {atEight}");
    }

    [Fact]
    public void Simulate_Week_WeekdayMorningPeakBusierThanSaturdayMorning()
    {
        SimulatedVehicle[] week = [.. Week(AleSites.NodingeGoteborgsvagen, 2)];

        int mondayAtSeven = week.Count(v => LocalTime(v) is { DayOfWeek: DayOfWeek.Monday, Hour: 7 });
        int saturdayAtSeven = week.Count(v => LocalTime(v) is { DayOfWeek: DayOfWeek.Saturday, Hour: 7 });

        Assert.True(saturdayAtSeven * 2 < mondayAtSeven, $"Mon 07: {mondayAtSeven}, Sat 07: {saturdayAtSeven}");
    }

    [Fact]
    public void Simulate_Week_ATraktorsAndMopedsConcentratedInEveningsAndWeekends()
    {
        SimulatedVehicle[] week = [.. Week(AleSites.SkepplandaByvagen, 4), .. Week(AleSites.AlvangenCentrum, 4)];
        static bool Young(SimulatedVehicle v) => v.Class is VehicleClass.ATraktor or VehicleClass.Moped;

        SimulatedVehicle[] evenings = [.. week.Where(v => LocalTime(v).Hour is >= 18 and <= 23)];
        SimulatedVehicle[] weekendDays = [.. week.Where(v => LocalTime(v) is { DayOfWeek: DayOfWeek.Saturday or DayOfWeek.Sunday, Hour: >= 11 and < 18 })];
        SimulatedVehicle[] weekdayDays = [.. week.Where(v => LocalTime(v) is { DayOfWeek: >= DayOfWeek.Monday and <= DayOfWeek.Friday, Hour: >= 9 and < 16 })];

        double eveningShare = evenings.Count(Young) / (double)evenings.Length;
        double weekendShare = weekendDays.Count(Young) / (double)weekendDays.Length;
        double weekdayShare = weekdayDays.Count(Young) / (double)weekdayDays.Length;

        Assert.True(eveningShare > 3 * weekdayShare, $"evening {eveningShare:P1}, weekday daytime {weekdayShare:P1}");
        Assert.True(weekendShare > 2 * weekdayShare, $"weekend daytime {weekendShare:P1}, weekday daytime {weekdayShare:P1}");
        Assert.Contains(week, v => v.Class == VehicleClass.ATraktor && v.SpeedKmh > 40);
    }

    [Fact]
    public void Simulate_Week_ClassSpeedsAndLengthsAsInTheDomain()
    {
        SimulatedVehicle[] week = [.. Week(AleSites.SurteRoad90, 5), .. Week(AleSites.SkepplandaByvagen, 5)];

        SimulatedVehicle[] heavy = [.. week.Where(v => v.Class == VehicleClass.Heavy)];
        SimulatedVehicle[] cars = [.. week.Where(v => v.Class == VehicleClass.Car)];
        SimulatedVehicle[] mopeds = [.. week.Where(v => v.Class == VehicleClass.Moped)];
        SimulatedVehicle[] aTraktors = [.. week.Where(v => v.Class == VehicleClass.ATraktor)];

        Assert.True(heavy.Where(v => v.SpeedKmh > 60).Average(v => v.SpeedKmh) < cars.Where(v => v.SpeedKmh > 60).Average(v => v.SpeedKmh));
        Assert.All(heavy, v => Assert.InRange(v.LengthMetres, 10, 18));
        Assert.All(cars, v => Assert.InRange(v.LengthMetres, 3.5, 5.4));
        Assert.InRange(mopeds.Average(v => v.LengthMetres), 1.7, 1.9);
        Assert.InRange(aTraktors.Average(v => v.LengthMetres), 4.1, 4.5);
        Assert.InRange(aTraktors.Count(v => v.SpeedKmh is >= 25 and <= 34) / (double)aTraktors.Length, 0.6, 0.85);
        Assert.InRange(mopeds.Count(v => v.SpeedKmh is >= 35 and <= 50) / (double)mopeds.Length, 0.5, 0.85);
    }

    [Fact]
    public void Simulate_Week_CarsFasterAtNightThanInRushHour()
    {
        SimulatedVehicle[] cars = [.. Week(AleSites.NodingeGoteborgsvagen, 6).Where(v => v.Class == VehicleClass.Car)];

        double night = cars.Where(v => LocalTime(v).Hour is >= 23 or < 4).Average(v => v.SpeedKmh);
        double rush = cars.Where(v => LocalTime(v) is { Hour: 7 or 16, DayOfWeek: >= DayOfWeek.Monday and <= DayOfWeek.Friday }).Average(v => v.SpeedKmh);

        Assert.True(night > rush + 5, $"night {night:F1}, rush {rush:F1}");
    }

    [Fact]
    public void Simulate_SpringDstDay_Has23LocalHours()
    {
        // Sunday 29 March 2026: 02:00 CET jumps to 03:00 CEST.
        long start = new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.FromHours(1)).ToUnixTimeMilliseconds();
        long end = new DateTimeOffset(2026, 3, 30, 0, 0, 0, TimeSpan.FromHours(2)).ToUnixTimeMilliseconds();
        var site = AleSites.NodingeGoteborgsvagen with { DailyVehicles = 50_000 };

        SimulatedVehicle[] day = [.. new TrafficSimulator(site, 8).Simulate(start, end - start)];
        int[] localHours = [.. day.Select(v => LocalTime(v).Hour).Distinct().Order()];

        Assert.Equal(23 * HourMs, end - start);
        Assert.Equal(23, localHours.Length);
        Assert.DoesNotContain(2, localHours);
        Assert.All(day, v => Assert.Equal(29, LocalTime(v).Day));
    }

    [Fact]
    public void Simulate_AutumnDstDay_Has25HoursWithTwoAtTwoOClock()
    {
        // Sunday 25 October 2026: 03:00 CEST falls back to 02:00 CET, so 02:00–03:00 happens twice.
        long start = new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.FromHours(2)).ToUnixTimeMilliseconds();
        long end = new DateTimeOffset(2026, 10, 26, 0, 0, 0, TimeSpan.FromHours(1)).ToUnixTimeMilliseconds();
        var site = AleSites.NodingeGoteborgsvagen with { DailyVehicles = 50_000 };

        SimulatedVehicle[] day = [.. new TrafficSimulator(site, 8).Simulate(start, end - start)];
        long[] utcHoursAtTwo = [.. day.Where(v => LocalTime(v).Hour == 2).Select(v => v.TimestampMs / HourMs).Distinct()];

        Assert.Equal(25 * HourMs, end - start);
        Assert.Equal(24, day.Select(v => LocalTime(v).Hour).Distinct().Count());
        Assert.Equal(2, utcHoursAtTwo.Length);
    }

    [Fact]
    public void StockholmZone_BuiltInRule_AgreesWithSystemZoneEveryHourOf2026()
    {
        TimeZoneInfo fallback = StockholmTime.CreateEuropeanRule();
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        for (int hour = 0; hour < 365 * 24; hour++)
        {
            DateTimeOffset t = start.AddHours(hour);
            Assert.Equal(StockholmTime.Zone.GetUtcOffset(t), fallback.GetUtcOffset(t));
        }

        Assert.Equal(TimeSpan.FromHours(2), StockholmTime.Zone.GetUtcOffset(new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void SiteProfile_ShareAboveOne_RejectedBySimulator()
    {
        SiteProfile site = AleSites.AlvangenCentrum with { MopedShare = 1.5 };

        Assert.Throws<ArgumentOutOfRangeException>(() => new TrafficSimulator(site, 1));
    }

    internal static DateTimeOffset LocalTime(SimulatedVehicle vehicle)
        => TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(vehicle.TimestampMs), StockholmTime.Zone);

    private static IEnumerable<SimulatedVehicle> Week(SiteProfile site, ulong seed)
        => new TrafficSimulator(site, seed).Simulate(s_mondayMs, 7 * DayMs);
}
