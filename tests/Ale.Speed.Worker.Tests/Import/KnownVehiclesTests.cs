using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Worker.Import;

namespace Ale.Speed.Worker.Tests.Import;

/// <summary>Import's de-duplication: the same vehicle, however it reached us, counts once; two vehicles never merge.</summary>
public sealed class KnownVehiclesTests
{
    private static readonly Unit s_unit = new() { Id = "u-1", Site = new Site("alafors", "Alafors", 50) };

    private static Vehicle V(long timestampMs, double kmh, long sequence = -1, Direction direction = Direction.Approaching)
        => new() { Unit = s_unit, TimestampMs = timestampMs, SpeedKmh = kmh, Direction = direction, Sequence = sequence, HasDeviceTime = true };

    [Fact]
    public void Add_TheSameVehicleTwice_IsKnownTheSecondTime()
    {
        var known = new KnownVehicles();
        Assert.True(known.Add(V(1_000, 45.2)));
        Assert.False(known.Add(V(1_000, 45.2)));
        Assert.Equal(1, known.Count);
    }

    [Fact]
    public void NumberedRecords_AreTheSameVehicle_ByTheUnitsSequenceNumberAlone()
    {
        var known = new KnownVehicles();
        known.Add(V(1_000, 45.2, sequence: 7));
        Assert.True(known.Contains(V(9_999, 51.0, sequence: 7)));
        Assert.False(known.Contains(V(1_000, 45.2, sequence: 8)));
    }

    [Fact]
    public void ANumberedLiveRecord_AndTheUnnumberedExportOfIt_AreTheSameVehicle()
    {
        // The gateway numbers what it sends live; the sign's own export carries no number.
        var live = new KnownVehicles();
        live.Add(V(1_000, 45.2, sequence: 7));
        Assert.True(live.Contains(V(1_000, 45.2)));

        var exported = new KnownVehicles();
        exported.Add(V(1_000, 45.2));
        Assert.True(exported.Contains(V(1_000, 45.2, sequence: 7)));
    }

    [Theory]
    [InlineData(1_001, 45.2, Direction.Approaching)]
    [InlineData(1_000, 45.21, Direction.Approaching)]
    [InlineData(1_000, 45.2, Direction.Receding)]
    public void UnnumberedRecords_DifferingInTimeSpeedOrDirection_AreTwoVehicles(long timestampMs, double kmh, Direction direction)
    {
        var known = new KnownVehicles();
        known.Add(V(1_000, 45.2));
        Assert.False(known.Contains(V(timestampMs, kmh, direction: direction)));
    }

    [Fact]
    public void SpeedsEqualAtTheStoredResolution_AreTheSameVehicle()
    {
        // A journal stores 0.01 km/h: a speed read back from it must match the speed as first seen.
        var known = new KnownVehicles();
        known.Add(V(1_000, 45.204));
        Assert.True(known.Contains(V(1_000, 45.2)));
    }
}
