using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Microsoft.Extensions.Time.Testing;

namespace Ale.Speed.Core.Tests.Vehicles;

public sealed class VehicleFilterTests
{
    private const long NowMs = 1_750_000_000_000; // 2025-06-15
    private static readonly Site s_site = new("s1", "Road", 50);

    private static Unit MakeUnit(double angle = 0, DirectionSelection directions = DirectionSelection.Both, long installedAtMs = long.MinValue,
        double min = 5, double max = 200)
        => new()
        {
            Id = "u1",
            Site = s_site,
            MountingAngleDegrees = angle,
            Directions = directions,
            InstalledAtMs = installedAtMs,
            MinPlausibleKmh = min,
            MaxPlausibleKmh = max,
        };

    private static VehicleFilter MakeFilter(Unit unit, FilterOptions? options = null)
        => new(unit, new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(NowMs)), options);

    private static Vehicle V(Unit unit, double kmh, long ms = NowMs - 60_000, Direction direction = Direction.Approaching, long sequence = -1)
        => new() { Unit = unit, TimestampMs = ms, SpeedKmh = kmh, Direction = direction, Sequence = sequence, HasDeviceTime = true };

    [Theory]
    [InlineData(5.0, RejectReason.None)]
    [InlineData(200.0, RejectReason.None)]
    [InlineData(4.99, RejectReason.SpeedOutOfRange)]
    [InlineData(200.01, RejectReason.SpeedOutOfRange)]
    [InlineData(4.996, RejectReason.None)] // quantised to 5.00 before the range check
    [InlineData(double.NaN, RejectReason.SpeedOutOfRange)]
    [InlineData(double.PositiveInfinity, RejectReason.SpeedOutOfRange)]
    public void Apply_SpeedAtRangeBounds_InclusiveBounds(double kmh, RejectReason expected)
    {
        Unit unit = MakeUnit();
        Assert.Equal(expected, MakeFilter(unit).Apply(V(unit, kmh), out _));
    }

    [Fact]
    public void Apply_DefaultUnitRange_AcceptsFiveToTwoHundred()
    {
        var unit = new Unit { Id = "u", Site = s_site };
        VehicleFilter filter = MakeFilter(unit);
        Assert.Equal(RejectReason.None, filter.Apply(V(unit, 5, NowMs - 1), out _));
        Assert.Equal(RejectReason.None, filter.Apply(V(unit, 200, NowMs - 2), out _));
    }

    [Fact]
    public void Apply_MountingAngle_DividesByCosine()
    {
        Unit unit = MakeUnit(angle: 20);
        Assert.Equal(RejectReason.None, MakeFilter(unit).Apply(V(unit, 47), out Vehicle accepted));
        // 47 / cos(20°) = 50.0160...
        Assert.Equal(Math.Round(47 / Math.Cos(20 * Math.PI / 180), 2), accepted.SpeedKmh);
        Assert.Equal(50.02, accepted.SpeedKmh);
    }

    [Fact]
    public void Apply_CosineCorrectionBeforeRangeCheck_CorrectedSpeedDecidesRange()
    {
        // 190 measured at 30° is 219.39 true: out of a 200 km/h range although the raw value is inside.
        Unit unit = MakeUnit(angle: 30);
        Assert.Equal(RejectReason.SpeedOutOfRange, MakeFilter(unit).Apply(V(unit, 190), out Vehicle corrected));
        Assert.Equal(219.39, corrected.SpeedKmh);
    }

    [Fact]
    public void Apply_Quantises_ToHundredths()
    {
        Unit unit = MakeUnit();
        VehicleFilter filter = MakeFilter(unit);
        filter.Apply(V(unit, 50.123456, NowMs - 10), out Vehicle a);
        filter.Apply(V(unit, 50.125, NowMs - 20), out Vehicle b);
        Assert.Equal(50.12, a.SpeedKmh);
        Assert.Equal(50.13, b.SpeedKmh);
    }

    [Theory]
    [InlineData(DirectionSelection.Both, Direction.Approaching, RejectReason.None)]
    [InlineData(DirectionSelection.Both, Direction.Receding, RejectReason.None)]
    [InlineData(DirectionSelection.Both, Direction.Unknown, RejectReason.None)]
    [InlineData(DirectionSelection.ApproachingOnly, Direction.Approaching, RejectReason.None)]
    [InlineData(DirectionSelection.ApproachingOnly, Direction.Receding, RejectReason.DirectionExcluded)]
    [InlineData(DirectionSelection.ApproachingOnly, Direction.Unknown, RejectReason.DirectionExcluded)]
    [InlineData(DirectionSelection.RecedingOnly, Direction.Receding, RejectReason.None)]
    [InlineData(DirectionSelection.RecedingOnly, Direction.Approaching, RejectReason.DirectionExcluded)]
    [InlineData(DirectionSelection.RecedingOnly, Direction.Unknown, RejectReason.DirectionExcluded)]
    public void Apply_DirectionSelection_KeepsOnlySelected(DirectionSelection selection, Direction direction, RejectReason expected)
    {
        Unit unit = MakeUnit(directions: selection);
        Assert.Equal(expected, MakeFilter(unit).Apply(V(unit, 50, direction: direction), out _));
    }

    [Fact]
    public void Apply_TimestampAtSkewBound_AcceptedOneMsLaterRejected()
    {
        Unit unit = MakeUnit();
        VehicleFilter filter = MakeFilter(unit);
        long bound = NowMs + (long)TimeSpan.FromMinutes(2).TotalMilliseconds;
        Assert.Equal(RejectReason.None, filter.Apply(V(unit, 50, bound), out _));
        Assert.Equal(RejectReason.TimestampInFuture, filter.Apply(V(unit, 50, bound + 1), out _));
    }

    [Fact]
    public void Apply_NowFromTimeProvider_FollowsTheClock()
    {
        Unit unit = MakeUnit();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(NowMs));
        var filter = new VehicleFilter(unit, time, new FilterOptions { ClockSkew = TimeSpan.Zero });
        Assert.Equal(RejectReason.TimestampInFuture, filter.Apply(V(unit, 50, NowMs + 1000), out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(RejectReason.None, filter.Apply(V(unit, 50, NowMs + 1000), out _));
    }

    [Fact]
    public void Apply_BeforeYear2000_IsClockReset()
    {
        Unit unit = MakeUnit();
        VehicleFilter filter = MakeFilter(unit);
        long y2k = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal(RejectReason.TimestampClockReset, filter.Apply(V(unit, 50, y2k - 1), out _));
        Assert.Equal(RejectReason.TimestampClockReset, filter.Apply(V(unit, 50, 12_345), out _));
        Assert.Equal(RejectReason.None, filter.Apply(V(unit, 50, y2k), out _));
    }

    [Fact]
    public void Apply_BeforeInstallation_Rejected()
    {
        long installed = NowMs - 86_400_000;
        Unit unit = MakeUnit(installedAtMs: installed);
        VehicleFilter filter = MakeFilter(unit);
        Assert.Equal(RejectReason.TimestampBeforeInstallation, filter.Apply(V(unit, 50, installed - 1), out _));
        Assert.Equal(RejectReason.None, filter.Apply(V(unit, 50, installed), out _));
    }

    [Fact]
    public void Apply_SameMillisecondDifferentSpeeds_BothCount()
    {
        Unit unit = MakeUnit();
        VehicleFilter filter = MakeFilter(unit);
        Assert.Equal(RejectReason.None, filter.Apply(V(unit, 50.00), out _));
        Assert.Equal(RejectReason.None, filter.Apply(V(unit, 50.01), out _));
        Assert.Equal(RejectReason.None, filter.Apply(V(unit, 50.00, direction: Direction.Receding), out _));
        Assert.Equal(RejectReason.Duplicate, filter.Apply(V(unit, 50.00), out _));
    }

    [Fact]
    public void Apply_SameSequenceTwice_SecondIsDuplicateWhateverItsFields()
    {
        Unit unit = MakeUnit();
        VehicleFilter filter = MakeFilter(unit);
        Assert.Equal(RejectReason.None, filter.Apply(V(unit, 50, NowMs - 5000, sequence: 17), out _));
        Assert.Equal(RejectReason.Duplicate, filter.Apply(V(unit, 60, NowMs - 4000, sequence: 17), out _));
        Assert.Equal(RejectReason.None, filter.Apply(V(unit, 50, NowMs - 5000, sequence: 18), out _));
        // A record without a sequence is a different identity even with the same time and speed.
        Assert.Equal(RejectReason.None, filter.Apply(V(unit, 50, NowMs - 5000), out _));
    }

    [Fact]
    public void Apply_RejectedVehicle_IsNotRememberedAsSeen()
    {
        Unit unit = MakeUnit(directions: DirectionSelection.ApproachingOnly);
        VehicleFilter filter = MakeFilter(unit);
        Assert.Equal(RejectReason.TimestampInFuture, filter.Apply(V(unit, 50, NowMs + 3_600_000, sequence: 1), out _));
        Assert.Equal(RejectReason.None, filter.Apply(V(unit, 50, NowMs, sequence: 1), out _));
    }

    [Fact]
    public void Apply_DuplicateCapacityExceeded_OldestIsForgotten()
    {
        Unit unit = MakeUnit();
        VehicleFilter filter = MakeFilter(unit, new FilterOptions { DuplicateCapacity = 3 });
        for (long s = 1; s <= 4; s++)
        {
            Assert.Equal(RejectReason.None, filter.Apply(V(unit, 50, sequence: s), out _));
        }

        // 1 was evicted when 4 arrived; 2, 3, 4 are still remembered.
        Assert.Equal(RejectReason.Duplicate, filter.Apply(V(unit, 50, sequence: 4), out _));
        Assert.Equal(RejectReason.Duplicate, filter.Apply(V(unit, 50, sequence: 2), out _));
        Assert.Equal(RejectReason.None, filter.Apply(V(unit, 50, sequence: 1), out _));
        // Re-admitting 1 evicted 2.
        Assert.Equal(RejectReason.None, filter.Apply(V(unit, 50, sequence: 2), out _));
    }

    [Theory]
    [InlineData(90.0)]
    [InlineData(-90.0)]
    [InlineData(double.NaN)]
    public void Constructor_ImpossibleAngle_Throws(double angle)
        => Assert.Throws<ArgumentException>(() => MakeFilter(MakeUnit(angle: angle)));

    [Fact]
    public void Constructor_RangeAboveHistogramCeiling_Throws()
        => Assert.Throws<ArgumentException>(() => MakeFilter(MakeUnit(max: 300)));

    [Fact]
    public void Apply_OlderThanLateHorizon_IsTooLateButExactlyAtTheHorizonCounts()
    {
        Unit unit = MakeUnit();
        var horizon = TimeSpan.FromDays(7);
        VehicleFilter filter = MakeFilter(unit, new FilterOptions { LateHorizon = horizon });
        long horizonMs = (long)horizon.TotalMilliseconds;

        Assert.Equal(RejectReason.TooLate, filter.Apply(V(unit, 50, NowMs - horizonMs - 1), out _));
        Assert.Equal(RejectReason.None, filter.Apply(V(unit, 50, NowMs - horizonMs), out _));
    }

    [Fact]
    public void Remember_RestoredIdentity_MakesARedeliveredVehicleADuplicate()
    {
        Unit unit = MakeUnit();
        Vehicle vehicle = V(unit, 50, sequence: 42);
        VehicleFilter afterRestart = MakeFilter(unit);

        afterRestart.Remember(vehicle);

        Assert.Equal(RejectReason.Duplicate, afterRestart.Apply(vehicle, out _));
    }

    [Fact]
    public void Apply_ArrivalStampedWithoutSequence_IsNeverTakenForADuplicate()
    {
        // Two vehicles at the same speed in one serial read share our arrival time: that is not a repeat.
        Unit unit = MakeUnit();
        VehicleFilter filter = MakeFilter(unit);
        Vehicle arrivalStamped = V(unit, 50) with { HasDeviceTime = false };

        Assert.Equal(RejectReason.None, filter.Apply(arrivalStamped, out _));
        Assert.Equal(RejectReason.None, filter.Apply(arrivalStamped, out _));
        Assert.Equal(RejectReason.Duplicate, filter.Apply(arrivalStamped with { Sequence = 7 }, out _) is RejectReason.None
            ? filter.Apply(arrivalStamped with { Sequence = 7 }, out _)
            : RejectReason.None);
    }
}
