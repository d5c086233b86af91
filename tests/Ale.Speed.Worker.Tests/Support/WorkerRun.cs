using System.Diagnostics;
using System.Text.Json;
using Ale.Speed.Core.Frames;
using Ale.Speed.Devices.Simulation;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Worker.Tests.Support;

/// <summary>A site, its simulated traffic written as a unit's canonical file, and the raw vehicles to check against.</summary>
public sealed record SimulatedUnit(string UnitId, string SiteId, int LimitKmh, string Path, IReadOnlyList<SimulatedVehicle> Vehicles);

/// <summary>Builds a worker configuration around a real InfluxDB and simulated units, and runs the worker in or out of process.</summary>
public sealed class WorkerRun : IAsyncDisposable
{
    private WorkerRun(InfluxDbServer influx, string directory)
    {
        Influx = influx;
        Directory = directory;
    }

    public InfluxDbServer Influx { get; }

    public string Directory { get; }

    public string DataDirectory => Path.Combine(Directory, "data");

    public List<SimulatedUnit> Units { get; } = [];

    public AleSpeedOptions Options { get; private set; } = null!;

    public static async Task<WorkerRun> CreateAsync(string database)
    {
        InfluxDbServer influx = await InfluxDbServer.StartNewAsync(database);
        string directory = Path.Combine(Path.GetTempPath(), "ale-speed-worker-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return new WorkerRun(influx, directory);
    }

    /// <summary>Simulates <paramref name="duration"/> of traffic at a site into a canonical file.</summary>
    public SimulatedUnit AddUnit(string unitId, string siteId, int limitKmh, DateTimeOffset start, TimeSpan duration, ulong seed)
    {
        var profile = new SiteProfile(siteId, Commands.SimulateCommand.RoadTypeFor(limitKmh), limitKmh);
        List<SimulatedVehicle> vehicles = [.. new TrafficSimulator(profile, seed).Simulate(start, duration)];
        string path = Path.Combine(Directory, unitId + ".ndjson");
        WriteFrames(path, FrameFormat.Canonical, vehicles);
        var unit = new SimulatedUnit(unitId, siteId, limitKmh, path, vehicles);
        Units.Add(unit);
        return unit;
    }

    /// <summary>Writes <paramref name="vehicles"/> as a unit of <paramref name="format"/> would send them.</summary>
    public static void WriteFrames(string path, FrameFormat format, IEnumerable<SimulatedVehicle> vehicles)
    {
        using FileStream file = File.Create(path);
        foreach (FrameChunk chunk in FrameEncoder.Create(format).Encode(vehicles))
        {
            file.Write(chunk.Bytes.Span);
        }
    }

    public AleSpeedOptions Configure(Action<AleSpeedOptions>? adjust = null)
    {
        var options = new AleSpeedOptions
        {
            DataDirectory = DataDirectory,
            WriterId = "test-worker",
            Sites = [.. Units.Select(u => new SiteOptions { Id = u.SiteId, Name = u.SiteId, SpeedLimitKmh = u.LimitKmh })],
            Units = [.. Units.Select(u => new UnitOptions { Id = u.UnitId, Site = u.SiteId, Transport = "file", Format = "canonical", Path = u.Path })],
            Influx = new InfluxSettings { Url = Influx.Url.ToString(), Api = "v1", Database = Influx.Database },
        };
        options.Binning.FlushInterval = TimeSpan.FromSeconds(1);
        options.Status.Interval = TimeSpan.FromMilliseconds(250);
        adjust?.Invoke(options);
        Options = options;
        return options;
    }

    public WorkerSettings Settings()
    {
        WorkerSettings? settings = WorkerSettings.TryCreate(Options, "test-host", out List<string> errors);
        Assert.True(settings is not null, string.Join(Environment.NewLine, errors));
        return settings!;
    }

    /// <summary>The worker in this process; <paramref name="exitWhenDone"/> stops it once the files are read and stored.</summary>
    public IHost BuildHost(bool exitWhenDone)
        => WorkerApp.Build(Settings(), exitWhenDone, logging: l => l.SetMinimumLevel(LogLevel.Warning));

    public string WriteConfigFile()
    {
        string path = Path.Combine(Directory, "ale-speed.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new Dictionary<string, AleSpeedOptions> { [AleSpeedOptions.SectionName] = Options }));
        return path;
    }

    /// <summary>The real <c>ale-speed</c> command as a child process (for SIGKILL).</summary>
    public Process StartProcess(params string[] arguments) => StartProcess(redirectInput: false, arguments);

    /// <summary>As <see cref="StartProcess(string[])"/>; with <paramref name="redirectInput"/> the test writes its standard input.</summary>
    public Process StartProcess(bool redirectInput, params string[] arguments)
    {
        string dll = typeof(WorkerApp).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectInput };
        start.ArgumentList.Add(dll);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs an <c>ale-speed</c> command to its end (within <paramref name="deadline"/>); returns its exit code and output.</summary>
    public async Task<(int Exit, string Output, string Errors)> RunCommandAsync(TimeSpan deadline, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(WorkerApp).Assembly.Location);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(deadline);
        }
        catch (TimeoutException)
        {
            process.Kill();
            throw;
        }

        return (process.ExitCode, await output, await errors);
    }

    /// <summary>The worker's status file, or null when it is not there yet or is being swapped (it is replaced by a rename).</summary>
    public Status.WorkerStatus? ReadStatus()
    {
        try
        {
            return Status.WorkerStatus.Read(Path.Combine(DataDirectory, Status.WorkerStatus.FileName));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<StoredBin>> ReadStoredAsync()
    {
        long from = Units.SelectMany(u => u.Vehicles).Min(v => v.TimestampMs) - 86_400_000;
        long to = Units.SelectMany(u => u.Vehicles).Max(v => v.TimestampMs) + 86_400_000;
        var reader = new BinReader(new InfluxQueryClient(Influx.Http, Influx.Options()));
        return BinReader.MergeWriters(await reader.ReadAsync(from, to));
    }

    public async Task<long> StoredVehiclesAsync()
    {
        IReadOnlyList<InfluxSeries> series = await Influx.QueryClient().QueryAsync("SELECT sum(\"count\") FROM speed_bin");
        return series.Count == 0 ? 0 : series[0].Values[0][1].GetInt64();
    }

    /// <summary>Waits until InfluxDB holds <paramref name="expected"/> vehicles (or the deadline passes); returns what it holds.</summary>
    public async Task<long> WaitForStoredAsync(long expected, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        long stored;
        while ((stored = await StoredVehiclesAsync()) != expected && clock.Elapsed < deadline)
        {
            await Task.Delay(200);
        }

        return stored;
    }

    public async ValueTask DisposeAsync()
    {
        await Influx.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
