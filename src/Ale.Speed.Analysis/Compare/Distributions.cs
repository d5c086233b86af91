namespace Ale.Speed.Analysis.Compare;

/// <summary>Quantiles of the normal and Student t distributions (for confidence intervals).</summary>
internal static class Distributions
{
    /// <summary>Φ⁻¹(p), Acklam's rational approximation refined by one Halley step (relative error ~1e-15).</summary>
    public static double NormalQuantile(double p)
    {
        if (!(p > 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "A probability in (0, 1).");
        }

        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double Low = 0.02425;
        double x;
        if (p < Low)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        else if (p <= 1 - Low)
        {
            double q = p - 0.5;
            double r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        else
        {
            double q = Math.Sqrt(-2 * Math.Log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }

        double e = NormalCdf(x) - p;
        double u = e * Math.Sqrt(2 * Math.PI) * Math.Exp(x * x / 2);
        return x - u / (1 + x * u / 2);
    }

    /// <summary>Φ(x) from the complementary error function (Numerical Recipes' erfc, ~1e-7, enough for a refinement step).</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>
    /// The Student t quantile for <paramref name="df"/> degrees of freedom (df &gt; 0, not necessarily whole), by bisection
    /// on the distribution function from the regularised incomplete beta function: exact to ~1e-10 also for the few
    /// degrees of freedom that a comparison of days has.
    /// </summary>
    public static double StudentQuantile(double p, double df)
    {
        double z = NormalQuantile(p);
        if (double.IsPositiveInfinity(df) || df > 1e7)
        {
            return z;
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(df);
        if (p < 0.5)
        {
            return -StudentQuantile(1 - p, df);
        }

        double lo = 0;
        double hi = Math.Max(1, 2 * z);
        while (StudentCdf(hi, df) < p)
        {
            hi *= 2;
        }

        for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++)
        {
            double mid = (lo + hi) / 2;
            if (StudentCdf(mid, df) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return (lo + hi) / 2;
    }

    /// <summary>P(T ≤ t) for Student's t with <paramref name="df"/> degrees of freedom.</summary>
    public static double StudentCdf(double t, double df)
    {
        double tail = 0.5 * RegularizedIncompleteBeta(df / 2, 0.5, df / (df + t * t));
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>I_x(a, b) by its continued fraction (modified Lentz), Numerical Recipes §6.4.</summary>
    private static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        double front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        return x < (a + 1) / (a + b + 2)
            ? front * BetaContinuedFraction(a, b, x) / a
            : 1 - front * BetaContinuedFraction(b, a, 1 - x) / b;
    }

    private static double BetaContinuedFraction(double a, double b, double x)
    {
        const double Tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
        double h = d;
        for (int m = 1; m <= 300; m++)
        {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + aa * d;
            d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
            c = 1 + aa / c;
            c = Math.Abs(c) < Tiny ? Tiny : c;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + aa * d;
            d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
            c = 1 + aa / c;
            c = Math.Abs(c) < Tiny ? Tiny : c;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-15)
            {
                break;
            }
        }

        return h;
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, 9 terms; relative error ~1e-15).</summary>
    private static double LogGamma(double x)
    {
        double[] c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        double sum = c[0];
        for (int i = 1; i < c.Length; i++)
        {
            sum += c[i] / (x + i);
        }

        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }

    private static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
