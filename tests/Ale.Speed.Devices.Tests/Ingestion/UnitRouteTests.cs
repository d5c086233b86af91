using System.Buffers;
using System.Text;
using Ale.Speed.Core.Frames;
using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Core.Vehicles;
using static Ale.Speed.Devices.Tests.Support.TestUnits;

namespace Ale.Speed.Devices.Tests.Ingestion;

/// <summary>A unit's figures (status file, metrics) add up its native frames and the canonical records sent for it.</summary>
public sealed class UnitRouteTests
{
    [Fact]
    public void TotalAndRejectCount_NativeAndCanonicalPaths_AddedTogether()
    {
        UnitRoute route = new UnitRouter([Unit("d1", FrameFormat.HlkLd2415h)], TimeProvider.System).Routes.Single();
        var sink = new CountingSink();
        long now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

        route.Native.Ingest(Bytes("V+0x5.0\r\n"), now, sink);
        Assert.Equal(1, route.Total(static c => c.Frames));
        route.Canonical.Ingest(Bytes("not json at all\n" + CanonicalLine(1)), now, sink);

        Assert.Equal(3, route.Total(static c => c.Frames));
        Assert.Equal(1, route.Total(static c => c.VehiclesAccepted));
        Assert.Equal(1, sink.Count);
        Assert.Equal(1, route.Native.Counters.RejectCount(RejectReason.Malformed));
        Assert.Equal(1, route.Canonical.Counters.RejectCount(RejectReason.Malformed));
        Assert.Equal(2, route.RejectCount(RejectReason.Malformed));
        Assert.Equal(2, Enum.GetValues<RejectReason>().Sum(route.RejectCount));
    }

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.ASCII.GetBytes(text));

    private sealed class CountingSink : IVehicleSink
    {
        public int Count { get; private set; }

        public void Accept(in Vehicle vehicle) => Count++;
    }
}
