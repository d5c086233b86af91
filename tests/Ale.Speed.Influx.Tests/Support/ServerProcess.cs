using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ale.Speed.Influx.Tests.Support;

/// <summary>
/// A real server binary run as a child process on a loopback port with its data in a temporary folder.
/// <see cref="StopAsync"/> kills it and keeps its data; <see cref="StartAsync"/> starts it again on the same port;
/// disposing kills it and deletes the folder.
/// </summary>
public abstract class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_startDeadline = TimeSpan.FromSeconds(30);

    private readonly StringBuilder _output = new();
    private Process? _process;

    protected ServerProcess(string binary, string prefix)
    {
        BinaryPath = FindOnPath(binary) ?? throw new InvalidOperationException(
            $"'{binary}' is not installed. Run scripts/install-test-deps.sh (as root) to install the test servers.");
        Directory = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        Port = FreeLoopbackPort();
        Url = new Uri($"http://127.0.0.1:{Port}/");
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    public string BinaryPath { get; }

    /// <summary>Temporary folder with the server's configuration and data.</summary>
    public string Directory { get; }

    public int Port { get; }

    public Uri Url { get; }

    /// <summary>A client for the tests' own requests to this server.</summary>
    public HttpClient Http { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>What the process printed (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var start = new ProcessStartInfo(BinaryPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        foreach (var argument in Arguments())
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Path.GetFileName(BinaryPath)} exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                if (await IsReadyAsync())
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > s_startDeadline)
            {
                await StopAsync();
                throw new TimeoutException($"{Path.GetFileName(BinaryPath)} was not ready within {s_startDeadline.TotalSeconds} s:\n{Output}");
            }

            await Task.Delay(50);
        }

        await OnStartedAsync();
    }

    /// <summary>Kills the server (as a crash or a pulled cable would) and keeps its data.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }
        finally
        {
            process.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Http.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the temp folder is cleaned by the OS eventually.
        }

        GC.SuppressFinalize(this);
    }

    protected abstract IEnumerable<string> Arguments();

    protected abstract Task<bool> IsReadyAsync();

    protected virtual Task OnStartedAsync() => Task.CompletedTask;

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // Keep the tail only: a long test must not grow this without bound.
            if (_output.Length > 64 * 1024)
            {
                _output.Remove(0, _output.Length - 32 * 1024);
            }

            _output.AppendLine(line);
        }
    }

    private static string? FindOnPath(string binary)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                     .Concat(["/usr/bin", "/usr/sbin", "/usr/local/bin"]))
        {
            var candidate = Path.Combine(directory, binary);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
