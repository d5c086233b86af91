namespace Ale.Speed.Core.Time;

/// <summary>
/// Wall-clock time in a time zone to UTC, without allocation: the one conversion behind Stockholm times people type
/// (<see cref="StockholmTime.FromLocal"/>) and local times in imported files.
/// </summary>
/// <remarks>
/// A "wall-clock millisecond" is the local date and time counted as if it were UTC (days since 1970-01-01 × 86,400,000
/// plus the time of day).
/// </remarks>
public static class LocalTime
{
    private const long MillisecondsPerDay = 86_400_000;
    private const long MinWallClockMs = -62_135_596_800_000 + (2 * MillisecondsPerDay);
    private const long MaxWallClockMs = 253_402_300_799_999 - (2 * MillisecondsPerDay);

    /// <summary>
    /// The UTC instant of a wall-clock time in <paramref name="zone"/>. When the clocks go back, the repeated hour is
    /// ambiguous and the first occurrence (the earlier instant: summer time in Europe/Stockholm) is taken. A time in
    /// the hour skipped when the clocks go forward does not exist: false.
    /// </summary>
    public static bool TryToUtc(long wallClockMs, TimeZoneInfo zone, out long utcMs)
    {
        ArgumentNullException.ThrowIfNull(zone);
        utcMs = 0;
        // ±2 days of margin keeps the probes below inside DateTime's range.
        if (wallClockMs is < MinWallClockMs or > MaxWallClockMs)
        {
            return false;
        }

        long wallTicks = DateTime.UnixEpoch.Ticks + (wallClockMs * TimeSpan.TicksPerMillisecond);

        // The offsets a day either side: a zone changes its offset at most once within two days, so every instant that
        // shows this wall-clock time has one of them. Probing by UTC instants is exact, where the local-time API
        // resolves an ambiguous time to standard time.
        TimeSpan before = zone.GetUtcOffset(new DateTime(wallTicks - TimeSpan.TicksPerDay, DateTimeKind.Utc));
        TimeSpan after = zone.GetUtcOffset(new DateTime(wallTicks + TimeSpan.TicksPerDay, DateTimeKind.Utc));
        TimeSpan larger = before >= after ? before : after;
        TimeSpan smaller = before >= after ? after : before;

        // The larger offset gives the earlier instant.
        foreach (TimeSpan offset in (ReadOnlySpan<TimeSpan>)[larger, smaller])
        {
            long candidateTicks = wallTicks - offset.Ticks;
            if (zone.GetUtcOffset(new DateTime(candidateTicks, DateTimeKind.Utc)) == offset)
            {
                utcMs = wallClockMs - (offset.Ticks / TimeSpan.TicksPerMillisecond);
                return true;
            }
        }

        return false;
    }

    /// <summary>The wall-clock milliseconds of <paramref name="local"/> (its date and time, whatever its kind).</summary>
    public static long WallClockMs(DateTime local) => (local.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
}
