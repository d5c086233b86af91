using Ale.Speed.Analysis.Data;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Time;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Analysis.Tests.Data;

/// <summary>
/// Reads that take whole days and hours from rollups give exactly what merging the 5-minute bins gives: on a real
/// InfluxDB 1.6, for many random ranges, across both daylight-saving shifts, with two writers.
/// </summary>
[Collection(InfluxCollection.Name)]
public sealed class RollupReadTests(InfluxFixture fixture)
{
    private const long WindowMs = 300_000;
    private static readonly string[] s_sites = ["rollup-read-a", "rollup-read-b"];
    private static readonly string[] s_writers = ["w1", "w2"];
    private static readonly SemaphoreSlim s_written = new(1, 1);
    private static readonly HashSet<long> s_writtenFrom = [];

    private static long Local(string text) => StockholmTime.FromLocal(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture));

    private async Task EnsureWrittenAsync(long fromMs, long toMs)
    {
        await s_written.WaitAsync();
        try
        {
            if (!s_writtenFrom.Add(fromMs))
            {
                return;
            }

            using var http = new HttpClient();
            using var writer = new InfluxWriter(http, fixture.Server.Options() with { MaxRetryAttempts = 0, BatchSize = 20_000 });
            var encoder = new BinPointEncoder();
            var random = new Random(11);
            foreach (string writerId in s_writers)
            {
                using LineBatch batch = writer.CreateBatch();
                var hours = new RollupBuilder(RollupLevel.Hour, StockholmTime.Zone);
                var days = new RollupBuilder(RollupLevel.Day, StockholmTime.Zone);
                var months = new RollupBuilder(RollupLevel.Month, StockholmTime.Zone);
                foreach (string site in s_sites)
                {
                    foreach (Direction direction in (Direction[])[Direction.Approaching, Direction.Receding])
                    {
                        for (long window = fromMs; window < toMs; window += WindowMs)
                        {
                            if (random.Next(3) == 0)
                            {
                                continue; // quiet windows and whole quiet stretches
                            }

                            // The limit changes at one site in the middle: rollups across it are stored as mixed.
                            var bin = new Bin(site == s_sites[1] && window > fromMs + (toMs - fromMs) / 2 ? 60 : 50);
                            for (int v = random.Next(1, 40); v > 0; v--)
                            {
                                bin.Add(Math.Round(20 + random.NextDouble() * 70, 1), (VehicleClass)random.Next(8));
                            }

                            var key = new BinKey(site, direction, random.Next(10) == 0 ? DisplayMode.Stealth : DisplayMode.DisplayOn, window);
                            encoder.Write(batch.Writer, RollupLevel.Window, key, bin, writerId, WindowMs, batch.Precision, 0);
                            hours.Add(key, bin);
                            days.Add(key, bin);
                            months.Add(key, bin);
                        }
                    }
                }

                // The only windows of their months: the month rollups are complete.
                foreach (Rollup rollup in hours.Built().Concat(days.Built()).Concat(months.Built()))
                {
                    encoder.Write(batch.Writer, rollup, writerId, batch.Precision);
                }

                InfluxWriteResult result = await writer.WriteAsync(batch);
                Assert.True(result.IsComplete, $"{result.Failure} {result.StatusCode} {result.Message}");
            }

        }
        finally
        {
            s_written.Release();
        }
    }

    [Theory]
    [InlineData("2026-03-26", "2026-04-01")] // spring: a 23-hour day
    [InlineData("2026-10-22", "2026-10-28")] // autumn: a 25-hour day
    [InlineData("2026-02-27T13:25", "2026-04-02T07:00")] // March whole (a 743-hour month) from its month rollups
    [InlineData("2026-09-30T22:05", "2026-11-01T00:00")] // October whole (745 hours)
    public async Task ReadMerged_WithRollups_EqualsMergingTheWindows(string from, string to)
    {
        long fromMs = Local(from);
        long toMs = Local(to);
        await EnsureWrittenAsync(Local("2026-03-26"), Local("2026-04-01"));
        await EnsureWrittenAsync(Local("2026-10-22"), Local("2026-10-28"));
        var windowsOnly = new BinReader(fixture.Server.QueryClient());
        var withRollups = new BinReader(fixture.Server.QueryClient()) { UseRollups = true, UseMonthRollups = true };
        var random = new Random(fromMs.GetHashCode());
        var ranges = new List<Period> { new(fromMs, toMs) };
        for (int i = 0; i < 12; i++)
        {
            long a = fromMs + random.NextInt64(toMs - fromMs) / 60_000 * 60_000;
            long b = a + random.NextInt64(toMs - a) / 60_000 * 60_000 + 60_000;
            ranges.Add(new Period(a, Math.Min(b, toMs)));
        }

        foreach (Period period in ranges)
        {
            foreach (BinGrain grain in (BinGrain[])[BinGrain.Period, BinGrain.Day, BinGrain.HourOfWeek, BinGrain.Hour])
            {
                foreach (string? site in (string?[])[s_sites[1], null])
                {
                    IReadOnlyList<StoredBin> expected = await StoredBins.ReadMergedAsync(windowsOnly, period, site, grain, CancellationToken.None);
                    IReadOnlyList<StoredBin> actual = await StoredBins.ReadMergedAsync(withRollups, period, site, grain, CancellationToken.None);
                    expected = [.. expected.Where(b => s_sites.Contains(b.Key.SiteId))];
                    actual = [.. actual.Where(b => s_sites.Contains(b.Key.SiteId))];
                    Assert.True(expected.Count > 0 || period != ranges[0], $"{period} {grain}");
                    Assert.Equal(expected.Count, actual.Count);
                    for (int i = 0; i < expected.Count; i++)
                    {
                        Assert.Equal(expected[i].Key, actual[i].Key);
                        Assert.Equal(expected[i].WriterId, actual[i].WriterId);
                        Assert.Equal(expected[i].Hours, actual[i].Hours);
                        BinAssert.Same(expected[i].Bin, actual[i].Bin);
                    }

                    // And the grain is the exact merge of the windows it holds.
                    if (grain == BinGrain.Period)
                    {
                        IReadOnlyList<StoredBin> windows = await StoredBins.ReadMergedAsync(windowsOnly, period, site, BinGrain.Window, CancellationToken.None);
                        foreach (StoredBin merged in actual)
                        {
                            BinAssert.Same(StoredBins.Merge(windows.Where(w => w.Key.SiteId == merged.Key.SiteId && w.Key.Direction == merged.Key.Direction
                                && w.Key.DisplayMode == merged.Key.DisplayMode && w.Bin.LimitKmh == merged.Bin.LimitKmh)), merged.Bin);
                        }
                    }
                }
            }
        }
    }
}
