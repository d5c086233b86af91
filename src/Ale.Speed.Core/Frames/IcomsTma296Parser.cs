using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Frames;

/// <summary>
/// ICOMS TMA-296 measurement messages (parameter 50), one per vehicle; all types are accepted on the same unit:
/// <list type="bullet">
/// <item>type 1 <c>+057 km/h</c> / <c>-057 mph</c> (unit on the wire);</item>
/// <item>type 2 <c>057KI</c> (K km/h, M mph; I approaching, O receding);</item>
/// <item>type 3 <c>-057</c> (the unit's configured speed unit);</item>
/// <item>types 4 <c>*S057</c> and 5 <c>s057</c> (configured unit, no direction);</item>
/// <item>type 6 <c>+057 km/h 012 m</c>: type 1 plus the measured range in metres, which is validated and dropped.</item>
/// </list>
/// '+' approaches, '-' recedes. SSS is exactly three digits.
/// </summary>
public sealed class IcomsTma296Parser(SpeedUnit speedUnit)
    : FrameParser(FrameFormat.IcomsTma296, reportsVehicles: true, speedUnit, DefaultMaxFrameLength)
{
    public const int DefaultMaxFrameLength = 32;

    private const byte Space = (byte)' ';

    protected override RejectReason ParseFrame(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        count = 0;
        ReadOnlySpan<byte> text = FrameSyntax.Trim(frame);
        if (text.IsEmpty)
        {
            return RejectReason.None;
        }

        int speed;
        double factor;
        Direction direction;
        RejectReason reject = text[0] switch
        {
            (byte)'+' or (byte)'-' => ParseSigned(text, out speed, out factor, out direction),
            (byte)'*' => ParseUndirected(text, "*S"u8, out speed, out factor, out direction),
            (byte)'s' => ParseUndirected(text, "s"u8, out speed, out factor, out direction),
            _ => ParseLettered(text, out speed, out factor, out direction),
        };
        if (reject != RejectReason.None)
        {
            return reject;
        }

        if (!FrameSyntax.TryToKmh(speed, factor, out double kmh))
        {
            return RejectReason.InvalidNumber;
        }

        if (destination.IsEmpty)
        {
            return RejectReason.TooManyTargets;
        }

        // A per-vehicle record: even a zero speed is a vehicle record, left to the plausible-range filter to count.
        destination[0] = new Reading { SpeedKmh = kmh, Direction = direction };
        count = 1;
        return RejectReason.None;
    }

    /// <summary>Types 1, 3 and 6.</summary>
    private RejectReason ParseSigned(ReadOnlySpan<byte> text, out int speed, out double factor, out Direction direction)
    {
        direction = text[0] == '+' ? Direction.Approaching : Direction.Receding;
        factor = KmhFactor;
        if (text.Length < 4 || !AsciiNumber.TryParseThreeDigits(text[1..4], out speed))
        {
            speed = 0;
            return RejectReason.Malformed;
        }

        ReadOnlySpan<byte> rest = text[4..];
        if (rest.IsEmpty)
        {
            return RejectReason.None;
        }

        // "(km/h|mph) (4 chars)": mph may come padded to four characters on either side.
        if (!SkipSpaces(ref rest))
        {
            return RejectReason.Malformed;
        }

        if (rest.StartsWith("km/h"u8))
        {
            factor = 1.0;
            rest = rest[4..];
        }
        else if (rest.StartsWith("mph"u8))
        {
            factor = FrameSyntax.KmhPerMilePerHour;
            rest = rest[3..];
        }
        else
        {
            return rest.IsEmpty || !char.IsAsciiLetter((char)rest[0]) ? RejectReason.Malformed : RejectReason.InvalidSpeedUnit;
        }

        if (rest.IsEmpty)
        {
            return RejectReason.None;
        }

        if (char.IsAsciiLetter((char)rest[0]))
        {
            return RejectReason.InvalidSpeedUnit;
        }

        // Type 6: the range in metres. The unit has no field for it, so it is checked but not kept.
        if (!SkipSpaces(ref rest) || rest.Length != 5 || !AsciiNumber.TryParseThreeDigits(rest[..3], out _)
            || rest[3] != Space || rest[4] != 'm')
        {
            return RejectReason.Malformed;
        }

        return RejectReason.None;
    }

    /// <summary>Type 2: <c>SSS(K|M)(I|O)</c>.</summary>
    private static RejectReason ParseLettered(ReadOnlySpan<byte> text, out int speed, out double factor, out Direction direction)
    {
        factor = 1.0;
        direction = Direction.Unknown;
        if (text.Length != 5 || !AsciiNumber.TryParseThreeDigits(text[..3], out speed))
        {
            speed = 0;
            return RejectReason.Malformed;
        }

        switch (text[3])
        {
            case (byte)'K':
                break;
            case (byte)'M':
                factor = FrameSyntax.KmhPerMilePerHour;
                break;
            default:
                return RejectReason.InvalidSpeedUnit;
        }

        switch (text[4])
        {
            case (byte)'I':
                direction = Direction.Approaching;
                return RejectReason.None;
            case (byte)'O':
                direction = Direction.Receding;
                return RejectReason.None;
            default:
                return RejectReason.InvalidDirection;
        }
    }

    /// <summary>Types 4 (<c>*SSSS</c>) and 5 (<c>sSSS</c>): no direction on the wire.</summary>
    private RejectReason ParseUndirected(ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix, out int speed, out double factor, out Direction direction)
    {
        factor = KmhFactor;
        direction = Direction.Unknown;
        if (text.Length != prefix.Length + 3 || !text.StartsWith(prefix)
            || !AsciiNumber.TryParseThreeDigits(text[prefix.Length..], out speed))
        {
            speed = 0;
            return RejectReason.Malformed;
        }

        return RejectReason.None;
    }

    /// <summary>One separating space, or two where a three-letter unit is padded to four characters.</summary>
    private static bool SkipSpaces(ref ReadOnlySpan<byte> rest)
    {
        int spaces = 0;
        while (spaces < rest.Length && rest[spaces] == Space)
        {
            spaces++;
        }

        rest = rest[spaces..];
        return spaces is 1 or 2;
    }
}
