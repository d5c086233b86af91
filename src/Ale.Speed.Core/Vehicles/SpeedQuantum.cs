using System.Runtime.CompilerServices;

namespace Ale.Speed.Core.Vehicles;

/// <summary>
/// The resolution at which speeds are counted, journaled and compared: 0.01 km/h, midpoints away from zero. The one
/// place a speed is quantised; the filter, the bins, the journal and vehicle identity all call it.
/// </summary>
public static class SpeedQuantum
{
    /// <summary>Steps per km/h.</summary>
    public const int PerKmh = 100;

    /// <summary><paramref name="speedKmh"/> in 0.01 km/h.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ToCentiKmh(double speedKmh) => (int)Math.Round(speedKmh * PerKmh, MidpointRounding.AwayFromZero);

    /// <summary><paramref name="speedKmh"/> rounded to the nearest 0.01 km/h (NaN and infinities pass through).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Quantise(double speedKmh) => Math.Round(speedKmh * PerKmh, MidpointRounding.AwayFromZero) / PerKmh;
}
