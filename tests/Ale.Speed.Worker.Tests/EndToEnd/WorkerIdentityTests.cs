using System.Diagnostics;
using Ale.Speed.Core.Frames;
using Ale.Speed.Devices.Simulation;
using Ale.Speed.Devices.Tests.Support;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Hosting;
using Ale.Speed.Worker.Status;
using Ale.Speed.Worker.Tests.Support;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Worker.Tests.EndToEnd;

/// <summary>
/// One worker per data directory (a second <c>run</c> refuses, naming the holder; read commands and <c>import</c> work
/// beside it), and ids that never collide between edge boxes cloned from one image — against real InfluxDB and Mosquitto.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class WorkerIdentityTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(60);

    private static long NowMs => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    private static DateTimeOffset DaysAgo(double days)
        => DateTimeOffset.FromUnixTimeMilliseconds(NowMs / 3_600_000 * 3_600_000).AddDays(-days);

    [Fact]
    public async Task SecondRunOnTheSameDataDirectory_StopsWithinSecondsNamingItAndTheHolder_WhileStatusAndImportWork()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("single_instance");
        SimulatedUnit live = run.AddUnit("u-1", "nodinge", 40, DaysAgo(2), TimeSpan.FromHours(12), seed: 21);
        SimulatedUnit readOut = run.AddUnit("u-2", "alafors", 50, DaysAgo(2), TimeSpan.FromHours(12), seed: 22);
        run.Configure(o => o.Units[1].Transport = "manual");
        string config = run.WriteConfigFile();

        using Process first = run.StartProcess("run", "--config", config);
        try
        {
            var clock = Stopwatch.StartNew();
            while (run.ReadStatus() is not { } running || running.ProcessId != first.Id)
            {
                Assert.True(clock.Elapsed < s_deadline, "the first worker did not start");
                await Task.Delay(100);
            }

            (int exit, _, string errors) = await run.RunCommandAsync(TimeSpan.FromSeconds(20), "run", "--config", config);
            Assert.Equal(3, exit);
            Assert.Contains(Path.GetFullPath(run.DataDirectory), errors, StringComparison.Ordinal);
            Assert.Contains($"process {first.Id}", errors, StringComparison.Ordinal);

            (exit, string status, _) = await run.RunCommandAsync(s_deadline, "status", "--config", config);
            Assert.Equal(0, exit);
            Assert.Contains("u-1", status, StringComparison.Ordinal);

            (exit, _, errors) = await run.RunCommandAsync(s_deadline, "import", readOut.Path, "--unit", "u-2", "--config", config, "--output", "json");
            Assert.True(exit == 0, errors);
        }
        finally
        {
            first.Kill();
            await first.WaitForExitAsync();
        }

        // Killed with SIGKILL, the lock goes with the process: the next run starts and stores everything once.
        (int code, _, string runErrors) = await run.RunCommandAsync(s_deadline, "run", "--config", config, "--exit-when-done");
        Assert.True(code == 0, runErrors);
        Assert.Equal(live.Vehicles.Count + readOut.Vehicles.Count, await run.StoredVehiclesAsync());
    }

    [Fact]
    public async Task TwoWorkersClonedFromOneImage_OwnIdsNoSessionTakeoverEveryVehicleStoredOnce()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("cloned_edges");
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        var traffic = new Dictionary<string, List<FrameChunk>>
        {
            ["u-1"] = [.. SimulationPublisher.Frames(new SiteProfile("nodinge", RoadType.TownCentre40, 40), FrameFormat.Canonical, 31, NowMs - 86_400_000, 6 * 3_600_000)],
            ["u-2"] = [.. SimulationPublisher.Frames(new SiteProfile("nol", RoadType.Rural70, 70), FrameFormat.Canonical, 32, NowMs - 86_400_000, 6 * 3_600_000)],
        };

        // The same configuration but for its unit, no WriterId or ClientId, and one host name: two boxes from one image.
        var hosts = new List<IHost>();
        var ids = new List<string>();
        foreach ((string unit, string site, int limit) in new[] { ("u-1", "nodinge", 40), ("u-2", "nol", 70) })
        {
            AleSpeedOptions options = run.Configure(o =>
            {
                o.DataDirectory = Path.Combine(run.Directory, "box-" + unit);
                o.WriterId = null;
                o.Sites = [new SiteOptions { Id = "nodinge", SpeedLimitKmh = 40 }, new SiteOptions { Id = "nol", SpeedLimitKmh = 70 }];
                o.Units = [new UnitOptions { Id = unit, Site = site, Transport = "mqtt", Format = "canonical" }];
                o.Mqtt = new MqttSettings { Url = broker.Uri.ToString() };
                o.Binning.FlushInterval = TimeSpan.FromMilliseconds(500);
            });
            WorkerSettings? settings = WorkerSettings.TryCreate(options, InstanceIdentity.GetOrCreate(options.DataDirectory!, "edge-ale"), out List<string> errors);
            Assert.True(settings is not null, string.Join(Environment.NewLine, errors));
            ids.Add(settings!.WriterId);
            IHost host = WorkerApp.Build(settings, exitWhenDone: false, logging: l => l.SetMinimumLevel(LogLevel.Warning));
            await host.StartAsync();
            hosts.Add(host);
        }

        try
        {
            Assert.NotEqual(ids[0], ids[1]);
            Assert.All(ids, id => Assert.StartsWith("edge-ale-", id, StringComparison.Ordinal));
            foreach (string dataDirectory in new[] { "box-u-1", "box-u-2" }.Select(d => Path.Combine(run.Directory, d)))
            {
                await WaitForAsync(() => WorkerStatus.Read(Path.Combine(dataDirectory, WorkerStatus.FileName)) is { Mqtt.Connected: true }, "a worker never subscribed");
            }

            using MQTTnet.IMqttClient units = await SimulationPublisher.ConnectAsync(broker.Uri, "units");
            foreach ((string unit, List<FrameChunk> frames) in traffic)
            {
                await SimulationPublisher.PublishAsync(units, SimulationPublisher.TopicFor(unit, raw: false), frames, linesPerMessage: 1);
            }

            long expected = traffic.Values.Sum(f => f.Count);
            Assert.Equal(expected, await run.WaitForStoredAsync(expected, s_deadline));
            foreach (string dataDirectory in new[] { "box-u-1", "box-u-2" }.Select(d => Path.Combine(run.Directory, d)))
            {
                MqttStatus mqtt = WorkerStatus.Read(Path.Combine(dataDirectory, WorkerStatus.FileName))!.Mqtt!;
                Assert.Equal(0, mqtt.SessionTakeovers);
                Assert.Equal(0, mqtt.UnknownUnitMessages);
                Assert.Equal(0, mqtt.Reconnects);
            }
        }
        finally
        {
            foreach (IHost host in hosts)
            {
                await host.StopAsync();
                host.Dispose();
            }
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!Safe(condition))
        {
            Assert.True(clock.Elapsed < s_deadline, failure);
            await Task.Delay(100);
        }

        static bool Safe(Func<bool> condition)
        {
            try
            {
                return condition();
            }
            catch (IOException)
            {
                return false;
            }
        }
    }
}
