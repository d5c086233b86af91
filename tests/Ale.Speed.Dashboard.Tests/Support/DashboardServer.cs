using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Tests.Support;

namespace Ale.Speed.Dashboard.Tests.Support;

/// <summary>
/// A real InfluxDB holding three weeks of traffic at three sites (one showing speeds, one in stealth mode, one with an
/// A-traktor evening pattern and an outage) and the follow-up's registers (<see cref="FollowUpRegisters"/>), a
/// configuration file, and the real <c>ale-speed serve</c> as a child process.
/// The CLI is run against the same configuration, so a test compares the dashboard with what the CLI prints.
/// </summary>
public sealed class DashboardServer : IAsyncLifetime
{
    public const string Nodinge = "t-nodinge";
    public const string Alvangen = "t-alvangen";
    public const string Skepplanda = "t-skepplanda";

    /// <summary>Three whole weeks, Monday to Monday (Stockholm time).</summary>
    public static readonly long From = Traffic.Local(2026, 11, 2);
    public static readonly long To = Traffic.Local(2026, 11, 23);
    public static readonly long OutageFrom = Traffic.Local(2026, 11, 10, 8);
    public static readonly long OutageTo = Traffic.Local(2026, 11, 10, 20);

    private readonly StringBuilder _serveOutput = new();
    private Process? _serve;

