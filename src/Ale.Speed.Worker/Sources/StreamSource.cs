using System.IO.Pipelines;
using Ale.Speed.Devices.Ingestion;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Worker.Sources;

/// <summary>
/// Reads one unit's frames from a byte stream — a file (Transport <c>file</c>) or standard input (<c>stdin</c>) — through
/// the unit's native parser (<see cref="IngestLoop"/>), and commits each read's vehicles to the journal before reading on
/// (backpressure); a file's cursor moves after each commit.
/// Frames without their own timestamp get the time they were read.
/// </summary>
internal sealed class StreamSource(UnitRoute route, Func<Stream> open, string description, IDurableVehicleSink sink,
    TimeProvider timeProvider, ILogger logger, FileCursor? cursor = null)
{
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string UnitId => route.Unit.Id;

    /// <summary>Completes when the stream has been read to its end and every vehicle is durable.</summary>
    public Task Completed => _completed.Task;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using Stream stream = open();
            long start = 0;
            if (cursor is not null && stream.CanSeek)
            {
                start = cursor.ReadOffset(stream.Length);
                stream.Seek(start, SeekOrigin.Begin);
                if (start > 0)
                {
                    Log.SourceResumed(logger, route.Unit.Id, description, start);
                }
            }

            PipeReader reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: false));
            Log.SourceStarted(logger, route.Unit.Id, description);
            IIngestProgress? progress = cursor is null ? null : new CursorProgress(cursor, stream, start);
            await new IngestLoop(route.Native, sink, timeProvider, progress).RunAsync(reader, cancellationToken).ConfigureAwait(false);
            Log.SourceFinished(logger, route.Unit.Id, description, route.Native.Counters.VehiclesAccepted, route.Native.Counters.TotalRejects);
            _completed.TrySetResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _completed.TrySetCanceled(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.SourceFailed(logger, route.Unit.Id, description, ex.Message);
            _completed.TrySetException(ex);
        }
    }

    /// <summary>Moves the file's cursor once a read's vehicles are durable.</summary>
    private sealed class CursorProgress(FileCursor cursor, Stream stream, long start) : IIngestProgress
    {
        public void Committed(long consumedBytes) => cursor.Write(start + consumedBytes, stream.CanSeek ? stream.Length : 0);
    }
}

internal static partial class Log
{
    [LoggerMessage(6040, LogLevel.Information, "Unit {Unit}: reading {Source}")]
    public static partial void SourceStarted(ILogger logger, string unit, string source);

    [LoggerMessage(6041, LogLevel.Information, "Unit {Unit}: {Source} read to its end ({Accepted} vehicles accepted, {Rejects} rejects)")]
    public static partial void SourceFinished(ILogger logger, string unit, string source, long accepted, long rejects);

    [LoggerMessage(6043, LogLevel.Information, "Unit {Unit}: resuming {Source} at byte {Offset} (read before a restart)")]
    public static partial void SourceResumed(ILogger logger, string unit, string source, long offset);

    [LoggerMessage(6042, LogLevel.Error, "Unit {Unit}: cannot read {Source}: {Reason}")]
    public static partial void SourceFailed(ILogger logger, string unit, string source, string reason);
}
