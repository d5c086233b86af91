using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Statistics;

namespace Ale.Speed.Analysis.Compare;

/// <summary>
/// Strata of the week for comparing periods: day type (Monday–Friday, Saturday, Sunday) × time of day (00–06, 06–09,
/// 09–15, 15–18, 18–22, 22–24), local time. 18 strata: fine enough to capture rush hours, evenings and weekends, coarse
/// enough that each holds enough vehicles for a variance.
/// </summary>
public static class WeekStrata
{
    public const int Count = 18;

    private static readonly int[] s_bandStarts = [0, 6, 9, 15, 18, 22];
    private static readonly string[] s_dayTypes = ["Mon-Fri", "Sat", "Sun"];

    public static int Of(long unixMs)
    {
        DateTimeOffset local = StockholmTime.ToLocal(unixMs);
        int day = StockholmTime.DayIndex(local.DayOfWeek);
        int dayType = day < 5 ? 0 : day - 4;
        int band = s_bandStarts.Length - 1;
        while (local.Hour < s_bandStarts[band])
        {
            band--;
        }

        return dayType * s_bandStarts.Length + band;
    }

    public static string Label(int stratum)
    {
        int band = stratum % s_bandStarts.Length;
        int end = band + 1 < s_bandStarts.Length ? s_bandStarts[band + 1] : 24;
        return $"{s_dayTypes[stratum / s_bandStarts.Length]} {s_bandStarts[band]:00}-{end:00}";
    }
}

/// <summary>
/// A period's vehicles as a mixture of strata with fixed weights (its own mix, or another period's): the estimates and
/// their variances that a post-stratified comparison needs. The stratum bins are exact merges of stored bins.
/// </summary>
internal sealed class StratifiedSample
{
    private readonly Bin[] _strata;
    private readonly double[] _weights;
    private readonly double[] _mixture = new double[SpeedHistogram.BucketCount];
    private readonly double _maxKmh;

    /// <param name="weights">One per stratum, summing to 1; a stratum with weight 0 is ignored.</param>
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

    /// <summary>Σ w²·s²/n: the variance of <see cref="Mean"/> given the weights.</summary>
    public double MeanVariance => Sum(MeanVarianceOf);

    /// <summary>Σ (w²·s²/n)² / (n − 1): the denominator of the Welch–Satterthwaite degrees of freedom.</summary>
    public double SatterthwaiteDenominator => Sum(h => Math.Pow(MeanVarianceOf(h), 2) / (_strata[h].Count - 1));

    public double ShareOverLimit => Sum(h => _weights[h] * SpeedStatistics.ShareOverLimit(_strata[h]));

    /// <summary>Σ w²·p̃(1 − p̃)/n with p̃ = (x + 1)/(n + 2) (Agresti–Caffo), so that a share of 0 or 1 still has a width.</summary>
    public double ShareVariance => Sum(h =>
    {
        Bin bin = _strata[h];
        double p = (bin.CountOverLimit + 1.0) / (bin.Count + 2.0);
        return _weights[h] * _weights[h] * p * (1 - p) / (bin.Count + 2.0);
    });

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

    /// <summary>
    /// Woodruff's interval for the q-quantile: the variance of the mixture's distribution function at the quantile,
    /// Σ w²·F_h(Q)(1 − F_h(Q))/n_h, carried back through the quantile function; returns the implied standard error.
    /// For one stratum this is the distribution-free order-statistic interval.
    /// </summary>
    public (double Estimate, double Lower, double Upper, double StandardError) QuantileInterval(double q, double z)
    {
        double estimate = Quantile(q);
        double varianceF = Sum(h =>
        {
            double f = Cdf(_strata[h], estimate);
            return _weights[h] * _weights[h] * f * (1 - f) / _strata[h].Count;
        });
        double seF = Math.Sqrt(varianceF);
        double lower = Quantile(q - z * seF);
        double upper = Quantile(q + z * seF);
        return (estimate, lower, upper, (upper - lower) / (2 * z));
    }

    public long Vehicles => _strata.Where((_, h) => _weights[h] > 0).Sum(b => b.Count);

    private double MeanVarianceOf(int h) => _weights[h] * _weights[h] * Math.Pow(SpeedStatistics.StandardDeviation(_strata[h]), 2) / _strata[h].Count;

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

    /// <summary>The stratum's distribution function at x, linear within the 1 km/h bucket (the percentile's inverse).</summary>
    private static double Cdf(Bin bin, double x)
    {
        ReadOnlySpan<long> counts = bin.Histogram.Counts;
        int k = (int)Math.Floor(x);
        if (k < 0)
        {
            return 0;
        }

        if (k >= counts.Length)
        {
            return 1;
        }

        long below = 0;
        for (int i = 0; i < k; i++)
        {
            below += counts[i];
        }

        return Math.Clamp((below + (x - k) * counts[k]) / bin.Count, 0, 1);
    }
}
