using System.Globalization;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.Hotspots;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;

namespace Ale.Speed.Analysis.Tests.Reports;

/// <summary>The outputs people and programs read: JSON shape, CSV quoting, printable HTML.</summary>
public sealed class RendererTests
{
    private static readonly Period s_period = new(Traffic.Local(2026, 6, 1), Traffic.Local(2026, 6, 8));
    private static readonly Site s_site = new("ren-site", "Älvängen, \"Göteborgsvägen\"", 40);
    private static readonly Site s_empty = new("ren-empty", "Bohus", 50);

    private static (List<StoredBin> Bins, List<Vehicle> Vehicles, SiteCatalog Catalog) Data()
    {
        var on = new Unit { Id = "u-on", Site = s_site };
        var stealth = new Unit { Id = "u-st", Site = s_site, DisplayMode = DisplayMode.Stealth };
        var random = new Random(42);
        var vehicles = new List<Vehicle>();
        for (long hour = s_period.FromMs; hour < s_period.ToMs; hour += Traffic.HourMs)
        {
            for (int i = 0; i < 10; i++)
            {
                Unit unit = hour < s_period.FromMs + 3 * 24 * Traffic.HourMs ? on : stealth;
                vehicles.Add(Traffic.Vehicle(unit, hour + random.NextInt64(Traffic.HourMs), Traffic.Normal(random, 44, 8), i % 2 == 0 ? Direction.Approaching : Direction.Receding));
            }
        }

        var catalog = new SiteCatalog([s_site, s_empty], [
            new CatalogUnit("u-on", s_site.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1)),
            new CatalogUnit("u-st", s_site.Id, DisplayMode.Stealth, TimeSpan.FromHours(1)),
            new CatalogUnit("u-bohus", s_empty.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1)),
        ]);
        return (Traffic.Bin(vehicles), vehicles, catalog);
    }

    private static string Render(OutputFormat format, ReportGrouping by = ReportGrouping.Total)
    {
        var (bins, _, catalog) = Data();
        var output = new StringWriter();
        ReportCommand.Write(bins, new ReportRequest { Period = s_period, Format = format, By = by }, catalog, output);
        return output.ToString();
    }

    [Fact]
    public void Json_WrittenAsItIsSerialised_IsTheDocumentAsOneString()
    {
        // By day with both display modes: a document far larger than the serialiser's buffer, written in many pieces,
        // each row's DTO made as it is written (ToStreamingDocument).
        var (bins, _, catalog) = Data();
        Report report = ReportBuilder.Build(bins, s_period, catalog, ReportGrouping.Day);
        var output = new StringWriter();
        ReportRenderer.WriteJson(report, output);

        string whole = JsonSerializer.Serialize(ReportJson.ToDocument(report), AnalysisJsonContext.Default.ReportDocument) + Environment.NewLine;
        Assert.True(whole.Length > 64 * 1024, $"{whole.Length} characters");
        Assert.Equal(whole, output.ToString());
    }

    [Fact]
    public void Json_HasTheDocumentedShape()
    {
        var (_, vehicles, _) = Data();
        using JsonDocument json = JsonDocument.Parse(Render(OutputFormat.Json));
        JsonElement root = json.RootElement;
        Assert.Equal("2026-06-01T00:00:00+02:00", root.GetProperty("period").GetProperty("from").GetString());
        Assert.Equal("total", root.GetProperty("groupBy").GetString());
        JsonElement[] rows = [.. root.GetProperty("sites").EnumerateArray()];

        // Display modes are reported separately: on and stealth, each with in, out and all; plus the empty site.
        JsonElement[] site = [.. rows.Where(r => r.GetProperty("site").GetString() == s_site.Id)];
        Assert.Equal(6, site.Length);
        JsonElement all = Assert.Single(site, r => r.GetProperty("direction").GetString() == "all" && r.GetProperty("display").GetString() == "on");
        foreach (string property in (string[])["site", "name", "direction", "display", "group", "limitKmh", "vehicles", "meanKmh", "v50Kmh", "v85Kmh", "v95Kmh",
            "shareOverLimit", "speedIndex", "fineBands", "licenceBands", "hoursWithData", "hoursInPeriod", "belowMinimumSample"])
        {
            Assert.True(all.TryGetProperty(property, out _), property);
        }

        Assert.Equal(s_site.Name, all.GetProperty("name").GetString());
        Assert.Equal(40, all.GetProperty("limitKmh").GetInt32());
        Vehicle[] onVehicles = [.. vehicles.Where(v => v.Unit.DisplayMode == DisplayMode.DisplayOn)];
        Assert.Equal(onVehicles.Length, all.GetProperty("vehicles").GetInt64());
        Assert.Equal(onVehicles.Count(v => v.SpeedKmh > 40) / (double)onVehicles.Length, all.GetProperty("shareOverLimit").GetDouble());

        // A site without data still appears, with nulls where a figure is undefined.
        JsonElement empty = Assert.Single(rows, r => r.GetProperty("site").GetString() == s_empty.Id);
        Assert.Equal(0, empty.GetProperty("vehicles").GetInt64());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("meanKmh").ValueKind);
        JsonElement coverage = Assert.Single(root.GetProperty("coverage").EnumerateArray(), c => c.GetProperty("site").GetString() == s_empty.Id);
        Assert.Equal(0, coverage.GetProperty("hoursWithData").GetInt32());
        Assert.Contains(coverage.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("No data", StringComparison.Ordinal));
        JsonElement mixed = Assert.Single(root.GetProperty("coverage").EnumerateArray(), c => c.GetProperty("site").GetString() == s_site.Id);
        Assert.Contains(mixed.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("Both display modes", StringComparison.Ordinal));
    }

    [Fact]
    public void Csv_QuotesCommasAndQuotes_AndParsesBack()
    {
        var (_, vehicles, _) = Data();
        string text = Render(OutputFormat.Csv);
        List<string[]> records = CsvWriter.Parse(text);
        string[] header = records[0];
        Assert.All(records, r => Assert.Equal(header.Length, r.Length));
        Assert.Contains("\"Älvängen, \"\"Göteborgsvägen\"\"\"", text, StringComparison.Ordinal);
        Assert.Contains("\r\n", text, StringComparison.Ordinal);
        string[] row = Assert.Single(records, r => r[0] == s_site.Id && r[2] == "all" && r[3] == "stealth");
        Assert.Equal(s_site.Name, row[1]);
        Vehicle[] stealth = [.. vehicles.Where(v => v.Unit.DisplayMode == DisplayMode.Stealth)];
        Assert.Equal(stealth.Length, long.Parse(row[Array.IndexOf(header, "vehicles")], CultureInfo.InvariantCulture));
        double mean = double.Parse(row[Array.IndexOf(header, "meanKmh")], CultureInfo.InvariantCulture);
        Assert.Equal(stealth.Average(v => v.SpeedKmh), mean, 6);
    }

    [Fact]
    public void Html_IsWellFormed_SelfContained_AndHoldsTheFigures()
    {
        string html = Render(OutputFormat.Html);
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore };
        using var reader = XmlReader.Create(new StringReader(html), settings);
        XDocument document = XDocument.Load(reader);

        Assert.Equal("html", document.Root!.Name.LocalName);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("Uppföljning av medborgarlöftet", html, StringComparison.Ordinal);

        XNamespace svg = "http://www.w3.org/2000/svg";
        // Per display mode: a speed histogram with the limit marked and a V85/volume chart.
        Assert.Equal(4, document.Descendants(svg + "svg").Count());
        Assert.Contains(document.Descendants(svg + "text"), t => t.Value == "gräns 40 km/h");
        Assert.Contains(document.Descendants("section"), s => (string?)s.Attribute("id") == "site-" + s_site.Id);
        Assert.Contains(document.Descendants("h2"), h => h.Value.StartsWith(s_site.Name, StringComparison.Ordinal));

        var (bins, _, catalog) = Data();
        Report total = ReportBuilder.Build(bins, s_period, catalog, ReportGrouping.Total);
        ReportRow on = total.Rows.Single(r => r.SiteId == s_site.Id && r.Direction == "all" && r.Display == "on");
        string[] cells = [.. document.Descendants("td").Select(td => td.Value)];
        Assert.Contains(on.Summary.Count.ToString(CultureInfo.InvariantCulture), cells);
        Assert.Contains(on.Summary.V85Kmh.ToString("F1", CultureInfo.InvariantCulture), cells);
        Assert.Contains((on.Summary.ShareOverLimit * 100).ToString("F1", CultureInfo.InvariantCulture) + "%", cells);
    }

    [Fact]
    public void Table_AlignsColumns_AndFlagsSmallSamples()
    {
        string table = Render(OutputFormat.Table, ReportGrouping.HourOfWeek);
        string[] lines = table.Split('\n');
        string header = lines.First(l => l.StartsWith("site", StringComparison.Ordinal));
        int v85 = header.IndexOf("V85", StringComparison.Ordinal);
        Assert.True(v85 > 0);
        Assert.Contains(lines, l => l.StartsWith("ren-site", StringComparison.Ordinal) && l.TrimEnd().EndsWith('*'));
        Assert.Contains("fewer than 30 vehicles", table, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryFormat_SaysMeasuredSpeedsNotFines_AndSpeedIndexMeasuresForOneSite()
    {
        string table = Render(OutputFormat.Table);
        Assert.Contains("not fines issued", table, StringComparison.Ordinal);
        Assert.Contains("hastighetsindexets mått", table, StringComparison.Ordinal);

        using JsonDocument json = JsonDocument.Parse(Render(OutputFormat.Json));
        string[] notes = [.. json.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!)];
        Assert.Contains(notes, n => n.Contains("without the police's measuring tolerance", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.Contains("hastighetsindexets mått", StringComparison.Ordinal));

        string html = System.Net.WebUtility.HtmlDecode(Render(OutputFormat.Html));
        Assert.Contains("inte utfärdade böter", html, StringComparison.Ordinal);
        Assert.Contains("hastighetsindexets mått", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<td>Böter (ordningsbot)</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void HotspotAndCompareJson_AreCamelCaseWithTheirExplanations()
    {
        var (bins, _, catalog) = Data();
        var output = new StringWriter();
        HotspotsCommand.Write(HotspotRanker.Rank(bins, s_period, catalog, new HotspotOptions { Top = 3, MinimumVehicles = 5, MinimumObservedHours = 1, MinimumOffences = 1 }), OutputFormat.Json, output);
        using JsonDocument hotspots = JsonDocument.Parse(output.ToString());
        Assert.Equal("speeding", hotspots.RootElement.GetProperty("kind").GetString());
        Assert.Equal(5, hotspots.RootElement.GetProperty("weights").GetProperty("licenceRevocation").GetDouble());
        JsonElement first = hotspots.RootElement.GetProperty("ranked")[0];
        Assert.Equal(1, first.GetProperty("rank").GetInt32());
        Assert.False(string.IsNullOrEmpty(first.GetProperty("explanation").GetString()));
        Assert.True(first.GetProperty("scoreLowerBound").GetDouble() <= first.GetProperty("score").GetDouble());
        Assert.Contains(hotspots.RootElement.GetProperty("limitations").EnumerateArray(), l => l.GetString()!.Contains("not fines issued", StringComparison.Ordinal));

        var before = new Period(s_period.FromMs, s_period.FromMs + 3 * 24 * Traffic.HourMs);
        var after = new Period(before.ToMs, s_period.ToMs);
        CompareResult result = BeforeAfterComparer.Compare(bins, bins, s_site.Id, before, after, catalog);
        output = new StringWriter();
        CompareCommand.Write(result, OutputFormat.Json, output);
        using JsonDocument compare = JsonDocument.Parse(output.ToString());
        Assert.True(compare.RootElement.GetProperty("displayChanged").GetBoolean());
        Assert.Equal(3, compare.RootElement.GetProperty("changes").GetArrayLength());
        Assert.Equal("mean", compare.RootElement.GetProperty("primaryFigure").GetString());
    }
}
