using System.Buffers;

namespace Ale.Speed.Core.Frames;

/// <summary>
/// Splits a byte stream into line frames (LF or CR LF) and hands each line to the format's parser.
/// One instance per stream: it remembers when it is skipping the rest of an overlong line.
/// </summary>
/// <remarks>
/// <see cref="TryReadFrame"/> returns false when it needs more bytes and then leaves the reader where it was
/// (except while skipping an overlong line, whose bytes it consumes). Malformed input is a <see cref="RejectReason"/>,
/// never an exception, and costs exactly the one line it is on.
/// </remarks>
public abstract class FrameParser
{
    /// <summary>The most targets one frame may report (OPS243 reports at most nine).</summary>
    public const int MaxReadingsPerFrame = 9;

    /// <summary>The longest frame of any format, without its line end.</summary>
    public const int MaxFrameLengthLimit = 1024;

    private const byte LineFeed = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    private bool _skippingOverlongLine;
    private FrameKind _frameKind;

    /// <summary>Forgets a partly skipped overlong line: the state of a new parser.</summary>
    internal void Reset() => _skippingOverlongLine = false;

    protected FrameParser(FrameFormat format, bool reportsVehicles, SpeedUnit speedUnit, int maxFrameLength)
    {
        Format = format;
        ReportsVehicles = reportsVehicles;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrameLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFrameLength, MaxFrameLengthLimit);
        SpeedUnit = speedUnit;
        KmhFactor = FrameSyntax.KmhFactor(speedUnit);
        MaxFrameLength = maxFrameLength;
    }

    public FrameFormat Format { get; }

    /// <summary>True when one frame is one vehicle (no burst detection needed).</summary>
    public bool ReportsVehicles { get; }

    /// <summary>The unit the device reports speed in (ignored by formats that name their unit on the wire).</summary>
    public SpeedUnit SpeedUnit { get; }

    /// <summary>km/h per unit of <see cref="SpeedUnit"/>: what a speed on the wire is multiplied by.</summary>
    protected double KmhFactor { get; }

    /// <summary>Longest accepted frame in bytes, without its line end.</summary>
    public int MaxFrameLength { get; }

    /// <summary>
    /// Reads the next frame. Returns false when no complete line is buffered. When <paramref name="isFinalBlock"/>
    /// is true (end of a file or message), an unterminated last line counts as a frame.
    /// </summary>
    /// <param name="destination">At least <see cref="MaxReadingsPerFrame"/> readings.</param>
    public bool TryReadFrame(ref SequenceReader<byte> reader, Span<Reading> destination, out FrameResult result, bool isFinalBlock = false)
    {
        if (_skippingOverlongLine)
        {
            if (!reader.TryAdvanceTo(LineFeed, advancePastDelimiter: true))
            {
                reader.AdvanceToEnd();
                if (isFinalBlock)
                {
                    _skippingOverlongLine = false;
                }

                result = default;
                return false;
            }

            _skippingOverlongLine = false;
        }

        ReadOnlySpan<byte> unread = reader.UnreadSpan;
        int lineEnd = unread.IndexOf(LineFeed);
        if (lineEnd >= 0)
        {
            // Fast path: the whole line is in the current segment.
            ReadOnlySpan<byte> line = TrimCarriageReturn(unread[..lineEnd]);
            reader.Advance(lineEnd + 1);
            result = ParseLine(line, destination);
            return true;
        }

        return TryReadFrameSlow(ref reader, destination, out result, isFinalBlock);
    }

    /// <summary>
    /// The fast path of <see cref="TryReadFrame"/> on one span: reads the next whole line of <paramref name="unread"/>
    /// and says how many bytes it took. Returns false (consuming nothing) whenever <see cref="TryReadFrame"/> would
    /// have to do more than that (no line end buffered, or the rest of an overlong line to skip): the caller then
    /// continues with <see cref="TryReadFrame"/> from the same place.
    /// </summary>
    internal bool TryReadLine(ReadOnlySpan<byte> unread, Span<Reading> destination, out FrameResult result, out int consumed)
    {
        int lineEnd;
        if (_skippingOverlongLine || (lineEnd = unread.IndexOf(LineFeed)) < 0)
        {
            result = default;
            consumed = 0;
            return false;
        }

        consumed = lineEnd + 1;
        result = ParseLine(TrimCarriageReturn(unread[..lineEnd]), destination);
        return true;
    }

    private bool TryReadFrameSlow(ref SequenceReader<byte> reader, Span<Reading> destination, out FrameResult result, bool isFinalBlock)
    {
        // +1 so that a CR before the LF does not count against the frame length.
        int window = MaxFrameLength + 2;
        Span<byte> scratch = stackalloc byte[MaxFrameLengthLimit + 2];
        scratch = scratch[..window];

        SequenceReader<byte> probe = reader;
        int copied = 0;
        int lineLength = -1;
        while (copied < window && !probe.End)
        {
            ReadOnlySpan<byte> span = probe.UnreadSpan;
            int take = Math.Min(span.Length, window - copied);
            int lf = span[..take].IndexOf(LineFeed);
            if (lf >= 0)
            {
                span[..lf].CopyTo(scratch[copied..]);
                lineLength = copied + lf;
                probe.Advance(lf + 1);
                break;
            }

            span[..take].CopyTo(scratch[copied..]);
            copied += take;
            probe.Advance(take);
        }

        if (lineLength < 0)
        {
            if (copied >= window)
            {
                // Overlong: count it once and skip to the next line end, which may not have arrived yet.
                if (!reader.TryAdvanceTo(LineFeed, advancePastDelimiter: true))
                {
                    reader.AdvanceToEnd();
                    _skippingOverlongLine = !isFinalBlock;
                }

                result = FrameResult.Rejected(RejectReason.FrameTooLong);
                return true;
            }

            if (isFinalBlock && copied > 0)
            {
                reader.AdvanceToEnd();
                result = ParseLine(TrimCarriageReturn(scratch[..copied]), destination);
                return true;
            }

            result = default;
            return false;
        }

        reader = probe;
        result = ParseLine(TrimCarriageReturn(scratch[..lineLength]), destination);
        return true;
    }

    /// <summary>
    /// One line without its line end: the length check and <see cref="ParseFrame"/>. Internal so that a decorator
    /// (<see cref="TimestampPrefixedParser"/>) that has framed the line itself can hand the rest to an inner parser.
    /// </summary>
    internal FrameResult ParseLine(ReadOnlySpan<byte> line, Span<Reading> destination)
    {
        if (line.Length > MaxFrameLength)
        {
            return FrameResult.Rejected(RejectReason.FrameTooLong);
        }

        _frameKind = FrameKind.Measurement;
        RejectReason reject = ParseFrame(line, destination, out int count);
        return reject == RejectReason.None ? new FrameResult(count, RejectReason.None, _frameKind) : FrameResult.Rejected(reject);
    }

    /// <summary>
    /// Called by <see cref="ParseFrame"/> for a well-formed frame that is not a measurement (a range report, a device
    /// message); it must then give no readings.
    /// </summary>
    protected void ReportKind(FrameKind kind) => _frameKind = kind;

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line)
        => line.Length > 0 && line[^1] == CarriageReturn ? line[..^1] : line;

    /// <summary>
    /// Parses one line without its line end. Returns <see cref="RejectReason.None"/> and the readings written to
    /// <paramref name="destination"/> (zero for "no target"), or the reason the line is rejected.
    /// Must not allocate or throw.
    /// </summary>
    protected abstract RejectReason ParseFrame(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count);
}
