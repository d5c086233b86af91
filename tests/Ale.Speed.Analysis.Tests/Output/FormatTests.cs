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

public sealed class TextTableTests
{
    [Fact]
    public void WriteTo_AlignsTextLeftAndNumbersRight_AndTrimsEachLineEnd()
    {
        var table = new TextTable("site", "count", "share", "");
        table.Add("a", "7", "1.5%", "*");
        table.Add("long-site", "1234", "-", "");
        table.Add("b  ", "", "12.0%", " ");
        var output = new StringWriter { NewLine = "\n" };

        table.WriteTo(output);

        Assert.Equal(
            "site       count  share\n" +
            "---------  -----  -----  -\n" +
            "a              7   1.5%  *\n" +
            "long-site   1234      -\n" +
            "b                 12.0%\n",
            output.ToString());
    }

    [Fact]
    public void Write_ALongTable_IsLaidOutInOrderWithColumnsMeasuredOverEveryRow()
    {
        // Long tables are measured and laid out in parts on several threads: the widest cell and the one text cell of the
        // "n" column are in the last row, so the first rows' padding shows whether the parts' measures were combined.
        const int Rows = 5 * 1024 + 17;
        var output = new StringWriter { NewLine = "\r\n" };

        TextTable.Write(output, ["row", "n", "e"], Rows, Rows, static (rows, r, ref cells) =>
        {
            Span<char> buffer = stackalloc char[16];
            cells.Add(Format.Integer(buffer, r));
            cells.Add(r == rows - 1 ? "wide-text-cell" : Format.Integer(buffer, r % 10));
            cells.Add("|");
        });

        string[] lines = output.ToString().Split("\r\n");
        Assert.Equal(Rows + 3, lines.Length);
        Assert.Equal(" row  n               e", lines[0]);
        Assert.Equal("----  --------------  -", lines[1]);
        for (int r = 0; r < Rows - 1; r++)
        {
            Assert.Equal($"{r,4}  {r % 10,-14}  |", lines[r + 2]);
        }

        Assert.Equal($"{Rows - 1}  wide-text-cell  |", lines[^2]);
        Assert.Equal("", lines[^1]);
    }
}

public sealed class CsvWriterTests
{
    [Fact]
    public void Field_QuotesWhatNeedsIt_AndLongRecordsSurviveWhole()
    {
        string longText = new('x', 1000);
        var output = new StringWriter();
        var csv = new CsvWriter(output);
        csv.Field("plain").Field("a, \"b\"").Field("two\nlines").Field(-12L).Field((long?)null).Field(0.1 + 0.2).Field(double.NaN).Field(true).EndLine();
        csv.Field(longText).Field(1e300).EndLine();

        Assert.Equal("plain,\"a, \"\"b\"\"\",\"two\nlines\",-12,,0.30000000000000004,,true\r\n" + longText + ",1E+300\r\n", output.ToString());
        List<string[]> records = CsvWriter.Parse(output.ToString());
        Assert.Equal(["plain", "a, \"b\"", "two\nlines", "-12", "", "0.30000000000000004", "", "true"], records[0]);
        Assert.Equal([longText, "1E+300"], records[1]);
    }
}
