using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Analysis.Tests.Compare;

/// <summary>Simulated traffic with day-to-day variation, and the before/after method written out from raw vehicles.</summary>
internal static class DailyTraffic
{
    // Relative traffic per local hour: quiet nights, rush hours.
    private static readonly double[] s_hourProfile = [1, 1, 1, 1, 1, 2, 8, 9, 8, 5, 5, 5, 5, 5, 5, 8, 9, 8, 4, 4, 3, 3, 2, 1];

    public static bool IsWeekend(DateOnly date) => date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    /// <summary>
    /// Traffic of a period: every local day gets its own offset (weather, events: N(0, <paramref name="dailySd"/>), or
    /// the one <paramref name="sharedOffsets"/> gives, as a control road sharing the weather would), a weekday/weekend
    /// level, faster nights, and vehicles spread N(·, 7) around that.
    /// </summary>
    public static List<Vehicle> Days(Unit unit, Period period, Random random, double dailySd, double change = 0, int perDay = 500,
        Func<DateOnly, double>? sharedOffsets = null, Func<DateOnly, int, bool>? hourMissing = null)
    {
        var vehicles = new List<Vehicle>();
        double profileTotal = s_hourProfile.Sum();
        for (DateOnly date = DateOnly.FromDateTime(Traffic.ToLocal(period.FromMs).DateTime); Traffic.Local(date.Year, date.Month, date.Day) < period.ToMs; date = date.AddDays(1))
        {
            double offset = sharedOffsets?.Invoke(date) ?? Traffic.Normal(random, 0, dailySd);
            bool weekend = IsWeekend(date);
            int count = (int)(perDay * (weekend ? 0.7 : 1.0) * (0.85 + 0.3 * random.NextDouble()));
            for (int i = 0; i < count; i++)
            {
                double u = random.NextDouble() * profileTotal;
                int hour = 0;
                while (u > s_hourProfile[hour] && hour < 23)
                {
                    u -= s_hourProfile[hour];
                    hour++;
                }

                if (hourMissing?.Invoke(date, hour) == true)
                {
                    continue;
                }

                long ms = Traffic.Local(date.Year, date.Month, date.Day, hour) + random.NextInt64(Traffic.HourMs);
                double level = (weekend ? 52 : 48) + (hour < 6 || hour >= 22 ? 5 : 0);
                vehicles.Add(Traffic.Vehicle(unit, ms, Traffic.Normal(random, level + offset + change, 7), random.Next(2) == 0 ? Direction.Approaching : Direction.Receding));
            }
        }

        return vehicles;
    }

    /// <summary>
    /// The method written out from the raw vehicles: per local day, the mean per time of day weighted as the before
    /// period's vehicles of that day type; days under 30 vehicles or 75 % of the usual traffic out; then a pooled t interval.
    /// </summary>
    public static (double Change, double Half, int Df, double BeforeMean) OwnDailyMeanComparison(List<Vehicle> before, List<Vehicle> after)
    {
        int[] starts = [0, 6, 9, 15, 18, 22];
        (DateOnly Date, int Type, int Band) Key(Vehicle v)
        {
            DateTimeOffset local = Traffic.ToLocal(v.TimestampMs);
            var date = DateOnly.FromDateTime(local.DateTime);
            return (date, IsWeekend(date) ? 1 : 0, starts.Count(s => local.Hour >= s) - 1);
        }

        var weights = new double[2][];
        for (int t = 0; t < 2; t++)
        {
            int type = t;
            Vehicle[] ofType = [.. before.Where(v => Key(v).Type == type)];
            weights[t] = [.. Enumerable.Range(0, 6).Select(b => ofType.Count(v => Key(v).Band == b) / (double)ofType.Length)];
        }

        List<(int Type, double Mean, int Vehicles)> Daily(List<Vehicle> vehicles)
        {
            var days = new List<(int, double, int)>();
            foreach (IGrouping<DateOnly, Vehicle> day in vehicles.GroupBy(v => Key(v).Date))
            {
                int type = IsWeekend(day.Key) ? 1 : 0;
                double covered = Enumerable.Range(0, 6).Where(b => day.Any(v => Key(v).Band == b)).Sum(b => weights[type][b]);
                if (day.Count() < 30 || covered < 0.75)
                {
                    continue;
                }

                double mean = Enumerable.Range(0, 6).Where(b => day.Any(v => Key(v).Band == b))
                    .Sum(b => weights[type][b] / covered * day.Where(v => Key(v).Band == b).Average(v => v.SpeedKmh));
                days.Add((type, mean, day.Count()));
            }

            return days;
        }

        var b = Daily(before);
        var a = Daily(after);
        double vehiclesBefore = b.Sum(d => d.Vehicles);
        double change = 0, variance = 0, squares = 0, beforeMean = 0;
        for (int t = 0; t < 2; t++)
        {
            int type = t;
            double w = b.Where(d => d.Type == type).Sum(d => d.Vehicles) / vehiclesBefore;
            double[] bt = [.. b.Where(d => d.Type == type).Select(d => d.Mean)];
            double[] at = [.. a.Where(d => d.Type == type).Select(d => d.Mean)];
            change += w * (at.Average() - bt.Average());
            beforeMean += w * bt.Average();
            variance += w * w * (1.0 / bt.Length + 1.0 / at.Length);
            squares += bt.Sum(x => Math.Pow(x - bt.Average(), 2)) + at.Sum(x => Math.Pow(x - at.Average(), 2));
        }

        int df = b.Count + a.Count - 4;
        return (change, Distributions.StudentQuantile(0.975, df) * Math.Sqrt(squares / df * variance), df, beforeMean);
    }

}
