namespace Ale.Speed.Core.Vehicles;

/// <summary>How <see cref="VehicleDetector"/> cuts a stream of Doppler readings into vehicles.</summary>
public sealed record DetectorOptions
{
    /// <summary>A gap between two readings longer than this (ms) ends the burst. A gap of exactly this length does not.</summary>
    public int LostAfterMs { get; init; } = 700;

    /// <summary>Readings a burst needs to count as a vehicle; shorter bursts are noise (a lone reading is a reflection, a bird, rain).</summary>
    public int MinReadings { get; init; } = 2;

    /// <summary>
    /// The longest burst whatever the speed (ms, first to last reading): a track that would last longer is closed and a
    /// new one begins with the reading that would have made it too long. Below this cap the longest burst follows from
    /// the speed (<see cref="BeamLengthMetres"/>).
    /// </summary>
    public int MaxBurstMs { get; init; } = 60_000;

    /// <summary>
    /// The stretch of road the unit's beam covers (m). A vehicle at v km/h is seen for at most (beam + 25 m) / v; a
    /// track that lasts longer holds the next vehicle too and is cut. Set it to the unit's real beam: too short cuts
    /// slow vehicles in two, too long leaves close followers merged.
    /// </summary>
    public double BeamLengthMetres { get; init; } = 30;

    /// <summary>
    /// A reading further than this share (or <see cref="MinSpeedJumpKmh"/>, whichever is more) from a track's last
    /// speed is another target: it starts a track of its own.
    /// </summary>
    public double SpeedJumpShare { get; init; } = 0.15;

    /// <summary>The smallest speed jump that separates targets, whatever <see cref="SpeedJumpShare"/> gives.</summary>
    public const double MinSpeedJumpKmh = 3;

    /// <summary>
    /// Units that report signal strength (OPS243 <c>OM</c>): when it falls below this share of the track's strongest and
    /// then rises above the dip divided by this share, one vehicle has left the beam and the next entered. 0 turns it off.
    /// </summary>
    public double MagnitudeDip { get; init; } = 0.5;

    /// <summary>An hour with at least this many vehicles from one unit is counted as high-flow (<see cref="VehicleDetector.HighFlowHours"/>).</summary>
    public int HighFlowPerHour { get; init; } = 600;

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
        else if (!(BeamLengthMetres is > 0 and <= 1000))
        {
            error = $"{nameof(BeamLengthMetres)} must be above 0 and at most 1000 (was {BeamLengthMetres}).";
        }
        else if (!(SpeedJumpShare is > 0 and < 1))
        {
            error = $"{nameof(SpeedJumpShare)} must be between 0 and 1 (was {SpeedJumpShare}).";
        }
        else if (!(MagnitudeDip is >= 0 and < 1))
        {
            error = $"{nameof(MagnitudeDip)} must be from 0 (off) to below 1 (was {MagnitudeDip}).";
        }
        else if (HighFlowPerHour < 1)
        {
            error = $"{nameof(HighFlowPerHour)} must be at least 1 (was {HighFlowPerHour}).";
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
