using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Ale.Speed.Devices.Simulation;
using Ale.Speed.Devices.Tests.Support;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Status;
using MQTTnet;

namespace Ale.Speed.FaultTool;

/// <summary>How big a fault run is. Everything is on loopback and bounded in count and time.</summary>
public sealed record FaultRunOptions
{
    public int Workers { get; init; } = 3;
    public int Units { get; init; } = 100;
    public int Vehicles { get; init; } = 100_000;
    /// <summary>Vehicles per second over all units (one vehicle per message); 0 = as fast as the broker acknowledges.</summary>
    public double Rate { get; init; } = 2_000;
    public int MaxFaults { get; init; } = 12;
    public TimeSpan FaultInterval { get; init; } = TimeSpan.FromSeconds(4);
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Vehicles sent over a serial pty (unplugged and plugged back); 0 = no serial unit.</summary>
    public int SerialVehicles { get; init; } = 600;
    public ulong Seed { get; init; } = 13;
    /// <summary>How often the workers' resident memory is sampled (0 = never).</summary>
    public TimeSpan MemorySampleInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// Measures one worker's own ceiling: the worker is stopped while the units publish (the broker queues every message
    /// for its persistent session), then started, and the rate at which it journals the backlog is timed.
    /// </summary>
    public bool Drain { get; init; }

    /// <summary>Mosquitto's <c>max_inflight_messages</c> (QoS 1 messages sent to a client before its PUBACKs); null = its default, 20.</summary>
    public int? BrokerInflight { get; init; }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Workers is < 1 or > 8) errors.Add("--workers must be 1–8.");
        if (Units is < 1 or > 1_000) errors.Add("--units must be 1–1000.");
        if (Vehicles < Units || Vehicles > 5_000_000) errors.Add("--vehicles must be at least --units and at most 5,000,000.");
        if (MaxFaults is < 0 or > 200) errors.Add("--faults must be 0–200.");
        if (MaxDuration <= TimeSpan.Zero || MaxDuration > TimeSpan.FromHours(1)) errors.Add("--minutes must be above 0 and at most 60.");
        if (SerialVehicles is < 0 or > 100_000) errors.Add("--serial-vehicles must be 0–100,000.");
        if (Rate < 0) errors.Add("--rate must not be negative.");
        if (Drain && (Workers != 1 || MaxFaults != 0 || SerialVehicles != 0)) errors.Add("--drain needs --workers 1 --faults 0 --serial-vehicles 0.");
        return errors;
    }
}

public sealed record FaultEvent(TimeSpan At, string What);

public sealed record MemorySample(TimeSpan At, int Worker, long ResidentBytes);

public sealed record FaultRunResult(long MqttSent, long SerialSent, long Stored, IReadOnlyList<FaultEvent> Faults, TimeSpan PublishTime, TimeSpan Elapsed,
    long Republished, long SessionTakeovers, long UnknownUnitMessages, IReadOnlyList<MemorySample> Memory)
{
    /// <summary>With --drain: the worker's journal count and CPU time (user + system) over time, after it was started on the queued backlog.</summary>
    public IReadOnlyList<(TimeSpan At, long Journaled, TimeSpan Cpu)> Drain { get; init; } = [];


    public long Sent => MqttSent + SerialSent;

    public bool Exact => Stored == Sent;
}

/// <summary>
/// N workers (processes) on one shared MQTT subscription, a real Mosquitto and InfluxDB 1.6 and a serial pty: publishes a
/// known set of vehicles from many simulated units, one vehicle per message, while it SIGKILLs and restarts workers,
/// restarts the broker and InfluxDB and unplugs the pty; then checks that the stored total equals what was sent.
/// </summary>
public sealed class FaultRun : IAsyncDisposable
{
    private const string SerialUnit = "serial-1";
    private const int InFlightPerPublisher = 32;

    private readonly FaultRunOptions _options;
    private readonly TextWriter _log;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ale-fault-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<FaultEvent> _faults = [];
    private readonly List<MemorySample> _memory = [];
    private readonly Random _random;
    private readonly object _lock = new();
    private InfluxDbServer? _influx;
    private MosquittoBroker? _broker;
    private PtyPair? _pty;
    private Process?[] _workers = [];
    private string[] _configs = [];
    private volatile TaskCompletionSource _publishGate = Open();
    private int _publishersWaiting;
    private int _publishers;
    private int _brokerEpoch;
    private long _republished;

