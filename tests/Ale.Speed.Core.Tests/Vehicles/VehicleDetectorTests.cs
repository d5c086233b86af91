using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Microsoft.Extensions.Time.Testing;

namespace Ale.Speed.Core.Tests.Vehicles;

public sealed class VehicleDetectorTests
{
    private static readonly Unit s_unit = new() { Id = "u1", Site = new Site("s1", "Road", 50) };

    private static Reading R(double kmh, Direction direction = Direction.Approaching) => new() { SpeedKmh = kmh, Direction = direction };

    /// <summary>Feeds (time, speed, direction) readings and collects every vehicle, completing at the end.</summary>
    private static List<Vehicle> Run(VehicleDetector detector, params (long Ms, double Kmh, Direction Dir)[] readings)
    {
        var vehicles = new List<Vehicle>();
        foreach ((long ms, double kmh, Direction dir) in readings)
        {
            if (detector.TryAdd(R(kmh, dir), ms, out Vehicle v))
            {
                vehicles.Add(v);
                Drain(detector, vehicles);
            }
        }

        if (detector.TryComplete(out Vehicle last))
        {
            vehicles.Add(last);
            Drain(detector, vehicles);
        }

        return vehicles;
    }

    private static void Drain(VehicleDetector detector, List<Vehicle> vehicles)
    {
        while (detector.TryTakeCompleted(out Vehicle more))
        {
            vehicles.Add(more);
        }
    }

    private const Direction In = Direction.Approaching;
    private const Direction Out = Direction.Receding;

    [Fact]
    public void TryAdd_OneBurst_GivesPeakSpeedFirstTimeDurationAndCount()
    {
        var detector = new VehicleDetector(s_unit);
        List<Vehicle> vehicles = Run(detector, (1000, 42.5, In), (1100, 48.25, In), (1200, 47, In), (1300, 40, In));

        Vehicle v = Assert.Single(vehicles);
        Assert.Equal(48.25, v.SpeedKmh);
        Assert.Equal(1000, v.TimestampMs);
        Assert.Equal(300, v.DurationMs);
        Assert.Equal(4, v.ReadingCount);
        Assert.Equal(In, v.Direction);
        Assert.Same(s_unit, v.Unit);
        Assert.Equal(-1, v.Sequence);
    }

    [Fact]
    public void TryAdd_GapExactlyLostAfter_KeepsOneBurst()
    {
        var detector = new VehicleDetector(s_unit, new DetectorOptions { LostAfterMs = 700 });
        List<Vehicle> vehicles = Run(detector, (0, 50, In), (100, 51, In), (800, 52, In), (900, 50, In));

        Vehicle v = Assert.Single(vehicles);
        Assert.Equal(4, v.ReadingCount);
        Assert.Equal(900, v.DurationMs);
    }

    [Fact]
    public void TryAdd_GapJustOverLostAfter_SplitsIntoTwoVehicles()
    {
        var detector = new VehicleDetector(s_unit, new DetectorOptions { LostAfterMs = 700 });
        var vehicles = new List<Vehicle>();
        Assert.False(detector.TryAdd(R(50), 0, out _));
        Assert.False(detector.TryAdd(R(51), 100, out _));
        Assert.True(detector.TryAdd(R(60), 801, out Vehicle first));
        vehicles.Add(first);
        Assert.False(detector.TryAdd(R(61), 900, out _));
        Assert.True(detector.TryComplete(out Vehicle second));

        Assert.Equal((0L, 51.0, 2), (first.TimestampMs, first.SpeedKmh, first.ReadingCount));
        Assert.Equal((801L, 61.0, 2), (second.TimestampMs, second.SpeedKmh, second.ReadingCount));
    }

    [Fact]
    public void TryAdd_LoneReading_IsNoiseNotVehicle()
    {
        var detector = new VehicleDetector(s_unit);
        List<Vehicle> vehicles = Run(detector, (0, 50, In), (5000, 30, In), (5100, 31, In), (9000, 70, In));

        Vehicle v = Assert.Single(vehicles);
        Assert.Equal(5000, v.TimestampMs);
        Assert.Equal(2, detector.NoiseReadings);
        Assert.Equal(2, detector.NoiseBursts);
    }

