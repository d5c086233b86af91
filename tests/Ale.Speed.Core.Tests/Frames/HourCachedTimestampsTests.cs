using System.Text;
using Ale.Speed.Core.Frames;

namespace Ale.Speed.Core.Tests.Frames;

public sealed class HourCachedTimestampsTests
{
    /// <summary>
    /// A stream in time order across hour, day, month, year and leap-day boundaries, with every invalid minute, second
    /// and fraction under a remembered hour, other shapes in between, and jumps back: each answer is the full parser's.
    /// </summary>
    [Fact]
    public void TryParseUnixMs_StreamOfTimestamps_AnswersExactlyAsTheFullParser()
    {
        var random = new Random(2026);
        var texts = new List<string>();
        var time = new DateTimeOffset(2023, 12, 31, 22, 58, 0, TimeSpan.Zero);
        for (int i = 0; i < 20_000; i++)
        {
            time = time.AddMilliseconds(random.Next(0, 90_000));
            if (i % 1000 == 0)
            {
                time = time.AddDays(random.Next(-3, 60)); // into and across Februaries (2024 is a leap year)
            }

            string text = time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
            texts.Add(text);
            switch (random.Next(12))
            {
                case 0: // the same hour, a minute, second or fraction out of range or not a digit
                    char[] bad = text.ToCharArray();
                    int at = new[] { 14, 15, 17, 18, 20, 21, 22 }[random.Next(7)];
                    bad[at] = "6789:/a "[random.Next(8)];
                    texts.Add(new string(bad));
                    break;
                case 1: // other shapes and offsets of the same instant, which the cache must not take
                    texts.Add(time.ToString("yyyy-MM-dd'T'HH:mm:ss.ff'Z'"));
                    texts.Add(time.ToOffset(TimeSpan.FromHours(1)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz"));
                    texts.Add(time.ToString("yyyy-MM-dd't'HH:mm:ss.fff'z'"));
                    texts.Add(text[..19] + ".000" + text[19..]);
                    break;
                case 2: // a leap second and a record from the past
                    texts.Add(text[..17] + "60" + text[19..]);
                    texts.Add(time.AddHours(-random.Next(1, 50)).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"));
                    break;
            }
        }

        texts.Add("2023-02-29T10:00:00.000Z"); // no such day, after the cache saw other days
        var cached = new HourCachedTimestamps();
        int hits = 0;
        foreach (string text in texts)
        {
            byte[] bytes = Encoding.ASCII.GetBytes(text);
            bool expected = IsoTimestamp.TryParseUnixMs(bytes, out long expectedMs);
            Assert.Equal(expected, cached.TryParseUnixMs(bytes, out long actualMs));
            Assert.True(!expected || expectedMs == actualMs, text);
            hits += expected ? 1 : 0;
        }

        Assert.True(hits > 20_000);
    }
}
