using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.FollowUp;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Tests.Compare;
using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Ale.Speed.Analysis.Tests.FollowUp;

/// <summary>
/// <c>followup</c> through a real InfluxDB 1.6: its figures are those of <c>report</c> and <c>compare</c> run by the
/// test for the same periods, its counts those of the registers.
/// </summary>
[Collection(InfluxCollection.Name)]
public sealed class FollowUpAgainstInfluxTests(InfluxFixture fixture)
{
    private static readonly Site s_nol = new("fu-nol", "Nolvägen, Nol", 50);
    private static readonly Site s_bohus = new("fu-bohus", "Bohus centrum", 40);
    private static readonly SiteCatalog s_catalog = new([s_nol, s_bohus], [
        new CatalogUnit("u-nol", s_nol.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1)),
        new CatalogUnit("u-bohus", s_bohus.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1)),
    ]);

    private static readonly SiteMap s_map = new(new Dictionary<string, GeoPoint> { [s_nol.Id] = new(57.9166, 12.0703), [s_bohus.Id] = new(57.8480, 12.0190) }, 300);
    private static readonly FakeTimeProvider s_now = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private static readonly Period s_period = PeriodParser.Parse("2026-10-05", "2026-11-02");

    [Fact]
    public async Task FollowUp_FiguresEqualReportAndCompare_CountsEqualTheRegisters()
    {
        using RegisterDatabase db = await RegisterDatabase.CreateAsync(fixture.Server);
        var random = new Random(15);
        Period before = FollowUpCommand.BeforePeriod(Traffic.Local(2026, 10, 19, 7), 14);
        Period after = FollowUpCommand.AfterPeriod(Traffic.Local(2026, 10, 19, 7), 14);
        Assert.Equal(PeriodParser.Parse("2026-10-05", "2026-10-19"), before);
        Assert.Equal(PeriodParser.Parse("2026-10-19", "2026-11-02"), after);
        var nol = new Unit { Id = "u-nol", Site = s_nol };
        var bohus = new Unit { Id = "u-bohus", Site = s_bohus };
        List<Vehicle> vehicles = [.. DailyTraffic.Days(nol, before, random, dailySd: 1, perDay: 300), .. DailyTraffic.Days(nol, after, random, dailySd: 1, change: -3, perDay: 300),
            .. DailyTraffic.Days(bohus, s_period, random, dailySd: 1, perDay: 100)];
        await Traffic.WriteAsync(fixture.Server, vehicles.Where((_, i) => i % 2 == 0), "cabinet-1", db.Options.Database);
        await Traffic.WriteAsync(fixture.Server, vehicles.Where((_, i) => i % 2 == 1), "cabinet-2", db.Options.Database);

        await ControlsCommand.AddAsync(new ControlInput(s_nol.Id, "2026-10-19T07:00", "2026-10-19T09:00", 40, 6, 1), db.Store, s_catalog, s_now, TextWriter.Null, CancellationToken.None);
        await ControlsCommand.AddAsync(new ControlInput(s_nol.Id, "2026-10-21T19:00", "2026-10-21T21:30", Kind: "moped-atraktor"), db.Store, s_catalog, s_now, TextWriter.Null, CancellationToken.None);
        // Outside the period: neither counted nor compared.
        await ControlsCommand.AddAsync(new ControlInput(s_bohus.Id, "2026-11-10T07:00", "2026-11-10T08:00", 10, 1), db.Store, s_catalog, s_now, TextWriter.Null, CancellationToken.None);
        await ConcernsCommand.AddAsync(new ConcernInput("Nolvägen", SiteId: s_nol.Id, Received: "2026-10-06"), db.Store, s_catalog, s_now, TextWriter.Null, CancellationToken.None);
        await ConcernsCommand.AddAsync(new ConcernInput("Bohus torg", Received: "2026-10-07", Kind: "moped", At: "57.8485,12.0195"), db.Store, s_catalog, s_now, TextWriter.Null, CancellationToken.None);
        await ConcernsCommand.AddAsync(new ConcernInput("Vallmovägen", Received: "2026-10-08", Kind: "atraktor", At: "57.8300,12.0400"), db.Store, s_catalog, s_now, TextWriter.Null, CancellationToken.None);
        await ConcernsCommand.AddAsync(new ConcernInput("vallmovägen ", Received: "2026-10-09"), db.Store, s_catalog, s_now, TextWriter.Null, CancellationToken.None);

        var reader = new BinReader(db.Query);
        var commitment = new Commitment("Medborgarlöfte Ale 2026", PeriodParser.Parse("2026-01-01", "2027-01-01"),
            [new CommitmentTarget(ControlKind.Speed, 12, "Tolv hastighetskontroller"), new CommitmentTarget(ControlKind.MopedATraktor, 6, null)]);
        var request = new FollowUpRequest { Period = s_period, Format = OutputFormat.Json, Commitment = commitment, Map = s_map };
        var output = new StringWriter();
        Assert.Equal(0, await FollowUpCommand.RunAsync(request, db.Store, reader, s_catalog, output, CancellationToken.None));
        JsonElement followUp = JsonDocument.Parse(output.ToString()).RootElement;

        // Promised against done.
        JsonElement[] targets = [.. followUp.GetProperty("commitment").GetProperty("targets").EnumerateArray()];
        Assert.Equal(("speed", 12, 1), (targets[0].GetProperty("kind").GetString(), targets[0].GetProperty("promised").GetInt32(), targets[0].GetProperty("done").GetInt32()));
        Assert.Equal(("moped-atraktor", 6, 1), (targets[1].GetProperty("kind").GetString(), targets[1].GetProperty("promised").GetInt32(), targets[1].GetProperty("done").GetInt32()));

        // Per site: the registers' counts.
        JsonElement site = Site(followUp, s_nol.Id);
        Assert.Equal(2, site.GetProperty("controls").GetInt32());
        Assert.Equal(4.5, site.GetProperty("controlHours").GetDouble(), 9);
        Assert.Equal(40, site.GetProperty("checked").GetInt32());
        Assert.Equal(6, site.GetProperty("reported").GetInt32());
        Assert.Equal(1, site.GetProperty("licences").GetInt32());
        Assert.Equal(1, site.GetProperty("controlsWithoutCounts").GetInt32());
        Assert.Equal(1, site.GetProperty("concerns").GetInt32());
        JsonElement other = Site(followUp, s_bohus.Id);
        Assert.Equal(0, other.GetProperty("controls").GetInt32());
        Assert.Equal(JsonValueKind.Null, other.GetProperty("effect").ValueKind);
        Assert.Equal(1, other.GetProperty("concernsByKind").GetProperty("moped").GetInt32());
        JsonElement place = Assert.Single(followUp.GetProperty("placesWithoutSite").EnumerateArray());
        Assert.Equal(2, place.GetProperty("concerns").GetInt32());
        Assert.Equal(s_bohus.Id, place.GetProperty("nearestSite").GetString());
        Assert.Equal(2, followUp.GetProperty("totals").GetProperty("concernsWithoutSite").GetInt32());

        // Measured: the report's figures for the same period.
        var reportOutput = new StringWriter();
        await ReportCommand.RunAsync(new ReportRequest { Period = s_period, Format = OutputFormat.Json }, reader, s_catalog, reportOutput, CancellationToken.None);
        JsonElement report = JsonDocument.Parse(reportOutput.ToString()).RootElement;
        foreach (string id in (string[])[s_nol.Id, s_bohus.Id])
        {
            JsonElement row = report.GetProperty("sites").EnumerateArray().Single(r => r.GetProperty("site").GetString() == id && r.GetProperty("direction").GetString() == "all");
            JsonElement measured = Assert.Single(Site(followUp, id).GetProperty("measured").EnumerateArray());
            Assert.Equal(row.GetProperty("vehicles").GetInt64(), measured.GetProperty("vehicles").GetInt64());
            Assert.Equal(row.GetProperty("meanKmh").GetDouble(), measured.GetProperty("meanKmh").GetDouble());
            Assert.Equal(row.GetProperty("v85Kmh").GetDouble(), measured.GetProperty("v85Kmh").GetDouble());
            Assert.Equal(row.GetProperty("shareOverLimit").GetDouble(), measured.GetProperty("shareOverLimit").GetDouble());
            Assert.Equal(row.GetProperty("hoursWithData").GetInt32(), measured.GetProperty("hoursWithData").GetInt32());
        }

        // The effect: exactly what compare says for the 14 days before and after the first control.
        var compareOutput = new StringWriter();
        await CompareCommand.RunAsync(new CompareRequest { SiteId = s_nol.Id, Before = before, After = after, Options = new CompareOptions { SelectedByRanking = true }, Format = OutputFormat.Json },
            reader, s_catalog, compareOutput, CancellationToken.None);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(compareOutput.ToString()), JsonNode.Parse(site.GetProperty("effect").GetRawText())));
        Assert.Equal("decrease", site.GetProperty("effect").GetProperty("verdict").GetString());

        // The printable page: well-formed, Swedish, with print styles.
        var html = new StringWriter();
        await FollowUpCommand.RunAsync(request with { Format = OutputFormat.Html }, db.Store, reader, s_catalog, html, CancellationToken.None);
        XDocument page = XDocument.Parse(html.ToString().Replace("<!DOCTYPE html>", "", StringComparison.Ordinal));
        string text = page.Root!.Value;
        Assert.Contains("@media print", text, StringComparison.Ordinal);
        Assert.Contains("Utlovat och genomfört", text, StringComparison.Ordinal);
        Assert.Contains("Nolvägen, Nol", text, StringComparison.Ordinal);
        Assert.Contains("lägre efter", text, StringComparison.Ordinal);
        Assert.Contains("regression mot medelvärdet", text, StringComparison.Ordinal);
    }

    private static JsonElement Site(JsonElement followUp, string id) => followUp.GetProperty("sites").EnumerateArray().Single(s => s.GetProperty("site").GetString() == id);
}
