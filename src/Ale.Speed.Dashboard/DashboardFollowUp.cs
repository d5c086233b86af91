using Ale.Speed.Analysis.FollowUp;

namespace Ale.Speed.Dashboard;

/// <summary>
/// What the follow-up page and <c>/api/followup</c> read besides the bins, exactly as <c>ale-speed followup</c> takes it
/// from the configuration: the registers of controls and residents' reports, the commitment, and the sites' positions.
/// </summary>
public sealed record DashboardFollowUp(FollowUpStore Store, Commitment? Commitment, SiteMap Map);
