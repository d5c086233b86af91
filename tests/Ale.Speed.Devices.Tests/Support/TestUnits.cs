using System.Diagnostics;
using System.Globalization;
using System.Text;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Sites;

namespace Ale.Speed.Devices.Tests.Support;

internal static class TestUnits
{
    public static readonly Site Site = new("test-site", "Test site", 50);

    public static Unit Unit(string id, FrameFormat format = FrameFormat.Canonical, SpeedUnit speedUnit = SpeedUnit.KilometresPerHour)
        => new() { Id = id, Site = Site, Format = format, SpeedUnit = speedUnit };

    /// <summary>A canonical NDJSON record, an hour ago plus <paramref name="seq"/> ms (always in the past, never too old).</summary>
    public static string CanonicalLine(long seq, double kmh = 50, long? baseMs = null)
    {
        long ms = (baseMs ?? s_base) + seq;
        string ts = DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{{\"ts\":\"{ts}\",\"kmh\":{kmh:0.0},\"dir\":\"in\",\"seq\":{seq}}}\n");
    }

    public static byte[] CanonicalLines(long firstSeq, int count, double kmh = 50)
    {
        var text = new StringBuilder();
        for (long s = firstSeq; s < firstSeq + count; s++)
        {
            text.Append(CanonicalLine(s, kmh));
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static readonly long s_base = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds();

    /// <summary>Polls until <paramref name="condition"/> holds or the timeout passes (then fails with <paramref name="what"/>).</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for {what()}");
            }

            await Task.Delay(20);
        }
    }
}
