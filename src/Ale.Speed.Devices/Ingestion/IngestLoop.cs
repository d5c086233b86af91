using System.Buffers;
using System.IO.Pipelines;
using Ale.Speed.Core.Ingest;

namespace Ale.Speed.Devices.Ingestion;

/// <summary>What a source adds to <see cref="IngestLoop"/>: counting what arrives, recording how far it is durable.</summary>
public interface IIngestProgress
{
    /// <summary>A read brought <paramref name="bytes"/> new bytes (called before they are parsed).</summary>
    void Received(long bytes)
    {
    }

    /// <summary>The first <paramref name="consumedBytes"/> bytes of this run are parsed and their vehicles durable.</summary>
    void Committed(long consumedBytes)
    {
    }
}

/// <summary>
/// The one read → ingest → commit loop of every byte-stream source (serial line, file, standard input) and of
/// <c>ale-speed import</c>: read what the <see cref="PipeReader"/> has, parse it with the read's arrival time through
/// the unit's <see cref="UnitIngest"/>, hand the accepted vehicles to the sink and wait until they are durable, only then
/// advance and read on (backpressure). What differs by source is passed in: the sink, an <see cref="IIngestProgress"/>,
/// whether a quiet line closes bursts, and what the end of input means.
/// </summary>
/// <remarks>One instance per unit stream, used by one loop at a time. Allocation-free per frame once warm.</remarks>
public sealed class IngestLoop
{
    private readonly UnitIngest _ingest;
    private readonly IDurableVehicleSink _sink;
    private readonly TimeProvider _timeProvider;
    private readonly IIngestProgress? _progress;
    private readonly TimeSpan _idleFlushInterval;
    private readonly bool _completeAtEnd;
    private readonly VehicleBatch _batch = new();
    private Task? _idle;
    private bool _readOutstanding;

    /// <param name="idleFlushInterval">
    /// Positive: while a read waits this long, an open burst is checked for completion (<see cref="UnitIngest.FlushIdle"/>),
    /// so the last vehicle before a quiet spell is not held back until the next one. Zero: never (files, imports).
    /// </param>
    /// <param name="completeAtEnd">
    /// True where the end of input is the end of the data (a file, standard input, an import): an unterminated last line
    /// counts as a frame and open bursts close. False for a device line, whose end means the device went away: a
    /// partial frame is dropped with the connection and bursts stay open for the next one.
    /// </param>
    public IngestLoop(UnitIngest ingest, IDurableVehicleSink sink, TimeProvider timeProvider, IIngestProgress? progress = null,
        TimeSpan idleFlushInterval = default, bool completeAtEnd = true)
    {
        ArgumentNullException.ThrowIfNull(ingest);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(idleFlushInterval, TimeSpan.Zero);
        _ingest = ingest;
        _sink = sink;
        _timeProvider = timeProvider;
        _progress = progress;
        _idleFlushInterval = idleFlushInterval;
        _completeAtEnd = completeAtEnd;
    }

    /// <summary>Reads <paramref name="reader"/> to its end, committing every read's vehicles before the next read.</summary>
    public async Task RunAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _idle = null;
        _readOutstanding = false;
        long consumed = 0;
        long carried = 0;
        try
        {
            while (true)
            {
                ReadResult read = await ReadAsync(reader, cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = read.Buffer;
                _progress?.Received(buffer.Length - carried);
                long arrivalMs = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
                bool final = read.IsCompleted && _completeAtEnd;
                SequencePosition parsed = _ingest.Ingest(buffer, arrivalMs, _batch, isFinalBlock: final);
                if (final)
                {
                    _ingest.Complete(_batch);
                    parsed = buffer.End;
                }

                // Everything before `parsed` is done with; what follows is an incomplete frame.
                long used = buffer.Slice(0, parsed).Length;
                carried = buffer.Length - used;
                consumed += used;
                reader.AdvanceTo(parsed, buffer.End);
                await CommitAsync(cancellationToken).ConfigureAwait(false);
                _progress?.Committed(consumed);
                if (read.IsCompleted)
                {
                    return;
                }
            }
        }
        finally
        {
            // A read still outstanding (cancelled while the line was quiet) may yet write into the reader's pooled
            // buffers: leave those to the garbage collector rather than return them to the pool.
            if (!_readOutstanding)
            {
                await reader.CompleteAsync().ConfigureAwait(false);
            }
        }
    }

    private async ValueTask<ReadResult> ReadAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        ValueTask<ReadResult> next = reader.ReadAsync(cancellationToken);
        if (next.IsCompleted || _idleFlushInterval == TimeSpan.Zero || _ingest.Detector is null)
        {
            return await next.ConfigureAwait(false);
        }

        // The read stays outstanding while the quiet line is checked; nothing else touches the reader meanwhile.
        Task<ReadResult> pending = next.AsTask();
        _readOutstanding = true;
        try
        {
            while (true)
            {
                _idle ??= Task.Delay(_idleFlushInterval, _timeProvider, cancellationToken);
                if (await Task.WhenAny(pending, _idle).ConfigureAwait(false) == pending)
                {
                    _readOutstanding = false;
                    return await pending.ConfigureAwait(false);
                }

                _idle = null;
                cancellationToken.ThrowIfCancellationRequested();
                _ingest.FlushIdle(_timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), _batch);
                await CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (!pending.IsCompleted)
            {
                // Closing the source fails the read; observe it so it is not reported as unobserved.
                _ = pending.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    private async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        if (_batch.Count > 0)
        {
            await _sink.CommitAsync(_batch, cancellationToken).ConfigureAwait(false);
            _batch.Clear();
        }
    }
}
