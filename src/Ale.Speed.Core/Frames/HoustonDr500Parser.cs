namespace Ale.Speed.Core.Frames;

/// <summary>
/// Houston Radar DR500: <c>nnn</c> per line, three digits in the unit set on the radar (mph or km/h), repeated while a
/// target is in the beam; <c>000</c> or <c>?000</c> when no target is left. The optional <c>+nnn</c> display format is
/// accepted as well. No direction.
/// </summary>
public sealed class HoustonDr500Parser(SpeedUnit speedUnit)
    : FrameParser(FrameFormat.HoustonDr500, reportsVehicles: false, speedUnit, DefaultMaxFrameLength)
{
    public const int DefaultMaxFrameLength = 32;

    protected override RejectReason ParseFrame(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        count = 0;
        ReadOnlySpan<byte> text = FrameSyntax.Trim(frame);
        if (text.IsEmpty)
        {
            return RejectReason.None;
        }

        bool noTargetMarker = text[0] == '?';
        if (noTargetMarker || text[0] == '+')
        {
            text = text[1..];
        }

        if (!AsciiNumber.TryParseThreeDigits(text, out int speed))
        {
            // A fixed-width format: anything but three digits is a broken line, whatever it looks like.
            return RejectReason.Malformed;
        }

        if (speed == 0)
        {
            return RejectReason.None;
        }

        if (noTargetMarker)
        {
            // '?' only ever precedes 000: a '?' with a speed is not a DR500 line.
            return RejectReason.Malformed;
        }

        if (destination.IsEmpty)
        {
            return RejectReason.TooManyTargets;
        }

        if (!FrameSyntax.TryToKmh(speed, KmhFactor, out double kmh))
        {
            return RejectReason.InvalidNumber;
        }

        destination[0] = new Reading { SpeedKmh = kmh, Direction = Vehicles.Direction.Unknown };
        count = 1;
        return RejectReason.None;
    }
}
