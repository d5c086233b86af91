using System.Buffers;
using System.Text;
using Ale.Speed.Influx.LineProtocol;

namespace Ale.Speed.Influx.Tests.LineProtocol;

public sealed class LineProtocolWriterTests
{
    private const long May1Ms = 1_746_057_600_000; // 2025-05-01T00:00:00Z

    private static string Encode(Action<LineProtocolWriter> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(new LineProtocolWriter(output));
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void Measurement_CommasAndSpaces_AreEscapedEqualsSignIsNot()
    {
        var line = Encode(w => w.Measurement("speed bins,v2=x").Field("n", 1L).Timestamp(May1Ms, TimestampPrecision.Seconds));
        Assert.Equal("speed\\ bins\\,v2=x n=1i 1746057600\n", line);
    }

    [Fact]
    public void Tag_KeysAndValues_EscapeCommasEqualsSignsAndSpaces()
    {
        var line = Encode(w => w.Measurement("m").Tag("site name,x=y", "Ale torg, Nödinge=1").Field("n", 1L).EndLine());
        Assert.Equal("m,site\\ name\\,x\\=y=Ale\\ torg\\,\\ Nödinge\\=1 n=1i\n", line);
    }

    [Fact]
    public void FieldKey_CommasEqualsSignsAndSpaces_AreEscaped()
    {
        var line = Encode(w => w.Measurement("m").Field("a b,c=d", 2L).EndLine());
        Assert.Equal("m a\\ b\\,c\\=d=2i\n", line);
    }

    [Fact]
    public void StringField_QuotesAndBackslashesAreEscaped_OthersAreNot()
    {
        var line = Encode(w => w.Measurement("m").Field("s", "say \"hej\", C:\\temp = x").EndLine());
        Assert.Equal("m s=\"say \\\"hej\\\", C:\\\\temp = x\"\n", line);
    }

    [Fact]
    public void NonAscii_IsWrittenAsUtf8()
    {
        var output = new ArrayBufferWriter<byte>();
        new LineProtocolWriter(output).Measurement("m").Tag("site", "Älvängen=centrum").Field("s", "Nödinge").EndLine();
        var expected = "m,site=\u00C4lv\u00E4ngen\\=centrum s=\"N\u00F6dinge\"\n"u8;
        Assert.Equal(expected.ToArray(), output.WrittenSpan.ToArray());
        Assert.Equal(0xC3, output.WrittenSpan[7]); // Ä as two UTF-8 bytes, not Latin-1
    }

    [Fact]
    public void Tags_InAnyOrder_AreSortedByKeyBytewise()
    {
        var line = Encode(w => w.Measurement("m")
            .Tag("site", "s").Tag("Direction", "in").Tag("öst", "1").Tag("lane", "2").Tag("a", "3")
            .Field("n", 1L).EndLine());
        // Byte order: uppercase before lowercase, and the UTF-8 lead byte of ö (0xC3) after every ASCII letter.
        Assert.Equal("m,Direction=in,a=3,lane=2,site=s,öst=1 n=1i\n", line);
    }

    [Fact]
    public void Tag_EmptyValue_IsOmitted()
    {
        var line = Encode(w => w.Measurement("m").Tag("lane", "").Tag("site", "s").Field("n", 1L).EndLine());
        Assert.Equal("m,site=s n=1i\n", line);
    }

    [Theory]
    [InlineData(0L, "0i")]
    [InlineData(123L, "123i")]
    [InlineData(-42L, "-42i")]
    [InlineData(long.MaxValue, "9223372036854775807i")]
    [InlineData(long.MinValue, "-9223372036854775808i")]
    public void Field_Integer_EndsInI(long value, string expected) =>
        Assert.Equal($"m x={expected}\n", Encode(w => w.Measurement("m").Field("x", value).EndLine()));

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(3.0, "3")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1e20, "1E+20")]
    [InlineData(1.5e-7, "1.5E-07")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(double.MaxValue, "1.7976931348623157E+308")]
    public void Field_Double_IsShortestRoundTrip(double value, string expected)
    {
        var line = Encode(w => w.Measurement("m").Field("x", value).EndLine());
        Assert.Equal($"m x={expected}\n", line);
        Assert.Equal(value, double.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Field_Bool_IsTrueOrFalse() =>
        Assert.Equal("m a=true,b=false\n", Encode(w => w.Measurement("m").Field("a", true).Field("b", false).EndLine()));

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Field_NonFiniteDouble_ThrowsAndLeavesNoPartialLine(double value)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new LineProtocolWriter(output);
        Assert.Throws<ArgumentException>(() => writer.Measurement("m").Tag("t", "v").Field("a", 1L).Field("x", value));
        writer.Measurement("ok").Field("n", 1L).EndLine();
        Assert.Equal("ok n=1i\n", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void LineBreaks_InAnyNameOrValue_AreRejected()
    {
        var writer = new LineProtocolWriter(new ArrayBufferWriter<byte>());
        Assert.Throws<ArgumentException>(() => writer.Measurement("a\nb"));
        Assert.Throws<ArgumentException>(() => writer.Measurement("m").Tag("a\nb", "v"));
        Assert.Throws<ArgumentException>(() => writer.Measurement("m").Tag("k", "v\r\n"));
        Assert.Throws<ArgumentException>(() => writer.Measurement("m").Field("a\nb", 1L));
        Assert.Throws<ArgumentException>(() => writer.Measurement("m").Field("s", "line1\nline2"));
    }

    [Fact]
    public void Backslash_ThatWouldEscapeTheSeparator_IsRejected_OtherBackslashesPassAsIs()
    {
        var writer = new LineProtocolWriter(new ArrayBufferWriter<byte>());
        Assert.Throws<ArgumentException>(() => writer.Measurement("m").Tag("k", "ends\\"));
        Assert.Throws<ArgumentException>(() => writer.Measurement("m").Tag("k", "a\\,b"));
        Assert.Throws<ArgumentException>(() => writer.Measurement("m\\ x"));
        Assert.Throws<ArgumentException>(() => writer.Measurement("m").Field("k\\", 1L));

        Assert.Equal("m,k=C:\\temp n=1i\n", Encode(w => w.Measurement("m").Tag("k", "C:\\temp").Field("n", 1L).EndLine()));
    }

    [Fact]
    public void EmptyNames_AreRejected()
    {
        var writer = new LineProtocolWriter(new ArrayBufferWriter<byte>());
        Assert.Throws<ArgumentException>(() => writer.Measurement(""));
        Assert.Throws<ArgumentException>(() => writer.Measurement("m").Tag("", "v"));
        Assert.Throws<ArgumentException>(() => writer.Measurement("m").Field("", 1L));
    }

    [Fact]
    public void Order_PointWithoutField_TagAfterField_FieldWithoutMeasurement_AreRejected()
    {
        var writer = new LineProtocolWriter(new ArrayBufferWriter<byte>());
        Assert.Throws<InvalidOperationException>(() => writer.Measurement("m").Tag("k", "v").EndLine());
        Assert.Throws<InvalidOperationException>(() => writer.Measurement("m").Field("a", 1L).Tag("k", "v"));
        Assert.Throws<InvalidOperationException>(() => new LineProtocolWriter(new ArrayBufferWriter<byte>()).Field("a", 1L));
    }

    [Fact]
    public void Tag_SameKeyTwice_IsRejected()
    {
        var writer = new LineProtocolWriter(new ArrayBufferWriter<byte>());
        Assert.Throws<ArgumentException>(() => writer.Measurement("m").Tag("k", "1").Tag("k", "2").Field("a", 1L));
    }

    [Theory]
    [InlineData(TimestampPrecision.Seconds, 1_746_057_601_999L, "1746057601")]
    [InlineData(TimestampPrecision.Seconds, -1L, "-1")]
    [InlineData(TimestampPrecision.Milliseconds, 1_746_057_601_999L, "1746057601999")]
    [InlineData(TimestampPrecision.Microseconds, 1_746_057_601_999L, "1746057601999000")]
    [InlineData(TimestampPrecision.Nanoseconds, 1_746_057_601_999L, "1746057601999000000")]
    public void Timestamp_UnixMilliseconds_AreWrittenInThePrecision(TimestampPrecision precision, long unixMs, string expected) =>
        Assert.Equal($"m n=1i {expected}\n", Encode(w => w.Measurement("m").Field("n", 1L).Timestamp(unixMs, precision)));

    [Fact]
    public void Encoding_OnceWarm_AllocatesNothingPerPoint()
    {
        using var batch = new LineBatch(TimestampPrecision.Seconds, initialCapacity: 1 << 20);
        var writer = batch.Writer;
        const string site = "Ale torg, Nödinge";
        const string direction = "towards Göteborg";

        // Warm: the batch's line index grows to 1000 entries, the JIT compiles every path.
        WritePoints(writer, 1000, site, direction);
        batch.Clear();

        var before = GC.GetAllocatedBytesForCurrentThread();
        WritePoints(writer, 1000, site, direction);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(1000, batch.Count);
        Assert.Equal(0, allocated);

        static void WritePoints(LineProtocolWriter writer, int count, string site, string direction)
        {
            for (var i = 0; i < count; i++)
            {
                writer.Measurement("speed_bin")
                    .Tag("site", site).Tag("direction", direction).Tag("unit", "ops243-1")
                    .Field("count", (long)i).Field("mean_kmh", 41.25 + i).Field("complete", true).Field("note", "a \"b\" c")
                    .Timestamp(May1Ms + (i * 60_000L), TimestampPrecision.Seconds);
            }
        }
    }
}
