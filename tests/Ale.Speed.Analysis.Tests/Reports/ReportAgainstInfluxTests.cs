using System.Text.Json;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Analysis.Tests.Reports;

/// <summary>
/// Vehicles binned and written to a real InfluxDB 1.6 by two writers, read back by the report: every figure equals what
/// this test computes from the raw vehicles itself. The period spans the autumn DST change (a 25-hour day).
/// </summary>
[Collection(InfluxCollection.Name)]
public sealed class ReportAgainstInfluxTests(InfluxFixture fixture) : IAsyncLifetime
{
    private static readonly long s_from = Traffic.Local(2026, 10, 24);
    private static readonly long s_to = Traffic.Local(2026, 10, 27);
    private static readonly long s_outageFrom = Traffic.Local(2026, 10, 25, 10);
    private static readonly long s_outageTo = Traffic.Local(2026, 10, 25, 16);

    private readonly Site _nodinge = new("rep-nodinge", "Nödinge, \"Ale torg\"", 40);
    private readonly Site _alafors = new("rep-alafors", "Alafors skola", 30);
    private readonly List<Vehicle> _vehicles = [];
    private SiteCatalog _catalog = null!;

    public async Task InitializeAsync()
    {
        var onUnit = new Unit { Id = "u-nod", Site = _nodinge };
        var stealthUnit = new Unit { Id = "u-ala", Site = _alafors, DisplayMode = DisplayMode.Stealth };
        _catalog = new SiteCatalog([_nodinge, _alafors], [
            new CatalogUnit("u-nod", _nodinge.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(2)),
            new CatalogUnit("u-ala", _alafors.Id, DisplayMode.Stealth, TimeSpan.FromHours(2)),
        ]);

        var random = new Random(20261025);
        foreach ((Unit unit, int limit) in new[] { (onUnit, 40), (stealthUnit, 30) })
        {
            // Every hour of the period has traffic, except the outage at Nödinge; a little traffic lies just outside the period.
            for (long hour = s_from - Traffic.HourMs; hour < s_to + Traffic.HourMs; hour += Traffic.HourMs)
            {
                if (unit == onUnit && hour >= s_outageFrom && hour < s_outageTo)
                {
                    continue;
                }

                int count = 3 + random.Next(25);
                for (int i = 0; i < count; i++)
                {
                    double speed = random.Next(12) == 0 ? limit + 10 + random.NextDouble() * 60 : Traffic.Normal(random, limit + 2, 7);
                    _vehicles.Add(Traffic.Vehicle(unit, hour + random.NextInt64(Traffic.HourMs), speed,
                        random.Next(2) == 0 ? Direction.Approaching : Direction.Receding,
                        random.Next(10) == 0 ? VehicleClass.Heavy : VehicleClass.Car));
                }
            }
        }

        // Two workers each saw part of the traffic: the report must merge them.
        List<Vehicle> first = [.. _vehicles.Where((_, i) => i % 3 != 0)];
        List<Vehicle> second = [.. _vehicles.Where((_, i) => i % 3 == 0)];
        await Traffic.WriteAsync(fixture.Server, first, "cabinet-1");
        await Traffic.WriteAsync(fixture.Server, second, "cabinet-2");
    }

    public Task DisposeAsync() => Task.CompletedTask;


