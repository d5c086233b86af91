namespace Ale.Speed.Core.Frames;

/// <summary>The wire format of a unit's frames. Names are the configuration values (case-insensitive).</summary>
public enum FrameFormat : byte
{
    /// <summary>The project's own NDJSON vehicle record (one object per vehicle).</summary>
    Canonical,
    /// <summary>OmniPreSense OPS243-A/C plain speed lines (<c>-12.3</c>); one reading per line, a stream per vehicle.</summary>
    Ops243Plain,
    /// <summary>OPS243 with JSON output (<c>OJ</c>): <c>{"speed":0.58,"direction":"inbound","time":105,"tick":135}</c>, or arrays for several targets.</summary>
    Ops243Json,
    /// <summary>OPS243 with time and magnitude reports on (<c>OT</c>+<c>OM</c>): <c>time,magnitude,speed</c>.</summary>
    Ops243Csv,
    /// <summary>ICOMS TMA-296 serial message types 1, 2, 3 and 6; one message per vehicle.</summary>
    IcomsTma296,
    /// <summary>Houston Radar DR500: a three-digit speed per line, <c>000</c> when no target.</summary>
    HoustonDr500,
    /// <summary>HLK-LD2415H: <c>V+002.6</c> lines.</summary>
    HlkLd2415h,
    /// <summary>
    /// ICOMS TMA-3B3 logs read out of the sign: <c>001; 2019/01/24 16:21:05,450; 52,4; 4,5; ; </c>, one record per
    /// vehicle, UTC time and decimal commas.
    /// </summary>
    IcomsTma3b3,
    /// <summary>
    /// Any CSV export with a header line, read through a <see cref="CsvColumnMap"/>; one record per vehicle.
    /// Needs the map: create it with <see cref="FrameParsers.Create(CsvColumnMap, CsvOptions)"/>.
    /// </summary>
    Csv,
    /// <summary>
    /// OmniPreSense OPS243-A/-C, every output shape on one stream (<see cref="Ops243Parser"/>): plain and unit-prefixed
    /// speeds (<c>"mps",-1.0</c>), <c>OT</c>/<c>OM</c> comma lines, <c>OJ</c> JSON with quoted numbers, range reports and
    /// settings answers (counted, not rejected).
    /// </summary>
    Ops243,
}

/// <summary>The unit in which a device reports speed, as set on the device.</summary>
public enum SpeedUnit : byte
{
    KilometresPerHour,
    MetresPerSecond,
    MilesPerHour,
}
