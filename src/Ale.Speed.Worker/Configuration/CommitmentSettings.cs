namespace Ale.Speed.Worker.Configuration;

/// <summary>
/// <c>AleSpeed:Commitment</c>: the medborgarlöfte being followed up — its title, its period and what it promised
/// (docs/configuration.md). Optional; without it <c>followup</c> shows what was done without a promise to compare with.
/// </summary>
public sealed class CommitmentSettings
{
    /// <summary>E.g. "Medborgarlöfte Ale 2026".</summary>
    public string Title { get; set; } = "";

    /// <summary>Start of the commitment's period (ISO 8601; a date is its Stockholm midnight).</summary>
    public string From { get; set; } = "";

    /// <summary>End of the period, exclusive.</summary>
    public string To { get; set; } = "";

    public List<CommitmentTargetSettings> Targets { get; set; } = [];
}

/// <summary>One promise: a number of controls of a kind within the commitment's period.</summary>
public sealed class CommitmentTargetSettings
{
    /// <summary><c>speed</c> or <c>moped-atraktor</c> (the kinds of <c>controls add --kind</c>).</summary>
    public string Kind { get; set; } = "";

    public int Count { get; set; }

    /// <summary>The promise in the commitment's own words (shown in the follow-up).</summary>
    public string? Text { get; set; }
}

/// <summary><c>AleSpeed:Concerns</c>: how residents' reports are linked to sites.</summary>
public sealed class ConcernSettings
{
    /// <summary>A report whose position lies within this distance of a site's position is about that site.</summary>
    public double NearSiteMetres { get; set; } = 300;
}
