namespace Ale.Speed.Core.Frames;

/// <summary>
/// OmniPreSense OPS243-A/C speed lines: <c>-12.3</c>, or with <c>On</c> (n = 2..9 reports) several speeds on one line,
/// <c>12.3,-4.5</c>. Positive approaches, negative recedes; zero (the <c>BZ</c> blank report) and blank lines
/// (<c>BL</c>, <c>BS</c>) mean no target.
/// </summary>
public sealed class Ops243PlainParser(SpeedUnit speedUnit)
    : FrameParser(FrameFormat.Ops243Plain, reportsVehicles: false, speedUnit, DefaultMaxFrameLength)
{
    public const int DefaultMaxFrameLength = 128;

    private const byte Comma = (byte)',';

    protected override RejectReason ParseFrame(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
        => TryParseCompact(frame, destination, out count) ? RejectReason.None : ParseGeneral(frame, destination, out count);

    /// <summary>
    /// The one-target line the sensor writes, read in one pass: a plain decimal, no spaces. Returns false on ANY
    /// deviation or problem, and the caller falls back to <see cref="ParseGeneral"/>; when it returns true, the reading
    /// is exactly the one the general path gives (a test feeds both the same inputs).
    /// </summary>
    internal bool TryParseCompact(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        count = 0;
        int position = 0;
        if (destination.IsEmpty
            || !AsciiNumber.TryParsePlainDecimal(frame, ref position, out double wire)
            || position != frame.Length
            || !FrameSyntax.TryToKmh(wire, KmhFactor, out double kmh))
        {
            return false;
        }

        if (kmh > 0)
        {
            destination[0] = new Reading { SpeedKmh = kmh, Direction = FrameSyntax.DirectionOfSign(wire) };
            count = 1;
        }

        return true;
    }

    /// <summary>Several targets, spaces around fields, every number form <see cref="AsciiNumber.TryParse"/> reads.</summary>
    internal RejectReason ParseGeneral(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        count = 0;
        ReadOnlySpan<byte> rest = FrameSyntax.Trim(frame);
        if (rest.IsEmpty)
        {
            return RejectReason.None;
        }

        int fields = 0;
        while (true)
        {
            int comma = rest.IndexOf(Comma);
            ReadOnlySpan<byte> field = FrameSyntax.Trim(comma < 0 ? rest : rest[..comma]);
            if (++fields > MaxReadingsPerFrame)
            {
                count = 0;
                return RejectReason.TooManyTargets;
            }

            RejectReason reject = FrameSyntax.ParseSignedSpeed(field, KmhFactor, out double kmh, out var direction);
            if (reject != RejectReason.None)
            {
                count = 0;
                return reject;
            }

            if (kmh > 0)
            {
                if ((uint)count >= (uint)destination.Length)
                {
                    count = 0;
                    return RejectReason.TooManyTargets;
                }

                destination[count++] = new Reading { SpeedKmh = kmh, Direction = direction };
            }

            if (comma < 0)
            {
                return RejectReason.None;
            }

            rest = rest[(comma + 1)..];
        }
    }
}
