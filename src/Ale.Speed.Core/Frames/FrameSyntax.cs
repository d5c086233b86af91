using System.Runtime.CompilerServices;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Frames;

/// <summary>Small pieces every line format shares: trimming, unit conversion, the sign convention.</summary>
internal static class FrameSyntax
{
    /// <summary>Above this a number is garbage, not a fast vehicle; the plausible-range filter works well below it.</summary>
    public const double MaxSpeedKmh = 1000;

    public const double KmhPerMetrePerSecond = 3.6;

    /// <summary>International mile: 1,609.344 m.</summary>
    public const double KmhPerMilePerHour = 1.609344;

    public static double KmhFactor(SpeedUnit unit) => unit switch
    {
        SpeedUnit.MetresPerSecond => KmhPerMetrePerSecond,
        SpeedUnit.MilesPerHour => KmhPerMilePerHour,
        _ => 1.0,
    };

    /// <summary>A record format's one vehicle as the frame's one reading.</summary>
    public static RejectReason WriteVehicle(Span<Reading> destination, long timestampMs, double speedKmh, Direction direction,
        double lengthMetres, long sequence, VehicleClass vehicleClass, out int count)
    {
        count = 0;
        if (destination.IsEmpty)
        {
            return RejectReason.TooManyTargets;
        }

        destination[0] = VehicleReading(timestampMs, speedKmh, direction, lengthMetres, sequence, vehicleClass);
        count = 1;
        return RejectReason.None;
    }

    /// <summary>The reading of a format that reports one vehicle per frame.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Reading VehicleReading(long timestampMs, double speedKmh, Direction direction, double lengthMetres, long sequence, VehicleClass vehicleClass) => new()
    {
        TimestampMs = timestampMs,
        SpeedKmh = speedKmh,
        Direction = direction,
        LengthMetres = lengthMetres,
        Sequence = sequence,
        Class = vehicleClass,
    };

    public static bool IsBlank(byte c) => c is (byte)' ' or (byte)'\t';

    /// <summary>Trims spaces and tabs at both ends.</summary>
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text)
    {
        int start = 0;
        int end = text.Length;
        while (start < end && IsBlank(text[start]))
        {
            start++;
        }

        while (end > start && IsBlank(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    /// <summary>Converts a signed wire speed to a magnitude in km/h; rejects non-finite and absurd values.</summary>
    public static bool TryToKmh(double wireSpeed, double factor, out double kmh)
    {
        kmh = Math.Abs(wireSpeed) * factor;
        return double.IsFinite(kmh) && kmh <= MaxSpeedKmh;
    }

    /// <summary>OPS243, ICOMS and LD2415H: positive is approaching, negative is receding.</summary>
    public static Direction DirectionOfSign(double wireSpeed) =>
        wireSpeed > 0 ? Direction.Approaching : wireSpeed < 0 ? Direction.Receding : Direction.Unknown;

    /// <summary>Parses a signed decimal speed in the given unit. Zero is a valid "no target" (kmh = 0).</summary>
    public static RejectReason ParseSignedSpeed(ReadOnlySpan<byte> token, double factor, out double kmh, out Direction direction)
    {
        direction = Direction.Unknown;
        kmh = 0;
        RejectReason reject = ParseNumber(token, out double wire);
        if (reject != RejectReason.None)
        {
            return reject;
        }

        if (!TryToKmh(wire, factor, out kmh))
        {
            return RejectReason.InvalidNumber;
        }

        direction = DirectionOfSign(wire);
        return RejectReason.None;
    }

    /// <summary>Parses a finite decimal number; says whether a failure is a bad number or not a number at all.</summary>
    public static RejectReason ParseNumber(ReadOnlySpan<byte> token, out double value)
    {
        if (AsciiNumber.TryParse(token, out value))
        {
            return RejectReason.None;
        }

        return IsNumberLike(token) ? RejectReason.InvalidNumber : RejectReason.Malformed;
    }

    /// <summary>
    /// Tells a number that is out of range (<c>1e999</c>) from text that is not a number at all, so that the
    /// reject says which: only signs, digits, points and exponents make a number-like token.
    /// </summary>
    public static bool IsNumberLike(ReadOnlySpan<byte> token)
    {
        if (token.IsEmpty)
        {
            return false;
        }

        // Some firmware prints what its printf makes of a NaN or an overflow.
        ReadOnlySpan<byte> unsigned = token[0] is (byte)'+' or (byte)'-' ? token[1..] : token;
        if (System.Text.Ascii.EqualsIgnoreCase(unsigned, "nan"u8) || System.Text.Ascii.EqualsIgnoreCase(unsigned, "inf"u8)
            || System.Text.Ascii.EqualsIgnoreCase(unsigned, "infinity"u8))
        {
            return true;
        }

        bool anyDigit = false;
        foreach (byte c in token)
        {
            if (AsciiNumber.IsDigit(c))
            {
                anyDigit = true;
            }
            else if (c is not ((byte)'+' or (byte)'-' or (byte)'.' or (byte)'e' or (byte)'E'))
            {
                return false;
            }
        }

        return anyDigit;
    }
}
