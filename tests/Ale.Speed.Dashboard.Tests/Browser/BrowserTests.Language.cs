using System.Globalization;
using System.Text.Json;
using Ale.Speed.Dashboard.Tests.Support;
using Microsoft.Playwright;

namespace Ale.Speed.Dashboard.Tests.Browser;

/// <summary>
/// The analysis's own explanations follow the page language: in Swedish (the default) they are Swedish sentences with
/// the CLI's figures in Swedish number format and nothing on the page is marked as English; in English they are the
/// CLI's sentences, word for word.
/// </summary>
public sealed partial class BrowserTests
{
    private const string ComparePath = $"/compare?site={DashboardServer.Nodinge}&before=2026-11-02/2026-11-09&after=2026-11-16/2026-11-23&control={DashboardServer.Alvangen}";

    private static readonly string[] s_compareCli = ["compare", "--site", DashboardServer.Nodinge, "--before", "2026-11-02/2026-11-09", "--after", "2026-11-16/2026-11-23",
        "--control", DashboardServer.Alvangen, "--selected-by-ranking", "--format", "json"];

    [Fact]
    public async Task AnalysisPages_InSwedish_ExplainInSwedishWithTheCliFigures_AndNothingIsMarkedEnglish()
    {
        JsonElement hotspots = await CliJsonAsync("hotspots", "--from", "2026-11-02", "--to", "2026-11-23", "--format", "json");
        JsonElement top = hotspots.GetProperty("ranked")[0];
        string main = await SwedishMainAsync($"/hotspots?{Period}");
        Assert.Contains($"{SwedishNumber(top.GetProperty("score").GetDouble(), 2)} viktade uppmätta passager över gränsen per kontrolltimme (minst {SwedishNumber(top.GetProperty("scoreLowerBound").GetDouble(), 2)} med 95\u00a0% konfidens)", main, StringComparison.Ordinal);
        Assert.Contains("Poäng = uppmätta passager över gränsen per kontrolltimme", main, StringComparison.Ordinal);

        JsonElement atraktor = await CliJsonAsync("hotspots", "--from", "2026-11-02", "--to", "2026-11-23", "--kind", "atraktor", "--format", "json");
        main = await SwedishMainAsync($"/hotspots?{Period}&kind=atraktor");
        Assert.Contains(atraktor.GetProperty("ranked")[0].GetProperty("likelihood").GetString()!.Contains("strong", StringComparison.Ordinal)
            ? "möjlig trafik med A-traktorer eller mopeder (starkt mönster)" : "möjlig trafik med A-traktorer eller mopeder (", main, StringComparison.Ordinal);
        Assert.Contains("En hastighetsradar kan inte se mopeder klass I i 45 km/h", main, StringComparison.Ordinal);

        JsonElement compare = await CliJsonAsync(s_compareCli);
        JsonElement mean = compare.GetProperty("changes")[0];
        main = await SwedishMainAsync(ComparePath + "&selected-by-ranking=true");
        Assert.Contains(compare.GetProperty("verdict").GetString() == "insufficient data"
            ? "För lite data:"
            : $"Medelhastigheten var {SwedishNumber(Math.Abs(mean.GetProperty("change").GetDouble()), 1)} km/h {(mean.GetProperty("change").GetDouble() < 0 ? "lägre" : "högre")} efter än före, jämfört med kontrollplatsen {compare.GetProperty("controlName").GetString()}",
            main, StringComparison.Ordinal);
        Assert.Contains("Regression mot medelvärdet: platsen valdes för att den låg högt i en rangordning.", main, StringComparison.Ordinal);
        Assert.Contains($"Jämfört dag för dag med kontrollplatsen {compare.GetProperty("controlName").GetString()} ({DashboardServer.Alvangen})", main, StringComparison.Ordinal);

        JsonElement report = await CliJsonAsync("report", "--from", "2026-11-02", "--to", "2026-11-23", "--site", DashboardServer.Nodinge, "--format", "json");
        main = await SwedishMainAsync($"/site/{DashboardServer.Nodinge}?{Period}");
        Assert.NotEqual(0, report.GetProperty("coverage")[0].GetProperty("notes").GetArrayLength());
        Assert.Contains(report.GetProperty("coverage")[0].GetProperty("coverageFrom").ValueKind == JsonValueKind.Null ? "Ingen enhetstäckning finns lagrad för perioden" : "Enhetstäckning finns lagrad", main, StringComparison.Ordinal);

        main = await SwedishMainAsync($"/followup?{Period}&days=7");
        Assert.Contains("Den uppmätta effekten vid en mätplats jämför de 7 dagarna (svensk tid) före dagen för platsens första kontroll", main, StringComparison.Ordinal);
        Assert.Contains($"{NameOf(report)}: Dagen är enheten för variation", main, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnalysisPages_InEnglish_ShowTheCliSentences()
    {
        JsonElement hotspots = await CliJsonAsync("hotspots", "--from", "2026-11-02", "--to", "2026-11-23", "--format", "json");
        (IPage page, List<string> errors) = await OpenAsync(1280, 900);
        await page.GotoAsync(new Uri(server.Url, $"/hotspots?{Period}&lang=en").ToString());
        string main = await page.Locator("#main").InnerTextAsync();
        Assert.Contains(hotspots.GetProperty("method").GetString()!, main, StringComparison.Ordinal);
        foreach (JsonElement w in hotspots.GetProperty("ranked").EnumerateArray())
        {
            ILocator row = page.Locator($"tr[data-site=\"{w.GetProperty("site").GetString()}\"][data-hour-of-week=\"{w.GetProperty("hourOfWeek").GetInt32()}\"]");
            Assert.Equal(w.GetProperty("explanation").GetString(), await row.Locator("td").Last.InnerTextAsync());
        }

        JsonElement compare = await CliJsonAsync(s_compareCli);
        await page.GotoAsync(new Uri(server.Url, ComparePath + "&selected-by-ranking=true&lang=en").ToString());
        Assert.Equal(compare.GetProperty("summary").GetString(), await page.Locator("[data-figure=summary]").InnerTextAsync());
        main = await page.Locator("#main").InnerTextAsync();
        Assert.All(compare.GetProperty("notes").EnumerateArray(), n => Assert.Contains(n.GetString()!, main, StringComparison.Ordinal));

        JsonElement report = await CliJsonAsync("report", "--from", "2026-11-02", "--to", "2026-11-23", "--site", DashboardServer.Nodinge, "--format", "json");
        await page.GotoAsync(new Uri(server.Url, $"/site/{DashboardServer.Nodinge}?{Period}&lang=en").ToString());
        main = await page.Locator("#main").InnerTextAsync();
        Assert.All(report.GetProperty("coverage")[0].GetProperty("notes").EnumerateArray(), n => Assert.Contains(n.GetString()!, main, StringComparison.Ordinal));

        JsonElement followUp = await CliJsonAsync("followup", "--from", "2026-11-02", "--to", "2026-11-23", "--days", "7", "--format", "json");
        await page.GotoAsync(new Uri(server.Url, $"/followup?{Period}&days=7&lang=en").ToString());
        await page.Locator("details").Last.Locator("summary").ClickAsync();
        main = await page.Locator("#main").InnerTextAsync();
        Assert.All(followUp.GetProperty("notes").EnumerateArray(), n => Assert.Contains(n.GetString()!, main, StringComparison.Ordinal));
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    private static string NameOf(JsonElement report) => report.GetProperty("coverage")[0].GetProperty("name").GetString()!;

    private async Task<JsonElement> CliJsonAsync(params string[] arguments)
    {
        (int exit, string json, string errors) = await server.CliAsync(arguments);
        Assert.True(exit == 0, errors);
        return JsonDocument.Parse(json).RootElement;
    }

    /// <summary>The main text of a Swedish page, after checking that nothing on it is marked as English.</summary>
    private async Task<string> SwedishMainAsync(string path)
    {
        (IPage page, List<string> errors) = await OpenAsync(1280, 900);
        await page.GotoAsync(new Uri(server.Url, path).ToString());
        Assert.Equal("sv", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal(0, await page.Locator("#main [lang]").CountAsync());
        foreach (ILocator summary in await page.Locator("#main details > summary").AllAsync())
        {
            await summary.ClickAsync();
        }

        string main = await page.Locator("#main").InnerTextAsync();
        Assert.Empty(errors);
        await page.Context.CloseAsync();
        return main;
    }

    private static string SwedishNumber(double value, int decimals)
        => value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture).Replace(",", "\u00a0", StringComparison.Ordinal).Replace('.', ',');
}
