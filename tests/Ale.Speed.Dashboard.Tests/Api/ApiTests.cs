using System.Text.Json;
using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Dashboard.Tests.Support;

namespace Ale.Speed.Dashboard.Tests.Api;

/// <summary>
/// The JSON API of the real <c>ale-speed serve</c> against a real InfluxDB: for the same query each endpoint answers
/// exactly what the CLI prints with <c>--format json</c> (or <c>csv</c>); bad parameters get a 400 with a message.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed partial class ApiTests(DashboardServer server)
{
    private static readonly string s_from = Traffic.ToLocal(DashboardServer.From).ToString("yyyy-MM-dd");
    private static readonly string s_to = Traffic.ToLocal(DashboardServer.To).ToString("yyyy-MM-dd");

    public static TheoryData<string, string[]> SameQueries => new()
    {
        { $"/api/report?from={s_from}&to={s_to}", ["report", "--from", s_from, "--to", s_to, "--format", "json"] },
        { $"/api/report?from={s_from}&to={s_to}&site={DashboardServer.Nodinge}&by=day", ["report", "--from", s_from, "--to", s_to, "--site", DashboardServer.Nodinge, "--by", "day", "--format", "json"] },
        { $"/api/report?from=2026-11-09T06:00&to=2026-11-12&by=hour-of-week", ["report", "--from", "2026-11-09T06:00", "--to", "2026-11-12", "--by", "hour-of-week", "--format", "json"] },
        { $"/api/report?from={s_from}&to={s_to}&format=csv", ["report", "--from", s_from, "--to", s_to, "--format", "csv"] },
        { $"/api/report?from=2026-11-04T06:00&to=2026-11-20&site={DashboardServer.Nodinge}&by=week", ["report", "--from", "2026-11-04T06:00", "--to", "2026-11-20", "--site", DashboardServer.Nodinge, "--by", "week", "--format", "json"] },
        { $"/api/report?by=week&format=csv&to={s_to}&from={s_from}", ["report", "--from", s_from, "--to", s_to, "--by", "week", "--format", "csv"] },
        { $"/api/hotspots?from={s_from}&to={s_to}&top=5", ["hotspots", "--from", s_from, "--to", s_to, "--top", "5", "--format", "json"] },
        { $"/api/hotspots?from={s_from}&to={s_to}&kind=atraktor", ["hotspots", "--from", s_from, "--to", s_to, "--kind", "atraktor", "--format", "json"] },
        { $"/api/compare?site={DashboardServer.Nodinge}&before=2026-11-02/2026-11-09&after=2026-11-16/2026-11-23&control={DashboardServer.Alvangen}&min-change=2",
            ["compare", "--site", DashboardServer.Nodinge, "--before", "2026-11-02/2026-11-09", "--after", "2026-11-16/2026-11-23", "--control", DashboardServer.Alvangen, "--min-change", "2", "--format", "json"] },
        { $"/api/compare?site={DashboardServer.Nodinge}&before=2026-11-02/2026-11-09&after=2026-11-16/2026-11-23&selected-by-ranking=true&format=csv",
            ["compare", "--site", DashboardServer.Nodinge, "--before", "2026-11-02/2026-11-09", "--after", "2026-11-16/2026-11-23", "--selected-by-ranking", "--format", "csv"] },
    };

    [Theory]
    [MemberData(nameof(SameQueries))]
    [MemberData(nameof(FollowUpQueries))]
    public async Task Api_SameQueryAsTheCli_AnswersExactlyTheCliOutput(string path, string[] cli)
    {
        (int exit, string expected, string errors) = await server.CliAsync(cli);
        Assert.True(exit == 0, errors);
        (int status, string body, string? contentType) = await server.GetAsync(path);
        Assert.Equal(200, status);
        Assert.Equal(expected, body);
        Assert.StartsWith(path.Contains("format=csv", StringComparison.Ordinal) ? "text/csv" : "application/json", contentType);
    }

    [Fact]
    public async Task Report_HoldsTheStoredTraffic_NotAnEmptyAnswer()
    {
        (_, string body, _) = await server.GetAsync($"/api/report?from={s_from}&to={s_to}&site={DashboardServer.Nodinge}");
        JsonElement row = JsonDocument.Parse(body).RootElement.GetProperty("sites").EnumerateArray().Single(r => r.GetProperty("direction").GetString() == "all");
        Assert.True(row.GetProperty("vehicles").GetInt64() > 5000);
        Assert.Equal(40, row.GetProperty("limitKmh").GetInt32());
    }

    public static TheoryData<string, string> BadQueries => new()
    {
        { "/api/report", "from" },
        { $"/api/report?from=yesterday&to={s_to}", "yesterday" },
        { $"/api/report?from={s_to}&to={s_from}", "must come after" },
        { $"/api/report?from={s_from}&to={s_to}&site=nowhere", "Unknown site 'nowhere'" },
        { $"/api/report?from={s_from}&to={s_to}&by=month", "by 'month'" },
        { $"/api/report?from={s_from}&to={s_to}&sight=x", "Unknown parameter 'sight'" },
        { $"/api/report?from={s_from}&from={s_from}&to={s_to}", "once" },
        { $"/api/report?from={s_from}&to={s_to}&format=xml", "format 'xml'" },
        { $"/api/hotspots?from={s_from}&to={s_to}&top=0", "top" },
        { $"/api/hotspots?from={s_from}&to={s_to}&top=many", "top 'many'" },
        { $"/api/hotspots?from={s_from}&to={s_to}&kind=drifting", "kind 'drifting'" },
        { "/api/compare?before=2026-11-02/2026-11-09&after=2026-11-16/2026-11-23", "site" },
        { $"/api/compare?site={DashboardServer.Nodinge}&before=2026-11-02&after=2026-11-16/2026-11-23", "FROM/TO" },
        { $"/api/compare?site={DashboardServer.Nodinge}&before=2026-11-02/2026-11-09&after=2026-11-16/2026-11-23&control={DashboardServer.Nodinge}", "control site" },
        { $"/api/compare?site={DashboardServer.Nodinge}&before=2026-11-02/2026-11-09&after=2026-11-16/2026-11-23&min-change=NaN", "min-change" },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    [MemberData(nameof(FollowUpBadQueries))]
    public async Task Api_BadParameter_Is400WithAMessageAndNoStackTrace(string path, string expectedInMessage)
    {
        (int status, string body, string? contentType) = await server.GetAsync(path);
        Assert.Equal(400, status);
        Assert.StartsWith("application/json", contentType);
        string message = JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;
        Assert.Contains(expectedInMessage, message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Ale.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }
}
