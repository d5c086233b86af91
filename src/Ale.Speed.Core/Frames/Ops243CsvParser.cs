namespace Ale.Speed.Core.Frames;

/// <summary>
/// OPS243 with the time (<c>OT</c>) and magnitude (<c>OM</c>) reports on: <c>time,magnitude,speed</c>, e.g.
/// <c>137.429,1234.5,-3.6</c>. With <c>On</c> (n reports) the sensor prints all magnitudes before all speeds:
/// <c>time,mag1,…,magN,speed1,…,speedN</c>, so a line has 2n + 1 fields. The time is seconds since power-on.
/// </summary>
public sealed class Ops243CsvParser(SpeedUnit speedUnit)
    : FrameParser(FrameFormat.Ops243Csv, reportsVehicles: false, speedUnit, DefaultMaxFrameLength)
{
    public const int DefaultMaxFrameLength = 256;

    private const byte Comma = (byte)',';

    protected override RejectReason ParseFrame(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
        => TryParseCompact(frame, destination, out count) ? RejectReason.None : ParseGeneral(frame, destination, out count);

    /// <summary>
    /// The one-target line the sensor writes, read in one pass: <c>time,magnitude,speed</c>, plain decimals, no spaces.
    /// Returns false on ANY deviation or problem, and the caller falls back to <see cref="ParseGeneral"/>; when it
    /// returns true, the reading is exactly the one the general path gives (a test feeds both the same inputs).
    /// </summary>
    internal bool TryParseCompact(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        count = 0;
        int position = 0;
        if (destination.IsEmpty
            || !AsciiNumber.TryParsePlainDecimal(frame, ref position, out double time) || time < 0
            || !TryComma(frame, ref position)
            || !AsciiNumber.TryParsePlainDecimal(frame, ref position, out double magnitude)
            || !TryComma(frame, ref position)
            || !AsciiNumber.TryParsePlainDecimal(frame, ref position, out double wire)
            || position != frame.Length
            || !FrameSyntax.TryToKmh(wire, KmhFactor, out double kmh))
        {
            return false;
        }

        if (kmh > 0)
        {
            destination[0] = new Reading
            {
                SpeedKmh = kmh,
                Direction = FrameSyntax.DirectionOfSign(wire),
                DeviceClockSeconds = time,
                Magnitude = magnitude,
            };
            count = 1;
        }

        return true;

        static bool TryComma(ReadOnlySpan<byte> frame, ref int position)
        {
            if ((uint)position < (uint)frame.Length && frame[position] == Comma)
            {
                position++;
                return true;
            }

            return false;
        }
    }

    /// <summary>Any number of targets, spaces around fields, every number form <see cref="AsciiNumber.TryParse"/> reads.</summary>
    internal RejectReason ParseGeneral(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        count = 0;
        ReadOnlySpan<byte> text = FrameSyntax.Trim(frame);
        if (text.IsEmpty)
        {
            return RejectReason.None;
        }

        int fields = text.Count(Comma) + 1;
        if (fields < 3 || fields % 2 == 0)
        {
            return RejectReason.Malformed;
        }

        int targets = (fields - 1) / 2;
        if (targets > MaxReadingsPerFrame)
        {
            return RejectReason.TooManyTargets;
        }

        Span<double> magnitudes = stackalloc double[MaxReadingsPerFrame];
        double time = 0;
        int written = 0;
        for (int field = 0; field < fields; field++)
        {
            int comma = text.IndexOf(Comma);
            ReadOnlySpan<byte> token = FrameSyntax.Trim(comma < 0 ? text : text[..comma]);
            text = comma < 0 ? default : text[(comma + 1)..];
            RejectReason reject;
            if (field == 0)
            {
                reject = FrameSyntax.ParseNumber(token, out time);
                if (reject == RejectReason.None && time < 0)
                {
                    reject = RejectReason.InvalidNumber;
                }
            }
            else if (field <= targets)
            {
                reject = FrameSyntax.ParseNumber(token, out magnitudes[field - 1]);
            }
            else
            {
                reject = FrameSyntax.ParseSignedSpeed(token, KmhFactor, out double kmh, out var direction);
                if (reject == RejectReason.None && kmh > 0)
                {
                    if ((uint)written >= (uint)destination.Length)
                    {
                        return RejectReason.TooManyTargets;
                    }

                    destination[written++] = new Reading
                    {
                        SpeedKmh = kmh,
                        Direction = direction,
                        DeviceClockSeconds = time,
                        Magnitude = magnitudes[field - targets - 1],
                    };
                }
            }

            if (reject != RejectReason.None)
            {
                return reject;
            }
        }

        count = written;
        return RejectReason.None;
    }
}
