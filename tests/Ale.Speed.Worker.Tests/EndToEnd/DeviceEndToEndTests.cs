using System.Diagnostics;
using Ale.Speed.Core.Frames;
using Ale.Speed.Devices.Simulation;
using Ale.Speed.Devices.Tests.Support;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Status;
using Ale.Speed.Worker.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ale.Speed.Worker.Tests.EndToEnd;

/// <summary>
/// Simulated units over a real Mosquitto and over real pseudo-terminals → the worker → a real InfluxDB, with exact totals
/// through a broker restart, a worker SIGKILL (persistent session) and a device unplugged and plugged back.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class DeviceEndToEndTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(90);

    private static long NowMs => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    [Fact]
    public async Task MqttUnits_ThroughABrokerRestartAndAWorkerSigkill_AreStoredExactlyOnce()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("e2e_mqtt");
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        run.Configure(o =>
        {
            o.Sites = [new SiteOptions { Id = "nodinge", SpeedLimitKmh = 40 }, new SiteOptions { Id = "nol", SpeedLimitKmh = 70 }];
            o.Units =
            [
                new UnitOptions { Id = "u-1", Site = "nodinge", Transport = "mqtt", Format = "canonical" },
                new UnitOptions { Id = "u-2", Site = "nol", Transport = "mqtt", Format = "canonical" },
            ];
            o.Mqtt = new MqttSettings { Url = broker.Uri.ToString() };
            o.Binning.FlushInterval = TimeSpan.FromMilliseconds(500);
        });
        string config = run.WriteConfigFile();

        // Two units' canonical records (with seq), split in three parts: before the broker restart, after it, and while
        // the worker is dead.
        var traffic = new Dictionary<string, List<FrameChunk>>
        {
            ["u-1"] = [.. SimulationPublisher.Frames(new SiteProfile("nodinge", RoadType.TownCentre40, 40), FrameFormat.Canonical, 11, NowMs - 86_400_000, 12 * 3_600_000)],
            ["u-2"] = [.. SimulationPublisher.Frames(new SiteProfile("nol", RoadType.Rural70, 70), FrameFormat.Canonical, 12, NowMs - 86_400_000, 12 * 3_600_000)],
        };
        long expected = traffic.Values.Sum(f => f.Count);

        MQTTnet.IMqttClient publisher = await SimulationPublisher.ConnectAsync(broker.Uri, "test-units");
        async Task PublishPartAsync(int part)
        {
            if (!publisher.IsConnected)
            {
                publisher.Dispose();
                publisher = await SimulationPublisher.ConnectAsync(broker.Uri, "test-units");
            }

            foreach ((string unit, List<FrameChunk> frames) in traffic)
            {
                int size = (frames.Count + 2) / 3;
                await SimulationPublisher.PublishAsync(publisher, SimulationPublisher.TopicFor(unit, raw: false), frames.Skip(part * size).Take(size), linesPerMessage: 5);
            }
        }

        Process worker = run.StartProcess("run", "--config", config);
        try
        {
            await WaitForStatusAsync(run, s => s.Mqtt is { Connected: true }, "the worker never subscribed");
            await PublishPartAsync(0);

            await broker.RestartAsync();
            // The units reconnect too (a fresh connection, rather than waiting for the old one to notice it is gone).
            publisher.Dispose();
            publisher = await SimulationPublisher.ConnectAsync(broker.Uri, "test-units");
            await PublishPartAsync(1);
            await WaitForStatusAsync(run, s => s.Mqtt is { Connected: true, Reconnects: > 0 } && s.VehiclesJournaled > 0, "the worker did not reconnect after the broker restart");

            worker.Kill();
            await worker.WaitForExitAsync();
        }
        finally
        {
            if (!worker.HasExited)
            {
                worker.Kill();
                await worker.WaitForExitAsync();
            }

            worker.Dispose();
        }

        // The worker is dead; its persistent session keeps what units send meanwhile.
        await PublishPartAsync(2);
        publisher.Dispose();

        using Process restarted = run.StartProcess("run", "--config", config);
        try
        {
            Assert.Equal(expected, await run.WaitForStoredAsync(expected, s_deadline));
            // And it stays exact: nothing counted twice a little later either.
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(expected, await run.StoredVehiclesAsync());
        }
        finally
        {
            restarted.Kill();
            await restarted.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task SerialUnit_UnpluggedAndPluggedBack_EveryFrameWrittenWhileOpenIsCounted()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("e2e_serial");
        await using PtyPair pty = await PtyPair.StartAsync();
        run.Configure(o =>
        {
            o.Sites = [new SiteOptions { Id = "skepplanda", SpeedLimitKmh = 30 }];
            o.Units = [new UnitOptions { Id = "u-1", Site = "skepplanda", Transport = "serial", Format = "icoms", Serial = new SerialSettings { Port = pty.PathA } }];
            o.Binning.FlushInterval = TimeSpan.FromMilliseconds(500);
        });

        List<FrameChunk> frames = [.. SimulationPublisher.Frames(new SiteProfile("skepplanda", RoadType.VillageStreet30, 30), FrameFormat.IcomsTma296, 13, NowMs - 3_600_000, 3 * 3_600_000)];
        int half = frames.Count / 2;

        using IHost host = run.BuildHost(exitWhenDone: false);
        await host.StartAsync();
        try
        {
            await WriteAsync(pty.PathB, frames.Take(half));
            await WaitForFramesAsync(run, half);

            // Unplugged: the source notices the device is gone; then it is back at the same path and the source reopens it
            // (with its backoff) before the unit sends the rest.
            Devices.Serial.SerialVehicleSource source = Assert.Single(host.Services.GetRequiredService<IReadOnlyList<Devices.Serial.SerialVehicleSource>>());
            await pty.KillAsync();
            await WaitUntilAsync(() => !source.IsOpen, "the source did not notice the unplugged device");
            await pty.RecreateAsync();
            await WaitUntilAsync(() => source is { IsOpen: true, Opens: >= 2 }, "the source did not reopen the device");
            await WriteAsync(pty.PathB, frames.Skip(half));
            await WaitForFramesAsync(run, frames.Count);

            UnitStatus unit = Assert.Single(WorkerStatus.Read(Path.Combine(run.DataDirectory, WorkerStatus.FileName))!.Units);
            Assert.Equal(frames.Count, unit.Frames);
            Assert.Equal(frames.Count, unit.VehiclesAccepted + unit.Rejects.Values.Sum());
            Assert.Equal(unit.VehiclesAccepted, await run.WaitForStoredAsync(unit.VehiclesAccepted, s_deadline));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task WriteAsync(string device, IEnumerable<FrameChunk> frames)
    {
        await using var stream = new FileStream(device, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
        await SimulationPublisher.WriteSerialAsync(stream, frames, SimulationPacing.AsFastAsPossible);
    }

    private static async Task WaitForFramesAsync(WorkerRun run, long frames)
    {
        string path = Path.Combine(run.DataDirectory, WorkerStatus.FileName);
        var clock = Stopwatch.StartNew();
        while (WorkerStatus.Read(path) is not { } status || status.Units.Sum(u => u.Frames) < frames)
        {
            Assert.True(clock.Elapsed < s_deadline, $"fewer than {frames} frames arrived");
            await Task.Delay(100);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < s_deadline, failure);
            await Task.Delay(50);
        }
    }

    private static async Task WaitForStatusAsync(WorkerRun run, Func<WorkerStatus, bool> condition, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!(run.ReadStatus() is { } status && condition(status)))
        {
            Assert.True(clock.Elapsed < s_deadline, failure);
            await Task.Delay(100);
        }
    }
}
