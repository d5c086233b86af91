using System.Globalization;
using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.Hotspots;
using Ale.Speed.Analysis.Output;

namespace Ale.Speed.Analysis.Notes;

/// <summary>The notes in English: the sentences the CLI, its CSV and JSON, and the API write (pinned by a test).</summary>
internal sealed class EnglishNotes : NoteText
{
    public override string Text(Note note) => note switch
    {
        SpeedingMethod n => SpeedingMethodText(n.Options),
        ATraktorMethod n => ATraktorMethodText(n.Options),
        PassagesNotOffences n => I($"Counts are measured speeds of passages (one vehicle passing twice counts twice), over the posted limit or a reported class's own limit, minus a {n.MarginKmh} km/h margin: not offences, and not fines issued. Police measure with their own tolerance and check the vehicle."),
        RadarCannotSee n => I($"A speed radar cannot see: class I mopeds at 45 km/h and tuned A-traktors at car speeds (they look like cars), nor whether a slow passage is an A-traktor, a moped, a cyclist, a tractor or a queue. The speed pattern counts excess passages at {n.ClusterFromKmh}-{n.ClusterToKmh} km/h, not vehicles."),
        ClassAndLengthAreEstimates => "Where units report a class, it is the device's estimate. Where they report a length (and no class), length tells a car-length passage (an A-traktor is a rebuilt car, but so is a car in a queue) from a short one (a moped, but also a cyclist or a motorcycle) and leaves out long vehicles; it cannot tell a legal A-traktor from a slow car, nor a tuned moped from a motorcycle.",
        NotRanked n => string.Join("; ", n.Shortfalls.Select(s => s.Of switch
        {
            Shortfall.Vehicles => I($"{s.Count} vehicles, fewer than {s.Minimum}"),
            Shortfall.ObservedHours => I($"{s.Count} observed hours, fewer than {s.Minimum}"),
            _ => I($"{s.Count} passages that count, fewer than {s.Minimum}"),
        })),
        SpeedingExplanation n => I($"{n.Score:F2} weighted measured passages over the limit per hour of control (at least {n.LowerBound:F2} at {n.ConfidenceLevel:P0} confidence): {n.FineOnlyPerHour:F2}/h in fine bands only (x{n.FineWeight}), {n.WarningsPerHour:F2}/h in licence-warning bands (x{n.WarningWeight}), {n.RevocationsPerHour:F2}/h in revocation bands (x{n.RevocationWeight}); {n.VehiclesPerHour:F1} vehicles/h over {n.ObservedHours} observed hours, {n.ShareOverLimit:P0} over the limit, V85 {n.V85Kmh:F1} km/h."),
        ClassifiedExplanation n => I($"The units classify {n.Flagged} of {n.Passages} passages as A-traktor or moped ({n.Score:F2} per observed hour, at least {n.LowerBound:F2} at {n.ConfidenceLevel:P0} confidence, {n.ObservedHours} hours); the class is the device's estimate, and passages are not vehicles."),
        PatternExplanation n => I($"{n.Share:P0} of {n.Passages} passages were at {Band(n.Band)} against {n.BaselineShare:P1} on weekday daytimes (median then {n.BaselineMedianKmh:F0} km/h): about {n.Excess:F0} excess passages, {n.Score:F2} per observed hour (at least {n.LowerBound:F2} at {n.ConfidenceLevel:P0} confidence; z = {n.Z:F1}). A pattern typical of legal A-traktors and mopeds; passages, not vehicles, and not a measurement of any vehicle.")
            + (n.Lengths is { } l ? I($" Of these, {l.CarLength} had a car length (fits an A-traktor, or a slow car) and {l.Short} were short (fits a moped, or a cyclist); {l.ShortFast} short passages were above {l.ShortFastAboveKmh:F0} km/h (a tuned moped, or a motorcycle).") : ""),
        ClassifiedLikelihood => "possible A-traktor/moped activity (passages classified by the unit)",
        PatternLikelihood n => $"possible A-traktor/moped activity ({(n.Strong ? "strong" : "moderate")} pattern): excess passages at {Band(n.Band)}",
        NoBaseline n => I($"Too little weekday daytime traffic for a baseline ({n.Vehicles} vehicles, at least {n.MinimumVehicles} needed) and the units report no vehicle class."),
        SlowBaseline n => I($"Weekday daytime traffic is not much faster than {n.ClusterToKmh} km/h here (median {n.MedianKmh:F1} km/h, at least {n.MinimumMedianKmh:F0} needed), so vehicles at {n.ClusterFromKmh}-{n.ClusterToKmh} km/h say nothing about A-traktors or mopeds; the units report no vehicle class."),

        VerdictNote n => n.Verdict switch
        {
            Verdict.Decrease => "decrease",
            Verdict.Increase => "increase",
            Verdict.BelowMinimumChange => "change below the minimum that matters",
            Verdict.InsufficientData => "insufficient data",
            _ => "no change beyond day-to-day variation",
        },
        InsufficientSummary n => I($"Insufficient data: {n.DaysBefore} usable days before and {n.DaysAfter} after; at least {n.MinimumDays} each are needed to tell a change from day-to-day variation."),
        ChangeSummary n => Summary(n),
        TooFewDays n => I($"Too few days to judge a change: {n.DaysBefore} usable days before and {n.DaysAfter} after on the day types both periods have; at least {n.MinimumDays} each are needed, because traffic varies from day to day and only several days show by how much."),
        DayIsTheUnit n => I($"The day is the unit of variation: each day's figure (reweighted to the before period's mix of times of day) is one observation, weekdays and weekends weighted {n.WeekdayWeight:P0} / {n.WeekendWeight:P0} as the before period's vehicles; the interval is a t interval from the day-to-day variation within day types ({n.DegreesOfFreedom} degrees of freedom). Vehicles within a day are not independent samples."),
        NoControlSite => "A before/after comparison shows whether speeds differ, not why: season, weather, roadworks, school holidays or traffic diverted elsewhere move them too. Without a control site (--control), changes common to all roads are not separated from the measure.",
        WithControlSite n => $"Compared day by day with the control site {n.Name} ({n.Id}): changes common to both roads (season, weather) are taken out, changes at one of them are not. The comparison still shows whether speeds differ, not why.",
        MeasuredNotFines => Wording.MeasuredNotFines,
        RegressionToTheMean => "Regression to the mean: the site was chosen because it ranked high. A site picked for its high speeds tends to measure lower the next time even if nothing is done, so part of a decrease may be chance. Use a before period that was not used to choose the site, or a control site chosen the same way.",
        OutagesFromCoverage n => $"Outages are taken from the stored unit coverage (from {Format.LocalShort(n.FromMs)}): a time of day without a working unit counts as missing, a quiet one with a working unit as observed. Before that, a time of day without vehicles counts as missing.",
        LeftOutDays n => I($"Days left out ({n.Days.Count}): {string.Join("; ", n.Days.Take(10).Select(d => I($"{d.Site} {d.Date:yyyy-MM-dd} ({Text(d.Reason)})")))}{(n.Days.Count > 10 ? "; …" : "")}."),
        OnlyDayTypes n => $"Only {string.Join(" and ", n.DayTypes.Select(DayParts.DayTypeName))}s are compared: the other day type is missing in one period.",
        LimitChangedBetween n => $"The speed limit changed between the periods (before {Limits(n.BeforeKmh, "/")} km/h, after {Limits(n.AfterKmh, "/")} km/h): the share over the limit compares each vehicle with the limit in force when it passed, so it measures compliance, not speed.",
        LimitChangedWithin => "The speed limit changed within a period; each vehicle is compared with the limit in force when it passed.",
        DisplayChangedBetween n => $"The display mode changed between the periods (before: {string.Join("+", n.Before)}, after: {string.Join("+", n.After)}): drivers who see their speed slow down, so part of any change may come from the sign itself.",
        DisplaysMixed => "A period holds data from both display modes (on and stealth); the figures mix them.",
        DayTooFewVehicles n => I($"{n.Vehicles} vehicles, fewer than {n.MinimumVehicles}"),
        DayWithoutControl n => $"no usable day at the control site {n.ControlId}",
        DayPartlyCovered n => I($"its hours hold {n.Covered:P0} of the usual traffic{(n.EmptyTimesOfDay.Count > 0 ? $"; no vehicles at {string.Join(", ", n.EmptyTimesOfDay)}" : "")}{(n.UnobservedHours is int u ? I($"; no working unit for {u} of its hours (stored coverage)") : "")}"),

        SiteNotConfigured => "The site is not in the configuration; its name is unknown.",
        NoData => "No data in the period.",
        BothDisplayModes => "Both display modes (on and stealth) have data in the period; they are reported separately, never merged.",
        CoverageStoredFrom n => $"Unit coverage is stored from {Format.LocalShort(n.FromMs)}: from then on an hour with a working unit and no vehicles is observed with zero vehicles, and an hour without one is an outage; before that, outages are inferred from long runs of hours without data.",
        CoverageStored => "Unit coverage is stored: an hour with a working unit and no vehicles is observed with zero vehicles, and an hour without one is an outage.",
        NoCoverageStored => "No unit coverage is stored for the period (data written before coverage was stored, or imported): outages are inferred from runs of hours without data at least SilentAfter long, so a quiet road and a silent unit are told apart only by length.",
        LimitChangedInPeriod n => $"The speed limit changed in the period ({Limits(n.LimitsKmh, ", ")} km/h); each vehicle is compared with the limit in force when it passed.",

        TargetsForCommitmentPeriod n => $"The targets are for the commitment's whole period ({Format.LocalShort(n.FromMs)} – {Format.LocalShort(n.ToMs)}); 'done' counts the controls of this follow-up's period that fall within it.",
        NoCommitment => "No commitment is configured (AleSpeed:Commitment): what was done is shown without a promise to compare with.",
        EffectMethod n => I($"The measured effect at a site compares the {n.Days} local days before the day of its first control in the period with the {n.Days} days from that day on, with the before/after method of 'compare' (the day as the unit of variation). Days after the last stored bin are missing, so a recent control can give 'insufficient data'."),
        ControlsRegressToTheMean => "Controls are placed where problems are reported or measured, so a site tends to measure lower afterwards even without an effect (regression to the mean); a before/after comparison shows whether speeds differ, not why.",
        ReportsAreFelt => "Residents' reports say where people feel unsafe; they are counted at the site they name or the nearest site within the configured distance, never weighed against the measurements.",
        _ => throw new ArgumentOutOfRangeException(nameof(note), note.GetType().Name, "A note without English words."),
    };

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Limits(IReadOnlyList<int> limits, string separator) => string.Join(separator, limits.Select(l => l.ToString(CultureInfo.InvariantCulture)));

