using System.Text.Json;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.FollowUp;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Core.Sites;
using Ale.Speed.Influx.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Ale.Speed.Analysis.Tests.FollowUp;

/// <summary><c>concerns add|import|list</c> against a real InfluxDB 1.6, and how reports are linked to sites.</summary>
[Collection(InfluxCollection.Name)]
public sealed class ConcernsRegisterTests(InfluxFixture fixture) : IDisposable
{
    private static readonly SiteCatalog s_catalog = new(
        [new Site("nol-vag-45", "Väg 45 vid Nol", 70), new Site("surte-kyrkvagen", "Kyrkvägen, Surte", 40)],
        [new CatalogUnit("u-1", "nol-vag-45", DisplayMode.DisplayOn, TimeSpan.FromHours(1))]);

    private static readonly GeoPoint s_nol = new(57.9166, 12.0703);

    private static readonly SiteMap s_map = new(new Dictionary<string, GeoPoint> { ["nol-vag-45"] = s_nol }, 300);

    private static readonly FakeTimeProvider s_now = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    private readonly string _file = Path.Combine(Path.GetTempPath(), $"ale-speed-survey-{Guid.NewGuid():N}.csv");

    public void Dispose() => File.Delete(_file);

    private const string Survey = """
        Tidsstämpel;Plats;Datum;Typ;Latitude;Longitude;Kommentar
        1;Nolvägen vid skolan;2026-11-02;fortkörning;57,9170;12,0710;Bilar kör fort
        2;Vallmovägen, Nödinge;2026-11-03;A-traktor;57,8300;12,0400;
        3;;2026-11-04;moped;;;saknar plats
        4;Kyrkvägen;2026-13-04;moped;;;
        5;Kyrkvägen;2026-11-04;traktor;;;
        6;"Göteborgsvägen; Älvängen";2026-11-05;moped;57,95;;
        7;Nolvägen vid skolan;2026-11-02;fortkörning;57,9170;12,0710;Bilar kör fort

        8;Kyrkvägen;2026-11-06;moped;;;;;;extra
        9;Kyrkvägen;2026-11-06;moped;;;
        10;Kyrkvägen, Surte;2026-11-06;moped;;;
        11;Torget;2026-12-24;moped;;;
        """;

    private async Task<JsonElement[]> ListAsync(RegisterDatabase db)
    {
        var output = new StringWriter();
        Assert.Equal(0, await ConcernsCommand.ListAsync(null, OutputFormat.Json, db.Store, s_map, output, CancellationToken.None));
        return [.. JsonDocument.Parse(output.ToString()).RootElement.GetProperty("concerns").EnumerateArray().Select(e => e.Clone())];
    }

    [Fact]
    public async Task Import_BadRowsAreCountedWithLineAndReason_GoodRowsStoredOnce_EvenWhenImportedTwice()
    {
        using RegisterDatabase db = await RegisterDatabase.CreateAsync(fixture.Server);
        await File.WriteAllTextAsync(_file, Survey);
        var output = new StringWriter();
        Assert.Equal(0, await ConcernsCommand.ImportAsync(_file, db.Store, s_catalog, s_map, s_now, output, CancellationToken.None));
        string summary = output.ToString();

        // 11 rows (the blank line is none): 5 stored (rows 1, 2, 7 — the same report twice is two reports —, 9, 10), 6 rejected.
        Assert.StartsWith("11 rows: 5 reports stored (2 at a site, 3 at places without a sign), 6 rejected", summary, StringComparison.Ordinal);
        Assert.Contains("rejected line 4: place is missing", summary, StringComparison.Ordinal);
        Assert.Contains("rejected line 5: received: '2026-13-04' is not a time", summary, StringComparison.Ordinal);
        Assert.Contains("rejected line 6: kind 'traktor' is not one of speeding, moped, atraktor", summary, StringComparison.Ordinal);
        Assert.Contains("rejected line 7: only one of latitude and longitude", summary, StringComparison.Ordinal);
        Assert.Contains("rejected line 10: 10 fields, the header has 7", summary, StringComparison.Ordinal);
        Assert.Contains("rejected line 13: received (2026-12-24) lies in the future", summary, StringComparison.Ordinal);

        JsonElement[] stored = await ListAsync(db);
        Assert.Equal(5, stored.Length);
        Assert.Equal(2, stored.Count(c => c.GetProperty("place").GetString() == "Nolvägen vid skolan" && c.GetProperty("linkedSite").GetString() == "nol-vag-45"));
        JsonElement vallmo = stored.Single(c => c.GetProperty("place").GetString() == "Vallmovägen, Nödinge");
        Assert.Equal("atraktor", vallmo.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, vallmo.GetProperty("linkedSite").ValueKind);
        Assert.Equal("nol-vag-45", vallmo.GetProperty("nearestSite").GetString());
        Assert.InRange(vallmo.GetProperty("nearestSiteMetres").GetDouble(), 9000, 12000);
        Assert.Equal(57.83, vallmo.GetProperty("latitude").GetDouble());
        Assert.Equal(new DateTimeOffset(2026, 11, 3, 0, 0, 0, TimeSpan.FromHours(1)), vallmo.GetProperty("received").GetDateTimeOffset());
        Assert.All(stored, c => Assert.Equal("import:" + Path.GetFileName(_file), c.GetProperty("source").GetString()));

        await ConcernsCommand.ImportAsync(_file, db.Store, s_catalog, s_map, s_now, TextWriter.Null, CancellationToken.None);
        Assert.Equal(5, await db.PointsAsync(FollowUpStore.ConcernMeasurement));
    }

