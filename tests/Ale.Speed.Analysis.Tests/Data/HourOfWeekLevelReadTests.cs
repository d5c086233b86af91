using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Data;
using Ale.Speed.Analysis.Hotspots;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Coverage;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Analysis.Tests.Data;

/// <summary>
/// Reads by hour of the week that take whole months and years from the hour-of-week levels give exactly what reading the
/// hour rollups gives, and a level that is missing or stale (late data after it was built) is never used: on a real
/// InfluxDB 1.6, both daylight-saving months, two writers, a limit changed within a month.
/// </summary>
[Collection(InfluxCollection.Name)]
public sealed class HourOfWeekLevelReadTests(InfluxFixture fixture)
{
    private static readonly string[] s_sites = ["how-read-a", "how-read-b"];
    private static readonly string[] s_writers = ["w1", "w2"];

    private static long Local(int year, int month, int day, int hour = 0, int minute = 0) => Traffic.Local(year, month, day, hour, minute);

    [Fact]
    public async Task ReadMerged_ByHourOfWeek_TakesOnlyValidLevelsAndEqualsReadingHourRollups()
    {
        string database = "how_" + Guid.NewGuid().ToString("N")[..12];
        await fixture.Server.QueryClient().QueryAsync($"CREATE DATABASE \"{database}\"", null);
        InfluxOptions options = fixture.Server.Options() with { Database = database, MaxRetryAttempts = 0, BatchSize = 20_000 };
        using var writer = new InfluxWriter(fixture.Server.Http, options);
        var query = new InfluxQueryClient(fixture.Server.Http, options);

        // Hour bins of March (a 23-hour day) and October 2026 (a 25-hour day), per writer.
        var random = new Random(19);
        var hours = s_writers.ToDictionary(w => w, _ => new Dictionary<(BinKey Key, int Limit), Bin>());
        foreach ((long from, long to) in ((long, long)[])[(Local(2026, 3, 1), Local(2026, 4, 1)), (Local(2026, 10, 1), Local(2026, 11, 1))])
        {
            foreach (string writerId in s_writers)
            {
                foreach (string site in s_sites)
                {
                    foreach (Direction direction in (Direction[])[Direction.Approaching, Direction.Receding])
                    {
                        for (long hour = from; hour < to; hour += Traffic.HourMs)
                        {
                            if (random.Next(3) == 0)
                            {
                                continue;
                            }

                            // The limit changes at one site in the middle of each month: one rollup per limit.
                            var bin = new Bin(site == s_sites[1] && hour > from + (to - from) / 2 ? 60 : 50);
                            AddVehicles(bin, random, random.Next(1, 30));
                            var key = new BinKey(site, direction, random.Next(10) == 0 ? DisplayMode.Stealth : DisplayMode.DisplayOn, hour);
                            hours[writerId][(key, bin.LimitKmh)] = bin;
                        }
                    }
                }

                await WriteRollupsAsync(writer, writerId, hours[writerId]);
            }
        }

        var notices = new List<string>();
        var truth = new BinReader(query) { UseRollups = true, UseMonthRollups = true };
        var levels = new BinReader(query) { UseRollups = true, UseMonthRollups = true, UseHourOfWeekLevels = true, Notice = notices.Add };
        var ranges = new List<Period>
        {
            new(Local(2026, 1, 1), Local(2027, 1, 1)), // the year
            new(Local(2026, 3, 1), Local(2026, 4, 1)),
            new(Local(2026, 10, 1), Local(2026, 11, 1)),
            new(Local(2026, 2, 27, 13, 25), Local(2026, 4, 2, 7)),
            new(Local(2026, 3, 1), Local(2026, 11, 1)),
        };
        for (int i = 0; i < 6; i++)
        {
            long a = Local(2026, 2, 20) + random.NextInt64(Local(2026, 11, 10) - Local(2026, 2, 20)) / 60_000 * 60_000;
            ranges.Add(new Period(a, a + random.NextInt64(Local(2026, 11, 10) - a) / 60_000 * 60_000 + 60_000));
        }

        // Nothing built: every month falls back to hour rollups, and says so.
        await AssertSameAsync(truth, levels, ranges);
        Assert.True(levels.Fallbacks > 0);
        Assert.Contains(notices, n => n.Contains("2026-03", StringComparison.Ordinal) && n.Contains("ale-speed rollup", StringComparison.Ordinal));

        // Built: read from the levels, none stale.
        var how = new HourOfWeekLevels(new BinReader(query), Traffic.Stockholm);
        HourOfWeekRefresh built = await how.RefreshAsync(writer, Local(2026, 3, 10), Local(2026, 10, 3), force: true);
        Assert.Null(built.Failure);
        Assert.Equal((8, 1), (built.MonthsBuilt, built.YearsBuilt));
        long fallbacks = levels.Fallbacks;
        await AssertSameAsync(truth, levels, ranges);
        Assert.Equal(fallbacks, levels.Fallbacks);
        // A year of 2 sites × 2 directions × (display, limit) × 168 hours of the week: far fewer points than its hours.
        Assert.InRange(await CountAsync(query, BinSchema.YearHourOfWeekMeasurement), 168 * 8, 168 * 24);
        Assert.Equal(await CountAsync(query, BinSchema.YearHourOfWeekMeasurement), built.Points - await CountAsync(query, BinSchema.MonthHourOfWeekMeasurement));

        // Late data after the levels were built: a vehicle in an hour that had some, and one in an hour that had none.
        Dictionary<(BinKey Key, int Limit), Bin> late = hours["w1"];
        (BinKey Key, int Limit) existing = late.Keys.First(k => k.Key.SiteId == s_sites[0] && k.Key.WindowStartMs >= Local(2026, 3, 29) && k.Key.WindowStartMs < Local(2026, 4, 1));
        AddVehicles(late[existing], random, 1);
        long emptyHour = Enumerable.Range(0, 743).Select(h => Local(2026, 3, 1) + h * Traffic.HourMs)
            .First(h => !late.Keys.Any(k => k.Key.SiteId == s_sites[0] && k.Key.WindowStartMs == h));
        var added = new Bin(50);
        AddVehicles(added, random, 1);
        late[(new BinKey(s_sites[0], Direction.Receding, DisplayMode.DisplayOn, emptyHour), 50)] = added;
        await WriteRollupsAsync(writer, "w1", late);
        notices.Clear();
        await AssertSameAsync(truth, levels, ranges);
        Assert.True(levels.Fallbacks > fallbacks);
        Assert.All(notices, n => Assert.Contains("2026-03", n, StringComparison.Ordinal));

        // The background job's pass rebuilds what is stale (March, then the year), and only that.
        HourOfWeekRefresh refreshed = await how.RefreshAsync(writer, Local(2026, 1, 1), Local(2027, 1, 1), force: false);
        Assert.Null(refreshed.Failure);
        Assert.Equal((1, 1), (refreshed.MonthsBuilt, refreshed.YearsBuilt));
        fallbacks = levels.Fallbacks;
        await AssertSameAsync(truth, levels, ranges);
        Assert.Equal(fallbacks, levels.Fallbacks);
        HourOfWeekRefresh again = await how.RefreshAsync(writer, Local(2026, 1, 1), Local(2027, 1, 1), force: false);
        Assert.Equal((0, 0), (again.MonthsBuilt, again.YearsBuilt));
    }

