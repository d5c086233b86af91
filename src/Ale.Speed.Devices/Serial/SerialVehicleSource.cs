using System.IO.Pipelines;
using System.IO.Ports;
using Ale.Speed.Core.Ingest;
using Ale.Speed.Devices.Ingestion;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ale.Speed.Devices.Serial;

/// <summary>One unit on a serial line (RS-232, USB serial, or a pseudo-terminal in tests).</summary>
public sealed record SerialUnitOptions
{
    /// <summary>The registered unit this line belongs to (its format and filters come from the unit).</summary>
    public required string UnitId { get; init; }

    /// <summary>Device path, e.g. <c>/dev/ttyUSB0</c> or a stable <c>/dev/serial/by-id/…</c> link.</summary>
    public required string PortPath { get; init; }

    public int BaudRate { get; init; } = 9600;

    public Parity Parity { get; init; } = Parity.None;

    public int DataBits { get; init; } = 8;

    public StopBits StopBits { get; init; } = StopBits.One;

    /// <summary>First delay before reopening a port that failed or disappeared; doubles up to <see cref="MaxReopenDelay"/>.</summary>
    public TimeSpan ReopenDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxReopenDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the line must be quiet before an open burst is checked for completion.</summary>
    public TimeSpan IdleFlushInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The slowest line speed accepted (the oldest teleprinter rate); radar units use 9600 or more.</summary>
    public const int MinBaudRate = 50;

    public const int MaxBaudRate = 4_000_000;

    /// <summary>Every problem, each starting with the property it names (the worker prefixes its configuration key).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(UnitId))
        {
            errors.Add($"{nameof(UnitId)} must be set.");
        }

        if (string.IsNullOrWhiteSpace(PortPath))
        {
            errors.Add($"{nameof(PortPath)} must be set (e.g. /dev/ttyUSB0).");
        }

        if (BaudRate is < MinBaudRate or > MaxBaudRate)
        {
            errors.Add($"{nameof(BaudRate)} {BaudRate} is not a serial line speed ({MinBaudRate} to {MaxBaudRate}).");
        }

        if (!Enum.IsDefined(Parity))
        {
            errors.Add($"{nameof(Parity)} '{Parity}' is not one of none, odd, even, mark, space.");
        }

        if (DataBits is < 5 or > 8)
        {
            errors.Add($"{nameof(DataBits)} {DataBits} must be 5 to 8.");
        }

        if (StopBits is not (StopBits.One or StopBits.OnePointFive or StopBits.Two))
        {
            errors.Add($"{nameof(StopBits)} '{StopBits}' is not one of one, onepointfive, two.");
        }

        if (ReopenDelay <= TimeSpan.Zero || MaxReopenDelay < ReopenDelay || IdleFlushInterval <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(ReopenDelay)} and {nameof(IdleFlushInterval)} must be positive, {nameof(ReopenDelay)} not above {nameof(MaxReopenDelay)}.");
        }

        return errors;
    }
}

/// <summary>
/// Reads one unit's serial line: one long-lived <see cref="IngestLoop"/> on <see cref="SerialPort.BaseStream"/>, each read
/// parsed with the read's arrival time and committed to the journal before the next read (so a full journal stops reading).
/// When the device disappears or errors, the port is closed and reopened with exponential backoff (capped).
/// </summary>
/// <remarks>
/// Never uses <see cref="SerialPort.DataReceived"/>. When the line is quiet the unit's open burst is closed on a timer
/// (<see cref="UnitIngest.FlushIdle"/>) so the last vehicle of a burst is not held back until the next one.
/// </remarks>
public sealed class SerialVehicleSource : IIngestProgress
{
    /// <summary>Read buffer; larger than the longest frame.</summary>
    internal const int BufferSize = 4 * 1024;

    private readonly SerialUnitOptions _options;
    private readonly IngestLoop _loop;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _sourceTag;

    private int _open;
    private long _bytesRead;
    private long _reopenAttempts;
    private long _opens;

