using Ale.Speed.Analysis.Time;

namespace Ale.Speed.Analysis.FollowUp;

/// <summary>One promise of the commitment: <see cref="Count"/> controls of <see cref="Kind"/> within its period.</summary>
/// <param name="Text">The promise in the commitment's own words, if configured.</param>
public sealed record CommitmentTarget(ControlKind Kind, int Count, string? Text);

/// <summary>The medborgarlöfte being followed up (<c>AleSpeed:Commitment</c>).</summary>
public sealed record Commitment(string Title, Period Period, IReadOnlyList<CommitmentTarget> Targets);
