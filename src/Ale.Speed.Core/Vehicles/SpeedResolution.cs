using Ale.Speed.Core.Frames;

namespace Ale.Speed.Core.Vehicles;

/// <summary>How a unit turns a measured speed into the number it reports.</summary>
public enum SpeedRounding : byte
{
    /// <summary>To the nearest step: a reported k stands for [k − step/2, k + step/2).</summary>
    Round = 0,
    /// <summary>Down to the step: a reported k stands for [k, k + step).</summary>
    Truncate = 1,
}

/// <summary>
/// The step in which a unit reports speeds (1 km/h for most speed signs, 1 mph = 1.609344 km/h for mph units) and
/// whether it rounds or truncates. A reported speed stands for an interval of true speeds; <see cref="Place"/> puts each
/// vehicle at a point of that interval, spread evenly over it, so that the 1 km/h histogram's buckets and its percentile
/// interpolation see speeds as they were driven, not piled up at the reported values.
/// </summary>
/// <remarks>
/// <para>The point is a deterministic function of what identifies the vehicle (time, sequence number, direction,
/// reported speed), not of a random generator: the same record, delivered or imported again, lands on the same speed,
/// so duplicate detection and rebuilt bins see exactly what was counted the first time.</para>
/// <para>Every later figure — histogram, mean, maximum, over-limit bands — uses the placed speed, so they agree with each
/// other. A rounded 51 on a 50 road is placed in [50.5, 51.5): always over the limit and in the 1–10 km/h over band; a
/// rounded 50 is placed in [49.5, 50.5) and counts as over the limit about half the time, as the true speeds behind a 50
/// would. See docs/vehicle-detection.md.</para>
/// </remarks>
public readonly record struct SpeedResolution
{
    private const double KmhPerMile = 1.609344;

    public SpeedResolution(double stepKmh, SpeedRounding rounding = SpeedRounding.Round)
    {
        if (!(stepKmh == 0 || (stepKmh >= MinStepKmh && stepKmh <= MaxStepKmh)))
        {
            throw new ArgumentOutOfRangeException(nameof(stepKmh), stepKmh, $"A speed step is 0 (exact) or lies in [{MinStepKmh}, {MaxStepKmh}] km/h.");
        }

        StepKmh = stepKmh;
        Rounding = rounding;
    }

    /// <summary>The finest step other than exact: the 0.01 km/h bins count at.</summary>
    public const double MinStepKmh = 0.01;

    /// <summary>The coarsest step accepted; a unit reporting in steps of 10 km/h has nothing to place.</summary>
    public const double MaxStepKmh = 5;

    /// <summary>Speeds are taken as reported (units with decimals).</summary>
    public static SpeedResolution Exact => default;

    /// <summary>The reporting step in km/h; 0 = exact.</summary>
    public double StepKmh { get; }

    public SpeedRounding Rounding { get; }

    public bool IsExact => StepKmh == 0;

    /// <summary>
    /// What a format reports when the configuration does not say: whole numbers of the unit's speed unit for formats
    /// that have no decimals (ICOMS TMA-296, Houston DR500), rounded; exact for every other format.
    /// </summary>
    public static SpeedResolution DefaultFor(FrameFormat format, SpeedUnit speedUnit) => format switch
    {
        FrameFormat.IcomsTma296 or FrameFormat.HoustonDr500 => new SpeedResolution(OneOf(speedUnit)),
        _ => Exact,
    };

    /// <summary>One whole <paramref name="speedUnit"/> in km/h.</summary>
    public static double OneOf(SpeedUnit speedUnit) => speedUnit switch
    {
        SpeedUnit.MilesPerHour => KmhPerMile,
        SpeedUnit.MetresPerSecond => 3.6,
        _ => 1,
    };

    /// <summary>The lower end of the interval of true speeds that <paramref name="reportedKmh"/> stands for.</summary>
    public double LowerEdge(double reportedKmh)
        => Rounding == SpeedRounding.Truncate ? reportedKmh : reportedKmh - (StepKmh / 2);

    /// <summary>
    /// <paramref name="vehicle"/>'s reported speed moved to a point of its interval, [<see cref="LowerEdge"/>,
    /// <see cref="LowerEdge"/> + step), chosen from the vehicle's identity; the reported speed itself when exact.
    /// </summary>
    public double Place(in Vehicle vehicle)
    {
        double reported = vehicle.SpeedKmh;
        if (IsExact || !double.IsFinite(reported))
        {
            return reported;
        }

        // Short of the upper edge by half the 0.01 km/h the filter rounds to, so rounding never lifts a speed out of its interval.
        return LowerEdge(reported) + ((StepKmh - 0.005) * UnitInterval(vehicle));
    }

    /// <summary>A value in [0, 1) spread evenly over vehicles: the SplitMix64 finaliser over the vehicle's identity.</summary>
    private static double UnitInterval(in Vehicle vehicle)
    {
        ulong x = (ulong)vehicle.TimestampMs
            ^ ((ulong)vehicle.Sequence * 0x9E3779B97F4A7C15UL)
            ^ ((ulong)BitConverter.DoubleToInt64Bits(vehicle.SpeedKmh) * 0xC2B2AE3D27D4EB4FUL)
            ^ ((ulong)vehicle.Direction << 56);
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (x >> 11) * (1.0 / (1UL << 53));
    }
}
