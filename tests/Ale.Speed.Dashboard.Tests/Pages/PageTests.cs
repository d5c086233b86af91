using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ale.Speed.Dashboard.Tests.Support;

namespace Ale.Speed.Dashboard.Tests.Pages;

/// <summary>
/// The server-rendered pages of the real <c>ale-speed serve</c> against a real InfluxDB: each answers, carries its
/// state in the URL, and shows the CLI's figures for the same query (checked here in the HTML; the browser tests check
/// them as a user sees them).
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed partial class PageTests(DashboardServer server)
{
    private const string Period = "from=2026-11-02&to=2026-11-23";

    public static TheoryData<string> Pages => new()
    {
        $"/?{Period}",
        $"/?{Period}&lang=en",
        $"/site/{DashboardServer.Nodinge}?{Period}",
        $"/site/{DashboardServer.Nodinge}?{Period}&dir=in&by=hour-of-week&lang=en",
        $"/site/{DashboardServer.Alvangen}?{Period}&display=stealth",
        $"/site/{DashboardServer.Skepplanda}?{Period}&by=week&lang=en",
        $"/hotspots?{Period}",
        $"/hotspots?{Period}&kind=atraktor&lang=en",
        "/compare",
        $"/compare?site={DashboardServer.Nodinge}&before=2026-11-02/2026-11-09&after=2026-11-16/2026-11-23&control={DashboardServer.Alvangen}",
        "/api",
    };

    [Theory]
    [MemberData(nameof(Pages))]
    [MemberData(nameof(FollowUpPages))]
    public async Task Page_Answers_WithHtmlInItsLanguageAndTheSecurityHeaders(string path)
    {
        using HttpResponseMessage response = await server.Http.GetAsync(new Uri(server.Url, path));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.ToString());
        Assert.Contains(path.Contains("lang=en", StringComparison.Ordinal) ? "<html lang=\"en\">" : "<html lang=\"sv\">", body, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", body);
    }

    [Fact]
    public async Task Overview_FiguresOfEachSite_EqualTheCliReport()
    {
        (int exit, string json, string errors) = await server.CliAsync("report", "--from", "2026-11-02", "--to", "2026-11-23", "--format", "json");
        Assert.True(exit == 0, errors);
        (_, string html, _) = await server.GetAsync($"/?{Period}&lang=en");
        JsonElement[] rows = [.. JsonDocument.Parse(json).RootElement.GetProperty("sites").EnumerateArray().Where(r => r.GetProperty("direction").GetString() == "all")];
        Assert.Equal(3, rows.Length);
        foreach (JsonElement row in rows)
        {
            string tr = Row(html, $"data-site=\"{row.GetProperty("site").GetString()}\" data-display=\"{row.GetProperty("display").GetString()}\"");
            Assert.Equal(row.GetProperty("vehicles").GetInt64().ToString("N0", CultureInfo.InvariantCulture), Figure(tr, "vehicles"));
            Assert.Equal(row.GetProperty("v85Kmh").GetDouble().ToString("N1", CultureInfo.InvariantCulture), Figure(tr, "v85"));
            Assert.Equal(row.GetProperty("meanKmh").GetDouble().ToString("N1", CultureInfo.InvariantCulture), Figure(tr, "mean"));
            Assert.Equal((row.GetProperty("shareOverLimit").GetDouble() * 100).ToString("N1", CultureInfo.InvariantCulture) + "%", Figure(tr, "shareOverLimit"));
        }

        // The outage at Nödinge (12 hours, SilentAfter 4 h) shows as one likely outage and a silent unit.
        string nodinge = Row(html, $"data-site=\"{DashboardServer.Nodinge}\"");
        Assert.Equal("1", Figure(nodinge, "outages"));
        Assert.Equal("u-nod", Figure(nodinge, "silentUnits"));
    }

    [Fact]
    public async Task Overview_InSwedish_WritesSwedishNumbers()
    {
        (_, string html, _) = await server.GetAsync($"/?{Period}");
        string tr = Row(html, $"data-site=\"{DashboardServer.Nodinge}\"");
        Assert.Matches(@"^\d{1,3}(\u00a0\d{3})+$", Figure(tr, "vehicles"));
        Assert.Matches(@"^\d+,\d$", Figure(tr, "v85"));
        Assert.Matches(@"^\d+,\d\u00a0%$", Figure(tr, "shareOverLimit"));
    }

    [Fact]
    public async Task SitePage_KeyFigures_EqualTheCliReportForTheSite()
    {
        (int exit, string json, string errors) = await server.CliAsync("report", "--from", "2026-11-02", "--to", "2026-11-23", "--site", DashboardServer.Nodinge, "--format", "json");
        Assert.True(exit == 0, errors);
        (_, string html, _) = await server.GetAsync($"/site/{DashboardServer.Nodinge}?{Period}&lang=en");
        foreach (JsonElement row in JsonDocument.Parse(json).RootElement.GetProperty("sites").EnumerateArray())
        {
            string tr = Row(html, $"data-direction=\"{row.GetProperty("direction").GetString()}\" data-display=\"{row.GetProperty("display").GetString()}\"");
            Assert.Equal(row.GetProperty("vehicles").GetInt64().ToString("N0", CultureInfo.InvariantCulture), Figure(tr, "vehicles"));
            Assert.Equal(row.GetProperty("v50Kmh").GetDouble().ToString("N1", CultureInfo.InvariantCulture), Figure(tr, "v50"));
            Assert.Equal(row.GetProperty("v85Kmh").GetDouble().ToString("N1", CultureInfo.InvariantCulture), Figure(tr, "v85"));
            Assert.Equal(row.GetProperty("v95Kmh").GetDouble().ToString("N1", CultureInfo.InvariantCulture), Figure(tr, "v95"));
        }

        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("Share over the limit by hour of the week", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SitePage_ByWeek_ShowsTheCliWeeksWithThePartialOnesMarked()
    {
        (int exit, string json, string errors) = await server.CliAsync("report", "--from", "2026-11-04", "--to", "2026-11-20", "--site", DashboardServer.Nodinge, "--by", "week", "--format", "json");
        Assert.True(exit == 0, errors);
        (int status, string html, _) = await server.GetAsync($"/site/{DashboardServer.Nodinge}?from=2026-11-04&to=2026-11-20&by=week&lang=en");
        Assert.Equal(200, status);
        JsonElement[] weeks = [.. JsonDocument.Parse(json).RootElement.GetProperty("sites").EnumerateArray().Where(r => r.GetProperty("direction").GetString() == "all")];
        Assert.Equal(["2026-W45", "2026-W46", "2026-W47"], weeks.Select(w => w.GetProperty("group").GetString()));
        foreach (JsonElement week in weeks)
        {
            string tr = Row(html, $"data-group=\"{week.GetProperty("group").GetString()}\"");
            Assert.Equal(week.GetProperty("vehicles").GetInt64().ToString("N0", CultureInfo.InvariantCulture), Figure(tr, "vehicles"));
            Assert.Equal(week.GetProperty("v85Kmh").GetDouble().ToString("N1", CultureInfo.InvariantCulture), Figure(tr, "v85"));
        }

        Assert.Contains("2026-W45 (part)", html, StringComparison.Ordinal);
        Assert.Contains("2026-W47 (part)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("2026-W46 (part)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SitePage_AskedAgainWithItsParametersInAnotherOrder_IsAnsweredFromTheCacheAndSaysWhenItWasRead()
    {
        // A period no other test asks for, so the first request reads.
        using HttpResponseMessage first = await server.Http.GetAsync(new Uri(server.Url, $"/site/{DashboardServer.Alvangen}?from=2026-11-03&to=2026-11-21&by=week&lang=en"));
        using HttpResponseMessage second = await server.Http.GetAsync(new Uri(server.Url, $"/site/{DashboardServer.Alvangen}?lang=en&by=week&to=2026-11-21T00:00&from=2026-11-03"));
        string firstTiming = first.Headers.GetValues("Server-Timing").Single();
        string secondTiming = second.Headers.GetValues("Server-Timing").Single();
        Assert.StartsWith("cache;desc=\"0 hit, 0 stale, 3 miss, 0 refresh\"", firstTiming, StringComparison.Ordinal);
        Assert.StartsWith("cache;desc=\"3 hit, 0 stale, 0 miss, 0 refresh\"", secondTiming, StringComparison.Ordinal);
        Assert.Matches(@"total;dur=\d+\.\d$", secondTiming);
        string firstHtml = await first.Content.ReadAsStringAsync();
        string secondHtml = await second.Content.ReadAsStringAsync();
        string asOf = AsOf(firstHtml);
        Assert.Equal(asOf, AsOf(secondHtml));
        Assert.Contains("Data as of " + asOf[11..16] + " (answers older than 3600 s are read again)", secondHtml, StringComparison.Ordinal);
    }

    /// <summary>Periods no other test asks for, so the page reads and its API is then answered from the cache.</summary>
    public static TheoryData<string, string, string[]> KeptAnalyses => new()
    {
        { "/hotspots?from=2026-11-05&to=2026-11-22&top=4&lang=en", "/api/hotspots?top=4&to=2026-11-22T00:00&from=2026-11-05",
            ["hotspots", "--from", "2026-11-05", "--to", "2026-11-22", "--top", "4", "--format", "json"] },
        { $"/compare?site={DashboardServer.Nodinge}&before=2026-11-03/2026-11-10&after=2026-11-15/2026-11-22&lang=en",
            $"/api/compare?after=2026-11-15/2026-11-22&before=2026-11-03/2026-11-10&site={DashboardServer.Nodinge}&format=csv",
            ["compare", "--site", DashboardServer.Nodinge, "--before", "2026-11-03/2026-11-10", "--after", "2026-11-15/2026-11-22", "--format", "csv"] },
        { "/followup?from=2026-11-03&to=2026-11-22&days=5&lang=en", "/api/followup?days=5&to=2026-11-22&from=2026-11-03",
            ["followup", "--from", "2026-11-03", "--to", "2026-11-22", "--days", "5", "--format", "json"] },
    };

    [Theory]
    [MemberData(nameof(KeptAnalyses))]
    public async Task AnalysisPage_KeepsItsAnswer_AndTheApiAnswersTheCliBytesFromIt(string pagePath, string apiPath, string[] cli)
    {
        using HttpResponseMessage pageResponse = await server.Http.GetAsync(new Uri(server.Url, pagePath));
        using HttpResponseMessage apiResponse = await server.Http.GetAsync(new Uri(server.Url, apiPath));
        string html = await pageResponse.Content.ReadAsStringAsync();
        string body = await apiResponse.Content.ReadAsStringAsync();
        Assert.True(pageResponse.IsSuccessStatusCode, html);
        Assert.True(apiResponse.IsSuccessStatusCode, body);
        Assert.StartsWith("cache;desc=\"0 hit, 0 stale, 1 miss, 0 refresh\"", pageResponse.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
        Assert.StartsWith("cache;desc=\"1 hit, 0 stale, 0 miss, 0 refresh\"", apiResponse.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
        Assert.Matches(@"Data as of \d\d:\d\d \(answers older than 3600 s are read again\)", html);
        (int exit, string expected, string errors) = await server.CliAsync(cli);
        Assert.True(exit == 0, errors);
        Assert.Equal(expected, body);
    }

    private static string AsOf(string html) => Regex.Match(html, "data-as-of=\"([^\"]+)\"").Groups[1].Value;

    [Fact]
    public async Task HistogramCsv_SumsToTheVehiclesOfTheSelection()
    {
        (int exit, string json, _) = await server.CliAsync("report", "--from", "2026-11-02", "--to", "2026-11-23", "--site", DashboardServer.Nodinge, "--format", "json");
        Assert.Equal(0, exit);
        long expected = JsonDocument.Parse(json).RootElement.GetProperty("sites").EnumerateArray().Single(r => r.GetProperty("direction").GetString() == "in").GetProperty("vehicles").GetInt64();
        (int status, string csv, string? type) = await server.GetAsync($"/site/{DashboardServer.Nodinge}/histogram.csv?{Period}&dir=in");
        Assert.Equal(200, status);
        Assert.StartsWith("text/csv", type);
        long sum = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Sum(line => long.Parse(line.Split(',')[5], CultureInfo.InvariantCulture));
        Assert.Equal(expected, sum);
    }

    [Fact]
    public async Task HotspotsPage_Ranking_EqualsTheCli()
    {
        (int exit, string json, string errors) = await server.CliAsync("hotspots", "--from", "2026-11-02", "--to", "2026-11-23", "--format", "json");
        Assert.True(exit == 0, errors);
        (_, string html, _) = await server.GetAsync($"/hotspots?{Period}&lang=en");
        JsonElement[] ranked = [.. JsonDocument.Parse(json).RootElement.GetProperty("ranked").EnumerateArray()];
        Assert.NotEmpty(ranked);
        foreach (JsonElement w in ranked)
        {
            string tr = Row(html, $"data-site=\"{w.GetProperty("site").GetString()}\" data-hour-of-week=\"{w.GetProperty("hourOfWeek").GetInt32()}\"");
            Assert.Equal(w.GetProperty("rank").GetInt32().ToString(CultureInfo.InvariantCulture), Figure(tr, "rank"));
            Assert.Equal(w.GetProperty("score").GetDouble().ToString("N2", CultureInfo.InvariantCulture), Figure(tr, "score"));
            Assert.Equal(w.GetProperty("scoreLowerBound").GetDouble().ToString("N2", CultureInfo.InvariantCulture), Figure(tr, "scoreLowerBound"));
        }
    }

    [Fact]
    public async Task ComparePage_Changes_EqualTheCli()
    {
        string[] cli = ["compare", "--site", DashboardServer.Nodinge, "--before", "2026-11-02/2026-11-09", "--after", "2026-11-16/2026-11-23", "--format", "json"];
        (int exit, string json, string errors) = await server.CliAsync(cli);
        Assert.True(exit == 0, errors);
        (_, string html, _) = await server.GetAsync($"/compare?site={DashboardServer.Nodinge}&before=2026-11-02/2026-11-09&after=2026-11-16/2026-11-23&lang=en");
        JsonElement document = JsonDocument.Parse(json).RootElement;
        Assert.Contains(WebEncode(document.GetProperty("verdict").GetString()!), html, StringComparison.Ordinal);
        JsonElement mean = document.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("figure").GetString() == "mean");
        string tr = Row(html, "data-figure-row=\"mean\"");
        Assert.Equal(mean.GetProperty("before").GetDouble().ToString("N1", CultureInfo.InvariantCulture), Figure(tr, "before"));
        Assert.Equal(mean.GetProperty("after").GetDouble().ToString("N1", CultureInfo.InvariantCulture), Figure(tr, "after"));
    }

    public static TheoryData<string, string> BadPages => new()
    {
        { "/?from=2026-11-02", "to" },
        { $"/?{Period}&lang=de", "lang 'de'" },
        { $"/site/nowhere?{Period}", "Unknown site 'nowhere'" },
        { $"/site/{DashboardServer.Nodinge}?{Period}&dir=sideways", "dir 'sideways'" },
        { $"/site/{DashboardServer.Nodinge}?{Period}&display=stealth", "display 'stealth'" },
        { $"/hotspots?{Period}&kind=x", "kind 'x'" },
        { "/compare?site=t-nodinge&before=2026-11-02/2026-11-09", "after" },
    };

    [Theory]
    [MemberData(nameof(BadPages))]
    [MemberData(nameof(FollowUpBadPages))]
    public async Task Page_BadParameter_Is400WithTheReasonAndNoStackTrace(string path, string expected)
    {
        (int status, string html, string? type) = await server.GetAsync(path);
        Assert.Equal(400, status);
        Assert.StartsWith("text/html", type);
        Assert.Contains(WebEncode(expected), html, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
    }

    private static string WebEncode(string text) => System.Net.WebUtility.HtmlEncode(text);

    private static string Row(string html, string attributes)
    {
        int at = html.IndexOf(attributes, StringComparison.Ordinal);
        Assert.True(at >= 0, $"no row with {attributes}");
        int end = html.IndexOf("</tr>", at, StringComparison.Ordinal);
        return html[at..end];
    }

    private static string Figure(string row, string figure)
    {
        Match match = Regex.Match(row, $"data-figure=\"{figure}\">([^<]*)<");
        Assert.True(match.Success, $"no {figure} in {row}");
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }
}