    private static void AddVehicles(Bin bin, Random random, int count)
    {
        for (int v = 0; v < count; v++)
        {
            bin.Add(Math.Round(20 + random.NextDouble() * 70, 1), (VehicleClass)random.Next(8));
        }
    }

    /// <summary>Every hour, day and month rollup of the writer's hour bins (as the worker stores them: whole).</summary>
    private static async Task WriteRollupsAsync(InfluxWriter writer, string writerId, Dictionary<(BinKey Key, int Limit), Bin> hours)
    {
        var encoder = new BinPointEncoder();
        var builders = new[] { new RollupBuilder(RollupLevel.Hour, Traffic.Stockholm), new RollupBuilder(RollupLevel.Day, Traffic.Stockholm), new RollupBuilder(RollupLevel.Month, Traffic.Stockholm) };
        foreach (((BinKey key, _), Bin bin) in hours)
        {
            foreach (RollupBuilder builder in builders)
            {
                builder.Add(key, bin);
            }
        }

        using LineBatch batch = writer.CreateBatch();
        foreach (Rollup rollup in builders.SelectMany(b => b.Built()))
        {
            encoder.Write(batch.Writer, rollup, writerId, batch.Precision);
        }

        InfluxWriteResult result = await writer.WriteAsync(batch);
        Assert.True(result.IsComplete, $"{result.Failure} {result.StatusCode} {result.Message}");
    }