    public FaultRun(FaultRunOptions options, TextWriter log)
    {
        _options = options;
        _log = log;
        _random = new Random((int)options.Seed);
    }

    private static string WorkerDll => typeof(AleSpeedOptions).Assembly.Location;

    private static TaskCompletionSource Open()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    public async Task<FaultRunResult> RunAsync(CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_options.MaxDuration);
        CancellationToken ct = bounded.Token;
        Directory.CreateDirectory(_directory);
        _influx = await InfluxDbServer.StartNewAsync("fault");
        _broker = await MosquittoBroker.StartAsync(settings: _options.BrokerInflight is int inflight ? [$"max_inflight_messages {inflight}"] : null);
        _pty = _options.SerialVehicles > 0 ? await PtyPair.StartAsync() : null;
        Note($"started InfluxDB 1.6 on {_influx.Url}, Mosquitto on {_broker.Uri}{(_pty is null ? "" : ", serial pty " + _pty.PathA)}");

        WriteConfigs();
        _workers = new Process?[_options.Workers];
        for (int w = 0; w < _options.Workers; w++)
        {
            StartWorker(w);
        }

        for (int w = 0; w < _options.Workers; w++)
        {
            await WaitForAsync(() => Status(w) is { Mqtt.Connected: true }, $"worker {w} to subscribe", ct);
        }

        Note($"{_options.Workers} workers subscribed to $share/workers/… for {_options.Units} units");
        Dictionary<string, List<byte[]>> messages = BuildMessages();
        long mqttSent = messages.Values.Sum(m => m.Count);
        List<byte[]> serialFrames = BuildSerialFrames();
        int serialWritten = 0;
        if (_pty is not null)
        {
            await WaitForLogAsync(0, "opened " + _pty.PathA, 1, ct);
            serialWritten += await WriteSerialAsync(serialFrames, serialWritten, serialFrames.Count / 3, ct);
        }

        if (_options.Drain)
        {
            // The broker now queues every message for the stopped worker's persistent session.
            StopWorker(0);
            Note("worker 0 stopped: the broker queues for its session");
        }

        var publishClock = Stopwatch.StartNew();
        Task publishing = PublishAllAsync(messages, ct);
        Task memory = SampleMemoryAsync(ct);
        // Every kind once before any repeats; all of them are caused even if the units finish publishing first.
        string[] rotation = ["kill-worker", "restart-influxdb", "restart-broker", "unplug-serial"];
        int faults = 0;
        while (faults < _options.MaxFaults)
        {
            await Task.Delay(Jitter(_options.FaultInterval), ct);
            string fault = rotation[faults % rotation.Length];
            faults++;
            switch (fault)
            {
                case "kill-worker" when _options.Workers > 1:
                    // Not worker 0: it reads the serial line, and what a device sends while nobody reads it is gone.
                    await KillAndRestartWorkerAsync(1 + _random.Next(_options.Workers - 1), ct);
                    break;
                case "restart-influxdb":
                    await RestartInfluxAsync(ct);
                    break;
                case "restart-broker":
                    await RestartBrokerAsync(ct);
                    break;
                case "unplug-serial" when _pty is not null:
                    serialWritten += await UnplugSerialAsync(serialFrames, serialWritten, ct);
                    break;
                default:
                    faults--;
                    rotation = [.. rotation.Where(r => r != fault)];
                    if (rotation.Length == 0)
                    {
                        faults = _options.MaxFaults;
                    }

                    break;
            }
        }

        await publishing;
        TimeSpan publishTime = publishClock.Elapsed;
        Note($"published {mqttSent:N0} vehicles (one per message) in {publishTime.TotalSeconds:F1} s ≈ {mqttSent / publishTime.TotalSeconds:N0}/s");
        List<(TimeSpan, long, TimeSpan)> drain = _options.Drain ? await DrainAsync(mqttSent, ct) : [];
        if (_pty is not null && serialWritten < serialFrames.Count)
        {
            serialWritten += await WriteSerialAsync(serialFrames, serialWritten, serialFrames.Count - serialWritten, ct);
        }

