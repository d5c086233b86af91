using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Sites;

/// <summary>Whether drivers can see their measured speed (they slow down when they can).</summary>
public enum DisplayMode : byte
{
    /// <summary>The sign shows drivers their speed.</summary>
    DisplayOn = 0,
    /// <summary>Display off: the unit measures unseen.</summary>
    Stealth = 1,
}

/// <summary>A radar unit mounted at a site, and how to read and correct what it reports.</summary>
public sealed class Unit
{
    /// <summary>The widest plausible range a unit may be configured with; the speed histogram covers it.</summary>
    public const double PlausibleKmhCeiling = 250;

    public required string Id { get; init; }

    public required Site Site { get; init; }

    public FrameFormat Format { get; init; } = FrameFormat.Canonical;

    /// <summary>The speed unit set on the device (OPS243 factory default is m/s).</summary>
    public SpeedUnit SpeedUnit { get; init; } = SpeedUnit.KilometresPerHour;

    /// <summary>
    /// The step the unit reports speeds in and whether it rounds or truncates; whole-number speeds are placed in their
    /// interval before binning (<see cref="SpeedResolution.Place"/>). Default: exact.
    /// </summary>
    public SpeedResolution SpeedResolution { get; init; }

    /// <summary>Angle between the beam and the road; measured speeds are divided by cos(angle).</summary>
    public double MountingAngleDegrees { get; init; }

    public DirectionSelection Directions { get; init; } = DirectionSelection.Both;

    /// <summary>Vehicles slower than this (after cosine correction) are rejected.</summary>
    public double MinPlausibleKmh { get; init; } = 3;

    /// <summary>Vehicles faster than this (after cosine correction) are rejected.</summary>
    public double MaxPlausibleKmh { get; init; } = 230;

    /// <summary>When the unit was installed at its site (Unix ms); earlier timestamps are rejected.</summary>
    public long InstalledAtMs { get; init; } = long.MinValue;

    public DisplayMode DisplayMode { get; init; } = DisplayMode.DisplayOn;

    /// <summary>How the detector cuts this unit's stream of readings (its beam, its report rate); null: the worker's settings.</summary>
    public DetectorOptions? Detector { get; init; }
}
