using System.Diagnostics;

namespace Ale.Speed.Devices.Tests.Support;

/// <summary>
/// A real connected pseudo-terminal pair made by socat (<c>socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B</c>)
/// in a temporary folder: what is written to <see cref="PathA"/> is read at <see cref="PathB"/> and back. Killing it
/// removes both ends (a USB device unplugged); <see cref="RecreateAsync"/> makes a new pair at the same paths.
/// </summary>
public sealed class PtyPair : IAsyncDisposable
{
    private readonly string _directory;
    private Process? _process;

    private PtyPair(string directory)
    {
        _directory = directory;
        PathA = Path.Combine(directory, "unitA");
        PathB = Path.Combine(directory, "unitB");
    }

    /// <summary>The device's end (the simulated unit writes here).</summary>
    public string PathA { get; }

    /// <summary>The worker's end.</summary>
    public string PathB { get; }

    public static async Task<PtyPair> StartAsync()
    {
        string directory = Path.Combine(Path.GetTempPath(), "ale-pty-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var pair = new PtyPair(directory);
        await pair.RecreateAsync();
        return pair;
    }

    public async Task RecreateAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("The pair exists.");
        }

        _process = Process.Start(new ProcessStartInfo("socat", ["-d", "-d", $"pty,raw,echo=0,link={PathA}", $"pty,raw,echo=0,link={PathB}"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("socat did not start.");
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var deadline = Stopwatch.StartNew();
        while (!(File.Exists(PathA) && File.Exists(PathB)))
        {
            if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException("socat did not create the pty pair.");
            }

            await Task.Delay(20);
        }

        // Bytes written before socat enters its transfer loop wait in the pty's buffer: nothing to wait for here.
    }

    /// <summary>Removes the pair, as if the device were unplugged.</summary>
    public async Task KillAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _process = null;
        // Killed, socat cannot remove its links.
        File.Delete(PathA);
        File.Delete(PathB);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