        long expected = mqttSent + serialWritten;
        long stored = await WaitForStoredAsync(expected, ct);
        Note($"stored {stored:N0} of {expected:N0}");
        await bounded.CancelAsync();
        await Quietly(memory);

        WorkerStatus?[] statuses = [.. Enumerable.Range(0, _options.Workers).Select(Status)];
        return new FaultRunResult(mqttSent, serialWritten, stored, [.. _faults], publishTime, _clock.Elapsed, Interlocked.Read(ref _republished),
            statuses.Sum(s => s?.Mqtt?.SessionTakeovers ?? 0), statuses.Sum(s => s?.Mqtt?.UnknownUnitMessages ?? 0), [.. _memory]) { Drain = drain };
    }

    /// <summary>Starts the stopped worker on the queued backlog and samples its journal count until it holds every vehicle.</summary>
    private async Task<List<(TimeSpan, long, TimeSpan)>> DrainAsync(long expected, CancellationToken ct)
    {
        StartWorker(0);
        int pid = _workers[0]!.Id;
        Note($"worker 0 started on the backlog (pid {pid})");
        var samples = new List<(TimeSpan, long, TimeSpan)>();
        long journaled = 0;
        while (journaled < expected)
        {
            if (ct.IsCancellationRequested)
            {
                throw new TimeoutException("Gave up waiting for the worker to drain the backlog (the run's time bound).");
            }

            if (Status(0) is { } status && status.ProcessId == pid && status.VehiclesJournaled != journaled)
            {
                journaled = status.VehiclesJournaled;
                samples.Add((_clock.Elapsed, journaled, CpuTime(pid)));
            }

            await Task.Delay(20, CancellationToken.None);
        }

        Note($"worker 0 journaled all {journaled:N0}");
        return samples;
    }

    /// <summary>User + system CPU time of a process (/proc/pid/stat, clock ticks of 10 ms).</summary>
    private static TimeSpan CpuTime(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the name: state is field 3, utime 14 and stime 15 (1-based over the whole line).
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    private void StopWorker(int w)
    {
        Process worker = _workers[w]!;
        worker.Kill();
        worker.WaitForExit();
        _workers[w] = null;
        worker.Dispose();
    }

    private void Note(string text)
    {
        lock (_lock)
        {
            _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,7:F1} s] {text}"));
        }
    }

    private void Fault(string text)
    {
        lock (_lock)
        {
            _faults.Add(new FaultEvent(_clock.Elapsed, text));
        }

        Note("FAULT " + text);
    }

    private TimeSpan Jitter(TimeSpan around) => around * (0.5 + _random.NextDouble());

    private void WriteConfigs()
    {
        int sites = (_options.Units + 9) / 10;
        var siteOptions = Enumerable.Range(0, sites).Select(s => new SiteOptions { Id = $"site-{s:000}", SpeedLimitKmh = 50 }).ToList();
        siteOptions.Add(new SiteOptions { Id = "site-serial", SpeedLimitKmh = 30 });
        _configs = new string[_options.Workers];
        for (int w = 0; w < _options.Workers; w++)
        {
            var units = Enumerable.Range(0, _options.Units)
                .Select(u => new UnitOptions { Id = UnitId(u), Site = $"site-{u / 10:000}", Transport = "mqtt", Format = "canonical" }).ToList();
            if (w == 0 && _pty is not null)
            {
                units.Add(new UnitOptions { Id = SerialUnit, Site = "site-serial", Transport = "serial", Format = "canonical", Serial = new SerialSettings { Port = _pty.PathA } });
            }

            var options = new AleSpeedOptions
            {
                DataDirectory = Path.Combine(_directory, $"worker-{w}"),
                Sites = siteOptions,
                Units = units,
                Mqtt = new MqttSettings { Url = _broker!.Uri.ToString(), SharedGroup = _options.Drain ? null : "workers" },
                Influx = new InfluxSettings { Url = _influx!.Url.ToString(), Api = "v1", Database = _influx.Database, Timeout = TimeSpan.FromSeconds(5) },
            };
            options.Binning.FlushInterval = TimeSpan.FromSeconds(1);
            options.Status.Interval = TimeSpan.FromMilliseconds(500);
            _configs[w] = Path.Combine(_directory, $"worker-{w}.json");
            File.WriteAllText(_configs[w], JsonSerializer.Serialize(new Dictionary<string, AleSpeedOptions> { [AleSpeedOptions.SectionName] = options }));
        }
    }

    private static string UnitId(int u) => string.Create(CultureInfo.InvariantCulture, $"u-{u:000}");

    private string DataDirectory(int w) => Path.Combine(_directory, $"worker-{w}");

    private string LogPath(int w) => Path.Combine(_directory, $"worker-{w}.log");

    private void StartWorker(int w)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(WorkerDll);
        start.ArgumentList.Add("run");
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(_configs[w]);
        Process process = Process.Start(start)!;
        var log = new StreamWriter(LogPath(w), append: true) { AutoFlush = true };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.WriteLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Exited += (_, _) => log.Dispose();
        process.EnableRaisingEvents = true;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _workers[w] = process;
    }

    private WorkerStatus? Status(int w)
    {
        try
        {
            return WorkerStatus.Read(Path.Combine(DataDirectory(w), WorkerStatus.FileName));
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    private int CountLog(int w, string text)
    {
        try
        {
            using var stream = new FileStream(LogPath(w), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            int count = 0;
            while (reader.ReadLine() is { } line)
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    count++;
                }
            }

            return count;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private Task WaitForLogAsync(int w, string text, int count, CancellationToken ct)
        => WaitForAsync(() => CountLog(w, text) >= count, $"worker {w} to log '{text}' {count} times", ct);

    private static async Task WaitForAsync(Func<bool> condition, string what, CancellationToken ct)
    {
        while (!condition())
        {
            if (ct.IsCancellationRequested)
            {
                throw new TimeoutException($"Gave up waiting for {what} (the run's time bound).");
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    private Dictionary<string, List<byte[]>> BuildMessages()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var random = new Random((int)_options.Seed + 1);
        var messages = new Dictionary<string, List<byte[]>>();
        for (int u = 0; u < _options.Units; u++)
        {
            int count = _options.Vehicles / _options.Units + (u < _options.Vehicles % _options.Units ? 1 : 0);
            // Spread over the last six hours; sequence numbers from 1, as a unit numbers its records.
            long spacing = Math.Max(1, 6 * 3_600_000L / count);
            long first = now - 6 * 3_600_000L - 60_000;
            var list = new List<byte[]>(count);
            for (int i = 1; i <= count; i++)
            {
                list.Add(CanonicalRecord(first + i * spacing, 25 + random.NextDouble() * 50, i % 2 == 0, i));
            }

            messages[UnitId(u)] = list;
        }

        return messages;
    }

    private List<byte[]> BuildSerialFrames()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var random = new Random((int)_options.Seed + 2);
        return [.. Enumerable.Range(1, _options.SerialVehicles).Select(i => CanonicalRecord(now - 3_600_000L + i * 1_000L, 15 + random.NextDouble() * 30, i % 3 == 0, i))];
    }

    private static byte[] CanonicalRecord(long ms, double kmh, bool receding, long seq)
        => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{{\"ts\":\"{DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\",\"kmh\":{kmh:0.0},\"dir\":\"{(receding ? "out" : "in")}\",\"seq\":{seq}}}\n"));

    /// <summary>Publishers, each for its share of the units, round-robin over them, every PUBACK awaited; paced to the rate.</summary>
    private async Task PublishAllAsync(Dictionary<string, List<byte[]>> messages, CancellationToken ct)
    {
        int publishers = Math.Min(8, _options.Units);
        Volatile.Write(ref _publishers, publishers);
        var shares = Enumerable.Range(0, publishers).Select(p => messages.Keys.Where((_, i) => i % publishers == p).ToList()).ToList();
        double perPublisher = _options.Rate / publishers;
        await Task.WhenAll(shares.Select((units, p) => PublishShareAsync(p, units.Select(u => (u, messages[u])).ToList(), perPublisher, ct)));
    }

    private async Task PublishShareAsync(int publisher, List<(string Unit, List<byte[]> Messages)> units, double rate, CancellationToken ct)
    {
        var order = new List<(string Topic, byte[] Payload)>();
        int longest = units.Max(u => u.Messages.Count);
        for (int i = 0; i < longest; i++)
        {
            foreach ((string unit, List<byte[]> list) in units)
            {
                if (i < list.Count)
                {
                    order.Add((SimulationPublisher.TopicFor(unit, raw: false), list[i]));
                }
            }
        }

        IMqttClient? client = null;
        int epoch = -1;
        var clock = Stopwatch.StartNew();
        try
        {
            for (int next = 0; next < order.Count;)
            {
                await WaitAtGateAsync(ct);
                if (client is not { IsConnected: true } || epoch != Volatile.Read(ref _brokerEpoch))
                {
                    // After a broker restart, a fresh connection rather than waiting for the old one to notice.
                    client?.Dispose();
                    epoch = Volatile.Read(ref _brokerEpoch);
                    client = await SimulationPublisher.ConnectAsync(_broker!.Uri, $"units-{publisher}", cancellationToken: ct);
                }

                if (rate > 0 && next / rate > clock.Elapsed.TotalSeconds)
                {
                    await Task.Delay(TimeSpan.FromSeconds(next / rate) - clock.Elapsed, ct);
                }

                int batch = Math.Min(InFlightPerPublisher, order.Count - next);
                var pending = new Task<MqttClientPublishResult>[batch];
                for (int i = 0; i < batch; i++)
                {
                    pending[i] = SimulationPublisher.TryPublishOneAsync(client, order[next + i].Topic, order[next + i].Payload, ct);
                }

                int acknowledged = 0;
                for (int i = 0; i < batch; i++)
                {
                    try
                    {
                        if (!(await pending[i]).IsSuccess)
                        {
                            break;
                        }

                        acknowledged++;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        break;
                    }
                }

                // A message without its PUBACK is sent again (at least once, as a unit does); counted.
                Interlocked.Add(ref _republished, batch - acknowledged);
                next += acknowledged;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _publishers);
            client?.Dispose();
        }
    }

    private async Task WaitAtGateAsync(CancellationToken ct)
    {
        TaskCompletionSource gate = _publishGate;
        if (gate.Task.IsCompleted)
        {
            return;
        }

        Interlocked.Increment(ref _publishersWaiting);
        try
        {
            await gate.Task.WaitAsync(ct);
        }
        finally
        {
            Interlocked.Decrement(ref _publishersWaiting);
        }
    }

    private async Task KillAndRestartWorkerAsync(int w, CancellationToken ct)
    {
        Process worker = _workers[w]!;
        int pid = worker.Id;
        worker.Kill();
        await worker.WaitForExitAsync(ct);
        _workers[w] = null;
        worker.Dispose();
        Fault($"SIGKILL worker {w} (pid {pid})");
        await Task.Delay(Jitter(TimeSpan.FromSeconds(1)), ct);
        StartWorker(w);
        Note($"worker {w} restarted (pid {_workers[w]!.Id})");
    }

    private async Task RestartInfluxAsync(CancellationToken ct)
    {
        await _influx!.StopAsync();
        Fault("InfluxDB stopped");
        await Task.Delay(Jitter(TimeSpan.FromSeconds(3)), ct);
        await _influx.StartAsync();
        Note("InfluxDB started again");
    }

    /// <summary>
    /// The units hold their messages while the broker restarts (each waits for its PUBACKs first): a message whose PUBACK
    /// is lost in the restart would be sent again, and over a shared subscription its copy may reach another worker,
    /// whose duplicate filter has not seen it.
    /// </summary>
    private async Task RestartBrokerAsync(CancellationToken ct)
    {
        _publishGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await WaitForAsync(() => Volatile.Read(ref _publishersWaiting) >= Volatile.Read(ref _publishers), "the units to hold their messages", ct);
        await _broker!.StopAsync();
        Fault("Mosquitto stopped (SIGTERM)");
        await Task.Delay(Jitter(TimeSpan.FromSeconds(1)), ct);
        await _broker.StartAgainAsync();
        DateTimeOffset started = DateTimeOffset.UtcNow;
        Note("Mosquitto started again");
        // Mosquitto 2.0 does not bring shared subscriptions back from its persistence file: until a worker has subscribed
        // again, nobody receives what the units publish, and the broker drops it. So the units wait for the workers.
        await WaitForAsync(() => Enumerable.Range(0, _options.Workers).All(w => Status(w) is { Mqtt.Connected: true } s && s.UpdatedAt > started),
            "the workers to subscribe again", ct);
        Note("every worker subscribed again");
        Interlocked.Increment(ref _brokerEpoch);
        _publishGate.TrySetResult();
    }

    private async Task<int> UnplugSerialAsync(List<byte[]> frames, int written, CancellationToken ct)
    {
        int lost = CountLog(0, "failed or disappeared");
        int opened = CountLog(0, "opened " + _pty!.PathA);
        await _pty.KillAsync();
        Fault("serial device unplugged");
        await WaitForLogAsync(0, "failed or disappeared", lost + 1, ct);
        await Task.Delay(Jitter(TimeSpan.FromSeconds(1)), ct);
        await _pty.RecreateAsync();
        await WaitForLogAsync(0, "opened " + _pty.PathA, opened + 1, ct);
        Note("serial device plugged back in and reopened");
        return await WriteSerialAsync(frames, written, Math.Min(frames.Count - written, Math.Max(1, frames.Count / 4)), ct);
    }

    /// <summary>Writes frames while the worker has the port open, and waits until it has read them all.</summary>
    private async Task<int> WriteSerialAsync(List<byte[]> frames, int from, int count, CancellationToken ct)
    {
        await using (var device = new FileStream(_pty!.PathB, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1))
        {
            for (int i = from; i < from + count; i++)
            {
                await device.WriteAsync(frames[i], ct);
            }
        }

        await WaitForAsync(() => Status(0)?.Units.FirstOrDefault(u => u.Id == SerialUnit) is { } unit && unit.Frames >= from + count, "the serial frames to be read", ct);
        return count;
    }

    private async Task SampleMemoryAsync(CancellationToken ct)
    {
        if (_options.MemorySampleInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.MemorySampleInterval);
        while (await timer.WaitForNextTickAsync(ct))
        {
            for (int w = 0; w < _workers.Length; w++)
            {
                if (_workers[w] is { HasExited: false } process && ResidentBytes(process.Id) is long bytes)
                {
                    lock (_lock)
                    {
                        _memory.Add(new MemorySample(_clock.Elapsed, w, bytes));
                    }
                }
            }
        }
    }

    private static long? ResidentBytes(int pid)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private async Task<long> WaitForStoredAsync(long expected, CancellationToken ct)
    {
        QueryClientHolder query = new(_influx!);
        long stored = 0;
        var settled = Stopwatch.StartNew();
        while (!ct.IsCancellationRequested)
        {
            stored = await query.StoredAsync();
            bool quiet = Enumerable.Range(0, _options.Workers).All(w => Status(w) is { JournalLag: 0, UnwrittenBins: 0 });
            if (stored != expected || !quiet)
            {
                settled.Restart();
            }
            else if (settled.Elapsed > TimeSpan.FromSeconds(3))
            {
                // Equal, every worker idle, and still equal a few seconds later: nothing more is coming.
                return stored;
            }

            await Task.Delay(250, CancellationToken.None);
        }

        return stored;
    }

    private sealed class QueryClientHolder(InfluxDbServer influx)
    {
        public async Task<long> StoredAsync()
        {
            try
            {
                IReadOnlyList<InfluxSeries> series = await influx.QueryClient().QueryAsync("SELECT sum(\"count\") FROM speed_bin");
                return series.Count == 0 ? 0 : series[0].Values[0][1].GetInt64();
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException)
            {
                return -1;
            }
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (Process? worker in _workers)
        {
            if (worker is null)
            {
                continue;
            }

            try
            {
                worker.Kill();
                await worker.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            worker.Dispose();
        }

        if (_pty is not null)
        {
            await _pty.DisposeAsync();
        }

        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        if (_influx is not null)
        {
            await _influx.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
