using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ale.Speed.Dashboard.Pages;

/// <summary>The routes of the pages and of the app's own assets.</summary>
internal static class PageEndpoints
{
    private const string Icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#0d3b70"/><path d="M8 8 L12 4" stroke="#fff" stroke-width="2"/></svg>
        """;

    public static void Map(WebApplication app, DashboardData data, DashboardOptions options)
    {
        app.MapGet("/", (HttpContext context) => ReportPages.OverviewAsync(context, data, options));
        app.MapGet("/site/{id}", (HttpContext context, string id) => ReportPages.SiteAsync(context, data, options, id));
        app.MapGet("/site/{id}/histogram.csv", (HttpContext context, string id) => ReportPages.HistogramCsvAsync(context, data, options, id));
        app.MapGet("/hotspots", (HttpContext context) => AnalysisPages.HotspotsAsync(context, data, options));
        app.MapGet("/compare", (HttpContext context) => AnalysisPages.CompareAsync(context, data));
        app.MapGet("/followup", (HttpContext context) => FollowUpPage.WriteAsync(context, data, options));
        app.MapGet("/api", (HttpContext context) => ApiHelpAsync(context));
        app.MapGet("/assets/dashboard.css", (HttpContext context) => AssetAsync(context, "text/css; charset=utf-8", Styles.Css));
        app.MapGet("/favicon.ico", (HttpContext context) => AssetAsync(context, "image/svg+xml", Icon));
    }

    private static Task AssetAsync(HttpContext context, string contentType, string body)
    {
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return context.Response.WriteAsync(body, context.RequestAborted);
    }

    private static Task ApiHelpAsync(HttpContext context)
    {
        var page = new Page(context, "/api");
        Language l = page.L;
        Layout.Begin(page, "API", "api");
        page.Append("<h1>").Text(l.T("Data som JSON och CSV", "Data as JSON and CSV")).Append("</h1>\n<p>")
            .Text(l.T("Samma frågor som kommandoraden, samma svar som --format json (eller format=csv). Tider i ISO 8601, svensk tid om ingen förskjutning anges.",
                "The command line's questions with its answers: the body equals --format json (or format=csv). Times in ISO 8601, Swedish time unless an offset is given."))
            .Append("</p>\n<ul>\n")
            .Append("<li><code>/api/report?from=2026-11-01&amp;to=2026-12-01[&amp;site=ID][&amp;by=total|day|week|hour-of-week][&amp;format=json|csv]</code></li>\n")
            .Append("<li><code>/api/hotspots?from=…&amp;to=…[&amp;kind=speeding|atraktor][&amp;top=N][&amp;format=json|csv]</code></li>\n")
            .Append("<li><code>/api/compare?site=ID&amp;before=FROM/TO&amp;after=FROM/TO[&amp;control=ID][&amp;min-change=KMH][&amp;selected-by-ranking=true][&amp;format=json|csv]</code></li>\n")
            .Append("<li><code>/api/followup?from=…&amp;to=…[&amp;days=N][&amp;control=ID][&amp;min-change=KMH][&amp;format=json|csv]</code></li>\n")
            .Append("</ul>\n<p>").Text(l.T("En felaktig fråga får svar 400 med {\"error\": \"…\"}.", "A bad query gets a 400 with {\"error\": \"…\"}.")).Append("</p>\n");
        Layout.End(page);
        return page.WriteAsync();
    }
}
