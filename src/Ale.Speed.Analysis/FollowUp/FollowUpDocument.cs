using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.Notes;
using Ale.Speed.Analysis.Reports;

namespace Ale.Speed.Analysis.FollowUp;

#pragma warning disable CA1819 // DTOs for JSON.

/// <summary>
/// The follow-up of the commitment over a period (<c>ale-speed followup</c>): promised against done, per site what was
/// done (controls), felt (residents' reports) and measured (the report's figures and the before/after effect around
/// the controls), and the places with reports but no sign. The JSON document and the model the renderers draw.
/// </summary>
public sealed record FollowUpDocument(PeriodDto Period, CommitmentDto? Commitment, FollowUpTotalsDto Totals, FollowUpSiteDto[] Sites,
    PlaceWithoutSiteDto[] PlacesWithoutSite, ControlDto[] Controls, int EffectDays, Note[] Notes);

/// <param name="Period">The commitment's own period.</param>
public sealed record CommitmentDto(string Title, PeriodDto Period, TargetDto[] Targets);

/// <param name="Done">Controls of the kind that start in the follow-up's period and in the commitment's period.</param>
public sealed record TargetDto(string Kind, string? Text, int Promised, int Done);

public sealed record FollowUpTotalsDto(int Controls, double ControlHours, int Checked, int Reported, int Licences, int Concerns, int ConcernsWithoutSite);

/// <param name="ControlsWithoutCounts">Controls at the site registered without a checked count (their figures are unknown, not 0).</param>
/// <param name="Measured">The report's figures for the period, all directions, per display mode (never merged).</param>
/// <param name="Effect">The before/after comparison around the site's first control in the period (as <c>compare</c> writes it); null without a control.</param>
public sealed record FollowUpSiteDto(string Site, string Name, int Controls, double ControlHours, int Checked, int Reported, int Licences, int ControlsWithoutCounts,
    int Concerns, ConcernCountsDto ConcernsByKind, MeasuredDto[] Measured, CompareDocument? Effect);

public sealed record ConcernCountsDto(int Speeding, int Moped, int Atraktor);

public sealed record MeasuredDto(string Display, long Vehicles, double? MeanKmh, double? V85Kmh, double? ShareOverLimit, bool BelowMinimumSample,
    int HoursWithData, int HoursInPeriod);

/// <param name="NearestSite">The nearest site with a position (and its distance), when the reports give one.</param>
public sealed record PlaceWithoutSiteDto(string Place, int Concerns, ConcernCountsDto ConcernsByKind, double? Latitude, double? Longitude,
    string? NearestSite, double? NearestSiteMetres);

#pragma warning restore CA1819