    private static async Task<long> CountAsync(InfluxQueryClient query, string measurement)
    {
        IReadOnlyList<InfluxSeries> series = await query.QueryAsync($"SELECT count(\"count\") FROM \"{measurement}\"");
        return series.Count == 0 ? 0 : series[0].Values[0][1].GetInt64();
    }

    private static async Task AssertSameAsync(BinReader truth, BinReader levels, List<Period> ranges)
    {
        foreach (Period period in ranges)
        {
            foreach (string? site in (string?[])[s_sites[1], null])
            {
                IReadOnlyList<StoredBin> expected = await StoredBins.ReadMergedAsync(truth, period, site, BinGrain.HourOfWeek, CancellationToken.None);
                IReadOnlyList<StoredBin> actual = await StoredBins.ReadMergedAsync(levels, period, site, BinGrain.HourOfWeek, CancellationToken.None);
                Assert.True(expected.Count > 0 || period != ranges[0], $"{period}");
                Assert.Equal(expected.Count, actual.Count);
                for (int i = 0; i < expected.Count; i++)
                {
                    Assert.Equal(expected[i].Key, actual[i].Key);
                    Assert.Equal(expected[i].WriterId, actual[i].WriterId);
                    Assert.Equal(expected[i].Hours, actual[i].Hours);
                    BinAssert.Same(expected[i].Bin, actual[i].Bin);
                }

                if (site is null)
                {
                    await AssertSameHotspotsAsync(expected, truth, levels, period);
                }
            }
        }
    }

    /// <summary>Hotspots merge the streamed bins straight into site × hour-of-week slots: the ranking of the merged bins.</summary>
    private static async Task AssertSameHotspotsAsync(IReadOnlyList<StoredBin> merged, BinReader truth, BinReader levels, Period period)
    {
        var catalog = new SiteCatalog([], []);
        foreach (HotspotKind kind in (HotspotKind[])[HotspotKind.Speeding, HotspotKind.ATraktor])
        {
            var options = new HotspotOptions { Kind = kind, Top = 1000, MinimumVehicles = 1, MinimumObservedHours = 1, MinimumOffences = 1 };
            StoredCoverage coverage = await truth.ReadCoverageAsync(period.FromMs, period.ToMs);
            HotspotRanking expected = HotspotRanker.Rank(merged, period, catalog, options, coverage);
            HotspotRanking actual = await HotspotsCommand.BuildAsync(new HotspotRequest { Period = period, Options = options }, levels, catalog, CancellationToken.None);
            Assert.True(expected.Ranked.Count + expected.InsufficientWindowCount + expected.NotAssessed.Count > 0 || period != new Period(Local(2026, 1, 1), Local(2027, 1, 1)));
            Assert.Equal(Json(expected), Json(actual));
        }

        static string Json(HotspotRanking ranking)
        {
            using var text = new StringWriter();
            HotspotsCommand.Write(ranking, OutputFormat.Json, text);
            return text.ToString();
        }
    }
}
