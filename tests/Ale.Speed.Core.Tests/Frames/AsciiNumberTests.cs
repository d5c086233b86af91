using System.Globalization;
using Ale.Speed.Core.Frames;
using static Ale.Speed.Core.Tests.Frames.FrameTestKit;

namespace Ale.Speed.Core.Tests.Frames;

public sealed class AsciiNumberTests
{
    [Theory]
    [InlineData("0", 0.0)]
    [InlineData("12", 12.0)]
    [InlineData("-12.3", -12.3)]
    [InlineData("+4.56", 4.56)]
    [InlineData("057", 57.0)]
    [InlineData("0000000000000000000000001.5", 1.5)]
    [InlineData("0.0005", 0.0005)]
    [InlineData("123456789012345", 123456789012345.0)]
    [InlineData("0.1", 0.1)]
    [InlineData("2.5e1", 25.0)]
    [InlineData("2.5E-1", 0.25)]
    [InlineData("1e+2", 100.0)]
    [InlineData("1e-400", 0.0)]
    [InlineData("1234567890123456789012", 1234567890123456789012.0)]
    [InlineData("1.50000000000000000000000000001", 1.5)]
    public void TryParse_Decimal_ReturnsTheCorrectlyRoundedDouble(string text, double expected)
    {
        Assert.True(AsciiNumber.TryParse(Ascii(text), out double value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void TryParse_MinusZero_IsNegativeZero()
    {
        Assert.True(AsciiNumber.TryParse("-0"u8, out double value));
        Assert.True(double.IsNegative(value) && value == 0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("+")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData("-.5")]
    [InlineData("1.2.3")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("e5")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1,5")]
    [InlineData("0x10")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e400")]
    [InlineData("-1e999")]
    [InlineData("++1")]
    public void TryParse_NotAFiniteDecimal_ReturnsFalse(string text)
        => Assert.False(AsciiNumber.TryParse(Ascii(text), out _));

    [Fact]
    public void TryParse_FastAndSlowPath_AgreeWithTheRuntimeParser()
    {
        var random = new Random(99);
        for (int i = 0; i < 20_000; i++)
        {
            int integerDigits = random.Next(1, 12);
            int fractionDigits = random.Next(0, 12);
            string text = (random.Next(2) == 0 ? "-" : string.Empty)
                + Digits(random, integerDigits)
                + (fractionDigits > 0 ? "." + Digits(random, fractionDigits) : string.Empty);

            Assert.True(AsciiNumber.TryParse(Ascii(text), out double value), text);
            Assert.Equal(double.Parse(text, CultureInfo.InvariantCulture), value);
        }
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1795629792345", 1795629792345L)]
    [InlineData("000000000000000001", 1L)]
    public void TryParseNonNegativeInteger_Digits_ReturnsValue(string text, long expected)
    {
        Assert.True(AsciiNumber.TryParseNonNegativeInteger(Ascii(text), 18, out long value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1.0")]
    [InlineData("1e3")]
    [InlineData("1234567890123456789")]
    public void TryParseNonNegativeInteger_NotPlainDigits_ReturnsFalse(string text)
        => Assert.False(AsciiNumber.TryParseNonNegativeInteger(Ascii(text), 18, out _));

    private static string Digits(Random random, int count)
    {
        var chars = new char[count];
        for (int i = 0; i < count; i++)
        {
            chars[i] = (char)('0' + random.Next(10));
        }

        return new string(chars);
    }
}
