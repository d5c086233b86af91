using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.FollowUp;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Sites;
using Ale.Speed.Influx.Bins;

namespace Ale.Speed.Analysis.Tests.FollowUp;

/// <summary>
/// The follow-up's table and CSV where values are missing (a site without measurements, a comparison without enough
/// days, a place without a nearby site): written as the other commands write them, never invented.
/// </summary>
public sealed class FollowUpRendererTests
{
    private static readonly Site s_nol = new("fu-nol", "Nolvägen, Nol", 50);
    private static readonly Site s_bohus = new("fu-bohus", "Bohus centrum", 40);
    private static readonly SiteCatalog s_catalog = new([s_nol, s_bohus], [
        new CatalogUnit("u-nol", s_nol.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1)),
        new CatalogUnit("u-bohus", s_bohus.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1)),
    ]);

    private static readonly Period s_period = PeriodParser.Parse("2026-10-05", "2026-11-02");

    [Fact]
    public void WriteTable_MissingValues_AreAHyphenAsInTheOtherCommandsTables()
    {
        var output = new StringWriter();
        FollowUpRenderer.WriteTable(Document(), output);
        string[] rows = [.. output.ToString().Split(Environment.NewLine).Where(l => l.StartsWith("fu-", StringComparison.Ordinal) || l.StartsWith("Vallmo", StringComparison.Ordinal))];
        Assert.Equal(3, rows.Length);
        Assert.All(rows, row => Assert.DoesNotContain("–", row, StringComparison.Ordinal));
        string nol = rows.Single(r => r.StartsWith(s_nol.Id, StringComparison.Ordinal));
        Assert.Contains(" - ", nol, StringComparison.Ordinal);
        Assert.Contains("insufficient data", nol, StringComparison.Ordinal);
        Assert.EndsWith("-", rows.Single(r => r.StartsWith("Vallmo", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteCsv_OneLinePerSite_MissingValuesEmpty()
    {
        var output = new StringWriter();
        FollowUpDocument document = Document();
        FollowUpRenderer.WriteCsv(document, output);
        List<string[]> lines = CsvWriter.Parse(output.ToString());
        Assert.Equal(FollowUpRenderer.CsvColumns, lines[0]);
        Assert.Equal(document.Sites.Select(s => s.Site), lines.Skip(1).Select(l => l[0]));
        string[] nol = lines.Single(l => l[0] == s_nol.Id);
        string Field(string column) => nol[Array.IndexOf(FollowUpRenderer.CsvColumns, column)];
        Assert.Equal("1", Field("controls"));
        Assert.Equal("2", Field("controlHours"));
        Assert.Equal("1", Field("controlsWithoutCounts"));
        Assert.Equal("", Field("meanKmh"));
        Assert.Equal("", Field("effectMeanChangeKmh"));
        Assert.Equal("insufficient data", Field("effectVerdict"));
        Assert.StartsWith("2026-10-12T00:00:00+02:00", Field("effectBeforeFrom"), StringComparison.Ordinal);
    }

    /// <summary>No stored bins: nothing measured, and the comparison around the control has no days.</summary>
    private static FollowUpDocument Document()
    {
        long controlMs = Traffic.Local(2026, 10, 19, 7);
        var control = new PoliceControl("k-1", s_nol.Id, controlMs, controlMs + 2 * 3_600_000, ControlKind.Speed, null, null, null, null);
        var concern = new ResidentConcern("r-1", Traffic.Local(2026, 10, 6), "Vallmovägen", ConcernKind.Moped, null, null, "cli");
        Report report = ReportBuilder.Build(Array.Empty<StoredBin>(), s_period, s_catalog, ReportGrouping.Total);
        CompareResult effect = BeforeAfterComparer.Compare([], [], s_nol.Id, FollowUpCommand.BeforePeriod(controlMs, 7), FollowUpCommand.AfterPeriod(controlMs, 7), s_catalog,
            new CompareOptions { SelectedByRanking = true });
        return FollowUpCommand.Build(new FollowUpRequest { Period = s_period, EffectDays = 7 }, [control], [concern], report,
            new Dictionary<string, CompareDocument> { [s_nol.Id] = CompareCommand.ToDocument(effect) }, s_catalog);
    }
}