    public SerialVehicleSource(SerialUnitOptions options, UnitRoute route, IDurableVehicleSink sink, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(sink);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Serial unit '{options.UnitId}': {string.Join(" ", errors)}", nameof(options));
        }

        if (!string.Equals(route.Unit.Id, options.UnitId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Serial unit '{options.UnitId}' was given the route of unit '{route.Unit.Id}'.", nameof(route));
        }

        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        // A line's end means the device went away: its open burst waits for the reopened line.
        _loop = new IngestLoop(route.Native, sink, _timeProvider, this, options.IdleFlushInterval, completeAtEnd: false);
        _logger = logger ?? NullLogger.Instance;
        _sourceTag = DevicesMetrics.Source(options.UnitId);
    }

    public SerialUnitOptions Options => _options;

    public bool IsOpen => Volatile.Read(ref _open) == 1;

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Times the port was opened successfully (the first open included).</summary>
    public long Opens => Interlocked.Read(ref _opens);

    /// <summary>Open attempts after a failure or a lost device.</summary>
    public long ReopenAttempts => Interlocked.Read(ref _reopenAttempts);

    /// <summary>Reads until cancelled, reopening the port whenever it fails.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        int failures = 0;
        bool reopening = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (reopening)
            {
                Interlocked.Increment(ref _reopenAttempts);
                DevicesMetrics.ReopenAttempts.Add(1, _sourceTag);
            }

            SerialPort? port = TryOpen(out Exception? openError);
            if (port is null)
            {
                TimeSpan delay = Backoff(failures++);
                Log.SerialOpenFailed(_logger, openError!, _options.UnitId, _options.PortPath, (long)delay.TotalMilliseconds);
                reopening = true;
                if (!await DelayAsync(delay, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            failures = 0;
            Exception? lost = null;
            try
            {
                await ReadLoopAsync(port.BaseStream, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException or EndOfStreamException or TimeoutException)
            {
                lost = exception;
            }
            finally
            {
                Close(port);
            }

            Log.SerialLost(_logger, lost, _options.UnitId, _options.PortPath);
            reopening = true;
            if (!await DelayAsync(Backoff(failures++), cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    internal TimeSpan Backoff(int failures)
    {
        double ms = _options.ReopenDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 16));
        return TimeSpan.FromMilliseconds(Math.Min(ms, _options.MaxReopenDelay.TotalMilliseconds));
    }

    /// <summary>Reads <paramref name="stream"/> until it ends or fails; every read is parsed and committed before the next.</summary>
    internal async Task ReadLoopAsync(Stream stream, CancellationToken cancellationToken)
    {
        PipeReader reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: BufferSize, leaveOpen: true));
        await _loop.RunAsync(reader, cancellationToken).ConfigureAwait(false);
        throw new EndOfStreamException($"{_options.PortPath} reported end of stream.");
    }

    void IIngestProgress.Received(long bytes)
    {
        Interlocked.Add(ref _bytesRead, bytes);
        DevicesMetrics.BytesRead.Add(bytes, _sourceTag);
    }

    private SerialPort? TryOpen(out Exception? error)
    {
        var port = new SerialPort(_options.PortPath, _options.BaudRate, _options.Parity, _options.DataBits, _options.StopBits)
        {
            Handshake = Handshake.None,
            ReadBufferSize = BufferSize,
        };
        try
        {
            port.Open();
            error = null;
            Interlocked.Increment(ref _opens);
            if (Interlocked.Exchange(ref _open, 1) == 0)
            {
                DevicesMetrics.Open.Add(1, _sourceTag);
            }

            Log.SerialOpened(_logger, _options.UnitId, _options.PortPath, _options.BaudRate);
            return port;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            port.Dispose();
            error = exception;
            return null;
        }
    }

    private void Close(SerialPort port)
    {
        if (Interlocked.Exchange(ref _open, 0) == 1)
        {
            DevicesMetrics.Open.Add(-1, _sourceTag);
        }

        try
        {
            port.Dispose();
        }
        catch (IOException)
        {
            // The device is gone; there is nothing left to close cleanly.
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
