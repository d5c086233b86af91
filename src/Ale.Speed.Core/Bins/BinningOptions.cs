namespace Ale.Speed.Core.Bins;

/// <summary>How vehicles are grouped in time.</summary>
public sealed record BinningOptions
{
    private const long MillisecondsPerDay = 86_400_000;

    /// <summary>The window length; whole milliseconds, dividing 24 h evenly so that windows align with UTC days.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Vehicle classes' own limits, applied where a unit reports the class (docs/statistics.md).</summary>
    public VehicleClassLimits VehicleClassLimits { get; init; } = VehicleClassLimits.Sweden;

    public static BinningOptions Default { get; } = new();

    public bool TryValidate(out string? error)
    {
        long ticks = Window.Ticks;
        if (ticks <= 0 || ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            error = $"{nameof(Window)} must be a positive whole number of milliseconds (was {Window}).";
        }
        else if (MillisecondsPerDay % (ticks / TimeSpan.TicksPerMillisecond) != 0)
        {
            error = $"{nameof(Window)} must divide 24 h evenly (was {Window}).";
        }
        else
        {
            error = null;
        }

        return error is null;
    }

    public void Validate()
    {
        if (!TryValidate(out string? error))
        {
            throw new ArgumentException(error, nameof(BinningOptions));
        }
    }

    /// <summary>The start of the window holding <paramref name="timestampMs"/>: floor division, also before 1970.</summary>
    public static long WindowStartOf(long timestampMs, long windowMs)
    {
        long start = timestampMs / windowMs * windowMs;
        return start > timestampMs ? start - windowMs : start;
    }
}