    public InfluxDbServer Influx { get; private set; } = null!;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "ale-speed-dashboard-" + Guid.NewGuid().ToString("N"));

    public string ConfigPath => Path.Combine(Directory, "ale-speed.json");

    public Uri Url { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public string ServeOutput
    {
        get
        {
            lock (_serveOutput)
            {
                return _serveOutput.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        Influx = await InfluxDbServer.StartNewAsync("ale_dashboard");
        await Traffic.WriteAsync(Influx, Vehicles(), "cabinet-1");
        // Answers are kept an hour here: the data does not change after the start, and a test that checks a hit must not depend on timing.
        WriteConfig(ConfigPath, "http://127.0.0.1:0", new() { ["CacheSeconds"] = 3600 });
        await FollowUpRegisters.StoreAsync(this);
        (_serve, Url) = await StartServeAsync(ConfigPath, _serveOutput);
    }

    public async Task DisposeAsync()
    {
        if (_serve is { HasExited: false })
        {
            _serve.Kill(entireProcessTree: true);
            await _serve.WaitForExitAsync();
        }

        _serve?.Dispose();
        Http.Dispose();
        await Influx.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying process: the temporary folder is left behind.
        }
    }

    /// <summary>A query string from name/value pairs (values escaped).</summary>
    public static string Query(params (string Name, string Value)[] parameters)
        => string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));

    public async Task<(int Status, string Body, string? ContentType)> GetAsync(string pathAndQuery)
    {
        using HttpResponseMessage response = await Http.GetAsync(new Uri(Url, pathAndQuery));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }

    /// <summary>Runs <c>ale-speed ARGS --config F</c> to its end and returns exit code, standard output and standard error.</summary>
    public Task<(int Exit, string Output, string Errors)> CliAsync(params string[] arguments) => RunAsync([.. arguments, "--config", ConfigPath]);

    public static async Task<(int Exit, string Output, string Errors)> RunAsync(string[] arguments, string? standardInput = null)
    {
        using Process process = Process.Start(StartInfo(arguments, standardInput is not null))!;
        if (standardInput is not null)
        {
            await process.StandardInput.WriteLineAsync(standardInput);
            process.StandardInput.Close();
        }

        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await errors);
    }

    /// <summary>Writes a configuration for this InfluxDB with the dashboard at <paramref name="url"/>; <paramref name="dashboard"/> adds keys.</summary>
    public void WriteConfig(string path, string url, Dictionary<string, object>? dashboard = null)
    {
        var dashboardSection = new Dictionary<string, object> { ["Url"] = url };
        foreach ((string key, object value) in dashboard ?? [])
        {
            dashboardSection[key] = value;
        }

        var config = new
        {
            AleSpeed = new
            {
                DataDirectory = Path.Combine(Directory, "data"),
                Sites = new object[]
                {
                    new { Id = Nodinge, Name = "Ale torg, Nödinge", SpeedLimitKmh = 40, Latitude = 57.8937, Longitude = 12.0603 },
                    new { Id = Alvangen, Name = "Göteborgsvägen, Älvängen", SpeedLimitKmh = 50, Latitude = 57.9587, Longitude = 12.1178 },
                    new { Id = Skepplanda, Name = "Byvägen, Skepplanda", SpeedLimitKmh = 70 },
                },
                Units = new object[]
                {
                    new { Id = "u-nod", Site = Nodinge, Transport = "manual", Format = "canonical", SilentAfter = "04:00:00" },
                    new { Id = "u-alv", Site = Alvangen, Transport = "manual", Format = "canonical", DisplayMode = "stealth", SilentAfter = "04:00:00" },
                    new { Id = "u-ske", Site = Skepplanda, Transport = "manual", Format = "canonical", SilentAfter = "04:00:00" },
                },
                Influx = new { Url = Influx.Url.ToString(), Api = "v1", Database = Influx.Database },
                Dashboard = dashboardSection,
                FollowUpRegisters.Commitment,
            },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(config));
    }

    /// <summary>Starts <c>ale-speed serve</c> and waits (with a deadline) for the line that names its URL.</summary>
    public static async Task<(Process Process, Uri Url)> StartServeAsync(string configPath, StringBuilder output)
    {
        Process process = Process.Start(StartInfo(["serve", "--config", configPath], redirectInput: false))!;
        var url = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data.StartsWith("Dashboard: ", StringComparison.Ordinal))
            {
                url.TrySetResult(new Uri(e.Data["Dashboard: ".Length..]));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Task exited = process.WaitForExitAsync();
        Task first = await Task.WhenAny(url.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != url.Task)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("ale-speed serve did not start: " + output);
        }

        return (process, await url.Task);
    }

    private static ProcessStartInfo StartInfo(string[] arguments, bool redirectInput)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectInput };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ale-speed.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>Traffic with a known shape: speeding evenings at Nödinge, A-traktors at Skepplanda, an outage at Nödinge.</summary>
    private static List<Vehicle> Vehicles()
    {
        var nodinge = new Unit { Id = "u-nod", Site = new Site(Nodinge, "Ale torg, Nödinge", 40) };
        var alvangen = new Unit { Id = "u-alv", Site = new Site(Alvangen, "Göteborgsvägen, Älvängen", 50), DisplayMode = DisplayMode.Stealth };
        var skepplanda = new Unit { Id = "u-ske", Site = new Site(Skepplanda, "Byvägen, Skepplanda", 70) };
        var random = new Random(20261102);
        var vehicles = new List<Vehicle>();
        foreach ((Unit unit, int limit) in new[] { (nodinge, 40), (alvangen, 50), (skepplanda, 70) })
        {
            for (long hour = From; hour < To; hour += Traffic.HourMs)
            {
                if (unit == nodinge && hour >= OutageFrom && hour < OutageTo)
                {
                    continue;
                }

                int local = Traffic.ToLocal(hour).Hour;
                bool evening = local is >= 19 and < 23;
                int count = local is >= 6 and < 22 ? 8 + random.Next(20) : random.Next(4);
                for (int i = 0; i < count; i++)
                {
                    double speed = evening && unit == nodinge ? Traffic.Normal(random, limit + 12, 8) : Traffic.Normal(random, limit + 1, 6);
                    vehicles.Add(Traffic.Vehicle(unit, hour + random.NextInt64(Traffic.HourMs), speed,
                        random.Next(2) == 0 ? Direction.Approaching : Direction.Receding, random.Next(10) == 0 ? VehicleClass.Heavy : VehicleClass.Car));
                }

                if (unit == skepplanda && evening)
                {
                    for (int i = 0; i < 3; i++)
                    {
                        vehicles.Add(Traffic.Vehicle(unit, hour + random.NextInt64(Traffic.HourMs), 28 + random.NextDouble() * 5, Direction.Approaching, VehicleClass.ATraktor));
                    }
                }
            }
        }

        return vehicles;
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardServer>
{
    public const string Name = "dashboard";
}
