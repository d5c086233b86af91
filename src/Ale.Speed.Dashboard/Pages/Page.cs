using System.Net;
using System.Text;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Time;
using Microsoft.AspNetCore.Http;

namespace Ale.Speed.Dashboard.Pages;

/// <summary>
/// One page being written: its language, its state (every choice lives in the query string, so a view can be
/// bookmarked and sent) and the HTML so far.
/// </summary>
internal sealed class Page
{
    private readonly string[] _parameters;

    public Page(HttpContext context, string path, params string[] parameters)
    {
        Context = context;
        Path = path;
        _parameters = [.. parameters, "lang"];
        Dashboard.Api.AnalysisQuery.OnlyKnown(context.Request.Query, _parameters);
        string? lang = Dashboard.Api.AnalysisQuery.Value(context.Request.Query, "lang");
        L = lang switch
        {
            null or "sv" => Language.Swedish,
            "en" => Language.English,
            _ => throw new AnalysisRequestException($"lang '{lang}' is not one of sv, en."),
        };
    }

    public HttpContext Context { get; }

    public IQueryCollection Query => Context.Request.Query;

    /// <summary>The page's own path (for links to itself).</summary>
    public string Path { get; }

    public Language L { get; }

    public StringBuilder Html { get; } = new();

    public string? Value(string name) => Dashboard.Api.AnalysisQuery.Value(Query, name);

    /// <summary>This page with some parameters changed (null removes one); the others are kept.</summary>
    public string Self(params (string Name, string? Value)[] changes) => Href(Path, _parameters.Select(p => (p, Value(p))), changes);

    /// <summary>Another page with the period and the language carried over.</summary>
    public string Nav(string path, params (string Name, string? Value)[] changes) => Href(path, [("from", Value("from")), ("to", Value("to")), ("lang", Value("lang"))], changes);

    /// <summary>An API address for the period shown (explicit from/to, so the download is what the page shows).</summary>
    public static string Api(string path, Period period, params (string Name, string? Value)[] values)
        => Href(path, [("from", PeriodText(period.FromMs)), ("to", PeriodText(period.ToMs))], values);

    /// <summary>A time as the CLI's --from/--to take it: the local date alone at midnight, else local date and time.</summary>
    public static string PeriodText(long unixMs)
    {
        DateTimeOffset local = Core.Time.StockholmTime.ToLocal(unixMs);
        return local.TimeOfDay == TimeSpan.Zero ? Language.Date(local) : local.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture);
    }

    public static string Href(string path, IEnumerable<(string Name, string? Value)> values, params (string Name, string? Value)[] changes)
    {
        var all = new List<(string Name, string? Value)>(values);
        foreach ((string name, string? value) in changes)
        {
            all.RemoveAll(v => v.Name == name);
            all.Add((name, value));
        }

        string query = string.Join("&", all.Where(v => !string.IsNullOrEmpty(v.Value)).Select(v => Uri.EscapeDataString(v.Name) + "=" + Uri.EscapeDataString(v.Value!)));
        return query.Length == 0 ? path : path + "?" + query;
    }

    public Page Append(string trustedHtml)
    {
        Html.Append(trustedHtml);
        return this;
    }

    /// <summary>Appends text, HTML-encoded.</summary>
    public Page Text(string? text)
    {
        Html.Append(WebUtility.HtmlEncode(text));
        return this;
    }

    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public Task WriteAsync()
    {
        Context.Response.ContentType = "text/html; charset=utf-8";
        return Context.Response.WriteAsync(Html.ToString(), Context.RequestAborted);
    }
}
