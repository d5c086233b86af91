using System.IO.Ports;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Devices.Serial;
using Ale.Speed.Devices.Simulation;
using Ale.Speed.Devices.Tests.Support;
using static Ale.Speed.Devices.Tests.Support.TestUnits;

namespace Ale.Speed.Devices.Tests.Serial;

/// <summary>The serial source on real pseudo-terminals (socat).</summary>
/// <remarks>Burst detection depends on arrival times, so these run alone, not next to the MQTT load tests.</remarks>
[Collection(TimingSensitive.Name)]
public sealed class SerialVehicleSourceTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private PtyPair _pty = null!;

    public async Task InitializeAsync() => _pty = await PtyPair.StartAsync();

    public async Task DisposeAsync() => await _pty.DisposeAsync();

    [Fact]
    public async Task RunAsync_SimulatedOps243JsonThroughAPty_ArriveAsTheRadarsVehicles()
    {
        // A weekday morning peak, six vehicles, at half real time with quiet gaps cut to 3 s: readings of a burst come
        // 100–132 ms apart and separate bursts at least 3 s apart, and the detector's lost-after time is 1.5 s, so a line
        // must be held up for more than 1.3 s (a busy shared machine can stall for a second) to split or merge a vehicle.
        var start = new DateTimeOffset(2026, 3, 10, 6, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        SimulatedVehicle[] traffic = [.. new TrafficSimulator(AleSites.NodingeGoteborgsvagen, seed: 11).Simulate(start, 3_600_000).Take(6)];
        FrameEncoder encoder = FrameEncoder.Create(FrameFormat.Ops243Json, new FrameEncoderOptions { Seed = 11 });
        EncodedFrames expected = encoder.EncodeAll(traffic);
        Unit unit = Unit("ops1", FrameFormat.Ops243Json, encoder.SpeedUnit);
        var router = new UnitRouter([unit], TimeProvider.System, new DetectorOptions { LostAfterMs = 1500 });
        var sink = new RecordingSink();
        await using var running = await RunningSerial.StartAsync(_pty.PathB, router, sink, "ops1");

        using var device = OpenPort(_pty.PathA);
        UnitRoute route = router.TryGetRoute("ops1", out UnitRoute r) ? r : throw new InvalidOperationException();

        // Warm both ends (JIT, the ports' I/O loops) with one vehicle first: a first-call stall inside a burst would
        // look like the end of a vehicle, and on a shared 2-core machine that is not rare.
        FrameChunk[] warmUp = [.. encoder.Encode(traffic.Take(1))];
        await SimulationPublisher.WriteSerialAsync(device.BaseStream, warmUp, new SimulationPacing(0.5));
        await WaitUntilAsync(() => sink.Count >= 1, s_wait, () => "the warm-up vehicle");
        // Quiet before measuring: every warm-up line read and no burst left open.
        await WaitUntilAsync(() => route.Native.Counters.Frames >= warmUp.Length && route.Native.Detector is { HasOpenBurst: false },
            s_wait, () => "the warm-up's lines read and its burst closed");
        long framesBefore = route.Native.Counters.Frames;
        long vehiclesBefore = route.Native.Counters.Vehicles;
        long rejectsBefore = route.Native.Counters.TotalRejects;

        FrameChunk[] frames = [.. encoder.Encode(traffic)];
        await SimulationPublisher.WriteSerialAsync(device.BaseStream, frames, new SimulationPacing(0.5, TimeSpan.FromSeconds(3)));

        // Done when every line is read and no burst is open: no further vehicle can come after that.
        await WaitUntilAsync(
            () => route.Native.Counters.Frames - framesBefore == expected.LineCount && route.Native.Detector is { HasOpenBurst: false },
            s_wait, () => $"{expected.LineCount} lines read and the last burst closed, have {route.Native.Counters.Frames - framesBefore} lines");
        Assert.Equal(expected.Targets.Count, route.Native.Counters.Vehicles - vehiclesBefore);
        Assert.Equal(expected.LineCount, route.Native.Counters.Frames - framesBefore);
        Assert.Equal(rejectsBefore, route.Native.Counters.TotalRejects);
        Vehicle[] vehicles = [.. sink.Vehicles.Skip(sink.Count - expected.Targets.Count)];
        Assert.Equal(expected.Targets.Count, vehicles.Length);
        for (int i = 0; i < expected.Targets.Count; i++)
        {
            Assert.Equal(expected.Targets[i].Direction, vehicles[i].Direction);
            Assert.InRange(vehicles[i].SpeedKmh, expected.Targets[i].PeakKmh - 0.2, expected.Targets[i].PeakKmh + 0.2);
        }
    }

    [Fact]
    public async Task RunAsync_PtyUnpluggedAndReplugged_ReopensAndCountsExactly()
    {
        var router = new UnitRouter([Unit("c1")], TimeProvider.System);
        var sink = new RecordingSink();
        await using var running = await RunningSerial.StartAsync(_pty.PathB, router, sink, "c1");

        using (var device = OpenPort(_pty.PathA))
        {
            await device.BaseStream.WriteAsync(CanonicalLines(1, 200));
            await WaitUntilAsync(() => sink.Count == 200, s_wait, () => $"200 vehicles, have {sink.Count}");
        }

        await _pty.KillAsync();
        await WaitUntilAsync(() => !running.Source.IsOpen, s_wait, () => "the source to notice the device is gone");
        await WaitUntilAsync(() => running.Source.ReopenAttempts >= 2, s_wait, () => "failed reopen attempts while the device is away");
        await _pty.RecreateAsync();
        await WaitUntilAsync(() => running.Source.IsOpen && running.Source.Opens == 2, s_wait, () => "the source to reopen the port");

        using (var device = OpenPort(_pty.PathA))
        {
            // Vehicle 501 marks the end: anything read twice would have come before it.
            await device.BaseStream.WriteAsync(CanonicalLines(201, 301));
            await WaitUntilAsync(() => sink.Vehicles.Any(v => v.Sequence == 501), s_wait, () => $"501 vehicles, have {sink.Count}");
        }

        Assert.Equal(Enumerable.Range(1, 501).Select(i => (long)i), sink.Vehicles.Select(v => v.Sequence));
        Assert.True(running.Source.ReopenAttempts >= 2, $"reopen attempts {running.Source.ReopenAttempts}");
        Assert.True(running.Source.BytesRead >= CanonicalLines(1, 501).Length);
    }

    [Fact]
    public void Backoff_Doubles_CappedAtTenSeconds()
    {
        var source = new SerialVehicleSource(
            new SerialUnitOptions { UnitId = "c1", PortPath = "/dev/null" },
            new UnitRouter([Unit("c1")], TimeProvider.System).Routes.Single(),
            new RecordingSink());

        Assert.Equal(TimeSpan.FromMilliseconds(250), source.Backoff(0));
        Assert.Equal(TimeSpan.FromMilliseconds(500), source.Backoff(1));
        Assert.Equal(TimeSpan.FromSeconds(10), source.Backoff(10));
        Assert.Equal(TimeSpan.FromSeconds(10), source.Backoff(1000));
    }

    internal static SerialPort OpenPort(string path)
    {
        var port = new SerialPort(path, 115200, Parity.None, 8, StopBits.One);
        port.Open();
        return port;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "timing-sensitive";
}

internal sealed class RunningSerial : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    private RunningSerial(SerialVehicleSource source) => Source = source;

    public SerialVehicleSource Source { get; }

    public static async Task<RunningSerial> StartAsync(string path, UnitRouter router, IDurableVehicleSink sink, string unitId)
    {
        UnitRoute route = router.TryGetRoute(unitId, out UnitRoute r) ? r : throw new InvalidOperationException(unitId);
        var running = new RunningSerial(new SerialVehicleSource(
            new SerialUnitOptions { UnitId = unitId, PortPath = path, BaudRate = 115200, ReopenDelay = TimeSpan.FromMilliseconds(100), MaxReopenDelay = TimeSpan.FromMilliseconds(500) },
            route,
            sink));
        running._run = running.Source.RunAsync(running._stop.Token);
        await WaitUntilAsync(() => running.Source.IsOpen || running._run.IsCompleted, TimeSpan.FromSeconds(10), () => "the port to open");
        return running;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
