using System.Globalization;

namespace Ale.Speed.Worker.Hosting;

/// <summary>
/// <c>run</c>'s exclusive claim on its data directory, held for the worker's lifetime: <c>worker.lock</c> opened with
/// <see cref="FileShare.None"/> (on Linux .NET takes an exclusive <c>flock</c>, which every other .NET process respects;
/// the kernel drops it when the process dies, even by SIGKILL). Who holds it is written beside it in <c>worker.pid</c>,
/// which stays readable. Read commands and <c>import</c> do not take it.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    public const string LockFileName = "worker.lock";
    public const string OwnerFileName = "worker.pid";

    private readonly FileStream _lock;

    private DataDirectoryLock(FileStream lockFile) => _lock = lockFile;

    /// <summary>Takes the lock, or returns null with a message naming the directory and the process holding it.</summary>
    public static DataDirectoryLock? TryAcquire(string dataDirectory, TimeProvider timeProvider, out string? refusal)
    {
        Directory.CreateDirectory(dataDirectory);
        string lockPath = Path.Combine(dataDirectory, LockFileName);
        string ownerPath = Path.Combine(dataDirectory, OwnerFileName);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            string owner = File.Exists(ownerPath) ? File.ReadAllText(ownerPath).Trim() : "another process (it has not written its id yet)";
            refusal = $"data directory '{Path.GetFullPath(dataDirectory)}' is in use by {owner}. One worker per data directory: stop that one first, or give this one its own DataDirectory.";
            return null;
        }

        string me = string.Create(CultureInfo.InvariantCulture,
            $"process {Environment.ProcessId} (ale-speed run on {Environment.MachineName}, started {timeProvider.GetUtcNow():yyyy-MM-dd HH:mm:ss}Z)");
        File.WriteAllText(ownerPath, me + Environment.NewLine);
        refusal = null;
        return new DataDirectoryLock(lockFile);
    }

    public void Dispose() => _lock.Dispose();
}
