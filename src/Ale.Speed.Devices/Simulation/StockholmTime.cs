namespace Ale.Speed.Devices.Simulation;

/// <summary>The Europe/Stockholm time zone, which every "hour of day", evening and weekend in the simulation refers to.</summary>
public static class StockholmTime
{
    public const string ZoneId = "Europe/Stockholm";

    /// <summary>
    /// The system's zone where it has one (on Linux from /usr/share/zoneinfo, which works with InvariantGlobalization),
    /// else the EU rule built in (CET/CEST, switching at 01:00 UTC on the last Sundays of March and October), so a
    /// container without tzdata still simulates the right local hours.
    /// </summary>
    public static TimeZoneInfo Zone { get; } = Load();

    private static TimeZoneInfo Load()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(ZoneId);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return CreateEuropeanRule();
        }
    }

    internal static TimeZoneInfo CreateEuropeanRule()
    {
        // Local transition times: 02:00 CET -> 03:00 CEST in March, 03:00 CEST -> 02:00 CET in October (01:00 UTC).
        TimeZoneInfo.TransitionTime start = TimeZoneInfo.TransitionTime.CreateFloatingDateRule(
            new DateTime(1, 1, 1, 2, 0, 0, DateTimeKind.Unspecified), 3, 5, DayOfWeek.Sunday);
        TimeZoneInfo.TransitionTime end = TimeZoneInfo.TransitionTime.CreateFloatingDateRule(
            new DateTime(1, 1, 1, 3, 0, 0, DateTimeKind.Unspecified), 10, 5, DayOfWeek.Sunday);
        TimeZoneInfo.AdjustmentRule rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
            DateTime.MinValue.Date, DateTime.MaxValue.Date, TimeSpan.FromHours(1), start, end);
        return TimeZoneInfo.CreateCustomTimeZone(ZoneId, TimeSpan.FromHours(1), ZoneId, "CET", "CEST", [rule]);
    }
}
