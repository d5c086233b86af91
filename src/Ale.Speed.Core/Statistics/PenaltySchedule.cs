using System.Globalization;
using Ale.Speed.Core.Bins;

namespace Ale.Speed.Core.Statistics;

/// <summary>
/// A band of km/h over the limit: excess e in (<see cref="OverFromExclusiveKmh"/>, <see cref="OverToInclusiveKmh"/>],
/// or e &gt; <see cref="OverFromExclusiveKmh"/> when open. The published band "11–15" is (10, 15]: speeds are counted at
/// 0.01 km/h, so 10.01 over belongs to 11–15.
/// </summary>
public readonly record struct SpeedingBand(int OverFromExclusiveKmh, int? OverToInclusiveKmh)
{
    /// <summary>"11-15" or "over 40".</summary>
    public string Label => OverToInclusiveKmh is int to
        ? string.Create(CultureInfo.InvariantCulture, $"{OverFromExclusiveKmh + 1}-{to}")
        : string.Create(CultureInfo.InvariantCulture, $"over {OverFromExclusiveKmh}");

    public override string ToString() => Label;
}

/// <summary>An on-the-spot fine (ordningsbot) band; a null fine means the case goes to a prosecutor.</summary>
public readonly record struct FineBand(SpeedingBand Band, int? FineSekLimitAtMost50, int? FineSekLimitOver50);

/// <summary>An indicative licence consequence: months of revocation, 0 = a warning; <see cref="MonthsAtLeast"/> for "4+".</summary>
public readonly record struct LicenceBand(SpeedingBand Band, int IndicativeMonths, bool MonthsAtLeast = false)
{
    public bool IsWarning => IndicativeMonths == 0;
}

/// <summary>
/// Penalty bands as data: they change with regulation and practice, so they are configuration, not code.
/// Band counts use the excess minus <see cref="ReportableMarginKmh"/>, so a band (a, b] counts vehicles with
/// e in (a + margin, b + margin].
/// </summary>
public sealed record PenaltySchedule
{
    public required IReadOnlyList<FineBand> FineBands { get; init; }

    /// <summary>Licence bands on roads with a limit of 30 km/h or lower.</summary>
    public required IReadOnlyList<LicenceBand> LicenceBandsLimitAtMost30 { get; init; }

    /// <summary>Licence bands on roads with a limit of 40 km/h or higher (a limit of 31–39, which Sweden does not use, counts here too).</summary>
    public required IReadOnlyList<LicenceBand> LicenceBandsLimitFrom40 { get; init; }

    /// <summary>Km/h deducted from the excess before banding (a measuring tolerance, as the police apply one). 0 = bands on measured speed.</summary>
    public int ReportableMarginKmh { get; init; }

    /// <summary>
    /// Swedish fines (Riksåklagarens ordningsbotskatalog) and the licence consequences Transportstyrelsen normally applies
    /// to a first offence. Sources, dates and what could not be checked: docs/statistics.md.
    /// </summary>
    public static PenaltySchedule Sweden { get; } = new()
    {
        FineBands =
        [
            new(new(0, 10), 2000, 1500),
            new(new(10, 15), 2400, 2000),
            new(new(15, 20), 2800, 2400),
            new(new(20, 25), 3200, 2800),
            new(new(25, 30), 3600, 3200),
            new(new(30, 35), 4000, 3600),
            new(new(35, 40), 4000, 4000),
            // On roads above 50 the fine still applies up to 50 over; on roads of 50 or lower, over 40 goes to a prosecutor.
            new(new(40, 50), null, 4000),
            new(new(50, null), null, null),
        ],
        LicenceBandsLimitAtMost30 =
        [
            new(new(15, 20), 0),
            new(new(20, 30), 2),
            new(new(30, 40), 3),
            new(new(40, 50), 4),
            new(new(50, 60), 5, MonthsAtLeast: true),
            // The practice's table ends at 61-70 ("6 months or more"); faster than that is at least as serious.
            new(new(60, null), 6, MonthsAtLeast: true),
        ],
        LicenceBandsLimitFrom40 =
        [
            // "25-30 over: warning" read as (24, 30], the same convention as every other band.
            new(new(24, 30), 0),
            new(new(30, 40), 2),
            new(new(40, 50), 3),
            new(new(50, 60), 4),
            new(new(60, 70), 5),
            new(new(70, 80), 6),
            new(new(80, null), 8),
        ],
    };

    public bool TryValidate(out string? error)
    {
        error = ReportableMarginKmh is < 0 or > Bin.MaxExactExcessKmh
            ? $"{nameof(ReportableMarginKmh)} must lie in [0, {Bin.MaxExactExcessKmh}] (was {ReportableMarginKmh})."
            : CheckBands(nameof(FineBands), FineBands, static b => b.Band)
                ?? CheckBands(nameof(LicenceBandsLimitAtMost30), LicenceBandsLimitAtMost30, static b => b.Band)
                ?? CheckBands(nameof(LicenceBandsLimitFrom40), LicenceBandsLimitFrom40, static b => b.Band);
        return error is null;
    }

    public void Validate()
    {
        if (!TryValidate(out string? error))
        {
            throw new ArgumentException(error, nameof(PenaltySchedule));
        }
    }

    // Every summary validates its schedule: an index loop and a static selector, so a valid schedule costs no allocation.
    private string? CheckBands<T>(string name, IReadOnlyList<T>? bands, Func<T, SpeedingBand> bandOf)
    {
        if (bands is null)
        {
            return $"{name} is missing.";
        }

        // Bins count the excess exactly up to 100 km/h, so every edge plus the margin must stay within that.
        int limit = Bin.MaxExactExcessKmh - ReportableMarginKmh;
        int previousEnd = 0;
        for (int i = 0; i < bands.Count; i++)
        {
            SpeedingBand band = bandOf(bands[i]);
            if (band.OverFromExclusiveKmh < previousEnd || band.OverFromExclusiveKmh > limit
                || (band.OverToInclusiveKmh is int to && (to <= band.OverFromExclusiveKmh || to > limit)))
            {
                return $"{name}: band {band.Label} must be ascending, non-overlapping and within 0-{limit} km/h over (margin {ReportableMarginKmh}).";
            }

            previousEnd = band.OverToInclusiveKmh ?? int.MaxValue;
        }

        return null;
    }
}