    [Fact]
    public void TryAdd_MinReadingsThree_BurstOfTwoIsNoiseBurstOfThreeIsVehicle()
    {
        var detector = new VehicleDetector(s_unit, new DetectorOptions { MinReadings = 3 });
        List<Vehicle> vehicles = Run(detector, (0, 50, In), (100, 50, In), (2000, 40, In), (2100, 41, In), (2200, 42, In));

        Vehicle v = Assert.Single(vehicles);
        Assert.Equal(2000, v.TimestampMs);
        Assert.Equal(3, v.ReadingCount);
        Assert.Equal(2, detector.NoiseReadings);
    }

    [Fact]
    public void TryAdd_OtherDirectionMidBurst_IsFollowedAsAVehicleOfItsOwn()
    {
        var detector = new VehicleDetector(s_unit);
        List<Vehicle> vehicles = Run(detector, (0, 50, In), (100, 52, In), (200, 45, Out), (300, 46, Out));

        Assert.Equal(2, vehicles.Count);
        Assert.Equal((In, 52.0, 0L), (vehicles[0].Direction, vehicles[0].SpeedKmh, vehicles[0].TimestampMs));
        Assert.Equal((Out, 46.0, 200L), (vehicles[1].Direction, vehicles[1].SpeedKmh, vehicles[1].TimestampMs));
    }

    [Fact]
    public void TryAdd_BurstLongerThanMaxBurst_IsClosedAndNewOneBegins()
    {
        var detector = new VehicleDetector(s_unit, new DetectorOptions { LostAfterMs = 700, MaxBurstMs = 1000 });
        var readings = new List<(long, double, Direction)>();
        for (long t = 0; t <= 2500; t += 250)
        {
            readings.Add((t, 30 + t / 250, In));
        }

        List<Vehicle> vehicles = Run(detector, [.. readings]);

        // 0..1000 is one burst (exactly MaxBurstMs long is allowed), 1250..2250 the next, 2500 a lone reading.
        Assert.Equal(2, vehicles.Count);
        Assert.Equal((0L, 1000, 5), (vehicles[0].TimestampMs, vehicles[0].DurationMs, vehicles[0].ReadingCount));
        Assert.Equal((1250L, 1000, 5), (vehicles[1].TimestampMs, vehicles[1].DurationMs, vehicles[1].ReadingCount));
        Assert.Equal(1, detector.NoiseReadings);
    }

    [Fact]
    public void TryAddFrame_NoTargetFrame_EndsBurstAtOnce()
    {
        var detector = new VehicleDetector(s_unit);
        Assert.False(detector.TryAddFrame([R(50)], 0, out _, out _));
        Assert.False(detector.TryAddFrame([R(55)], 100, out _, out _));
        Assert.True(detector.TryAddFrame([], 150, out Vehicle v, out int untracked));
        Assert.Equal(0, untracked);
        Assert.Equal((55.0, 2), (v.SpeedKmh, v.ReadingCount));
        Assert.False(detector.HasOpenBurst);

        // The next reading, only 50 ms later, starts a new burst.
        Assert.False(detector.TryAddFrame([R(40)], 200, out _, out _));
        Assert.False(detector.TryAddFrame([R(41)], 250, out _, out _));
        Assert.True(detector.TryComplete(out Vehicle next));
        Assert.Equal(200, next.TimestampMs);
    }

    [Fact]
    public void TryAddFrame_NoTargetFrameAfterLoneReading_CountsNoise()
    {
        var detector = new VehicleDetector(s_unit);
        detector.TryAddFrame([R(50)], 0, out _, out _);
        Assert.False(detector.TryAddFrame([], 100, out _, out _));
        Assert.Equal(1, detector.NoiseReadings);
        Assert.False(detector.TryAddFrame([], 200, out _, out _));
        Assert.Equal(1, detector.NoiseBursts);
    }

