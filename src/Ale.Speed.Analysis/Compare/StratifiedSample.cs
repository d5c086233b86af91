using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Statistics;
using Ale.Speed.Core.Time;

namespace Ale.Speed.Analysis.Compare;

/// <summary>
/// How a comparison cuts time (local, Europe/Stockholm): days are the unit of variation, grouped in two day types
/// (Monday–Friday, Saturday–Sunday; a public holiday counts as the weekday it falls on); within a day, six times of day
/// (00–06, 06–09, 09–15, 15–18, 18–22, 22–24) to which each day's figure is reweighted, so that a day with an outage in
/// the rush hour is not read as a faster day.
/// </summary>
public static class DayParts
{
    public const int DayTypeCount = 2;

    public const int BandCount = 6;

    private static readonly int[] s_bandStarts = [0, 6, 9, 15, 18, 22];

    /// <summary>The local date, day type (0 weekday, 1 weekend) and time-of-day band of <paramref name="unixMs"/>.</summary>
    public static (DateOnly Date, int DayType, int Band) Of(long unixMs)
    {
        DateTimeOffset local = StockholmTime.ToLocal(unixMs);
        int band = s_bandStarts.Length - 1;
        while (local.Hour < s_bandStarts[band])
        {
            band--;
        }

        return (DateOnly.FromDateTime(local.DateTime), DayTypeOf(local.DayOfWeek), band);
    }

    public static int DayTypeOf(DayOfWeek day) => day is DayOfWeek.Saturday or DayOfWeek.Sunday ? 1 : 0;

    public static string DayTypeName(int dayType) => dayType == 0 ? "weekday" : "weekend";

    public static string BandLabel(int band)
    {
        int end = band + 1 < s_bandStarts.Length ? s_bandStarts[band + 1] : 24;
        return $"{s_bandStarts[band]:00}-{end:00}";
    }
}

/// <summary>
/// Vehicles as a mixture of strata with fixed weights (a day's times of day, weighted as the before period's): the
/// reweighted figures of one day. The stratum bins are exact merges of stored bins.
/// </summary>
internal sealed class StratifiedSample
{
    private readonly Bin[] _strata;
    private readonly double[] _weights;
    private readonly double[] _mixture = new double[SpeedHistogram.BucketCount];
    private readonly double _maxKmh;

    /// <param name="weights">One per stratum, summing to 1; a stratum with weight 0 is ignored, one with weight &gt; 0 must hold vehicles.</param>
    public StratifiedSample(Bin[] strata, double[] weights)
    {
        _strata = strata;
        _weights = weights;
        _maxKmh = 0;
        for (int h = 0; h < strata.Length; h++)
        {
            if (weights[h] <= 0)
            {
                continue;
            }

            Bin bin = strata[h];
            ReadOnlySpan<long> counts = bin.Histogram.Counts;
            double scale = weights[h] / bin.Count;
            for (int k = 0; k < counts.Length; k++)
            {
                _mixture[k] += counts[k] * scale;
            }

            _maxKmh = Math.Max(_maxKmh, bin.MaxKmh);
        }
    }

    /// <summary>Σ w·mean (exact stratum means from the integer sums).</summary>
    public double Mean => Sum(h => _weights[h] * SpeedStatistics.Mean(_strata[h]));

    public double ShareOverLimit => Sum(h => _weights[h] * SpeedStatistics.ShareOverLimit(_strata[h]));

    /// <summary>The q-quantile of the mixture, by the same interpolation as <see cref="SpeedStatistics.Percentile"/> on weighted buckets.</summary>
    public double Quantile(double q)
    {
        q = Math.Clamp(q, 0, 1);
        double below = 0;
        for (int k = 0; k < _mixture.Length; k++)
        {
            double f = _mixture[k];
            if (f <= 0)
            {
                continue;
            }

            if (below + f >= q - 1e-12)
            {
                return Math.Min(k + Math.Clamp((q - below) / f, 0, 1), _maxKmh);
            }

            below += f;
        }

        return _maxKmh;
    }

    /// <summary>Σ of term(h) over the strata with a weight.</summary>
    private double Sum(Func<int, double> term)
    {
        double total = 0;
        for (int h = 0; h < _strata.Length; h++)
        {
            if (_weights[h] > 0)
            {
                total += term(h);
            }
        }

        return total;
    }
}
