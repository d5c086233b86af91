namespace Ale.Speed.Core.Bins;

/// <summary>
/// What a bin counts of the lengths units report (most Doppler units report none): passages with a length, and those
/// whose length and speed fit an A-traktor or a moped. Speed alone cannot tell a legal A-traktor (a car rebuilt for
/// 30 km/h) from a moped, a cyclist or a car in a queue; a car length near 30 km/h, or a short vehicle well above 45,
/// is a stronger hint. Likelihoods for the hotspot list, never a statement about a vehicle.
/// </summary>
public enum LengthPattern
{
    /// <summary>Passages whose unit reported a length.</summary>
    Reported = 0,

    /// <summary>Car length (<see cref="LengthPatterns.CarFromMetres"/>–<see cref="LengthPatterns.CarToMetres"/> m) at 25–35 km/h: fits a legal A-traktor.</summary>
    CarLengthAt25To35 = 1,

    /// <summary>Short (under <see cref="LengthPatterns.CarFromMetres"/> m) at 25–35 km/h: fits a class II or 30-moped, or a cyclist.</summary>
    ShortAt25To35 = 2,

    /// <summary>Short (under <see cref="LengthPatterns.CarFromMetres"/> m) above 45 km/h: fits a tuned moped, or a motorcycle.</summary>
    ShortOver45 = 3,
}

/// <summary>The length and speed bands of <see cref="LengthPattern"/> (fixed: they are stored counts, docs/schema.md).</summary>
public static class LengthPatterns
{
    public const int Count = 4;

    /// <summary>Shorter than this is a two-wheeler (moped, motorcycle, bicycle); cars are about 3.5–5 m.</summary>
    public const double CarFromMetres = 2.5;

    /// <summary>Up to this is a car (an A-traktor is a rebuilt car); longer is a van with trailer, a truck or a tractor with implements.</summary>
    public const double CarToMetres = 6.0;

    /// <summary>The slow band [25, 35) km/h: A-traktors (30 + tolerance), class II mopeds (25), older 30-mopeds.</summary>
    public const double SlowFromKmh = 25;

    public const double SlowToKmh = 35;

    /// <summary>A short vehicle faster than this is faster than any moped may be built to go (class I: 45 km/h).</summary>
    public const double ShortFastAboveKmh = 45;

    /// <summary>
    /// Adds a passage at <paramref name="speedKmh"/> with <paramref name="lengthMetres"/> (NaN: none reported) to
    /// <paramref name="counts"/>, indexed by <see cref="LengthPattern"/>.
    /// </summary>
    public static void Add(Span<long> counts, double speedKmh, double lengthMetres)
    {
        if (!double.IsFinite(lengthMetres))
        {
            return;
        }

        counts[(int)LengthPattern.Reported]++;
        bool slow = speedKmh >= SlowFromKmh && speedKmh < SlowToKmh;
        if (lengthMetres < CarFromMetres)
        {
            if (slow)
            {
                counts[(int)LengthPattern.ShortAt25To35]++;
            }
            else if (speedKmh > ShortFastAboveKmh)
            {
                counts[(int)LengthPattern.ShortOver45]++;
            }
        }
        else if (slow && lengthMetres <= CarToMetres)
        {
            counts[(int)LengthPattern.CarLengthAt25To35]++;
        }
    }
}
