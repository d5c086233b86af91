using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Ale.Speed.Worker.Status;

namespace Ale.Speed.Worker.Configuration;

/// <summary>
/// The worker's own id, created once per data directory and kept in <c>instance-id</c>: the default writer id (and so
/// the default MQTT client id), so edge boxes cloned from one image, which share a host name, never share an id. The
/// host name is its readable prefix (<c>edge-ale-7f3a9c2e</c>).
/// </summary>
internal static partial class InstanceIdentity
{
    public const string FileName = "instance-id";

    /// <summary>
    /// The data directory's id; created when missing. A directory that already holds a journal keeps the id it has been
    /// writing bins under (the writer id of its last status, else the host name, which was the default), so an upgrade
    /// does not count its bins again under a new writer.
    /// </summary>
    public static string GetOrCreate(string dataDirectory, string hostName)
    {
        string path = Path.Combine(dataDirectory, FileName);
        if (TryRead(dataDirectory) is { } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(dataDirectory);
        string id = EarlierWriterId(dataDirectory, hostName) ?? Readable(hostName) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        string temporary = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(temporary, id + Environment.NewLine);
        try
        {
            File.Move(temporary, path, overwrite: false);
            return id;
        }
        catch (IOException) when (TryRead(dataDirectory) is { } winner)
        {
            // Another process created it at the same moment: there is one id per directory, and it is theirs.
            File.Delete(temporary);
            return winner;
        }
    }

    /// <summary>The id, if this data directory has one (read commands never create it).</summary>
    public static string? TryRead(string dataDirectory)
    {
        string path = Path.Combine(dataDirectory, FileName);
        return File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } id ? id : null;
    }

    private static string? EarlierWriterId(string dataDirectory, string hostName)
    {
        string journal = Path.Combine(dataDirectory, "journal");
        if (!Directory.Exists(journal) || !Directory.EnumerateFiles(journal, "*", SearchOption.AllDirectories).Any())
        {
            return null;
        }

        try
        {
            return WorkerStatus.Read(Path.Combine(dataDirectory, WorkerStatus.FileName))?.WriterId ?? hostName;
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException)
        {
            return hostName;
        }
    }

    /// <summary>The host name as a tag- and topic-safe prefix.</summary>
    private static string Readable(string hostName)
    {
        string prefix = NotReadable().Replace(hostName.ToLowerInvariant(), "-").Trim('-');
        return prefix.Length == 0 ? "ale-speed" : prefix[..Math.Min(prefix.Length, 40)];
    }

    [GeneratedRegex("[^a-z0-9.-]+")]
    private static partial Regex NotReadable();
}
