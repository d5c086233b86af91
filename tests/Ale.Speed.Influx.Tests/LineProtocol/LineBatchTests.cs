using System.Text;
using Ale.Speed.Influx.LineProtocol;

namespace Ale.Speed.Influx.Tests.LineProtocol;

public sealed class LineBatchTests
{
    [Fact]
    public void Writer_Lines_AreAddressableOneByOneAndAsRuns()
    {
        using var batch = new LineBatch(TimestampPrecision.Seconds);
        for (var i = 0; i < 5; i++)
        {
            batch.Writer.Measurement("m").Field("n", (long)i).Timestamp(i * 1000L, TimestampPrecision.Seconds);
        }

        Assert.Equal(5, batch.Count);
        Assert.Equal("m n=2i 2", Encoding.UTF8.GetString(batch.GetLine(2)));
        Assert.Equal("m n=1i 1\nm n=2i 2\nm n=3i 3\n", Encoding.UTF8.GetString(batch.GetLines(1, 3).Span));
        Assert.Equal(batch.ByteCount, batch.GetLines(0, 5).Length);
    }

    [Fact]
    public void AppendLines_SplitsOnLineFeeds_SkipsEmptyLines()
    {
        using var batch = new LineBatch();
        batch.AppendLines("a x=1i 1\n\nb x=2i 2\r\n\nc x=3i 3"u8);
        Assert.Equal(3, batch.Count);
        Assert.Equal("a x=1i 1", Encoding.UTF8.GetString(batch.GetLine(0)));
        Assert.Equal("b x=2i 2\r", Encoding.UTF8.GetString(batch.GetLine(1)));
        Assert.Equal("c x=3i 3", Encoding.UTF8.GetString(batch.GetLine(2)));
    }

    [Fact]
    public void AppendLine_WithLineFeedInside_IsRejected()
    {
        using var batch = new LineBatch();
        Assert.Throws<ArgumentException>(() => batch.AppendLine("a x=1i\nb x=2i"u8));
        Assert.Throws<ArgumentException>(() => batch.AppendLine(""u8));
        batch.AppendLine("a x=1i\n"u8);
        Assert.Equal(1, batch.Count);
    }

    [Fact]
    public void Timestamp_InAnotherPrecisionThanTheBatch_IsRejected()
    {
        using var batch = new LineBatch(TimestampPrecision.Seconds);
        Assert.Throws<ArgumentException>(() => batch.Writer.Measurement("m").Field("n", 1L).Timestamp(1000, TimestampPrecision.Milliseconds));
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void AbandonedPoint_LeavesNothingInTheBatch()
    {
        using var batch = new LineBatch();
        Assert.Throws<ArgumentException>(() => batch.Writer.Measurement("m").Field("a", 1L).Field("x", double.NaN));
        batch.Writer.Measurement("m").Field("a", 2L).EndLine();
        Assert.Equal(1, batch.Count);
        Assert.Equal("m a=2i\n", Encoding.UTF8.GetString(batch.GetLines(0, 1).Span));
    }

    [Fact]
    public void Clear_EmptiesTheBatch_ForReuse()
    {
        using var batch = new LineBatch();
        batch.AppendLine("a x=1i"u8);
        batch.Clear();
        Assert.Equal(0, batch.Count);
        Assert.Equal(0, batch.ByteCount);
        batch.AppendLine("b x=1i"u8);
        Assert.Equal("b x=1i", Encoding.UTF8.GetString(batch.GetLine(0)));
    }

    [Fact]
    public void Grows_PastItsInitialCapacity_KeepingEveryLine()
    {
        using var batch = new LineBatch(TimestampPrecision.Seconds, initialCapacity: 16);
        for (var i = 0; i < 10_000; i++)
        {
            batch.Writer.Measurement("m").Tag("site", "Ale torg, Nödinge").Field("n", (long)i).Timestamp(i * 1000L, TimestampPrecision.Seconds);
        }

        Assert.Equal(10_000, batch.Count);
        Assert.Equal("m,site=Ale\\ torg\\,\\ Nödinge n=9999i 9999", Encoding.UTF8.GetString(batch.GetLine(9999)));
    }
}