    [Fact]
    public void TryAddFrame_SeveralTargets_EachFollowedOnItsOwnTrack()
    {
        var detector = new VehicleDetector(s_unit);
        detector.TryAddFrame([R(50, In)], 0, out _, out _);
        // An oncoming target listed first neither ends the approaching burst nor joins it.
        Assert.False(detector.TryAddFrame([R(70, Out), R(52, In)], 100, out _, out int untracked));
        Assert.Equal(0, untracked);
        // Two targets of one direction in one frame are two vehicles, even at close speeds.
        Assert.False(detector.TryAddFrame([R(71, Out), R(53, In), R(52, In)], 200, out _, out untracked));
        Assert.False(detector.TryAddFrame([R(54, In), R(52, In)], 300, out _, out _));
        Assert.Equal(0, untracked);

        var vehicles = new List<Vehicle>();
        Assert.True(detector.TryComplete(out Vehicle first));
        vehicles.Add(first);
        Drain(detector, vehicles);
        Assert.Equal([(In, 54.0, 4), (Out, 71.0, 2), (In, 52.0, 2)], vehicles.Select(v => (v.Direction, v.SpeedKmh, v.ReadingCount)));
        Assert.Equal(1, detector.SplitBursts);
    }

    [Fact]
    public void TryAddFrame_MoreTargetsThanTracks_CountsTheRestUntracked()
    {
        var detector = new VehicleDetector(s_unit);
        Reading[] frame = [R(20), R(40), R(60), R(80), R(100), R(120)];
        detector.TryAddFrame(frame, 0, out _, out int untracked);
        Assert.Equal(frame.Length - VehicleDetector.MaxTracks, untracked);
        detector.TryAddFrame(frame, 100, out _, out _);

        // Every track closes at once: one vehicle returned, the rest waiting to be taken.
        Assert.True(detector.TryEndBurst(out Vehicle first));
        var vehicles = new List<Vehicle> { first };
        Drain(detector, vehicles);
        Assert.Equal([20.0, 40, 60, 80], vehicles.Select(v => v.SpeedKmh));
    }

    [Fact]
    public void TryAdd_SpeedJumpInOneStream_SplitsTheBurst()
    {
        var detector = new VehicleDetector(s_unit);
        // A 50 km/h car, then (no gap) readings of a 70 km/h car that the unit now reports instead.
        List<Vehicle> vehicles = Run(detector, (0, 48, In), (60, 49, In), (120, 50, In), (180, 66, In), (240, 68, In), (300, 70, In));

        Assert.Equal([(0L, 50.0), (180L, 70.0)], vehicles.Select(v => (v.TimestampMs, v.SpeedKmh)));
        Assert.Equal(1, detector.SplitBursts);
    }

    [Fact]
    public void TryAdd_SignalDipsAndSwellsAgain_SplitsTheBurst_OnlyWhereTheUnitReportsMagnitude()
    {
        (long Ms, double Kmh, double Magnitude)[] stream =
        [
            (0, 49, 500), (60, 50, 1000), (120, 50, 600), (180, 49.5, 300), (240, 50, 450), (300, 51, 900), (360, 50.5, 1100), (420, 50, 500),
        ];

        var detector = new VehicleDetector(s_unit);
        var vehicles = new List<Vehicle>();
        foreach ((long ms, double kmh, double magnitude) in stream)
        {
            if (detector.TryAdd(new Reading { SpeedKmh = kmh, Direction = In, Magnitude = magnitude }, ms, out Vehicle v))
            {
                vehicles.Add(v);
            }
        }

        detector.TryComplete(out Vehicle last);
        vehicles.Add(last);
        // The dip at 180 ms (300, below half of 1000) and the swell to 900 (above twice 300): the first car ends at the dip.
        Assert.Equal([(0L, 50.0, 4), (240L, 51.0, 4)], vehicles.Select(v => (v.TimestampMs, v.SpeedKmh, v.ReadingCount)));
        Assert.Equal(1, detector.SplitBursts);

        // The same speeds without magnitudes: one vehicle.
        Assert.Single(Run(new VehicleDetector(s_unit), [.. stream.Select(r => (r.Ms, r.Kmh, In))]));
    }

