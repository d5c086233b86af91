using System.Globalization;
using System.Text.Json;
using Ale.Speed.Dashboard.Tests.Support;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Ale.Speed.Dashboard.Tests.Browser;

/// <summary>
/// Every page in a real browser against the real server and InfluxDB: it loads without console errors (the CSP would
/// report anything fetched from elsewhere), axe-core finds no serious or critical WCAG 2.1 A/AA violation, it reflows at
/// 320 px without horizontal scrolling, it can be used from the keyboard, and the figures a user reads equal the CLI's.
/// A screenshot of each page is kept in bin/…/screenshots.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed partial class BrowserTests(DashboardServer server, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Period = "from=2026-11-02&to=2026-11-23";

    public static TheoryData<string, string> Pages => new()
    {
        { "overview", $"/?{Period}" },
        { "overview-en", $"/?{Period}&lang=en" },
        { "site", $"/site/{DashboardServer.Nodinge}?{Period}" },
        { "site-hour-of-week", $"/site/{DashboardServer.Nodinge}?{Period}&by=hour-of-week&dir=in" },
        { "site-stealth", $"/site/{DashboardServer.Alvangen}?{Period}" },
        { "hotspots", $"/hotspots?{Period}" },
        { "atraktor", $"/hotspots?{Period}&kind=atraktor" },
        { "compare-form", "/compare" },
        { "compare", $"/compare?site={DashboardServer.Nodinge}&before=2026-11-02/2026-11-09&after=2026-11-16/2026-11-23&control={DashboardServer.Alvangen}" },
        { "api", "/api" },
        { "bad-request", $"/site/nowhere?{Period}" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    [MemberData(nameof(FollowUpPages))]
    public async Task Page_InTheBrowser_LoadsWithoutConsoleErrorsAndWithoutSeriousAccessibilityViolations(string name, string path)
    {
        (IPage page, List<string> errors) = await OpenAsync(1280, 900);
        IResponse? response = await page.GotoAsync(new Uri(server.Url, path).ToString());
        Assert.NotNull(response);
        Assert.Equal(name == "bad-request" ? 400 : 200, response.Status);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, name + ".png"), FullPage = true });
        if (name != "bad-request")
        {
            Assert.Empty(errors);
        }

        AxeResult axe = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
        AxeResultItem[] serious = [.. axe.Violations.Where(v => v.Impact is "serious" or "critical")];
        Assert.True(serious.Length == 0, string.Join("\n", serious.Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}")));
        await page.Context.CloseAsync();
    }

    [Theory]
    [MemberData(nameof(Pages))]
    [MemberData(nameof(FollowUpPages))]
    public async Task Page_At320CssPixels_ReflowsWithoutHorizontalScrolling(string name, string path)
    {
        (IPage page, _) = await OpenAsync(320, 640);
        await page.GotoAsync(new Uri(server.Url, path).ToString());
        int scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        int viewport = await page.EvaluateAsync<int>("() => window.innerWidth");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, name + "-320.png"), FullPage = false });
        Assert.True(scrollWidth <= viewport, $"{name}: the page is {scrollWidth} px wide in a {viewport} px viewport");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Overview_FiguresAUserReads_EqualTheCli()
    {
        (int exit, string json, string errors) = await server.CliAsync("report", "--from", "2026-11-02", "--to", "2026-11-23", "--format", "json");
        Assert.True(exit == 0, errors);
        (IPage page, List<string> consoleErrors) = await OpenAsync(1280, 900);
        await page.GotoAsync(new Uri(server.Url, $"/?{Period}").ToString());
        foreach (JsonElement row in JsonDocument.Parse(json).RootElement.GetProperty("sites").EnumerateArray().Where(r => r.GetProperty("direction").GetString() == "all"))
        {
            ILocator tr = page.Locator($"tr[data-site=\"{row.GetProperty("site").GetString()}\"][data-display=\"{row.GetProperty("display").GetString()}\"]");
            Assert.Equal(Swedish(row.GetProperty("v85Kmh").GetDouble()), await tr.Locator("[data-figure=v85]").InnerTextAsync());
            Assert.Equal(Swedish(row.GetProperty("meanKmh").GetDouble()), await tr.Locator("[data-figure=mean]").InnerTextAsync());
            Assert.Equal(Swedish(row.GetProperty("shareOverLimit").GetDouble() * 100) + "\u00a0%", await tr.Locator("[data-figure=shareOverLimit]").InnerTextAsync());
        }

        Assert.Empty(consoleErrors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SitePage_KeyboardOnly_SkipLinkThenChoosingADirectionKeepsThePeriodInTheUrl()
    {
        (IPage page, _) = await OpenAsync(1280, 900);
        await page.GotoAsync(new Uri(server.Url, $"/site/{DashboardServer.Nodinge}?{Period}&lang=en").ToString());
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await page.Keyboard.PressAsync("Enter");
        Assert.EndsWith("#main", page.Url, StringComparison.Ordinal);

        ILocator approaching = page.GetByRole(AriaRole.Link, new() { Name = "approaching", Exact = true });
        await approaching.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => url.Contains("dir=in", StringComparison.Ordinal));
        Assert.Contains("from=2026-11-02", page.Url, StringComparison.Ordinal);
        Assert.Contains("to=2026-11-23", page.Url, StringComparison.Ordinal);
        Assert.Equal("true", await page.GetByRole(AriaRole.Link, new() { Name = "approaching", Exact = true }).GetAttributeAsync("aria-current"));
        await page.Context.CloseAsync();
    }

    private static string Swedish(double value) => value.ToString("N1", CultureInfo.InvariantCulture).Replace(",", "\u00a0", StringComparison.Ordinal).Replace('.', ',');

    private async Task<(IPage Page, List<string> Errors)> OpenAsync(int width, int height)
    {
        IBrowserContext context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        IPage page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
        return (page, errors);
    }
}