    [Fact]
    public async Task Import_WithoutAPlaceColumn_IsRefusedWhole()
    {
        using RegisterDatabase db = await RegisterDatabase.CreateAsync(fixture.Server);
        await File.WriteAllTextAsync(_file, "Datum,Kommentar\n2026-11-02,fort\n");
        var ex = await Assert.ThrowsAsync<AnalysisRequestException>(() => ConcernsCommand.ImportAsync(_file, db.Store, s_catalog, s_map, s_now, TextWriter.Null, CancellationToken.None));
        Assert.Contains("needs a 'place' and a 'received' column", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.PointsAsync(FollowUpStore.ConcernMeasurement));
    }

    [Fact]
    public async Task Add_StoresOneReport_AndBadInputStoresNothing()
    {
        using RegisterDatabase db = await RegisterDatabase.CreateAsync(fixture.Server);
        var output = new StringWriter();
        Assert.Equal(0, await ConcernsCommand.AddAsync(new ConcernInput("Nolvägen 3", At: "57.9170, 12.0700", Kind: "moped"), db.Store, s_catalog, s_now, output, CancellationToken.None));
        Assert.Matches("^r261206-[0-9a-f]{4}$", output.ToString().Trim());

        var ex = await Assert.ThrowsAsync<AnalysisRequestException>(() => ConcernsCommand.AddAsync(
            new ConcernInput(" ", SiteId: "nowhere", Received: "igår", Kind: "buss", At: "57.9"), db.Store, s_catalog, s_now, TextWriter.Null, CancellationToken.None));
        foreach (string part in (string[])["--at '57.9'", "--place is missing", "--site: unknown site 'nowhere'", "--received: 'igår' is not a time", "--kind 'buss'"])
        {
            Assert.Contains(part, ex.Message, StringComparison.Ordinal);
        }

        JsonElement added = Assert.Single(await ListAsync(db));
        Assert.Equal("nol-vag-45", added.GetProperty("linkedSite").GetString());
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.FromHours(1)), added.GetProperty("received").GetDateTimeOffset());
        Assert.Equal("cli", added.GetProperty("source").GetString());
    }

    [Fact]
    public void SiteMap_NamedSiteWins_ElseTheNearestWithinTheRadius()
    {
        ResidentConcern At(GeoPoint? p, string? site = null) => new("r", 0, "x", ConcernKind.Speeding, site, p, "cli");
        // 0.001 degrees of latitude is about 111 m.
        Assert.Equal("nol-vag-45", s_map.SiteOf(At(new GeoPoint(s_nol.Latitude + 0.002, s_nol.Longitude))));
        Assert.Null(s_map.SiteOf(At(new GeoPoint(s_nol.Latitude + 0.003, s_nol.Longitude))));
        Assert.Equal("surte-kyrkvagen", s_map.SiteOf(At(s_nol, "surte-kyrkvagen")));
        Assert.Null(s_map.SiteOf(At(null)));
        Assert.Equal(111.2, new GeoPoint(57, 12).DistanceMetres(new GeoPoint(57.001, 12)), 1);
    }
}