    [Fact]
    public void TryAdd_SlowVehicleInALongBeam_IsOneVehicle_AFastOneAsLongIsTwo()
    {
        var options = new DetectorOptions { BeamLengthMetres = 30 };

        // 10 km/h through 30 m of beam: 12 s of readings, well within (30 + 25) m / 10 km/h = 19.8 s.
        var slow = new List<(long, double, Direction)>();
        for (long t = 0; t <= 12_000; t += 100)
        {
            slow.Add((t, 10 + (t % 300 == 0 ? 0.2 : 0), In));
        }

        Assert.Single(Run(new VehicleDetector(s_unit, options), [.. slow]));

        // 50 km/h for 12 s is longer than any vehicle stays in that beam (3.96 s): cut into three.
        var fast = new List<(long, double, Direction)>();
        for (long t = 0; t < 12_000; t += 100)
        {
            fast.Add((t, 50, In));
        }

        var detector = new VehicleDetector(s_unit, options);
        Assert.Equal([0L, 4_000, 8_000], Run(detector, [.. fast]).Select(v => v.TimestampMs));
        Assert.Equal(2, detector.SplitBursts);
    }

    [Fact]
    public void HighFlowHours_CountsEachHourReachingTheThresholdOnce()
    {
        var detector = new VehicleDetector(s_unit, new DetectorOptions { HighFlowPerHour = 2 });
        const long Hour = 3_600_000;
        // Hour 0: three vehicles (flagged once); hour 1: one (not flagged); hour 2: two (flagged).
        long[] starts = [0, 5_000, 10_000, Hour + 5_000, (2 * Hour) + 1_000, (2 * Hour) + 9_000];
        var readings = new List<(long, double, Direction)>();
        foreach (long start in starts)
        {
            readings.Add((start, 50, In));
            readings.Add((start + 100, 51, In));
        }

        Assert.Equal(6, Run(detector, [.. readings]).Count);
        Assert.Equal(2, detector.HighFlowHours);
    }

    [Fact]
    public void TryFlush_ByTime_ClosesOnlyAfterLostAfterHasPassed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var detector = new VehicleDetector(s_unit, new DetectorOptions { LostAfterMs = 700 });
        long start = time.GetUtcNow().ToUnixTimeMilliseconds();
        detector.TryAdd(R(50), start, out _);
        time.Advance(TimeSpan.FromMilliseconds(100));
        detector.TryAdd(R(53), time.GetUtcNow().ToUnixTimeMilliseconds(), out _);

        time.Advance(TimeSpan.FromMilliseconds(700));
        Assert.False(detector.TryFlush(time.GetUtcNow().ToUnixTimeMilliseconds(), out _));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(detector.TryFlush(time.GetUtcNow().ToUnixTimeMilliseconds(), out Vehicle v));
        Assert.Equal((start, 53.0, 100), (v.TimestampMs, v.SpeedKmh, v.DurationMs));
        Assert.False(detector.HasOpenBurst);
        Assert.False(detector.TryFlush(time.GetUtcNow().ToUnixTimeMilliseconds() + 10_000, out _));
    }

    [Fact]
    public void TryAdd_ClockRunsBack_StartsNewBurst()
    {
        var detector = new VehicleDetector(s_unit);
        List<Vehicle> vehicles = Run(detector, (10_000, 50, In), (10_100, 50, In), (5_000, 60, In), (5_100, 60, In));
        Assert.Equal(2, vehicles.Count);
        Assert.Equal(5_000, vehicles[1].TimestampMs);
    }

    [Fact]
    public void TryComplete_NothingOpen_ReturnsFalse()
    {
        var detector = new VehicleDetector(s_unit);
        Assert.False(detector.TryComplete(out _));
    }

    [Theory]
    [InlineData(0, 2, 8000)]
    [InlineData(700, 0, 8000)]
    [InlineData(700, 2, 500)]
    public void Constructor_InvalidOptions_Throws(int lostAfterMs, int minReadings, int maxBurstMs)
    {
        var options = new DetectorOptions { LostAfterMs = lostAfterMs, MinReadings = minReadings, MaxBurstMs = maxBurstMs };
        Assert.False(options.TryValidate(out string? error));
        Assert.NotNull(error);
        Assert.Throws<ArgumentException>(() => new VehicleDetector(s_unit, options));
    }
}
