namespace Ale.Speed.Core.Frames;

/// <summary>
/// Hi-Link HLK-LD2415H: <c>V+hhh.d</c> (approaching, "coming") or <c>V-hhh.d</c> (receding, "going"), nine bytes with
/// CR LF, in the unit set by command 0x02 (km/h by default, or mph or m/s).
/// </summary>
public sealed class HlkLd2415hParser(SpeedUnit speedUnit)
    : FrameParser(FrameFormat.HlkLd2415h, reportsVehicles: false, speedUnit, DefaultMaxFrameLength)
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

        // Exactly V, sign, three digits, point, one digit: anything else is line noise, not a variant.
        if (text.Length != 7 || text[0] != 'V' || (text[1] != '+' && text[1] != '-') || text[5] != '.'
            || !AsciiNumber.IsDigit(text[6]))
        {
            return RejectReason.Malformed;
        }

        if (!AsciiNumber.TryParseThreeDigits(text[2..5], out int whole))
        {
            return RejectReason.Malformed;
        }

        // Tenths as an integer and one division: correctly rounded, like parsing the text.
        double wire = ((whole * 10) + (text[6] - '0')) / 10.0;
        if (wire == 0)
        {
            return RejectReason.None;
        }

        if (!FrameSyntax.TryToKmh(wire, KmhFactor, out double kmh))
        {
            return RejectReason.InvalidNumber;
        }

        if (destination.IsEmpty)
        {
            return RejectReason.TooManyTargets;
        }

        destination[0] = new Reading
        {
            SpeedKmh = kmh,
            Direction = text[1] == '+' ? Vehicles.Direction.Approaching : Vehicles.Direction.Receding,
        };
        count = 1;
        return RejectReason.None;
    }
}
