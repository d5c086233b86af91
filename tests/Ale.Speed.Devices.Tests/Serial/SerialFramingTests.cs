using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Sites;
using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Devices.Simulation;
using Ale.Speed.Devices.Tests.Support;
using static Ale.Speed.Devices.Tests.Support.TestUnits;

namespace Ale.Speed.Devices.Tests.Serial;

[Collection(TimingSensitive.Name)]
public sealed class SerialFramingTests : IAsyncLifetime
{
    private PtyPair _pty = null!;

    public async Task InitializeAsync() => _pty = await PtyPair.StartAsync();

    public async Task DisposeAsync() => await _pty.DisposeAsync();

    [Fact]
    public async Task RunAsync_WholeStreamAsFastAsPossible_EveryLineIsOneFrame()
    {
        var start = new DateTimeOffset(2026, 3, 10, 6, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        SimulatedVehicle[] traffic = [.. new TrafficSimulator(AleSites.NodingeGoteborgsvagen, seed: 11).Simulate(start, 3_600_000).Take(200)];
        FrameEncoder encoder = FrameEncoder.Create(FrameFormat.Ops243Json, new FrameEncoderOptions { Seed = 11 });
        EncodedFrames expected = encoder.EncodeAll(traffic);
        Unit unit = Unit("ops1", FrameFormat.Ops243Json, encoder.SpeedUnit);
        var router = new UnitRouter([unit], TimeProvider.System);
        await using var running = await RunningSerial.StartAsync(_pty.PathB, router, new RecordingSink(), "ops1");
        using var device = SerialVehicleSourceTests.OpenPort(_pty.PathA);

        await device.BaseStream.WriteAsync(expected.Bytes);

        UnitRoute route = router.Routes.Single();
        // A line that is no frame after the stream: once its reject is counted, every byte before it has been parsed.
        byte[] marker = "end of test\r\n"u8.ToArray();
        await device.BaseStream.WriteAsync(marker);
        await WaitUntilAsync(() => route.Native.Counters.TotalRejects >= 1, TimeSpan.FromSeconds(20), () => $"{expected.LineCount} frames and the marker, have {route.Native.Counters.Frames}");
        Assert.Equal(expected.LineCount + 1, route.Native.Counters.Frames);
        Assert.Equal(1, route.Native.Counters.TotalRejects);
        Assert.Equal(expected.Bytes.Length + marker.Length, running.Source.BytesRead);
    }
}
