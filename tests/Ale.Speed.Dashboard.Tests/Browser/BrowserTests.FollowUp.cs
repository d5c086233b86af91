using Ale.Speed.Dashboard.Tests.Support;
using Microsoft.Playwright;

namespace Ale.Speed.Dashboard.Tests.Browser;

/// <summary>The follow-up page in the browser: the checks every page gets, its period form keeping the view's state, and its print layout.</summary>
public sealed partial class BrowserTests
{
    public static TheoryData<string, string> FollowUpPages => new()
    {
        { "followup", $"/followup?{Period}" },
        { "followup-en", $"/followup?{Period}&days=7&lang=en" },
    };

    [Fact]
    public async Task FollowUpPage_ChoosingAPeriod_KeepsTheOtherChoicesAndTheLanguageInTheUrl()
    {
        (IPage page, List<string> errors) = await OpenAsync(1280, 900);
        await page.GotoAsync(new Uri(server.Url, "/followup?days=7&lang=en").ToString());
        await page.GetByLabel("From").FillAsync("2026-11-02");
        await page.GetByLabel("To (exclusive)").FillAsync("2026-11-23");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("from=2026-11-02", StringComparison.Ordinal));
        Assert.Contains("to=2026-11-23", page.Url, StringComparison.Ordinal);
        Assert.Contains("days=7", page.Url, StringComparison.Ordinal);
        Assert.Contains("lang=en", page.Url, StringComparison.Ordinal);
        Assert.True(await page.Locator($"tr[data-effect=\"{DashboardServer.Nodinge}\"]").IsVisibleAsync());
        int[] tableWidths = await page.EvaluateAsync<int[]>("() => [...document.querySelectorAll('table')].map(t => Math.ceil(t.getBoundingClientRect().right))");
        int pageWidth = await page.EvaluateAsync<int>("() => document.documentElement.clientWidth");
        Assert.All(tableWidths, right => Assert.True(right <= pageWidth, $"a table ends at {right} px on a {pageWidth} px page"));
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task FollowUpPage_PrintedOnA4_HidesNavigationAndFormsAndKeepsItsTablesWithinThePage()
    {
        // A4 less the 15 mm margins is 180 mm, 680 CSS px.
        (IPage page, _) = await OpenAsync(680, 960);
        await page.GotoAsync(new Uri(server.Url, $"/followup?{Period}").ToString());
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        Assert.False(await page.Locator("header.top nav").IsVisibleAsync());
        Assert.False(await page.Locator("form.period").IsVisibleAsync());
        Assert.False(await page.Locator(".downloads").First.IsVisibleAsync());
        Assert.True(await page.Locator($"tr[data-site=\"{DashboardServer.Nodinge}\"]").First.IsVisibleAsync());
        Assert.True(await page.Locator($"tr[data-effect=\"{DashboardServer.Nodinge}\"]").IsVisibleAsync());
        int[] tableWidths = await page.EvaluateAsync<int[]>("() => [...document.querySelectorAll('table')].map(t => Math.ceil(t.getBoundingClientRect().right))");
        int pageWidth = await page.EvaluateAsync<int>("() => document.documentElement.clientWidth");
        Assert.All(tableWidths, right => Assert.True(right <= pageWidth, $"a table ends at {right} px on a {pageWidth} px page"));
        await page.PdfAsync(new PagePdfOptions { Path = Path.Combine(BrowserFixture.Screenshots, "followup.pdf"), PreferCSSPageSize = true });
        await page.Context.CloseAsync();
    }
}
