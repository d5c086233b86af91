using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Statistics;
using Ale.Speed.Core.Vehicles;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Ale.Speed.Core.Tests.Vehicles;

/// <summary>
/// Units that report whole km/h or mph: the statistics of the placed speeds against the test's own statistics of the
/// true (unrounded) speeds the units measured.
/// </summary>
public sealed class SpeedResolutionTests(ITestOutputHelper output)
{
    private const long StartMs = 1_750_000_000_000;
    private const double Mile = 1.609344;
    private static readonly Site s_site = new("s1", "Road", 50);

    private static Unit MakeUnit(SpeedResolution resolution, double angle = 0)
        => new() { Id = "u1", Site = s_site, SpeedResolution = resolution, MountingAngleDegrees = angle, MinPlausibleKmh = 0, MaxPlausibleKmh = 250 };

    private static VehicleFilter MakeFilter(Unit unit)
        => new(unit, new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(StartMs + (10L * 24 * 3600 * 1000))));

    /// <summary>True speeds around a 50 road: normal, mean 51, sd 7, within 10–120.</summary>
    private static double[] TrueSpeeds(int seed, int count)
    {
        var random = new Random(seed);
        var speeds = new double[count];
        for (int i = 0; i < count; i++)
        {
            double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            speeds[i] = Math.Clamp(51 + (7 * gaussian), 10, 120);
        }

        return speeds;
    }

    /// <summary>The q-quantile of raw speeds, linear between order statistics (the test's own computation).</summary>
    private static double Quantile(double[] speeds, double q)
    {
        double[] sorted = [.. speeds];
        Array.Sort(sorted);
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        return below + 1 < sorted.Length ? sorted[below] + ((position - below) * (sorted[below + 1] - sorted[below])) : sorted[below];
    }

    private static double Report(double trueKmh, double stepKmh, SpeedRounding rounding)
    {
        double steps = trueKmh / stepKmh;
        return (rounding == SpeedRounding.Truncate ? Math.Floor(steps) : Math.Round(steps, MidpointRounding.AwayFromZero)) * stepKmh;
    }

    /// <summary>Reports every true speed as the unit would and bins what the filter accepts.</summary>
    private static Bin BinReported(double[] trueSpeeds, Unit unit, double stepKmh, SpeedRounding rounding)
    {
        VehicleFilter filter = MakeFilter(unit);
        var bin = new Bin(50);
        long timeMs = StartMs;
        foreach (double speed in trueSpeeds)
        {
            timeMs += 1_000 + (long)(speed * 37) % 5_000;
            var vehicle = new Vehicle { Unit = unit, TimestampMs = timeMs, SpeedKmh = Report(speed, stepKmh, rounding), Direction = Direction.Approaching, HasDeviceTime = true };
            Assert.Equal(RejectReason.None, filter.Apply(vehicle, out Vehicle accepted));
            bin.Add(accepted);
        }

        return bin;
    }

    [Theory]
    [InlineData(1.0, SpeedRounding.Round)]
    [InlineData(1.0, SpeedRounding.Truncate)]
    [InlineData(Mile, SpeedRounding.Round)]
    [InlineData(Mile, SpeedRounding.Truncate)]
    public void WholeSpeeds_PlacedInTheirInterval_V85AndMeanUnbiasedAgainstTrueSpeeds(double stepKmh, SpeedRounding rounding)
    {
        const int Seeds = 30;
        const int Vehicles = 4_000;
        double v85Bias = 0, v50Bias = 0, meanBias = 0, unplacedV85Bias = 0, unplacedMeanBias = 0;
        for (int seed = 1; seed <= Seeds; seed++)
        {
            double[] speeds = TrueSpeeds(seed, Vehicles);
            Bin placed = BinReported(speeds, MakeUnit(new SpeedResolution(stepKmh, rounding)), stepKmh, rounding);
            Bin unplaced = BinReported(speeds, MakeUnit(SpeedResolution.Exact), stepKmh, rounding);

            double trueV85 = Quantile(speeds, 0.85);
            v85Bias += SpeedStatistics.V85(placed) - trueV85;
            v50Bias += SpeedStatistics.V50(placed) - Quantile(speeds, 0.50);
            meanBias += SpeedStatistics.Mean(placed) - speeds.Average();
            unplacedV85Bias += SpeedStatistics.V85(unplaced) - trueV85;
            unplacedMeanBias += SpeedStatistics.Mean(unplaced) - speeds.Average();
        }

        output.WriteLine($"step {stepKmh} {rounding}, {Seeds} seeds × {Vehicles}: V85 bias {v85Bias / Seeds:+0.000;-0.000;0.000}, V50 {v50Bias / Seeds:+0.000;-0.000;0.000}, mean {meanBias / Seeds:+0.000;-0.000;0.000}; unplaced V85 {unplacedV85Bias / Seeds:+0.000;-0.000;0.000}, mean {unplacedMeanBias / Seeds:+0.000;-0.000;0.000}");
        Assert.InRange(v85Bias / Seeds, -0.1, 0.1);
        Assert.InRange(v50Bias / Seeds, -0.1, 0.1);
        Assert.InRange(meanBias / Seeds, -0.05, 0.05);
        // The same data taken at face value is what the placement corrects: far outside those bands (truncated whole km/h
        // happen to fit the histogram's [k, k+1) buckets, but not the mean).
        double worst = Math.Max(Math.Abs(unplacedV85Bias / Seeds), Math.Abs(unplacedMeanBias / Seeds));
        Assert.True(worst > 0.3, $"unplaced V85 bias {unplacedV85Bias / Seeds:F3}, mean bias {unplacedMeanBias / Seeds:F3}");
    }

    [Theory]
    [InlineData(51.0, SpeedRounding.Round, 50.5, 51.5)]
    [InlineData(50.0, SpeedRounding.Round, 49.5, 50.5)]
    [InlineData(50.0, SpeedRounding.Truncate, 50.0, 51.0)]
    [InlineData(60.0, SpeedRounding.Round, 59.5, 60.5)]
    public void PlacedSpeeds_StayInTheInterval_AndOverLimitCountsAgreeWithThem(double reported, SpeedRounding rounding, double lower, double upper)
    {
        Unit unit = MakeUnit(new SpeedResolution(1, rounding));
        VehicleFilter filter = MakeFilter(unit);
        var bin = new Bin(50);
        var placed = new List<double>();
        for (int i = 0; i < 2_000; i++)
        {
            var vehicle = new Vehicle { Unit = unit, TimestampMs = StartMs + (i * 1_013L), SpeedKmh = reported, Direction = Direction.Receding, HasDeviceTime = true };
            Assert.Equal(RejectReason.None, filter.Apply(vehicle, out Vehicle accepted));
            placed.Add(accepted.SpeedKmh);
            bin.Add(accepted);
        }

        Assert.All(placed, speed => Assert.InRange(speed, lower, upper - 0.01));
        // Spread over the whole interval: every tenth of it is used, none holds much more than its share.
        int[] tenths = new int[10];
        foreach (double speed in placed)
        {
            tenths[(int)((speed - lower) * 10)]++;
        }

        Assert.All(tenths, count => Assert.InRange(count, 140, 260));

        // Over-limit figures are those of the placed speeds, counted here independently.
        Assert.Equal(placed.Count(s => s > 50), bin.CountOverLimit);
        Assert.Equal(placed.Count(s => s > 50 && s <= 60), bin.CountOverLimitBy(LimitCategory.From31To50, 0, 10));
    }

    [Fact]
    public void Rounded51On50Road_IsAlwaysOneToTenOver_Rounded50_IsOverAboutHalfTheTime()
    {
        Unit unit = MakeUnit(new SpeedResolution(1));
        VehicleFilter filter = MakeFilter(unit);
        var at51 = new Bin(50);
        var at50 = new Bin(50);
        for (int i = 0; i < 1_000; i++)
        {
            filter.Apply(new Vehicle { Unit = unit, TimestampMs = StartMs + (i * 997L), SpeedKmh = 51, Direction = Direction.Approaching }, out Vehicle a);
            at51.Add(a);
            filter.Apply(new Vehicle { Unit = unit, TimestampMs = StartMs + (i * 991L), SpeedKmh = 50, Direction = Direction.Approaching }, out Vehicle b);
            at50.Add(b);
        }

        Assert.Equal(1_000, at51.CountOverLimitBy(LimitCategory.From31To50, 0, 10));
        Assert.InRange(at50.CountOverLimit, 420, 580);
    }

    [Fact]
    public void Placement_IsAFunctionOfTheRecord_SoARedeliveryIsStillADuplicate()
    {
        Unit unit = MakeUnit(new SpeedResolution(Mile), angle: 10);
        VehicleFilter filter = MakeFilter(unit);
        var vehicle = new Vehicle { Unit = unit, TimestampMs = StartMs + 5_000, SpeedKmh = 31 * Mile, Direction = Direction.Approaching, HasDeviceTime = true };

        Assert.Equal(RejectReason.None, filter.Apply(vehicle, out Vehicle first));
        Assert.Equal(RejectReason.Duplicate, filter.Apply(vehicle, out Vehicle again));
        Assert.Equal(first.SpeedKmh, again.SpeedKmh);
        // Placed in [30.5, 31.5) mph, then divided by cos(10°).
        Assert.InRange(first.SpeedKmh * Math.Cos(10 * Math.PI / 180), (30.5 * Mile) - 0.01, (31.5 * Mile) + 0.01);
    }

    [Fact]
    public void ExactResolution_LeavesSpeedsAsReported()
    {
        Unit unit = MakeUnit(SpeedResolution.Exact);
        Assert.Equal(RejectReason.None, MakeFilter(unit).Apply(new Vehicle { Unit = unit, TimestampMs = StartMs, SpeedKmh = 51, Direction = Direction.Approaching }, out Vehicle accepted));
        Assert.Equal(51, accepted.SpeedKmh);
    }

    [Theory]
    [InlineData(FrameFormat.HoustonDr500, SpeedUnit.KilometresPerHour, 1.0)]
    [InlineData(FrameFormat.HoustonDr500, SpeedUnit.MilesPerHour, Mile)]
    [InlineData(FrameFormat.IcomsTma296, SpeedUnit.KilometresPerHour, 1.0)]
    [InlineData(FrameFormat.Ops243Csv, SpeedUnit.MetresPerSecond, 0.0)]
    [InlineData(FrameFormat.Canonical, SpeedUnit.KilometresPerHour, 0.0)]
    public void DefaultFor_WholeNumberFormats_IsOneSpeedUnit(FrameFormat format, SpeedUnit speedUnit, double stepKmh)
        => Assert.Equal(stepKmh, SpeedResolution.DefaultFor(format, speedUnit).StepKmh);

    [Theory]
    [InlineData(-1)]
    [InlineData(0.005)]
    [InlineData(5.5)]
    [InlineData(double.NaN)]
    public void Constructor_UnusableStep_Throws(double step)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new SpeedResolution(step));
}
