using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Ale.Speed.Devices.Tests.Support;

/// <summary>
/// A real Mosquitto (from the OS package, scripts/mosquitto.sh install) on a free loopback port with its own temporary
/// persistence folder. It can be stopped and started again on the same port and folder (a broker restart).
/// </summary>
/// <remarks>
/// <c>max_queued_messages 0</c> (unlimited): the default of 1000 silently drops messages for an offline persistent
/// client, which is exactly the situation of a worker that is restarting while units keep publishing.
/// </remarks>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _configPath;
    private Process? _process;

    private MosquittoBroker(string directory, int port, string configPath)
    {
        _directory = directory;
        Port = port;
        _configPath = configPath;
    }

    public int Port { get; }

    public Uri Uri => new($"mqtt://127.0.0.1:{Port}");

    public string Directory => _directory;

    public static string Executable => File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";

    /// <summary>Starts a broker. With <paramref name="users"/>, anonymous access is off and <paramref name="acl"/> applies.</summary>
    /// <param name="settings">Further lines of mosquitto.conf (e.g. <c>max_inflight_messages 0</c>).</param>
    public static async Task<MosquittoBroker> StartAsync(IReadOnlyDictionary<string, string>? users = null, string? acl = null, IEnumerable<string>? settings = null)
    {
        string directory = Path.Combine(Path.GetTempPath(), "ale-mosquitto-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        int port = FreePort();
        var config = new List<string>
        {
            $"listener {port} 127.0.0.1",
            "persistence true",
            $"persistence_location {directory}/",
            "max_queued_messages 0",
            "persistent_client_expiration 1d",
            $"log_dest file {directory}/mosquitto.log",
            "log_type error",
            "log_type warning",
            "log_type notice",
        };
        if (Environment.UserName == "root")
        {
            // Run as root, Mosquitto would drop to user "mosquitto", which cannot write our temporary folder.
            config.Add("user root");
        }

        if (users is null)
        {
            config.Add("allow_anonymous true");
        }
        else
        {
            string passwords = Path.Combine(directory, "passwd");
            foreach ((string user, string password) in users)
            {
                await RunToolAsync("mosquitto_passwd", File.Exists(passwords) ? ["-b", passwords, user, password] : ["-b", "-c", passwords, user, password]);
            }

            config.Add("allow_anonymous false");
            config.Add($"password_file {passwords}");
            if (acl is not null)
            {
                string aclPath = Path.Combine(directory, "acl");
                await File.WriteAllTextAsync(aclPath, acl);
                config.Add($"acl_file {aclPath}");
            }
        }

        config.AddRange(settings ?? []);
        string configPath = Path.Combine(directory, "mosquitto.conf");
        await File.WriteAllLinesAsync(configPath, config);
        var broker = new MosquittoBroker(directory, port, configPath);
        await broker.StartAgainAsync();
        return broker;
    }

    /// <summary>Starts the broker process (again) and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("The broker is running.");
        }

        var start = new ProcessStartInfo(Executable, ["-c", _configPath])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("mosquitto did not start.");
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (_process.HasExited)
            {
                string log = File.Exists(Path.Combine(_directory, "mosquitto.log")) ? await File.ReadAllTextAsync(Path.Combine(_directory, "mosquitto.log")) : "";
                throw new InvalidOperationException($"mosquitto exited with {_process.ExitCode}: {log}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException("mosquitto did not accept connections within 15 s.");
    }

    /// <summary>Stops the broker as a service manager would (SIGTERM): it saves its persistence file and exits.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        await RunToolAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
        _process.Dispose();
        _process = null;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAgainAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static async Task RunToolAsync(string tool, string[] arguments)
    {
        using Process process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException($"{tool} did not start.");
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }
    }
}
