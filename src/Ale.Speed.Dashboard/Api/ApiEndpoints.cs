using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.FollowUp;
using Ale.Speed.Analysis.Hotspots;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ale.Speed.Dashboard.Api;

/// <summary>
/// <c>/api/report</c>, <c>/api/hotspots</c>, <c>/api/compare</c>, <c>/api/followup</c>: the CLI's commands behind HTTP.
/// Each runs the command's own entry point with <c>--format json</c> (or <c>csv</c>), so the body is byte for byte what
/// the CLI prints (the report through <see cref="Caching.ReportAnswers"/>: the CLI's build, kept a while, and the CLI's
/// renderer).
/// </summary>
internal static class ApiEndpoints
{
    public static void Map(WebApplication app, DashboardData data)
    {
        // The report kept in the answer cache, rendered as ReportCommand.RunAsync renders it for the CLI.
        app.MapGet("/api/report", (HttpContext context, Caching.ReportAnswers reports) => AnswerAsync(context, AnalysisQuery.ReportParameters, "report", async (format, output, _) =>
        {
            ReportRequest request = AnalysisQuery.Report(context.Request.Query, format, Now(data));
            Caching.Answer<Report> report = await reports.GetAsync(context, new Caching.ReportQuery(request.Period, request.SiteId, request.By)).ConfigureAwait(false);
            ReportCommand.Render(report.Value, format, output);
        }));

        app.MapGet("/api/hotspots", (HttpContext context) => AnswerAsync(context, AnalysisQuery.HotspotParameters, "hotspots", async (format, output, ct) =>
        {
            HotspotRequest request = AnalysisQuery.Hotspots(context.Request.Query, format, data.HotspotStatistics, Now(data));
            await HotspotsCommand.RunAsync(request, data.Reader, data.Catalog, output, ct).ConfigureAwait(false);
        }));

        app.MapGet("/api/compare", (HttpContext context) => AnswerAsync(context, AnalysisQuery.CompareParameters, "compare", async (format, output, ct) =>
        {
            CompareRequest request = AnalysisQuery.Compare(context.Request.Query, format);
            await CompareCommand.RunAsync(request, data.Reader, data.Catalog, output, ct).ConfigureAwait(false);
        }));

        app.MapGet("/api/followup", (HttpContext context) => AnswerAsync(context, FollowUpQuery.Parameters, "followup", async (format, output, ct) =>
        {
            DashboardFollowUp source = FollowUpQuery.Source(data);
            FollowUpRequest request = FollowUpQuery.Request(context.Request.Query, format, source, defaultPeriod: null);
            await FollowUpCommand.RunAsync(request, source.Store, data.Reader, data.Catalog, output, ct).ConfigureAwait(false);
        }));
    }

    private static long Now(DashboardData data) => data.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private static async Task AnswerAsync(HttpContext context, string[] parameters, string name, Func<OutputFormat, TextWriter, CancellationToken, Task> run)
    {
        AnalysisQuery.OnlyKnown(context.Request.Query, parameters);
        OutputFormat format = AnalysisQuery.Format(context.Request.Query);
        using var output = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        await run(format, output, context.RequestAborted).ConfigureAwait(false);
        HttpResponse response = context.Response;
        if (format == OutputFormat.Csv)
        {
            response.ContentType = "text/csv; charset=utf-8";
            response.Headers.ContentDisposition = $"attachment; filename=\"{name}.csv\"";
        }
        else
        {
            response.ContentType = "application/json; charset=utf-8";
        }

        await response.WriteAsync(output.ToString(), context.RequestAborted).ConfigureAwait(false);
    }
}
