namespace Ale.Speed.Core.Frames;

/// <summary>
/// ICOMS TMA-3B3 logs read out of the sign (and its ASCII protocol 100, which sends the first four fields):
/// <c>typ;date and time [UTC];speed [km/h];length [m];range [m];notes</c>, fields separated by <c>;</c> and padded
/// with spaces, decimal commas, lines ending in CR LF.
/// <list type="bullet">
/// <item>Measurements have a three-digit type starting with 0 (<c>001</c>, <c>002</c>, <c>003</c>, <c>030</c>, …: the
/// detection type): <c>001; 2019/01/24 16:21:05,450; 52,4; 4,5; ; </c>. Time in UTC; speed signed, positive approaching,
/// negative receding; length in metres, optional. Range and notes are not read.</item>
/// <item><c>1xx</c> information (configuration, clock sync) and <c>2xx</c> environment and battery records carry no
/// vehicle: nothing, not a reject. So do the header line (starting with <c>typ</c>) and blank lines.</item>
/// </list>
/// There is no sequence number: a record's identity is (unit, time, speed, direction).
/// </summary>
public sealed class IcomsTma3b3Parser(SpeedUnit speedUnit = SpeedUnit.KilometresPerHour)
    : FrameParser(FrameFormat.IcomsTma3b3, reportsVehicles: true, speedUnit, DefaultMaxFrameLength)
{
    public const int DefaultMaxFrameLength = 256;

    private const byte Separator = (byte)';';

    /// <param name="speedUnit">The log says <c>speed [km/h]</c>; another unit only for a sign set to it.</param>

    protected override RejectReason ParseFrame(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        count = 0;
        ReadOnlySpan<byte> rest = frame;
        ReadOnlySpan<byte> type = NextField(ref rest);
        if (type.IsEmpty && rest.IsEmpty)
        {
            return RejectReason.None;
        }

        if (type.Length >= 3 && System.Text.Ascii.EqualsIgnoreCase(type[..3], "typ"u8))
        {
            return RejectReason.None;
        }

        if (!AsciiNumber.TryParseThreeDigits(type, out int recordType))
        {
            return RejectReason.Malformed;
        }

        switch (type[0])
        {
            case (byte)'1' or (byte)'2':
                return RejectReason.None;
            case (byte)'0' when recordType > 0:
                break;
            default:
                return RejectReason.InvalidField;
        }

        ReadOnlySpan<byte> time = NextField(ref rest);
        ReadOnlySpan<byte> speed = NextField(ref rest);
        ReadOnlySpan<byte> length = NextField(ref rest);

        if (time.IsEmpty)
        {
            return RejectReason.MissingTimestamp;
        }

        // The sign writes UTC; an offset, should one appear, is honoured.
        if (!TimestampText.TryParseDateTime(time, allowCommaFraction: true, out long timestampMs, out _))
        {
            return RejectReason.InvalidTimestamp;
        }

        if (speed.IsEmpty)
        {
            return RejectReason.MissingSpeed;
        }

        RejectReason reject = DecimalText.ParseNumber(speed, decimalComma: true, out double wire);
        if (reject != RejectReason.None)
        {
            return reject;
        }

        if (!FrameSyntax.TryToKmh(wire, KmhFactor, out double kmh))
        {
            return RejectReason.InvalidNumber;
        }

        double lengthMetres = double.NaN;
        if (!length.IsEmpty)
        {
            reject = DecimalText.ParseNumber(length, decimalComma: true, out lengthMetres);
            if (reject != RejectReason.None)
            {
                return reject;
            }

            if (lengthMetres is < 0 or > CanonicalParser.MaxLengthMetres)
            {
                return RejectReason.InvalidField;
            }
        }

        if (destination.IsEmpty)
        {
            return RejectReason.TooManyTargets;
        }

        // A per-vehicle record: even a zero speed is a vehicle record, left to the plausible-range filter to count.
        destination[0] = new Reading
        {
            TimestampMs = timestampMs,
            SpeedKmh = kmh,
            Direction = FrameSyntax.DirectionOfSign(wire),
            LengthMetres = lengthMetres + 0.0,
        };
        count = 1;
        return RejectReason.None;
    }

    /// <summary>The next field, trimmed; empty once the line is used up.</summary>
    private static ReadOnlySpan<byte> NextField(ref ReadOnlySpan<byte> rest)
    {
        int separator = rest.IndexOf(Separator);
        ReadOnlySpan<byte> field;
        if (separator < 0)
        {
            field = rest;
            rest = default;
        }
        else
        {
            field = rest[..separator];
            rest = rest[(separator + 1)..];
        }

        return FrameSyntax.Trim(field);
    }
}