    private static string Band(ClusterBand band) => band.ByLength
        ? I($"{band.FromKmh:F0}-{band.ToKmh:F0} km/h with a car or two-wheeler length")
        : I($"{band.FromKmh:F0}-{band.ToKmh:F0} km/h");

    private static string SpeedingMethodText(HotspotOptions options)
    {
        int margin = options.Statistics.Penalties.ReportableMarginKmh;
        return I($"Score = measured passages over the limit per hour of control, weighted by severity: in a fine band only ×{options.FineWeight}, in a licence-warning band ×{options.LicenceWarningWeight}, in a licence-revocation band ×{options.LicenceRevocationWeight} (each passage counted once, at its most serious band; bands on measured speed minus a {margin} km/h margin), summed over the period and divided by the hours of that hour of the week with the site working (by the stored unit coverage where the worker wrote it; otherwise hours inside likely outages are left out). Both directions merged. Ranked on the score's {options.ConfidenceLevel:P0} lower confidence bound (Poisson), so that a window that scores high by chance in few hours does not top the list. Windows with fewer than {options.EffectiveMinimumVehicles} vehicles, {options.MinimumObservedHours} observed hours or {options.MinimumOffences} passages over the limit are not ranked.");
    }

    private static string ATraktorMethodText(HotspotOptions options)
        => I($"Where units report a class: passages classified A-traktor or moped per observed hour. Elsewhere a speed-pattern heuristic (where units report lengths, on passages of car or two-wheeler length at 25-35 km/h only): in evening ({options.EveningFromHour}-{options.EveningToHour}) and weekend windows, excess passages at {options.ClusterFromKmh}-{options.ClusterToKmh} km/h beyond the share seen on weekday daytimes ({options.BaselineFromHour}-{options.BaselineToHour}) at the same site, per observed hour; only at sites whose weekday-daytime median is at least {Math.Max(options.MinimumBaselineMedianKmh, options.ClusterToKmh + 15)} km/h, and only when the excess is at least {options.MinimumExcessShare:P0}, {options.MinimumExcessVehicles} passages and z >= {options.MinimumZ}. Ranked on the {options.ConfidenceLevel:P0} lower confidence bound of the rate. A likelihood of activity, never a statement about any vehicle.");

