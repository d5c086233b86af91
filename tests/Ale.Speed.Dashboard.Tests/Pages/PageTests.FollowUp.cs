using System.Globalization;
using System.Text.Json;
using Ale.Speed.Dashboard.Tests.Support;

namespace Ale.Speed.Dashboard.Tests.Pages;

/// <summary>The follow-up page over HTTP: its figures are <c>ale-speed followup</c>'s, its default period the commitment's, and it is in the navigation.</summary>
public sealed partial class PageTests
{
    public static TheoryData<string> FollowUpPages => new()
    {
        $"/followup?{Period}",
        $"/followup?{Period}&days=7&control={DashboardServer.Alvangen}&lang=en",
        "/followup",
    };

    public static TheoryData<string, string> FollowUpBadPages => new()
    {
        { "/followup?from=2026-11-23&to=2026-11-02", "must come after" },
        { $"/followup?{Period}&days=100", "days" },
        { $"/followup?{Period}&kind=speed", "Unknown parameter 'kind'" },
    };

    [Fact]
    public async Task FollowUpPage_FiguresOfEachSite_EqualTheCliFollowUp()
    {
        (int exit, string json, string errors) = await server.CliAsync("followup", "--from", "2026-11-02", "--to", "2026-11-23", "--format", "json");
        Assert.True(exit == 0, errors);
        (_, string html, _) = await server.GetAsync($"/followup?{Period}&lang=en");
        JsonElement document = JsonDocument.Parse(json).RootElement;
        foreach (JsonElement target in document.GetProperty("commitment").GetProperty("targets").EnumerateArray())
        {
            string tr = Row(html, $"data-kind=\"{target.GetProperty("kind").GetString()}\"");
            Assert.Equal(Integer(target, "promised"), Figure(tr, "promised"));
            Assert.Equal(Integer(target, "done"), Figure(tr, "done"));
        }

        Assert.Equal(Integer(document.GetProperty("totals"), "concerns"), Figure(Row(html, "data-totals"), "concerns"));
        foreach (JsonElement site in document.GetProperty("sites").EnumerateArray())
        {
            string id = site.GetProperty("site").GetString()!;
            string first = Row(html, $"data-site=\"{id}\"");
            Assert.Equal(Integer(site, "controls"), Figure(first, "controls"));
            Assert.Equal(Integer(site, "reported"), Figure(first, "reported"));
            Assert.Equal(Integer(site, "concerns"), Figure(Row(html, $"data-felt=\"{id}\""), "concerns"));
            foreach (JsonElement m in site.GetProperty("measured").EnumerateArray())
            {
                string tr = Row(html, $"data-felt=\"{id}\" data-display=\"{m.GetProperty("display").GetString()}\"");
                Assert.Equal(m.GetProperty("vehicles").GetInt64().ToString("N0", CultureInfo.InvariantCulture), Figure(tr, "vehicles"));
                Assert.Equal(m.GetProperty("meanKmh").GetDouble().ToString("N1", CultureInfo.InvariantCulture), Figure(tr, "mean"));
                Assert.Equal(m.GetProperty("v85Kmh").GetDouble().ToString("N1", CultureInfo.InvariantCulture), Figure(tr, "v85"));
                Assert.Equal((m.GetProperty("shareOverLimit").GetDouble() * 100).ToString("N1", CultureInfo.InvariantCulture) + "%", Figure(tr, "shareOverLimit"));
            }

            if (site.GetProperty("effect") is { ValueKind: JsonValueKind.Object } effect)
            {
                JsonElement mean = effect.GetProperty("changes")[0];
                string tr = Row(html, $"data-effect=\"{id}\"");
                Assert.Equal(mean.GetProperty("before").GetDouble().ToString("N1", CultureInfo.InvariantCulture), Figure(tr, "before"));
                Assert.Equal(mean.GetProperty("after").GetDouble().ToString("N1", CultureInfo.InvariantCulture), Figure(tr, "after"));
                Assert.Equal(mean.GetProperty("verdict").GetString(), Figure(tr, "verdict"));
            }
        }

        string place = Row(html, $"data-place=\"{WebEncode("Vallmovägen")}\"");
        Assert.Equal("2", Figure(place, "concerns"));
    }

    [Fact]
    public async Task FollowUpPage_WithoutAPeriod_FollowsTheCommitmentsPeriodUp_AndIsInTheNavigation()
    {
        (int status, string html, _) = await server.GetAsync("/followup");
        Assert.Equal(200, status);
        Assert.Contains($"<h1>{WebEncode("Uppföljning: Medborgarlöfte Ale 2026")}</h1>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"from\" name=\"from\" required value=\"2026-01-01\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"to\" name=\"to\" required value=\"2027-01-01\"", html, StringComparison.Ordinal);
        (_, string overview, _) = await server.GetAsync($"/?{Period}");
        Assert.Contains($"<a href=\"/followup?from=2026-11-02&amp;to=2026-11-23\">{WebEncode("Uppföljning")}</a>", overview, StringComparison.Ordinal);
    }

    private static string Integer(JsonElement element, string name) => element.GetProperty(name).GetInt32().ToString("N0", CultureInfo.InvariantCulture);
}