    private async Task<JsonElement> ReportJsonAsync(ReportGrouping by, string? siteId = null, Period? period = null)
    {
        var output = new StringWriter();
        var request = new ReportRequest { Period = period ?? new Period(s_from, s_to), SiteId = siteId, By = by, Format = OutputFormat.Json };
        int code = await ReportCommand.RunAsync(request, new BinReader(fixture.Server.QueryClient()), _catalog, output, CancellationToken.None);
        Assert.Equal(0, code);
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    private IEnumerable<Vehicle> InPeriod(Site site, string direction)
        => _vehicles.Where(v => v.Unit.Site == site && v.TimestampMs >= s_from && v.TimestampMs < s_to
            && (direction == "all" || (direction == "in") == (v.Direction == Direction.Approaching)));

    private static JsonElement Row(JsonElement report, string site, string direction, string group = "total")
        => Assert.Single(report.GetProperty("sites").EnumerateArray(),
            r => r.GetProperty("site").GetString() == site && r.GetProperty("direction").GetString() == direction && r.GetProperty("group").GetString() == group);

    private static long Centi(double kmh) => (long)Math.Round(kmh * 100);

    [Fact]
    public async Task Report_Total_EveryFigureEqualsTheRawVehicles()
    {
        JsonElement report = await ReportJsonAsync(ReportGrouping.Total);
        foreach ((Site site, int limit) in new[] { (_nodinge, 40), (_alafors, 30) })
        {
            foreach (string direction in new[] { "in", "out", "all" })
            {
                Vehicle[] raw = [.. InPeriod(site, direction)];
                JsonElement row = Row(report, site.Id, direction);
                long n = raw.Length;
                long[] excess = [.. raw.Select(v => Centi(v.SpeedKmh) - limit * 100)];
                double[] sorted = [.. raw.Select(v => v.SpeedKmh).Order()];

                Assert.Equal(site.Name, row.GetProperty("name").GetString());
                Assert.Equal(limit, row.GetProperty("limitKmh").GetInt32());
                Assert.Equal(n, row.GetProperty("vehicles").GetInt64());
                Assert.Equal(raw.Sum(v => Centi(v.SpeedKmh)) / 100.0 / n, row.GetProperty("meanKmh").GetDouble(), 9);
                Assert.Equal(raw.Max(v => v.SpeedKmh), row.GetProperty("maxKmh").GetDouble(), 9);
                Assert.InRange(row.GetProperty("v85Kmh").GetDouble() - sorted[(int)Math.Ceiling(0.85 * n) - 1], -1.0, 1.0);
                Assert.InRange(row.GetProperty("v50Kmh").GetDouble() - sorted[(int)Math.Ceiling(0.50 * n) - 1], -1.0, 1.0);
                Assert.InRange(row.GetProperty("v95Kmh").GetDouble() - sorted[(int)Math.Ceiling(0.95 * n) - 1], -1.0, 1.0);

                long over = excess.Count(e => e > 0);
                Assert.Equal(over, row.GetProperty("overLimit").GetInt64());
                Assert.Equal(over / (double)n, row.GetProperty("shareOverLimit").GetDouble());
                JsonElement index = row.GetProperty("speedIndex");
                Assert.Equal(excess.Count(e => e <= 0) / (double)n, index.GetProperty("shareWithinLimit").GetDouble());
                Assert.Equal(excess.Count(e => e <= 500) / (double)n, index.GetProperty("shareWithinLimitPlus5").GetDouble());
                Assert.Equal(excess.Count(e => e > 3000) / (double)n, index.GetProperty("shareMoreThan30Over").GetDouble());

                // Fine bands "a-b" = excess in (a-1, b] km/h; "over 50" = excess > 50.
                (string Band, long From, long? To)[] fines = [("1-10", 0, 10), ("11-15", 10, 15), ("16-20", 15, 20), ("21-25", 20, 25), ("26-30", 25, 30), ("31-35", 30, 35), ("36-40", 35, 40), ("41-50", 40, 50), ("over 50", 50, null)];
                JsonElement[] fineRows = [.. row.GetProperty("fineBands").EnumerateArray()];
                Assert.Equal(fines.Length, fineRows.Length);
                for (int i = 0; i < fines.Length; i++)
                {
                    Assert.Equal(fines[i].Band, fineRows[i].GetProperty("band").GetString());
                    Assert.Equal(CountIn(excess, fines[i].From, fines[i].To), fineRows[i].GetProperty("vehicles").GetInt64());
                }

                // Licence bands depend on the limit: <= 30 from 16 over, >= 40 from 25 over.
                (string Band, long From, long? To)[] licence = limit <= 30
                    ? [("16-20", 15, 20), ("21-30", 20, 30), ("31-40", 30, 40), ("41-50", 40, 50), ("51-60", 50, 60), ("over 60", 60, null)]
                    : [("25-30", 24, 30), ("31-40", 30, 40), ("41-50", 40, 50), ("51-60", 50, 60), ("61-70", 60, 70), ("71-80", 70, 80), ("over 80", 80, null)];
                JsonElement[] licenceRows = [.. row.GetProperty("licenceBands").EnumerateArray()];
                Assert.Equal(licence.Length, licenceRows.Length);
                for (int i = 0; i < licence.Length; i++)
                {
                    Assert.Equal(limit <= 30 ? "limit<=30" : "limit>=40", licenceRows[i].GetProperty("roads").GetString());
                    Assert.Equal(licence[i].Band, licenceRows[i].GetProperty("band").GetString());
                    Assert.Equal(CountIn(excess, licence[i].From, licence[i].To), licenceRows[i].GetProperty("vehicles").GetInt64());
                }

                Assert.True(licenceRows.Sum(r => r.GetProperty("vehicles").GetInt64()) > 0, "the test data reach the licence bands");
                Assert.Equal(raw.Count(v => v.Class == VehicleClass.Heavy), row.GetProperty("classes").GetProperty("heavy").GetInt64());

                // Coverage: 73 hours (the 25th of October has 25), hours with data counted from the vehicles.
                Assert.Equal(73, row.GetProperty("hoursInPeriod").GetInt32());
                Assert.Equal(raw.Select(v => v.TimestampMs / Traffic.HourMs).Distinct().Count(), row.GetProperty("hoursWithData").GetInt32());
                Assert.Equal(n < 30, row.GetProperty("belowMinimumSample").GetBoolean());
            }
        }
    }

    [Fact]
    public async Task Report_Coverage_ShowsTheOutageAsAGapAndTheUnitAsSilent()
    {
        JsonElement report = await ReportJsonAsync(ReportGrouping.Total);
        JsonElement[] coverage = [.. report.GetProperty("coverage").EnumerateArray()];
        JsonElement nodinge = Assert.Single(coverage, c => c.GetProperty("site").GetString() == _nodinge.Id);
        Assert.Equal(73, nodinge.GetProperty("hoursInPeriod").GetInt32());
        Assert.Equal(67, nodinge.GetProperty("hoursWithData").GetInt32());
        JsonElement gap = Assert.Single(nodinge.GetProperty("gaps").EnumerateArray());
        Assert.Equal(s_outageFrom, gap.GetProperty("from").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal(s_outageTo, gap.GetProperty("to").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal(6, gap.GetProperty("hours").GetInt32());
        Assert.True(gap.GetProperty("likelyOutage").GetBoolean());
        Assert.Equal("2026-10-25T10:00:00+01:00", gap.GetProperty("from").GetString());
        JsonElement silent = Assert.Single(nodinge.GetProperty("silentUnits").EnumerateArray());
        Assert.Equal("u-nod", Assert.Single(silent.GetProperty("units").EnumerateArray()).GetString());

        JsonElement alafors = Assert.Single(coverage, c => c.GetProperty("site").GetString() == _alafors.Id);
        Assert.Equal(73, alafors.GetProperty("hoursWithData").GetInt32());
        Assert.Empty(alafors.GetProperty("gaps").EnumerateArray());
        Assert.Equal("stealth", Row(report, _alafors.Id, "all").GetProperty("display").GetString());
    }

    [Fact]
    public async Task Report_ByDay_SplitsAtLocalMidnight_WithA25HourDay()
    {
        JsonElement report = await ReportJsonAsync(ReportGrouping.Day, _nodinge.Id);
        Assert.DoesNotContain(report.GetProperty("sites").EnumerateArray(), r => r.GetProperty("site").GetString() != _nodinge.Id);
        foreach ((string day, long from, long to, int hours) in new[]
        {
            ("2026-10-24", s_from, Traffic.Local(2026, 10, 25), 24),
            ("2026-10-25", Traffic.Local(2026, 10, 25), Traffic.Local(2026, 10, 26), 25),
            ("2026-10-26", Traffic.Local(2026, 10, 26), s_to, 24),
        })
        {
            Vehicle[] raw = [.. InPeriod(_nodinge, "all").Where(v => v.TimestampMs >= from && v.TimestampMs < to)];
            JsonElement row = Row(report, _nodinge.Id, "all", day);
            Assert.Equal(raw.Length, row.GetProperty("vehicles").GetInt64());
            Assert.Equal(raw.Sum(v => Centi(v.SpeedKmh)) / 100.0 / raw.Length, row.GetProperty("meanKmh").GetDouble(), 9);
            Assert.Equal(hours, row.GetProperty("hoursInPeriod").GetInt32());
            Assert.Equal(raw.Select(v => v.TimestampMs / Traffic.HourMs).Distinct().Count(), row.GetProperty("hoursWithData").GetInt32());
        }
    }

    [Fact]
    public async Task Report_ByDay_EveryRowIsTheTotalReportOfItsDay_FieldForField()
    {
        JsonElement byDay = await ReportJsonAsync(ReportGrouping.Day);
        JsonElement[] rows = [.. byDay.GetProperty("sites").EnumerateArray()];
        string[] days = [.. rows.Select(r => r.GetProperty("group").GetString()!).Distinct()];
        Assert.Equal(["2026-10-24", "2026-10-25", "2026-10-26"], days);
        foreach (string day in days)
        {
            JsonElement first = rows.First(r => r.GetProperty("group").GetString() == day);
            var period = new Period(first.GetProperty("groupFrom").GetDateTimeOffset().ToUnixTimeMilliseconds(), first.GetProperty("groupTo").GetDateTimeOffset().ToUnixTimeMilliseconds());
            JsonElement total = await ReportJsonAsync(ReportGrouping.Total, period: period);
            JsonElement[] dayRows = [.. rows.Where(r => r.GetProperty("group").GetString() == day)];
            Assert.Equal(total.GetProperty("sites").GetArrayLength(), dayRows.Length);
            foreach (JsonElement row in dayRows)
            {
                JsonElement same = Assert.Single(total.GetProperty("sites").EnumerateArray(), t => t.GetProperty("site").GetString() == row.GetProperty("site").GetString()
                    && t.GetProperty("direction").GetString() == row.GetProperty("direction").GetString() && t.GetProperty("display").GetString() == row.GetProperty("display").GetString());
                Assert.Equal(WithoutGroup(same), WithoutGroup(row));
            }
        }

        static string WithoutGroup(JsonElement row)
        {
            System.Text.Json.Nodes.JsonObject o = System.Text.Json.Nodes.JsonNode.Parse(row.GetRawText())!.AsObject();
            o.Remove("group");
            return o.ToJsonString();
        }
    }

    [Fact]
    public async Task Report_ByDay_ReadSiteBySite_EqualsTheReportOfEveryBinReadAtOnce_WithASiteTheConfigurationNoLongerNames()
    {
        // Only Nödinge is configured: Alafors' data lies in the period, so it is a site only the data names.
        var catalog = new SiteCatalog([_nodinge], [new CatalogUnit("u-nod", _nodinge.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(2))]);
        var period = new Period(s_from, s_to);
        var reader = new BinReader(fixture.Server.QueryClient());
        var output = new StringWriter();
        await ReportCommand.RunAsync(new ReportRequest { Period = period, By = ReportGrouping.Day, Format = OutputFormat.Json }, reader, catalog, output, CancellationToken.None);

        IReadOnlyList<StoredBin> all = await Analysis.Data.StoredBins.ReadMergedAsync(reader, period, null, Analysis.Data.BinGrain.Day, CancellationToken.None);
        var expected = new StringWriter();
        ReportRenderer.WriteJson(ReportBuilder.Build(all, period, catalog, ReportGrouping.Day, coverage: await reader.ReadCoverageAsync(s_from, s_to)), expected);
        Assert.Equal(expected.ToString(), output.ToString());
        Assert.Contains($"\"site\": \"{_alafors.Id}\"", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_ByHourOfWeek_PoolsLocalHours()
    {
        JsonElement report = await ReportJsonAsync(ReportGrouping.HourOfWeek, _alafors.Id);
        JsonElement[] rows = [.. report.GetProperty("sites").EnumerateArray().Where(r => r.GetProperty("direction").GetString() == "all")];
        // Saturday 00 to Monday 24: 72 hours of the week, Sunday 02 occurring twice.
        Assert.Equal(72, rows.Length);
        foreach (JsonElement row in rows)
        {
            int slot = row.GetProperty("hourOfWeek").GetInt32();
            Vehicle[] raw = [.. InPeriod(_alafors, "all").Where(v => Traffic.HourOfWeek(v.TimestampMs) == slot)];
            Assert.Equal(raw.Length, row.GetProperty("vehicles").GetInt64());
            Assert.Equal(raw.Count(v => Centi(v.SpeedKmh) > 3000), row.GetProperty("overLimit").GetInt64());
            Assert.Equal(slot == 6 * 24 + 2 ? 2 : 1, row.GetProperty("hoursInPeriod").GetInt32());
        }
    }

    [Fact]
    public async Task Report_Csv_ParsesBackWithTheQuotedSiteName()
    {
        var output = new StringWriter();
        var request = new ReportRequest { Period = new Period(s_from, s_to), Format = OutputFormat.Csv };
        await ReportCommand.RunAsync(request, new BinReader(fixture.Server.QueryClient()), _catalog, output, CancellationToken.None);

        List<string[]> records = CsvWriter.Parse(output.ToString());
        string[] header = records[0];
        Assert.All(records, r => Assert.Equal(header.Length, r.Length));
        string[] row = Assert.Single(records, r => r[0] == _nodinge.Id && r[Array.IndexOf(header, "direction")] == "all");
        Assert.Equal("Nödinge, \"Ale torg\"", row[Array.IndexOf(header, "name")]);
        Assert.Equal(InPeriod(_nodinge, "all").Count().ToString(System.Globalization.CultureInfo.InvariantCulture), row[Array.IndexOf(header, "vehicles")]);
        Assert.Contains("fine_11_15", header);
        Assert.Contains("licence40_25_30", header);
        Assert.Contains("\"Nödinge, \"\"Ale torg\"\"\"", output.ToString());
    }

    private static long CountIn(long[] excessCenti, long fromExclusiveKmh, long? toInclusiveKmh)
        => excessCenti.Count(e => e > fromExclusiveKmh * 100 && (toInclusiveKmh is not long to || e <= to * 100));
}
