using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Influx.Tests.Bins;

/// <summary>Bins written as points to a real InfluxDB 1.6 come back exactly, and the chartable fields are right.</summary>
[Collection(InfluxCollection.Name)]
public sealed class StoredBinRoundTripTests(InfluxFixture fixture)
{
    private const long WindowMs = 5 * 60_000;
    private static readonly long s_start = DateTimeOffset.Parse("2026-11-02T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    private static List<Bin> MakeBins(int seed, string siteId, int limit, int windows)
    {
        var random = new Random(seed);
        var site = new Site(siteId, siteId, limit);
        var units = new[]
        {
            new Unit { Id = siteId + "-a", Site = site },
            new Unit { Id = siteId + "-b", Site = site, DisplayMode = DisplayMode.Stealth },
        };
        var binner = new Binner();
        for (int i = 0; i < windows * 40; i++)
        {
            binner.Add(new Vehicle
            {
                Unit = units[random.Next(2)],
                TimestampMs = s_start + (long)(random.NextDouble() * windows * WindowMs),
                SpeedKmh = Math.Round(Math.Clamp(limit + random.NextDouble() * 60 - 25, 3, 249), 2),
                Direction = random.Next(3) switch { 0 => Direction.Approaching, 1 => Direction.Receding, _ => Direction.Unknown },
                Class = (VehicleClass)random.Next(8),
                LengthMetres = random.Next(3) == 0 ? double.NaN : Math.Round(1 + random.NextDouble() * 8, 1),
            });
        }

        var bins = new List<Bin>();
        binner.DrainChanged(bins);
        return bins;
    }

    private async Task WriteAsync(IEnumerable<Bin> bins, string writerId)
    {
        using var http = new HttpClient();
        using var writer = new InfluxWriter(http, fixture.Server.Options() with { MaxRetryAttempts = 0 });
        using var batch = writer.CreateBatch();
        var encoder = new BinPointEncoder();
        foreach (Bin bin in bins)
        {
            encoder.Write(batch.Writer, bin, writerId, WindowMs, batch.Precision);
        }

        InfluxWriteResult result = await writer.WriteAsync(batch);
        Assert.True(result.IsComplete, $"{result.Failure} {result.StatusCode} {result.Message}");
    }

    [Fact]
    public async Task WrittenBins_ReadBack_EqualFieldByField()
    {
        List<Bin> bins = MakeBins(seed: 1, "rt-bins-one, Nödinge", limit: 40, windows: 12);
        await WriteAsync(bins, "w1");

        var reader = new BinReader(fixture.Server.QueryClient());
        IReadOnlyList<StoredBin> stored = await reader.ReadAsync(s_start, s_start + 12 * WindowMs, "rt-bins-one, Nödinge");

        Assert.Equal(bins.Count, stored.Count);
        foreach (Bin bin in bins)
        {
            StoredBin match = Assert.Single(stored, s => s.Key == bin.Key);
            Assert.Equal("w1", match.WriterId);
            Assert.Equal(WindowMs, match.WindowMs);
            Assert.Equal(bin.Key, match.Bin.Key);
            BinAssert.Same(bin, match.Bin);
        }
    }

    [Fact]
    public async Task TwoWriters_MergeWhenRead_AsIfOneBinnerSawEveryVehicle()
    {
        List<Bin> first = MakeBins(seed: 2, "rt-bins-two", limit: 50, windows: 6);
        List<Bin> second = MakeBins(seed: 3, "rt-bins-two", limit: 50, windows: 6);
        await WriteAsync(first, "cabinet-1");
        await WriteAsync(second, "cabinet-2");

        IReadOnlyList<StoredBin> merged = BinReader.MergeWriters(
            await new BinReader(fixture.Server.QueryClient()).ReadAsync(s_start, s_start + 6 * WindowMs, "rt-bins-two"));

        foreach (IGrouping<BinKey, Bin> group in first.Concat(second).GroupBy(b => b.Key))
        {
            StoredBin match = Assert.Single(merged, s => s.Key == group.Key);
            BinAssert.Same(Bin.Merge(group), match.Bin);
        }

        Assert.Equal(first.Concat(second).Select(b => b.Key).Distinct().Count(), merged.Count);
    }

    [Fact]
    public async Task RewrittenBin_ReplacesThePointInsteadOfAddingOne()
    {
        List<Bin> bins = MakeBins(seed: 4, "rt-bins-rewrite", limit: 30, windows: 2);
        await WriteAsync(bins, "w1");
        await WriteAsync(bins, "w1");

        IReadOnlyList<StoredBin> stored = await new BinReader(fixture.Server.QueryClient()).ReadAsync(s_start, s_start + 2 * WindowMs, "rt-bins-rewrite");

        Assert.Equal(bins.Count, stored.Count);
        Assert.Equal(bins.Sum(b => b.Count), stored.Sum(s => s.Bin.Count));
    }

    [Fact]
    public async Task ChartableFields_MatchFiguresComputedFromTheVehicles()
    {
        var site = new Site("rt-bins-chart", "Chart", 40);
        var unit = new Unit { Id = "u", Site = site };
        var binner = new Binner();
        double[] speeds = [31.5, 38.2, 40.0, 40.01, 44.99, 45.0, 47.3, 52.8, 71.2, 35.0, 85.0, 90.01];
        foreach (double speed in speeds)
        {
            binner.Add(new Vehicle { Unit = unit, TimestampMs = s_start + 1000, SpeedKmh = speed, Direction = Direction.Approaching });
        }

        var bins = new List<Bin>();
        binner.DrainChanged(bins);
        await WriteAsync(bins, "w1");

        IReadOnlyList<InfluxSeries> series = await fixture.Server.QueryClient().QueryAsync(
            "SELECT \"count\", over_limit, within_limit_5, over_limit_30, share_over_limit, max_kmh, fine_1_10, fine_41_50, fine_over_50, limit_kmh FROM speed_bin WHERE site = 'rt-bins-chart'");
        System.Text.Json.JsonElement[] row = Assert.Single(Assert.Single(series).Values);
        Assert.Equal(speeds.Length, row[1].GetInt64());
        Assert.Equal(speeds.Count(s => s > 40), row[2].GetInt64());
        Assert.Equal(speeds.Count(s => s <= 45), row[3].GetInt64());
        Assert.Equal(speeds.Count(s => s > 70), row[4].GetInt64());
        Assert.Equal(speeds.Count(s => s > 40) / (double)speeds.Length, row[5].GetDouble(), 12);
        Assert.Equal(speeds.Max(), row[6].GetDouble(), 12);
        Assert.Equal(speeds.Count(s => s > 40 && s <= 50), row[7].GetInt64());
        Assert.Equal(speeds.Count(s => s > 80 && s <= 90), row[8].GetInt64());
        Assert.Equal(speeds.Count(s => s > 90), row[9].GetInt64());
        Assert.Equal(40, row[10].GetInt64());
    }

    [Fact]
    public async Task PointWrittenBeforeTheFineBandRename_ReadsBackExactly()
    {
        // A point as writers stored it before fine_over_40 became fine_41_50 + fine_over_50 (docs/schema.md): the reader
        // rebuilds the bin from hist and over, so the bands are recounted under the current schedule.
        long t = s_start + WindowMs;
        string line = "speed_bin,site=rt-bins-old,direction=in,display=on,writer=w-old window_s=300i,count=3i,limit_kmh=70i,"
            + "mean_kmh=101.8,v50_kmh=115.5,v85_kmh=120.1,v95_kmh=118.6,max_kmh=120.5,within_limit=1i,within_limit_5=1i,over_limit=2i,over_limit_30=2i,"
            + "share_over_limit=0.6667,fine_1_10=0i,fine_11_15=0i,fine_16_20=0i,fine_21_25=0i,fine_26_30=0i,fine_31_35=0i,fine_36_40=0i,fine_over_40=2i,"
            + "class_unknown=3i,class_car=0i,class_heavy=0i,class_moped=0i,class_atraktor=0i,class_motorcycle=0i,class_bicycle=0i,class_other=0i,"
            + "sum_centi=30550i,sumsq_centi2=" + (6950L * 6950 + 11550L * 11550 + 12050L * 12050).ToString(System.Globalization.CultureInfo.InvariantCulture) + "i,"
            + "max_centi=12050i,hist=\"69:1,115:1,120:1\",over=\"2.45:1,2.50:1\" "
            + (t / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var content = new StringContent(line))
        using (HttpResponseMessage response = await fixture.Server.Http.PostAsync(new Uri(fixture.Server.Url, $"write?db={fixture.Server.Database}&precision=s"), content))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        StoredBin stored = Assert.Single(await new BinReader(fixture.Server.QueryClient()).ReadAsync(s_start, s_start + 2 * WindowMs, "rt-bins-old"));
        Core.Statistics.FineBandCount[] fines = Core.Statistics.SpeedStatistics.FineBandCounts(stored.Bin, Core.Statistics.PenaltySchedule.Sweden);
        Assert.Equal(3, stored.Bin.Count);
        Assert.Equal(1, fines.Single(f => f.Label == "41-50").CountLimitOver50); // 115.50 on a 70 road: a 4 000 kr fine
        Assert.Equal(1, fines.Single(f => f.Label == "over 50").CountLimitOver50);
    }
}
