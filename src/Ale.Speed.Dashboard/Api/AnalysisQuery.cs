using System.Globalization;
using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.Hotspots;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Statistics;
using Ale.Speed.Core.Time;
using Microsoft.AspNetCore.Http;

namespace Ale.Speed.Dashboard.Api;

/// <summary>
/// Turns query parameters named like the CLI's options (<c>from</c>, <c>to</c>, <c>site</c>, <c>by</c>, <c>kind</c>,
/// <c>top</c>, <c>before</c>, <c>after</c>, <c>control</c>, <c>min-change</c>, <c>selected-by-ranking</c>) into the
/// same requests the CLI builds. A bad value throws <see cref="AnalysisRequestException"/> with a message for the user.
/// </summary>
internal static class AnalysisQuery
{
    public static readonly string[] ReportParameters = ["from", "to", "site", "by", "format"];
    public static readonly string[] HotspotParameters = ["from", "to", "kind", "top", "format"];
    public static readonly string[] CompareParameters = ["site", "before", "after", "control", "min-change", "selected-by-ranking", "format"];

    /// <summary>Refuses a parameter the endpoint does not take (a typo would otherwise be ignored without a word).</summary>
    public static void OnlyKnown(IQueryCollection query, IReadOnlyCollection<string> known)
    {
        foreach ((string name, Microsoft.Extensions.Primitives.StringValues values) in query)
        {
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                throw new AnalysisRequestException($"Unknown parameter '{name}'. This address takes: {string.Join(", ", known)}.");
            }

            if (values.Count > 1)
            {
                throw new AnalysisRequestException($"Parameter '{name}' is given {values.Count} times; give it once.");
            }
        }
    }

    /// <summary><c>format</c>: json (default) or csv.</summary>
    public static OutputFormat Format(IQueryCollection query)
    {
        string? text = Value(query, "format");
        return text switch
        {
            null or "json" => OutputFormat.Json,
            "csv" => OutputFormat.Csv,
            _ => throw new AnalysisRequestException($"format '{text}' is not one of json, csv."),
        };
    }

    /// <summary>The period of <c>from</c>/<c>to</c>; where the page allows defaults, the last <paramref name="defaultDays"/> whole days.</summary>
    public static Period Period(IQueryCollection query, long nowMs, int? defaultDays)
    {
        string? from = Value(query, "from");
        string? to = Value(query, "to");
        if (defaultDays is int days && from is null && to is null)
        {
            return DefaultPeriod(nowMs, days);
        }

        if (from is null || to is null)
        {
            throw new AnalysisRequestException($"Parameter '{(from is null ? "from" : "to")}' is required (ISO 8601, e.g. 2026-03-01; Stockholm time unless an offset is given).");
        }

        return PeriodParser.TryParse(from, to, out Period period, out string? error) ? period : throw new AnalysisRequestException(Unprefixed(error!));
    }

    /// <summary>The <paramref name="days"/> local days before today.</summary>
    public static Period DefaultPeriod(long nowMs, int days)
    {
        DateOnly today = StockholmTime.LocalDate(nowMs);
        return new Period(StockholmTime.StartOfDay(today.AddDays(-days)), StockholmTime.StartOfDay(today));
    }

    public static ReportRequest Report(IQueryCollection query, OutputFormat format, long nowMs, int? defaultDays = null)
    {
        Period period = Period(query, nowMs, defaultDays);
        string? by = Value(query, "by");
        if (!OutputNames.TryParseGrouping(by, out ReportGrouping grouping))
        {
            throw new AnalysisRequestException($"by '{by}' is not one of {OutputNames.GroupingNames}.");
        }

        return new ReportRequest { Period = period, SiteId = Value(query, "site"), By = grouping, Format = format };
    }

    public static HotspotRequest Hotspots(IQueryCollection query, OutputFormat format, StatisticsOptions statistics, long nowMs, int? defaultDays = null)
    {
        Period period = Period(query, nowMs, defaultDays);
        string? kindText = Value(query, "kind");
        if (!OutputNames.TryParseKind(kindText, out HotspotKind kind))
        {
            throw new AnalysisRequestException($"kind '{kindText}' is not one of speeding, atraktor.");
        }

        int top = Integer(query, "top") ?? 10;
        if (top is < 1 or > 1000)
        {
            throw new AnalysisRequestException("top must be between 1 and 1000.");
        }

        return new HotspotRequest { Period = period, Options = new HotspotOptions { Kind = kind, Top = top, Statistics = statistics }, Format = format };
    }

    public static CompareRequest Compare(IQueryCollection query, OutputFormat format)
    {
        string site = Value(query, "site") ?? throw new AnalysisRequestException("Parameter 'site' is required.");
        Period before = Range(query, "before");
        Period after = Range(query, "after");
        double minChange = MinChange(query);
        bool selected = Value(query, "selected-by-ranking") switch
        {
            null or "false" => false,
            "true" or "" => true,
            string other => throw new AnalysisRequestException($"selected-by-ranking '{other}' is not true or false."),
        };
        var options = new Ale.Speed.Analysis.Compare.CompareOptions { ControlSiteId = Value(query, "control"), MinimumChangeKmh = minChange, SelectedByRanking = selected };
        return new CompareRequest { SiteId = site, Before = before, After = after, Options = options, Format = format };
    }

    /// <summary><c>min-change</c>: the smallest change in km/h that counts (default 1).</summary>
    public static double MinChange(IQueryCollection query)
    {
        double minChange = 1.0;
        if (Value(query, "min-change") is { } text
            && (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out minChange) || !double.IsFinite(minChange)))
        {
            throw new AnalysisRequestException($"min-change '{text}' is not a number of km/h (e.g. 1.5).");
        }

        return minChange;
    }

    public static string? Value(IQueryCollection query, string name)
    {
        string? value = query.TryGetValue(name, out Microsoft.Extensions.Primitives.StringValues values) ? values.ToString() : null;
        return name is "selected-by-ranking" ? value : string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public static int? Integer(IQueryCollection query, string name)
    {
        string? text = Value(query, name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value
            : throw new AnalysisRequestException($"{name} '{text}' is not a whole number.");
    }

    private static Period Range(IQueryCollection query, string name)
    {
        string text = Value(query, name) ?? throw new AnalysisRequestException($"Parameter '{name}' is required (FROM/TO, e.g. 2026-03-01/2026-04-01).");
        return PeriodParser.TryParseRange(text, out Period period, out string? error) ? period : throw new AnalysisRequestException($"{name}: {Unprefixed(error!)}");
    }

    /// <summary>The parser names the CLI's options (<c>--from</c>); the API's parameters are the same names without dashes.</summary>
    private static string Unprefixed(string error) => error.Replace("--from", "from", StringComparison.Ordinal).Replace("--to", "to", StringComparison.Ordinal);
}
