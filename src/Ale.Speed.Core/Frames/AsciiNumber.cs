using System.Buffers.Text;

namespace Ale.Speed.Core.Frames;

/// <summary>Decimal numbers and integers written in ASCII, parsed from spans without allocation.</summary>
internal static class AsciiNumber
{
    /// <summary>Digits that a long mantissa and one exact division carry without rounding twice.</summary>
    private const int FastPathMaxSignificantDigits = 15;

    /// <summary>10^22 is the largest power of ten a double holds exactly.</summary>
    private const int FastPathMaxFractionDigits = 22;

    private const byte Minus = (byte)'-';
    private const byte Plus = (byte)'+';
    private const byte Point = (byte)'.';

    // An array, not a ReadOnlySpan<double> property: without JIT optimisation (Debug builds) the span form goes
    // through RuntimeHelpers.CreateSpan's slow path, which allocates on every access.
    private static readonly double[] s_exactPowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    public static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    /// <summary>
    /// Parses <c>[+|-]digits[.digits][(e|E)[+|-]digits]</c>, the whole span, to a finite double.
    /// A point needs digits on both sides (<c>.5</c> and <c>5.</c> are rejected); leading zeros are fine (<c>057</c>).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        int i = 0;
        bool negative = false;
        if (text.Length > 0 && (text[0] == Minus || text[0] == Plus))
        {
            negative = text[0] == Minus;
            i = 1;
        }

        int signLength = i;
        ulong mantissa = 0;
        int significant = 0;
        int integerStart = i;
        while (i < text.Length && IsDigit(text[i]))
        {
            Accumulate(text[i], ref mantissa, ref significant);
            i++;
        }

        if (i == integerStart)
        {
            return false;
        }

        int fractionDigits = 0;
        if (i < text.Length && text[i] == Point)
        {
            i++;
            int fractionStart = i;
            while (i < text.Length && IsDigit(text[i]))
            {
                Accumulate(text[i], ref mantissa, ref significant);
                i++;
            }

            fractionDigits = i - fractionStart;
            if (fractionDigits == 0)
            {
                return false;
            }
        }

        bool hasExponent = false;
        if (i < text.Length && (text[i] | 0x20) == 'e')
        {
            i++;
            if (i < text.Length && (text[i] == Minus || text[i] == Plus))
            {
                i++;
            }

            int exponentStart = i;
            while (i < text.Length && IsDigit(text[i]))
            {
                i++;
            }

            if (i == exponentStart)
            {
                return false;
            }

            hasExponent = true;
        }

        if (i != text.Length)
        {
            return false;
        }

        if (!hasExponent && significant <= FastPathMaxSignificantDigits && fractionDigits <= FastPathMaxFractionDigits)
        {
            // Clinger's fast path: both operands are exact, so the one division is correctly rounded.
            double magnitude = mantissa;
            if (fractionDigits > 0)
            {
                magnitude /= s_exactPowersOfTen[fractionDigits];
            }

            value = negative ? -magnitude : magnitude;
            return true;
        }

