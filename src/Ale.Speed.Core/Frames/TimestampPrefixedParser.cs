namespace Ale.Speed.Core.Frames;

/// <summary>
/// A log in which a logger has put a timestamp before each line a unit sent (an OPS243 on a serial logger, say):
/// <c>2026-11-20T07:00:01.234Z {"speed":1.2}</c>, <c>2026-11-20 07:00:01.234 -12.3</c>, <c>1763622001234,-12.3</c>.
/// The prefix is ISO 8601 (<c>T</c> or a space between date and time, <c>-</c> or <c>/</c> in the date, optional
/// <c>.</c>fraction, optional <c>Z</c> / <c>±hh:mm</c> / <c>±hhmm</c>) or integer epoch milliseconds; then exactly one
/// separator (space, tab, <c>,</c> or <c>;</c>); the rest of the line is the inner format's frame.
/// </summary>
/// <remarks>
/// <para>A prefix without an offset is UTC (loggers on a field unit run on UTC; a local-time log needs converting
/// first). A comma never starts a fraction here, so that <c>07:00:01,-12.3</c> reads as a comma separator.</para>
/// <para>Readings that carry no time of their own get the prefix's; a record with its own (the canonical <c>ts</c>)
/// keeps it. A line that does not start with a digit, or with a number too short for epoch milliseconds, is
/// <see cref="RejectReason.MissingTimestamp"/>; one whose prefix
/// does not parse or is not followed by a separator is <see cref="RejectReason.InvalidTimestamp"/>. A blank line, or a
/// prefix with nothing after it, is nothing. Otherwise the inner parser decides, rejects included.</para>
/// <para>This parser frames the line once and hands the rest to the inner parser's frame parsing; the inner parser's
/// own framing is never used, so it must not be used for anything else.</para>
/// </remarks>
public sealed class TimestampPrefixedParser : FrameParser
{
    /// <summary>Room for the longest prefix that is still sensible (<c>2026-11-20T07:00:01.234567890+01:00</c> and a separator).</summary>
    public const int MaxPrefixLength = 40;

    /// <summary>The fewest digits an epoch-millisecond prefix has.</summary>
    public const int MinEpochDigits = 12;

    public TimestampPrefixedParser(FrameParser inner)
        : base(CheckInner(inner).Format, inner.ReportsVehicles, inner.SpeedUnit, Math.Min(inner.MaxFrameLength + MaxPrefixLength, MaxFrameLengthLimit))
    {
        Inner = inner;
    }

    /// <summary>The format of what follows the timestamp.</summary>
    public FrameParser Inner { get; }

    protected override RejectReason ParseFrame(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        count = 0;
        ReadOnlySpan<byte> text = frame.TrimStart(" \t"u8);
        if (text.IsEmpty)
        {
            return RejectReason.None;
        }

        if (!AsciiNumber.IsDigit(text[0]))
        {
            return RejectReason.MissingTimestamp;
        }

        long timestampMs;
        int consumed;
        if (text.Length > 4 && text[4] is (byte)'-' or (byte)'/')
        {
            if (!TimestampText.TryReadDateTime(text, allowCommaFraction: false, out timestampMs, out _, out consumed))
            {
                return RejectReason.InvalidTimestamp;
            }
        }
        else
        {
            consumed = 0;
            while (consumed < text.Length && AsciiNumber.IsDigit(text[consumed]))
            {
                consumed++;
            }

            // Epoch milliseconds have 12 digits or more (anything since 1973): a shorter number is a line without a
            // prefix (a DR500 "057" in a log nobody timestamped), not a time in January 1970.
            if (consumed < MinEpochDigits)
            {
                return RejectReason.MissingTimestamp;
            }

            if (!TimestampText.TryParseEpochMilliseconds(text[..consumed], out timestampMs))
            {
                return RejectReason.InvalidTimestamp;
            }
        }

        if (consumed < text.Length)
        {
            if (text[consumed] is not ((byte)' ' or (byte)'\t' or (byte)',' or (byte)';'))
            {
                return RejectReason.InvalidTimestamp;
            }

            consumed++;
        }

        FrameResult inner = Inner.ParseLine(text[consumed..], destination);
        if (inner.IsRejected)
        {
            return inner.Reject;
        }

        ReportKind(inner.Kind);
        count = inner.ReadingCount;
        for (int i = 0; i < count; i++)
        {
            if (!destination[i].HasTimestamp)
            {
                destination[i] = destination[i] with { TimestampMs = timestampMs };
            }
        }

        return RejectReason.None;
    }

    private static FrameParser CheckInner(FrameParser inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return inner;
    }
}
