namespace Ale.Speed.Analysis.Notes;

/// <summary>The targets are for the commitment's whole period; 'done' counts this follow-up's controls within it.</summary>
public sealed record TargetsForCommitmentPeriod(long FromMs, long ToMs) : Note;

/// <summary>No commitment is configured.</summary>
public sealed record NoCommitment : Note;

/// <summary>How the measured effect at a site is compared: <paramref name="Days"/> days before and from the first control.</summary>
public sealed record EffectMethod(int Days) : Note;

/// <summary>Controls go where problems are: regression to the mean; before/after shows whether, not why.</summary>
public sealed record ControlsRegressToTheMean : Note;

/// <summary>Residents' reports say where people feel unsafe and are never weighed against the measurements.</summary>
public sealed record ReportsAreFelt : Note;
