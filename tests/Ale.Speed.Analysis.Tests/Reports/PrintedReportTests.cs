using System.Diagnostics;
using System.Globalization;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Analysis.Tests.Reports;

/// <summary>
/// The printable report as the municipality uses it: opened in a real browser (headless Chromium, installed by
/// scripts/chromium.sh) and printed to PDF. The PDF is read back with poppler's pdfinfo/pdftotext.
/// </summary>
public sealed class PrintedReportTests : IDisposable
{
    private static readonly Period s_period = new(Traffic.Local(2026, 9, 7), Traffic.Local(2026, 9, 14));
    private static readonly Site s_first = new("nodinge-ale-torg", "Ale torg, Nödinge", 40);
    private static readonly Site s_second = new("nol-vag-45", "Väg 45 vid Nol", 70);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ale-speed-print-" + Guid.NewGuid().ToString("N"));

    public PrintedReportTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task HtmlReport_PrintedByChromium_IsA4_EachSiteOnItsOwnPage_WithFiguresAndCharts()
    {
        var random = new Random(7);
        var vehicles = new List<Vehicle>();
        foreach ((Site site, double mean) in new[] { (s_first, 43.0), (s_second, 74.0) })
        {
            var unit = new Unit { Id = "u-" + site.Id, Site = site };
            for (long hour = s_period.FromMs; hour < s_period.ToMs; hour += Traffic.HourMs)
            {
                for (int i = 0; i < 12; i++)
                {
                    vehicles.Add(Traffic.Vehicle(unit, hour + random.NextInt64(Traffic.HourMs), Traffic.Normal(random, mean, 7), i % 2 == 0 ? Direction.Approaching : Direction.Receding));
                }
            }
        }

        var catalog = new SiteCatalog([s_first, s_second], [
            new CatalogUnit("u-" + s_first.Id, s_first.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1)),
            new CatalogUnit("u-" + s_second.Id, s_second.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1)),
        ]);
        var bins = Traffic.Bin(vehicles);
        string html = Path.Combine(_directory, "report.html");
        await using (var output = new StreamWriter(html))
        {
            ReportCommand.Write(bins, new ReportRequest { Period = s_period, Format = OutputFormat.Html, By = ReportGrouping.Day }, catalog, output);
        }

        string pdf = Path.Combine(_directory, "report.pdf");
        await RunAsync("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--print-to-pdf=" + pdf, new Uri(html).AbsoluteUri);
        Assert.True(File.Exists(pdf), "Chromium printed no PDF");

        string info = await RunAsync("pdfinfo", pdf);
        Assert.Contains("(A4)", info, StringComparison.Ordinal);
        int pages = int.Parse(info.Split('\n').Single(l => l.StartsWith("Pages:", StringComparison.Ordinal))[6..].Trim(), CultureInfo.InvariantCulture);
        Assert.InRange(pages, 2, 6);

        // The first site's section starts on page 1, the second on a page of its own (break-before: page).
        string firstPage = await RunAsync("pdftotext", "-f", "1", "-l", "1", pdf, "-");
        Assert.Contains("Uppföljning av medborgarlöftet", firstPage, StringComparison.Ordinal);
        Assert.Contains(s_first.Name, firstPage, StringComparison.Ordinal);
        Assert.DoesNotContain(s_second.Name, firstPage, StringComparison.Ordinal);
        string all = await RunAsync("pdftotext", pdf, "-");
        string? secondSitePage = null;
        for (int page = 2; page <= pages && secondSitePage is null; page++)
        {
            string text = await RunAsync("pdftotext", "-f", $"{page}", "-l", $"{page}", pdf, "-");
            secondSitePage = text.Contains(s_second.Name, StringComparison.Ordinal) ? text : null;
        }

        Assert.NotNull(secondSitePage);
        Assert.StartsWith(s_second.Name + " (" + s_second.Id + ")", secondSitePage.TrimStart(), StringComparison.Ordinal);

        // The figures a reader looks for, as the report computes them, and the charts' own labels (SVG text survives as text).
        Report report = ReportBuilder.Build(bins, s_period, catalog, ReportGrouping.Total);
        foreach (Site site in new[] { s_first, s_second })
        {
            ReportRow row = report.Rows.Single(r => r.SiteId == site.Id && r.Direction == "all");
            Assert.Contains(row.Summary.V85Kmh.ToString("F1", CultureInfo.InvariantCulture), all, StringComparison.Ordinal);
            Assert.Contains($"gräns {site.LimitAt(s_period.FromMs)} km/h", all, StringComparison.Ordinal);
        }
    }

    private static async Task<string> RunAsync(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {command}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{command} exited with {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}
