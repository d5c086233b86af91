namespace Ale.Speed.Influx.LineProtocol;

/// <summary>
/// The unit of the timestamps in a batch, sent as the request's <c>precision</c>. Coarser is smaller on the wire
/// and is all a bin needs: bins are named by the start of their window, a whole second.
/// </summary>
public enum TimestampPrecision : byte
{
    Seconds = 0,
    Milliseconds,
    Microseconds,
    Nanoseconds,
}

internal static class TimestampPrecisionExtensions
{
    /// <summary>The <c>precision</c> query value of the 1.x <c>/write</c> API (n, u, ms, s).</summary>
    public static string ToV1QueryValue(this TimestampPrecision precision) => precision switch
    {
        TimestampPrecision.Seconds => "s",
        TimestampPrecision.Milliseconds => "ms",
        TimestampPrecision.Microseconds => "u",
        TimestampPrecision.Nanoseconds => "n",
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };

    /// <summary>The <c>precision</c> query value of the 2.x <c>/api/v2/write</c> API (ns, us, ms, s).</summary>
    public static string ToV2QueryValue(this TimestampPrecision precision) => precision switch
    {
        TimestampPrecision.Seconds => "s",
        TimestampPrecision.Milliseconds => "ms",
        TimestampPrecision.Microseconds => "us",
        TimestampPrecision.Nanoseconds => "ns",
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };

    /// <summary>Unix milliseconds (Core's time unit) in <paramref name="precision"/>; sub-second parts are floored
    /// for <see cref="TimestampPrecision.Seconds"/>.</summary>
    public static long FromUnixMilliseconds(this TimestampPrecision precision, long unixMilliseconds) => precision switch
    {
        TimestampPrecision.Seconds => Math.DivRem(unixMilliseconds, 1000, out var rest) - (rest < 0 ? 1 : 0),
        TimestampPrecision.Milliseconds => unixMilliseconds,
        TimestampPrecision.Microseconds => checked(unixMilliseconds * 1000),
        TimestampPrecision.Nanoseconds => checked(unixMilliseconds * 1_000_000),
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };
}
