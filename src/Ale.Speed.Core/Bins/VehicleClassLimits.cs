using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Bins;

/// <summary>A vehicle class's own highest speed, in force from <see cref="FromMs"/> (Unix ms) until a later rule for the class.</summary>
public readonly record struct VehicleClassLimit(VehicleClass Class, int LimitKmh, long FromMs = long.MinValue);

/// <summary>
/// Speed limits of vehicle classes as data (they change with regulation, like the penalty tables): where a unit reports
/// a class, a vehicle is over the limit when it is faster than the stricter of the posted limit and its class's limit.
/// Sources and what each class means: docs/statistics.md.
/// </summary>
public sealed class VehicleClassLimits
{
    private readonly long[] _starts;
    private readonly VehicleLimitSet?[] _sets;

    public VehicleClassLimits(IEnumerable<VehicleClassLimit> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = [.. rules.OrderBy(r => r.FromMs)];
        foreach (VehicleClassLimit rule in Rules)
        {
            if (rule.Class == VehicleClass.Unknown || rule.LimitKmh is <= 0 or > 200)
            {
                throw new ArgumentException($"A class limit needs a known class and a limit in 1-200 km/h (was {rule.Class} {rule.LimitKmh}).", nameof(rules));
            }
        }

        // One resolved set per time the rules change, shared by every bin of that time: a bin holds a reference, not a copy.
        _starts = [long.MinValue, .. Rules.Select(r => r.FromMs).Where(t => t != long.MinValue).Distinct()];
        _sets = [.. _starts.Select(Resolve)];
    }

    /// <summary>The rules, ordered by <see cref="VehicleClassLimit.FromMs"/>.</summary>
    public IReadOnlyList<VehicleClassLimit> Rules { get; }

    /// <summary>No class limits: every vehicle is compared with the posted limit only.</summary>
    public static VehicleClassLimits None { get; } = new([]);

    /// <summary>
    /// Sweden (trafikförordningen 4 kap. 20 §, as amended by SFS 2023:378): A-traktor 30 km/h on any road from
    /// 31 August 2023; moped class I 45; heavy vehicles 90 (a unit's "heavy" does not tell a truck, 80 off motorways,
    /// from a bus, 90/100). Class II mopeds (25, older ones 30) are not told apart from class I by units.
    /// </summary>
    public static VehicleClassLimits Sweden { get; } = new(
    [
        new(VehicleClass.ATraktor, 30, new DateTimeOffset(2023, 8, 31, 0, 0, 0, TimeSpan.FromHours(2)).ToUnixTimeMilliseconds()),
        new(VehicleClass.Moped, 45),
        new(VehicleClass.Heavy, 90),
    ]);

    /// <summary>The class limits in force at <paramref name="timeMs"/>; null when no class has one.</summary>
    public VehicleLimitSet? At(long timeMs)
    {
        int i = _starts.Length - 1;
        while (i > 0 && _starts[i] > timeMs)
        {
            i--;
        }

        return _sets[i];
    }

    private VehicleLimitSet? Resolve(long timeMs)
    {
        var limits = new int[VehicleLimitSet.ClassCount];
        foreach (VehicleClassLimit rule in Rules)
        {
            if (rule.FromMs <= timeMs && (uint)rule.Class < (uint)limits.Length)
            {
                limits[(int)rule.Class] = rule.LimitKmh;
            }
        }

        return limits.Any(l => l > 0) ? new VehicleLimitSet(limits) : null;
    }
}

/// <summary>Per <see cref="VehicleClass"/>, its own limit in km/h at one time (0 = none).</summary>
public sealed class VehicleLimitSet
{
    internal const int ClassCount = (int)VehicleClass.Other + 1;

    private readonly int[] _limitsKmh;

    internal VehicleLimitSet(int[] limitsKmh)
    {
        _limitsKmh = limitsKmh;
    }

    /// <summary>The class's own limit, 0 when it has none.</summary>
    public int LimitOf(VehicleClass vehicleClass) => (uint)vehicleClass < (uint)_limitsKmh.Length ? _limitsKmh[(int)vehicleClass] : 0;

    /// <summary>The stricter of <paramref name="postedKmh"/> and the class's own limit.</summary>
    public int Effective(int classIndex, int postedKmh)
    {
        int own = _limitsKmh[classIndex];
        return own > 0 && own < postedKmh ? own : postedKmh;
    }
}
