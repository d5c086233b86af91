using System.Collections;

namespace Ale.Speed.Core.Statistics;

/// <summary>Trafikverket's speed index (hastighetsindex) of a set of vehicles. Shares are 0–1, NaN when empty.</summary>
public readonly record struct SpeedIndex(double MeanKmh, double ShareWithinLimit, double ShareWithinLimitPlus5, double ShareMoreThan30Over);

/// <summary>The 10 km/h band [<see cref="LowerKmh"/>, <see cref="LowerKmh"/> + 10) holding the most vehicles.</summary>
public readonly record struct PaceBand(int LowerKmh, long Count, double Share)
{
    public int UpperKmh => LowerKmh + 10;
}

/// <summary>Vehicles in a fine band, split by the fine column that applies (limit ≤ 50 / &gt; 50).</summary>
public readonly record struct FineBandCount(FineBand Fine, long CountLimitAtMost50, long CountLimitOver50)
{
    public string Label => Fine.Band.Label;

    public long Count => CountLimitAtMost50 + CountLimitOver50;
}

/// <summary>Vehicles in a licence-consequence band.</summary>
public readonly record struct LicenceBandCount(LicenceBand Licence, long Count)
{
    public string Label => Licence.Band.Label;
}

/// <summary>A summary's fine band counts: the schedule's bands and two counts each in a shared array, made into <see cref="FineBandCount"/> as they are read.</summary>
internal sealed class FineBandCountList(IReadOnlyList<FineBand> bands, long[] counts) : IReadOnlyList<FineBandCount>
{
    public int Count => bands.Count;

    public FineBandCount this[int index] => new(bands[index], counts[2 * index], counts[2 * index + 1]);

    public IEnumerator<FineBandCount> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A summary's licence band counts: the schedule's bands and their counts from <paramref name="offset"/> in a shared array.</summary>
internal sealed class LicenceBandCountList(IReadOnlyList<LicenceBand> bands, long[] counts, int offset) : IReadOnlyList<LicenceBandCount>
{
    public int Count => bands.Count;

    public LicenceBandCount this[int index] => new(bands[index], counts[offset + index]);

    public IEnumerator<LicenceBandCount> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Settings shared by every statistic.</summary>
public sealed record StatisticsOptions
{
    /// <summary>Below this many vehicles a figure is flagged as too uncertain to rank (still shown).</summary>
    public int MinimumSample { get; init; } = 30;

    public PenaltySchedule Penalties { get; init; } = PenaltySchedule.Sweden;

    public static StatisticsOptions Default { get; } = new();

    public bool TryValidate(out string? error)
    {
        if (MinimumSample < 1)
        {
            error = $"{nameof(MinimumSample)} must be at least 1 (was {MinimumSample}).";
            return false;
        }

        if (Penalties is null)
        {
            error = $"{nameof(Penalties)} is missing.";
            return false;
        }

        return Penalties.TryValidate(out error);
    }

    public void Validate()
    {
        if (!TryValidate(out string? error))
        {
            throw new ArgumentException(error, nameof(StatisticsOptions));
        }
    }
}

/// <summary>Every figure of one (merged) bin, as <see cref="SpeedStatistics.Summarize"/> computes them. Speeds in km/h; NaN when undefined.</summary>
public sealed record SpeedSummary
{
    public required long Count { get; init; }

    /// <summary>True when <see cref="Count"/> is below <see cref="MinimumSample"/>: show, but do not rank or conclude.</summary>
    public required bool IsBelowMinimumSample { get; init; }

    public required int MinimumSample { get; init; }

    /// <summary>The common limit, or <see cref="Bins.Bin.MixedLimits"/> / <see cref="Bins.Bin.NoLimit"/>.</summary>
    public required int LimitKmh { get; init; }

    public required double MeanKmh { get; init; }

    /// <summary>Sample standard deviation (divisor n − 1); NaN below two vehicles.</summary>
    public required double StandardDeviationKmh { get; init; }

    public required double V50Kmh { get; init; }

    public required double V85Kmh { get; init; }

    public required double V95Kmh { get; init; }

    public required double MaxKmh { get; init; }

    public required SpeedIndex SpeedIndex { get; init; }

    public required long CountOverLimit { get; init; }

    public required double ShareOverLimit { get; init; }

    public required IReadOnlyList<FineBandCount> FineBands { get; init; }

    public required IReadOnlyList<LicenceBandCount> LicenceBandsLimitAtMost30 { get; init; }

    public required IReadOnlyList<LicenceBandCount> LicenceBandsLimitFrom40 { get; init; }

    /// <summary>Null when there are no vehicles.</summary>
    public required PaceBand? Pace { get; init; }
}