    private static string Summary(ChangeSummary p)
    {
        string what = p.Figure switch { PrimaryFigure.Mean => "Mean speed", PrimaryFigure.V85 => "V85", _ => "The share over the limit" };
        bool share = p.Figure == PrimaryFigure.ShareOverLimit;
        string Amount(double v) => share ? I($"{v * 100:0.0} percentage points") : I($"{v:0.0} km/h");
        string Signed(double v) => share ? I($"{v * 100:+0.0;-0.0;0.0}") : I($"{v:+0.0;-0.0;0.0}");
        string direction = p.Change < 0 ? "lower" : "higher";
        string relative = p.ControlName is null ? "" : $", relative to the control site {p.ControlName}";
        string interval = I($"{p.ConfidenceLevel:P0} interval {Signed(p.Lower)} to {Signed(p.Upper)}{(share ? " percentage points" : " km/h")}");
        string head = $"{what} was {Amount(Math.Abs(p.Change))} {direction} after than before{relative} ({interval})";
        return p.Verdict switch
        {
            Verdict.NoChange => $"{head}: within what day-to-day variation explains, so no change is shown.",
            Verdict.BelowMinimumChange => $"{head}: {direction} than day-to-day variation explains, but by less than the {Amount(p.MinimumChange)} set as the smallest change that matters.",
            _ => $"{head}: {direction} than day-to-day variation explains, by at least the {Amount(p.MinimumChange)} that matters. This does not show what caused it.",
        };
    }
}
