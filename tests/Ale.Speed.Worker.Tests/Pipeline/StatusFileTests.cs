using System.Buffers;
using Ale.Speed.Worker.Status;

namespace Ale.Speed.Worker.Tests.Pipeline;

/// <summary>status.json is rewritten every interval through one reused buffer; each file holds exactly the last status.</summary>
public sealed class StatusFileTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("ale-status");

    [Fact]
    public void Write_ShorterStatusAfterALongerOne_ThroughTheSameBuffer_FileHoldsOnlyTheShorter()
    {
        string path = Path.Combine(_directory.FullName, WorkerStatus.FileName);
        var buffer = new ArrayBufferWriter<byte>();
        DateTimeOffset at = new(2026, 12, 6, 6, 0, 0, TimeSpan.Zero);
        WorkerStatus failing = Status(at) with
        {
            LastWriteFailureAt = at,
            LastWriteFailure = "Unreachable (HTTP 0)",
            UnknownUnits = new Dictionary<string, long> { ["u-stray"] = 12 },
            Units = [Unit("u-1", new Dictionary<string, long> { ["Malformed"] = 3, ["SpeedOutOfRange"] = 1 })],
        };
        failing.Write(path, buffer);
        long longer = new FileInfo(path).Length;

        Status(at.AddSeconds(2)).Write(path, buffer);

        Assert.True(new FileInfo(path).Length < longer);
        WorkerStatus read = WorkerStatus.Read(path)!;
        Assert.Equal(at.AddSeconds(2), read.UpdatedAt);
        Assert.Null(read.LastWriteFailure);
        Assert.Empty(read.UnknownUnits);
        Assert.Empty(Assert.Single(read.Units).Rejects);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Print_AfterACleanShutdown_SaysStoppedEvenWhileTheFileIsFresh()
    {
        // A run that has just ended (the demo's --exit-when-done) must not read as running for the next seconds.
        var at = new DateTimeOffset(2026, 12, 6, 6, 0, 0, TimeSpan.Zero);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(at.AddSeconds(1));
        string path = Path.Combine(_directory.FullName, WorkerStatus.FileName);

        Status(at).Write(path, new ArrayBufferWriter<byte>());
        var running = new StringWriter();
        StatusPrinter.Print(_directory.FullName, clock, running);

        (Status(at) with { StoppedAt = at }).Write(path, new ArrayBufferWriter<byte>());
        var stopped = new StringWriter();
        StatusPrinter.Print(_directory.FullName, clock, stopped);

        Assert.Contains("RUNNING — status updated 1.0 s ago", running.ToString(), StringComparison.Ordinal);
        Assert.Contains("STOPPED — shut down cleanly at 2026-12-06 06:00:00Z", stopped.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("RUNNING", stopped.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private static WorkerStatus Status(DateTimeOffset at) => new()
    {
        WriterId = "edge-ale-7f3a9c2e",
        ProcessId = 4242,
        StartedAt = at.AddHours(-1),
        UpdatedAt = at,
        IntervalSeconds = 2,
        SpoolBytes = 0,
        MaxSpoolBytes = 1 << 30,
        SpoolFull = false,
        DiskFull = false,
        JournalLag = 0,
        VehiclesJournaled = 10,
        LateBinsRebuilt = 0,
        JournalTruncatedBytes = 0,
        UnwrittenBins = 0,
        BinsWritten = 4,
        Units = [Unit("u-1", new Dictionary<string, long>())],
        UnknownUnits = new Dictionary<string, long>(),
    };

    private static UnitStatus Unit(string id, IReadOnlyDictionary<string, long> rejects) => new()
    {
        Id = id,
        Site = "nodinge-ale-torg",
        Transport = "mqtt",
        Format = "canonical",
        Frames = 10 + rejects.Values.Sum(),
        VehiclesAccepted = 10,
        NoiseReadings = 0,
        Rejects = rejects,
        Silent = false,
    };
}
