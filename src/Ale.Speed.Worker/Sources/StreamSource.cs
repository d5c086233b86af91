using System.Buffers;
using System.IO.Pipelines;
using Ale.Speed.Devices.Ingestion;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Worker.Sources;

/// <summary>
/// Reads one unit's frames from a byte stream — a file (Transport <c>file</c>) or standard input (<c>stdin</c>) — through
/// the unit's native parser, and commits each read's vehicles to the journal before reading on (backpressure).
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
        var batch = new VehicleBatch();
        try
        {
            await using Stream stream = open();
            long position = 0;
            if (cursor is not null && stream.CanSeek)
            {
                position = cursor.ReadOffset(stream.Length);
                stream.Seek(position, SeekOrigin.Begin);
                if (position > 0)
                {
                    Log.SourceResumed(logger, route.Unit.Id, description, position);
                }
            }

            PipeReader reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: false));
            Log.SourceStarted(logger, route.Unit.Id, description);
            while (true)
            {
                ReadResult read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = read.Buffer;
                long arrivalMs = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
                SequencePosition consumed = route.Native.Ingest(buffer, arrivalMs, batch, isFinalBlock: read.IsCompleted);
                if (read.IsCompleted)
                {
                    route.Native.Complete(batch);
                }

                // Everything before `consumed` is parsed; what follows is an incomplete line.
                SequencePosition done = read.IsCompleted ? buffer.End : consumed;
                position += buffer.Slice(0, done).Length;
                reader.AdvanceTo(done, buffer.End);
                await sink.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
                batch.Clear();
                cursor?.Write(position, stream.CanSeek ? stream.Length : 0);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            await reader.CompleteAsync().ConfigureAwait(false);
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
