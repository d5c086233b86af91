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
/// the CLI prints: the command's own build, kept a while (<see cref="Caching.AnalysisAnswers"/>), written by the
/// command's own renderer.
/// </summary>
internal static class ApiEndpoints
{
    public static void Map(WebApplication app, DashboardData data)
    {
        // Each kept answer is written as the command's RunAsync writes it for the CLI.
        app.MapGet("/api/report", (HttpContext context, Caching.AnalysisAnswers answers) => AnswerAsync(context, AnalysisQuery.ReportParameters, "report", async (format, output) =>
        {
            ReportRequest request = AnalysisQuery.Report(context.Request.Query, format, Now(data));
            Caching.Answer<Report> report = await answers.ReportAsync(context, new Caching.ReportQuery(request.Period, request.SiteId, request.By)).ConfigureAwait(false);
            ReportCommand.Render(report.Value, format, output);
        }));

        app.MapGet("/api/hotspots", (HttpContext context, Caching.AnalysisAnswers answers) => AnswerAsync(context, AnalysisQuery.HotspotParameters, "hotspots", async (format, output) =>
        {
            HotspotRequest request = AnalysisQuery.Hotspots(context.Request.Query, format, data.HotspotStatistics, Now(data));
            HotspotsCommand.Write((await answers.HotspotsAsync(context, request).ConfigureAwait(false)).Value, format, output);
        }));

        app.MapGet("/api/compare", (HttpContext context, Caching.AnalysisAnswers answers) => AnswerAsync(context, AnalysisQuery.CompareParameters, "compare", async (format, output) =>
        {
            CompareRequest request = AnalysisQuery.Compare(context.Request.Query, format);
            CompareCommand.Write((await answers.CompareAsync(context, request).ConfigureAwait(false)).Value, format, output);
        }));

        app.MapGet("/api/followup", (HttpContext context, Caching.AnalysisAnswers answers) => AnswerAsync(context, FollowUpQuery.Parameters, "followup", async (format, output) =>
        {
            DashboardFollowUp source = FollowUpQuery.Source(data);
            FollowUpRequest request = FollowUpQuery.Request(context.Request.Query, format, source, defaultPeriod: null);
            FollowUpCommand.Write((await answers.FollowUpAsync(context, request, source.Store).ConfigureAwait(false)).Value, format, output);
        }));
    }

    private static long Now(DashboardData data) => data.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private static async Task AnswerAsync(HttpContext context, string[] parameters, string name, Func<OutputFormat, TextWriter, Task> run)
    {
        AnalysisQuery.OnlyKnown(context.Request.Query, parameters);
        OutputFormat format = AnalysisQuery.Format(context.Request.Query);
        using var output = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        await run(format, output).ConfigureAwait(false);
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
