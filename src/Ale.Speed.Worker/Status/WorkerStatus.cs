using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ale.Speed.Worker.Status;

/// <summary>
/// The running worker's live figures, rewritten every few seconds to <c>status.json</c> in the data directory; what
/// <c>ale-speed status</c> shows. A file older than a few intervals means the worker is not running.
/// </summary>
public sealed record WorkerStatus
{
    public const string FileName = "status.json";

    private static readonly JsonWriterOptions s_writerOptions = new() { Indented = StatusJsonContext.Default.Options.WriteIndented };

    public required string WriterId { get; init; }
    public required int ProcessId { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public required double IntervalSeconds { get; init; }
    public required long SpoolBytes { get; init; }
    public required long MaxSpoolBytes { get; init; }
    public required bool SpoolFull { get; init; }
    public required bool DiskFull { get; init; }
    public required long JournalLag { get; init; }
    public required long VehiclesJournaled { get; init; }
    public required long LateBinsRebuilt { get; init; }
    public long VehiclesAlreadyImported { get; init; }
    public required long JournalTruncatedBytes { get; init; }
    public required int UnwrittenBins { get; init; }
    public required long BinsWritten { get; init; }
    public DateTimeOffset? LastWriteSuccess { get; init; }
    public DateTimeOffset? LastWriteFailureAt { get; init; }
    public string? LastWriteFailure { get; init; }
    public required IReadOnlyList<UnitStatus> Units { get; init; }
    public required IReadOnlyDictionary<string, long> UnknownUnits { get; init; }
    public MqttStatus? Mqtt { get; init; }

    /// <summary>Unit coverage points (docs/schema.md): written, waiting for InfluxDB, dropped past the queue's bound.</summary>
    public CoverageStatus? Coverage { get; init; }

    /// <summary>What the worker found wrong at start without stopping (the rollups' retention policy's shard groups).</summary>
    public IReadOnlyList<string> StartupWarnings { get; init; } = [];

    /// <summary>When the worker shut down cleanly, every hosted service stopped (null while it runs, or when it was killed).</summary>
    public DateTimeOffset? StoppedAt { get; init; }

    public static WorkerStatus? Read(string path)
        => File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), StatusJsonContext.Default.WorkerStatus) : null;

    /// <summary>
    /// Serialised into <paramref name="buffer"/> (the worker reuses one every interval), written aside and renamed over,
    /// so a reader never sees half a file.
    /// </summary>
    internal void Write(string path, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            JsonSerializer.Serialize(writer, this, StatusJsonContext.Default.WorkerStatus);
        }

        string temporary = path + ".tmp";
        File.WriteAllBytes(temporary, buffer.WrittenSpan);
        File.Move(temporary, path, overwrite: true);
    }
}

public sealed record UnitStatus
{
    public required string Id { get; init; }
    public required string Site { get; init; }
    public required string Transport { get; init; }
    public required string Format { get; init; }
    public required long Frames { get; init; }
    public required long VehiclesAccepted { get; init; }
    public required long NoiseReadings { get; init; }
    /// <summary>Range reports (OPS243-C) read: well-formed, no speed, not rejects.</summary>
    public long RangeReports { get; init; }
    /// <summary>Settings answers and product information read: well-formed, no speed, not rejects.</summary>
    public long DeviceMessages { get; init; }
    public required IReadOnlyDictionary<string, long> Rejects { get; init; }
    public DateTimeOffset? LastVehicleAt { get; init; }
    public required bool Silent { get; init; }
}

public sealed record CoverageStatus(long Written, int Pending, long Dropped);

public sealed record MqttStatus(bool Connected, long MessagesReceived, long MessagesAcknowledged, long UnknownUnitMessages, long Reconnects)
{
    public string? ClientId { get; init; }
    public long SessionTakeovers { get; init; }
    public long AcknowledgementsSkipped { get; init; }
    public long RedeliveriesDeduplicated { get; init; }
    public long QuarantinedMessages { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WorkerStatus))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
