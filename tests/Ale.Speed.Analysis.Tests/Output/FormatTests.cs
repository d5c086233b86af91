using Ale.Speed.Analysis.Output;

namespace Ale.Speed.Analysis.Tests.Output;

public sealed class FormatTests
{
    [Theory]
    [InlineData(1.24, "+1.2")]
    [InlineData(-0.44, "-0.4")]
    [InlineData(-0.04, "0.0")] // a decrease too small to show is no change, not "-0.0"
    [InlineData(0.04, "0.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(-12.36, "-12.4")]
    [InlineData(double.NaN, "-")]
    public void Signed_WritesTheSignOfWhatIsShown(double value, string expected) => Assert.Equal(expected, Format.Signed(value));
}
