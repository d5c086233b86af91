using Ale.Speed.Analysis.Compare;

namespace Ale.Speed.Analysis.Notes;

/// <summary>A comparison's verdict: the words "increase" and "decrease" only when a change is reported.</summary>
public sealed record VerdictNote(Verdict Verdict) : Note;

/// <summary>The summary when a period has too few usable days.</summary>
public sealed record InsufficientSummary(int DaysBefore, int DaysAfter, int MinimumDays) : Note;

/// <summary>
/// The summary of the primary figure's change (after − before, or minus the control's with <paramref name="ControlName"/>),
/// its interval and verdict. Shares are 0–1.
/// </summary>
public sealed record ChangeSummary(PrimaryFigure Figure, double Change, double Lower, double Upper, double ConfidenceLevel, Verdict Verdict,
    double MinimumChange, string? ControlName) : Note;

/// <summary>Too few usable days for a verdict.</summary>
public sealed record TooFewDays(int DaysBefore, int DaysAfter, int MinimumDays) : Note;

/// <summary>The day is the unit of variation, with the day types' weights and the degrees of freedom.</summary>
public sealed record DayIsTheUnit(double WeekdayWeight, double WeekendWeight, int DegreesOfFreedom) : Note;

/// <summary>A before/after comparison without a control site shows whether speeds differ, not why.</summary>
public sealed record NoControlSite : Note;

/// <summary>Compared day by day with a control site.</summary>
public sealed record WithControlSite(string Name, string Id) : Note;

/// <summary>Speeds are measured speeds, counts over the limit are measured passages: not offences, not fines.</summary>
public sealed record MeasuredNotFines : Note;

/// <summary>The site was chosen because it ranked high: regression to the mean.</summary>
public sealed record RegressionToTheMean : Note;

/// <summary>Outages come from the stored unit coverage from <paramref name="FromMs"/>.</summary>
public sealed record OutagesFromCoverage(long FromMs) : Note;

/// <summary>The days left out (the first ten are named).</summary>
public sealed record LeftOutDays(IReadOnlyList<DayLeftOut> Days) : Note;

/// <summary>Only these day types (0 weekday, 1 weekend) are compared: the other is missing in one period.</summary>
public sealed record OnlyDayTypes(IReadOnlyList<int> DayTypes) : Note;

/// <summary>The speed limit changed between the periods.</summary>
public sealed record LimitChangedBetween(IReadOnlyList<int> BeforeKmh, IReadOnlyList<int> AfterKmh) : Note;

/// <summary>The speed limit changed within a period.</summary>
public sealed record LimitChangedWithin : Note;

/// <summary>The display mode changed between the periods (names as stored: on, stealth).</summary>
public sealed record DisplayChangedBetween(IReadOnlyList<string> Before, IReadOnlyList<string> After) : Note;

/// <summary>A period holds data from both display modes.</summary>
public sealed record DisplaysMixed : Note;

/// <summary>A day left out: fewer vehicles than the minimum.</summary>
public sealed record DayTooFewVehicles(long Vehicles, int MinimumVehicles) : Note;

/// <summary>A day left out: the control site has no usable day then.</summary>
public sealed record DayWithoutControl(string ControlId) : Note;

/// <summary>
/// A day left out: its hours hold <paramref name="Covered"/> of the usual traffic; the times of day without vehicles
/// (labels such as 06-09), and by stored coverage the hours without a working unit (null when judged by traffic).
/// </summary>
public sealed record DayPartlyCovered(double Covered, IReadOnlyList<string> EmptyTimesOfDay, int? UnobservedHours) : Note;
