namespace Ale.Speed.Core.Frames;

/// <summary>
/// Why a frame or a vehicle was not counted. Every reject is counted per reason; on a noisy serial line
/// a bad frame is routine, so none of these is ever thrown.
/// </summary>
public enum RejectReason : byte
{
    None = 0,

    // Framing and syntax (the parsers).
    /// <summary>No line end within the format's maximum frame length; the rest of the line is skipped.</summary>
    FrameTooLong,
    /// <summary>The frame does not have the format's shape.</summary>
    Malformed,
    /// <summary>A number that does not parse, or is not finite.</summary>
    InvalidNumber,
    /// <summary>A well-formed frame without a speed (a settings answer, for instance).</summary>
    MissingSpeed,
    /// <summary>A record that needs its own timestamp has none.</summary>
    MissingTimestamp,
    /// <summary>A timestamp that does not parse or is out of the representable range.</summary>
    InvalidTimestamp,
    /// <summary>A direction token the format does not define.</summary>
    InvalidDirection,
    /// <summary>A unit token that contradicts or is not one the format defines.</summary>
    InvalidSpeedUnit,
    /// <summary>A value of a known key with the wrong type or an undefined value (e.g. an unknown vehicle class).</summary>
    InvalidField,
    /// <summary>More targets in one frame than <see cref="FrameParser.MaxReadingsPerFrame"/>.</summary>
    TooManyTargets,

    // Filters (per unit).
    /// <summary>Outside the unit's plausible speed range.</summary>
    SpeedOutOfRange,
    /// <summary>A direction the unit is configured not to keep.</summary>
    DirectionExcluded,
    /// <summary>Later than now plus the allowed clock skew.</summary>
    TimestampInFuture,
    /// <summary>Before the unit was installed at its site.</summary>
    TimestampBeforeInstallation,
    /// <summary>A clock that was reset (the 1970s of a unit without a real-time clock).</summary>
    TimestampClockReset,
    /// <summary>Seen already: same unit and sequence number, or same unit, time, speed and direction.</summary>
    Duplicate,
    /// <summary>Older than the late-data horizon: its bin can no longer be rebuilt complete.</summary>
    TooLate,

    // Routing (the worker).
    /// <summary>From a unit that is not registered in the configuration; units are never created on the fly.</summary>
    UnknownUnit,

    // Imports (appended last so that the values above keep their numbers).
    /// <summary>
    /// A CSV header that lacks a column the map names (or names it twice); the header line and every line after it
    /// are rejected, since guessing columns would count wrong values. <see cref="CsvParser.HeaderError"/> says why.
    /// </summary>
    CsvHeaderMismatch,
}
