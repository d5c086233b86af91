using Ale.Speed.Core.Time;

namespace Ale.Speed.Analysis.Time;

/// <summary>
/// A half-open range [<see cref="FromMs"/>, <see cref="ToMs"/>) of Unix ms: it holds the bins whose window starts in it.
/// </summary>
public readonly record struct Period(long FromMs, long ToMs)
{
    public bool Contains(long unixMs) => unixMs >= FromMs && unixMs < ToMs;

    public DateTimeOffset LocalFrom => StockholmTime.ToLocal(FromMs);

    public DateTimeOffset LocalTo => StockholmTime.ToLocal(ToMs);

    /// <summary>The hour starts (UTC = local hour boundaries) of the hours that overlap the period, ascending.</summary>
    public IEnumerable<long> HourStarts()
    {
        for (long h = StockholmTime.HourStart(FromMs); h < ToMs; h += StockholmTime.HourMs)
        {
            yield return h;
        }
    }

    /// <summary>Hours that overlap the period (a local day has 23, 24 or 25).</summary>
    public int HourCount => ToMs <= FromMs ? 0 : (int)((ToMs - StockholmTime.HourStart(FromMs) + StockholmTime.HourMs - 1) / StockholmTime.HourMs);

    public override string ToString() => $"{LocalFrom:yyyy-MM-dd'T'HH:mm:sszzz}/{LocalTo:yyyy-MM-dd'T'HH:mm:sszzz}";
}
