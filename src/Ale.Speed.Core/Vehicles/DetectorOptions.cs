namespace Ale.Speed.Core.Vehicles;

/// <summary>How <see cref="VehicleDetector"/> cuts a stream of Doppler readings into vehicles.</summary>
public sealed record DetectorOptions
{
    /// <summary>A gap between two readings longer than this (ms) ends the burst. A gap of exactly this length does not.</summary>
    public int LostAfterMs { get; init; } = 700;

    /// <summary>Readings a burst needs to count as a vehicle; shorter bursts are noise (a lone reading is a reflection, a bird, rain).</summary>
    public int MinReadings { get; init; } = 2;

    /// <summary>
    /// A burst that would last longer than this (ms, first to last reading) is closed and a new one begins with the reading
    /// that would have made it too long: a queue of cars in the beam is not one vehicle.
    /// </summary>
    public int MaxBurstMs { get; init; } = 8000;

    public static DetectorOptions Default { get; } = new();

    /// <summary>Returns false and the first problem (naming the setting) when the options are unusable.</summary>
    public bool TryValidate(out string? error)
    {
        if (LostAfterMs <= 0)
        {
            error = $"{nameof(LostAfterMs)} must be positive (was {LostAfterMs}).";
        }
        else if (MinReadings < 1)
        {
            error = $"{nameof(MinReadings)} must be at least 1 (was {MinReadings}).";
        }
        else if (MaxBurstMs < LostAfterMs)
        {
            // A burst must be allowed to live at least as long as one tolerated gap.
            error = $"{nameof(MaxBurstMs)} ({MaxBurstMs}) must be at least {nameof(LostAfterMs)} ({LostAfterMs}).";
        }
        else
        {
            error = null;
        }

        return error is null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <see cref="TryValidate"/> fails.</summary>
    public void Validate()
    {
        if (!TryValidate(out string? error))
        {
            throw new ArgumentException(error, nameof(DetectorOptions));
        }
    }
}
