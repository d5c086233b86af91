using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Devices.Mqtt;
using Ale.Speed.Devices.Simulation;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;

namespace Ale.Speed.Benchmarks.Mqtt;

/// <summary>
/// Vehicles per second through the MQTT path on loopback: a unit client publishing canonical NDJSON at QoS 1 (awaiting
/// every PUBACK, 32 messages in flight) → a real Mosquitto (persistence on) → <see cref="MqttVehicleSource"/> → a sink
/// → the worker's journal loop (<see cref="JournalWriter"/>: group commit with fsync before the PUBACK) → its
/// <see cref="BinStore"/>. One operation = one vehicle. Needs Mosquitto (scripts/mosquitto.sh install).
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project benchmarks/Ale.Speed.Benchmarks -- --filter '*MqttPathBenchmarks*'</c>.
/// Bounded: 20,000 vehicles per invocation, three measured iterations.
/// </remarks>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class MqttPathBenchmarks
{
    private const int VehiclesPerInvoke = 20_000;
    private const int InFlight = 32;

    private string _directory = null!;
    private Process _broker = null!;
    private MqttVehicleSource _source = null!;
    private CancellationTokenSource _stop = null!;
    private Task _run = null!;
    private IMqttClient _unit = null!;
    private JournalWriter _sink = null!;
    private Task _journalLoop = null!;
    private byte[][] _messages = [];
    private long _nextSeq = 1;
    private readonly long _baseMs = DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeMilliseconds();

    [Params(10, 100)]
    public int VehiclesPerMessage { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "ale-mqtt-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        int port = FreePort();
        string config = Path.Combine(_directory, "mosquitto.conf");
        File.WriteAllLines(config,
        [
            $"listener {port} 127.0.0.1", "allow_anonymous true", "persistence true", $"persistence_location {_directory}/",
            "max_queued_messages 0", Environment.UserName == "root" ? "user root" : "",
        ]);
        _broker = Process.Start(new ProcessStartInfo(File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto", ["-c", config])
        { RedirectStandardError = true, RedirectStandardOutput = true }) ?? throw new InvalidOperationException("mosquitto did not start");
        WaitForPort(port);

        var unit = new Unit { Id = "bench-1", Site = new Site("bench", "Bench", 50), Format = FrameFormat.Canonical };
        var router = new UnitRouter([unit], TimeProvider.System, filterOptions: new FilterOptions { DuplicateCapacity = 16_384 });
        // The worker's own journal loop (group commit with fsync, then bins), not a stand-in.
        var activity = new UnitActivity([new UnitRegistration(unit, Transport.Mqtt, TimeSpan.FromHours(1), null, null)], TimeProvider.System);
        _sink = JournalWriter.Open(new JournalOptions(Path.Combine(_directory, "journal"), 64L * 1024 * 1024, long.MaxValue, TimeSpan.FromDays(7), TimeSpan.Zero),
            [unit], router, new BinStore(new BinningOptions(), TimeProvider.System), TimeProvider.System, NullLogger.Instance, activity);
        _source = new MqttVehicleSource(new MqttSourceOptions { BrokerUri = new Uri($"mqtt://127.0.0.1:{port}"), ClientId = "bench-worker", UnitIds = ["bench-1"] }, router, _sink);
        _stop = new CancellationTokenSource();
        _journalLoop = _sink.RunAsync(_stop.Token);
        _run = _source.RunAsync(_stop.Token);
        SpinWait.SpinUntil(() => _source.IsConnected, TimeSpan.FromSeconds(10));
        _unit = SimulationPublisher.ConnectAsync(new Uri($"mqtt://127.0.0.1:{port}"), "bench-unit").GetAwaiter().GetResult();
    }

    [IterationSetup]
    public void PrepareMessages()
    {
        // Fresh sequence numbers each time, so the duplicate filter lets every vehicle through.
        var messages = new List<byte[]>(VehiclesPerInvoke / VehiclesPerMessage);
        var text = new StringBuilder();
        for (int m = 0; m < VehiclesPerInvoke / VehiclesPerMessage; m++)
        {
            text.Clear();
            for (int i = 0; i < VehiclesPerMessage; i++)
            {
                long seq = _nextSeq++;
                string ts = DateTimeOffset.FromUnixTimeMilliseconds(_baseMs + (seq * 37)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                text.Append(CultureInfo.InvariantCulture, $"{{\"ts\":\"{ts}\",\"kmh\":{30 + (seq % 400) / 10.0:0.0},\"dir\":\"{(seq % 2 == 0 ? "in" : "out")}\",\"seq\":{seq}}}\n");
            }

            messages.Add(Encoding.UTF8.GetBytes(text.ToString()));
        }

        _messages = [.. messages];
    }

    [Benchmark(OperationsPerInvoke = VehiclesPerInvoke)]
    public long PublishToBins()
    {
        long target = _sink.VehiclesJournaled + VehiclesPerInvoke;
        var inFlight = new Queue<Task<MqttClientPublishResult>>(InFlight);
        foreach (byte[] message in _messages)
        {
            if (inFlight.Count == InFlight)
            {
                Check(inFlight.Dequeue().GetAwaiter().GetResult());
            }

            inFlight.Enqueue(SimulationPublisher.TryPublishOneAsync(_unit, "ale/speed/bench-1/vehicle", message));
        }

        while (inFlight.Count > 0)
        {
            Check(inFlight.Dequeue().GetAwaiter().GetResult());
        }

        if (!SpinWait.SpinUntil(() => _sink.VehiclesJournaled >= target, TimeSpan.FromSeconds(120)))
        {
            throw new TimeoutException($"{_sink.VehiclesJournaled} of {target} vehicles arrived.");
        }

        return _sink.VehiclesJournaled;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // Printed into the run's log: a reconnect during the measurement would be a finding, not noise.
        Console.WriteLine($"// source: received {_source.MessagesReceived}, acknowledged {_source.MessagesAcknowledged}, reconnects {_source.Reconnects}, stale skipped {_source.StaleMessagesSkipped}");
        _unit.Dispose();
        _stop.Cancel();
        _run.GetAwaiter().GetResult();
        _source.DisposeAsync().AsTask().GetAwaiter().GetResult();
        try
        {
            _journalLoop.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        _sink.Dispose();
        _broker.Kill();
        _broker.WaitForExit();
        _broker.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static void Check(MqttClientPublishResult result)
    {
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"publish refused: {result.ReasonCode}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void WaitForPort(int port)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new TimeoutException("mosquitto did not listen");
    }
}