        return TryParseSlow(text[signLength..], negative, out value);
    }

    /// <summary>
    /// The compact JSON paths' number: at <paramref name="position"/>, <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?</c> (valid JSON)
    /// with at most 15 significant digits, directly followed by <c>,</c> or <c>}</c>; the value is bit for bit what
    /// <see cref="TryParse"/> gives for the same text (the same mantissa and one exact division). Returns false for
    /// anything else (an exponent, more digits, another delimiter), leaving the caller to the general path.
    /// </summary>
    public static bool TryParseCompactJsonDecimal(ReadOnlySpan<byte> json, ref int position, out double value)
    {
        if (TryParseShortJsonDecimal(json, position, out value, out int end))
        {
            position = end;
            return true;
        }

        value = 0;
        // JSON allows no leading zero: an integer part starting with 0 is a lone 0.
        int digits = (uint)position < (uint)json.Length && json[position] == Minus ? position + 1 : position;
        if ((uint)(digits + 1) < (uint)json.Length && json[digits] == (byte)'0' && IsDigit(json[digits + 1]))
        {
            return false;
        }

        int i = position;
        if (!TryParsePlainDecimal(json, ref i, out value) || (uint)i >= (uint)json.Length || json[i] is not ((byte)',' or (byte)'}'))
        {
            value = 0;
            return false;
        }

        position = i;
        return true;
    }

    /// <summary>
    /// <see cref="TryParseCompactJsonDecimal"/> for the shape units write speeds and lengths in: 1 to 3 integer digits
    /// (no leading zero but a lone 0), a point, 1 or 2 fraction digits, then <c>,</c> or <c>}</c>. Straight-line code
    /// for it costs half the general loop, on two numbers of every frame. The value is the same integer mantissa over
    /// the same exact power of ten as in <see cref="TryParsePlainDecimal"/> (leading zeros add nothing to the
    /// mantissa), so it is the same double; false means "not this shape", never "invalid".
    /// </summary>
    private static bool TryParseShortJsonDecimal(ReadOnlySpan<byte> json, int position, out double value, out int end)
    {
        value = 0;
        end = position;
        int i = position;

        // The shortest shape, d.d plus its delimiter, has four bytes: within them no further length check is needed.
        if ((uint)position > (uint)json.Length || json.Length - position < 4)
        {
            return false;
        }

        uint mantissa = (uint)(json[i] - '0');
        if (mantissa > 9)
        {
            return false;
        }

        i++;
        uint digit;
        if ((digit = (uint)(json[i] - '0')) <= 9)
        {
            if (mantissa == 0 || (uint)(i + 3) >= (uint)json.Length)
            {
                return false;
            }

            mantissa = (mantissa * 10) + digit;
            i++;
            if ((digit = (uint)(json[i] - '0')) <= 9)
            {
                if ((uint)(i + 3) >= (uint)json.Length)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + digit;
                i++;
            }
        }

        // Here i + 2 < json.Length: the point, a fraction digit and a delimiter fit.
        if (json[i] != Point || (digit = (uint)(json[i + 1] - '0')) > 9)
        {
            return false;
        }

        mantissa = (mantissa * 10) + digit;
        i += 2;
        double powerOfTen = 10;
        if ((digit = (uint)(json[i] - '0')) <= 9)
        {
            mantissa = (mantissa * 10) + digit;
            powerOfTen = 100;
            i++;
        }

        if ((uint)i >= (uint)json.Length || json[i] is not ((byte)',' or (byte)'}'))
        {
            return false;
        }

        value = mantissa / powerOfTen;
        end = i;
        return true;
    }

    /// <summary>
    /// The compact CSV path's number: at <paramref name="position"/>, <c>-?[0-9]+(\.[0-9]+)?</c> with at most 15
    /// significant digits, stopping at the first other byte (which the caller checks). The value is bit for bit what
    /// <see cref="TryParse"/> gives for the same token. False for anything else (a plus sign, more digits), leaving the
    /// caller to the general path.
    /// </summary>
    public static bool TryParsePlainDecimal(ReadOnlySpan<byte> text, ref int position, out double value)
    {
        value = 0;
        int i = position;
        bool negative = false;
        if ((uint)i < (uint)text.Length && text[i] == Minus)
        {
            negative = true;
            i++;
        }

        ulong mantissa = 0;
        int significant = 0;
        int integerStart = i;
        uint digit;
        while ((uint)i < (uint)text.Length && (digit = (uint)(text[i] - '0')) <= 9)
        {
            // As in Accumulate: leading zeros are not significant.
            if (significant > 0 || digit != 0)
            {
                if (++significant > FastPathMaxSignificantDigits)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + digit;
            }

            i++;
        }

        if (i == integerStart)
        {
            return false;
        }

        int fractionDigits = 0;
        if ((uint)i < (uint)text.Length && text[i] == Point)
        {
            i++;
            while ((uint)i < (uint)text.Length && (digit = (uint)(text[i] - '0')) <= 9)
            {
                if (significant > 0 || digit != 0)
                {
                    if (++significant > FastPathMaxSignificantDigits)
                    {
                        return false;
                    }

                    mantissa = (mantissa * 10) + digit;
                }

                fractionDigits++;
                i++;
            }

            if (fractionDigits is 0 or > FastPathMaxFractionDigits)
            {
                return false;
            }
        }

        double magnitude = mantissa;
        if (fractionDigits > 0)
        {
            magnitude /= s_exactPowersOfTen[fractionDigits];
        }

        value = negative ? -magnitude : magnitude;
        position = i;
        return true;
    }

    /// <summary>
    /// The compact JSON paths' non-negative integer: at <paramref name="position"/>, 1 to 18 digits without a leading
    /// zero (or a lone 0), directly followed by <c>,</c> or <c>}</c>. False for anything else.
    /// </summary>
    public static bool TryParseCompactJsonInteger(ReadOnlySpan<byte> json, ref int position, out long value)
    {
        value = 0;
        int i = position;
        long result = 0;
        uint digit;
        while ((uint)i < (uint)json.Length && (digit = (uint)(json[i] - '0')) <= 9)
        {
            result = (result * 10) + digit;
            i++;
        }

        int length = i - position;
        if (length is 0 or > 18 || (length > 1 && json[position] == '0')
            || (uint)i >= (uint)json.Length || json[i] is not ((byte)',' or (byte)'}'))
        {
            return false;
        }

        value = result;
        position = i;
        return true;
    }

    private static void Accumulate(byte digit, ref ulong mantissa, ref int significant)
    {
        // Leading zeros are not significant; past 19 digits the slow path takes over anyway.
        if (significant == 0 && digit == '0')
        {
            return;
        }

        if (significant < 19)
        {
            mantissa = (mantissa * 10) + (uint)(digit - '0');
        }

        significant++;
    }

    private static bool TryParseSlow(ReadOnlySpan<byte> unsigned, bool negative, out double value)
    {
        // The grammar is already checked; the runtime's parser rounds long mantissas and exponents correctly.
        if (!Utf8Parser.TryParse(unsigned, out double magnitude, out int consumed) || consumed != unsigned.Length
            || !double.IsFinite(magnitude))
        {
            value = 0;
            return false;
        }

        value = negative ? -magnitude : magnitude;
        return true;
    }

    /// <summary>Parses one to <paramref name="maxDigits"/> ASCII digits (no sign) into a non-negative long.</summary>
    public static bool TryParseNonNegativeInteger(ReadOnlySpan<byte> text, int maxDigits, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > maxDigits || text.Length > 18)
        {
            return false;
        }

        long result = 0;
        foreach (byte c in text)
        {
            if (!IsDigit(c))
            {
                return false;
            }

            result = (result * 10) + (c - '0');
        }

        value = result;
        return true;
    }

    /// <summary>Exactly three ASCII digits, as the fixed-width device formats send them.</summary>
    public static bool TryParseThreeDigits(ReadOnlySpan<byte> text, out int value)
    {
        if (text.Length == 3 && IsDigit(text[0]) && IsDigit(text[1]) && IsDigit(text[2]))
        {
            value = ((text[0] - '0') * 100) + ((text[1] - '0') * 10) + (text[2] - '0');
            return true;
        }

        value = 0;
        return false;
    }
}
