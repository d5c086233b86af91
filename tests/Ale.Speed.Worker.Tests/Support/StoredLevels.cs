using Ale.Speed.Analysis.Data;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Time;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Tests.Support;

namespace Ale.Speed.Worker.Tests.Support;

/// <summary>Checks what the writers stored at every level against the windows, on the real InfluxDB.</summary>
public static class StoredLevels
{
    /// <summary>
    /// Every stored hour, day and month rollup is exactly the merge of its writer's windows that start in it, and every
    /// hour, day and month holding a window has its rollup: no rollup is missing, partial or left over; a month's hours
    /// are those of its windows. Hours and days are compared in [from, to), months whole. Returns the rollups compared.
    /// </summary>
    public static async Task<int> AssertEveryRollupIsTheMergeOfItsWindowsAsync(InfluxDbServer influx, long fromMs, long toMs)
    {
        var reader = new BinReader(new InfluxQueryClient(influx.Http, influx.Options()));
        var windows = new List<StoredBin>();
        long monthsFrom = Rollups.MonthStart(fromMs, StockholmTime.Zone);
        long monthsTo = Rollups.NextMonthStart(toMs - 1, StockholmTime.Zone);
        await reader.ReadAsync(RollupLevel.Window, monthsFrom, monthsTo, null, b => windows.Add(b with { Bin = b.Bin.Clone() }));
        Assert.NotEmpty(windows);
        int compared = 0;
        foreach (RollupLevel level in (RollupLevel[])[RollupLevel.Hour, RollupLevel.Day, RollupLevel.Month])
        {
            var expected = new Dictionary<(string Writer, BinKey Key, int Limit), Bin>();
            var expectedHours = new Dictionary<(string Writer, BinKey Key, int Limit), SortedSet<long>>();
            foreach (StoredBin window in windows)
            {
                if (level != RollupLevel.Month && (window.Key.WindowStartMs < fromMs || window.Key.WindowStartMs >= toMs))
                {
                    continue;
                }

                BinKey key = window.Key with { WindowStartMs = Rollups.KeyOf(level, window.Key.WindowStartMs, StockholmTime.Zone) };
                if (!expected.TryGetValue((window.WriterId, key, window.Bin.LimitKmh), out Bin? merged))
                {
                    expected.Add((window.WriterId, key, window.Bin.LimitKmh), merged = new Bin());
                    expectedHours.Add((window.WriterId, key, window.Bin.LimitKmh), []);
                }

                merged.MergeFrom(window.Bin);
                expectedHours[(window.WriterId, key, window.Bin.LimitKmh)].Add(Rollups.HourStart(window.Key.WindowStartMs));
            }

            var stored = new Dictionary<(string Writer, BinKey Key, int Limit), StoredBin>();
            (long readFrom, long readTo) = level == RollupLevel.Month ? (monthsFrom, monthsTo) : (Rollups.KeyOf(level, fromMs, StockholmTime.Zone), toMs);
            await reader.ReadAsync(level, readFrom, readTo, null, b => stored.Add((b.WriterId, b.Key, b.Bin.LimitKmh), b with { Bin = b.Bin.Clone() }));
            Assert.Equal(expected.Keys.OrderBy(k => k.Key.WindowStartMs).ThenBy(k => k.Writer).ThenBy(k => k.Key.SiteId).ThenBy(k => k.Key.Direction).ThenBy(k => k.Limit),
                stored.Keys.OrderBy(k => k.Key.WindowStartMs).ThenBy(k => k.Writer).ThenBy(k => k.Key.SiteId).ThenBy(k => k.Key.Direction).ThenBy(k => k.Limit));
            foreach (((string writer, BinKey key, int limit), Bin merged) in expected)
            {
                StoredBin rollup = stored[(writer, key, limit)];
                BinAssert.Same(merged, rollup.Bin, $"{level} {writer} {key} limit {limit}");
                long lengthMs = Rollups.EndOf(level, key.WindowStartMs, 0, StockholmTime.Zone) - key.WindowStartMs;
                Assert.Equal(lengthMs, rollup.WindowMs);
                if (level == RollupLevel.Month)
                {
                    Assert.Equal(expectedHours[(writer, key, limit)], rollup.Hours!);
                }

                compared++;
            }
        }

        return compared;
    }

    /// <summary>
    /// Reads through the analysis' one read path with and without rollups, for the whole range and
    /// <paramref name="randomRanges"/> random ones, at every grain: the answers are identical.
    /// </summary>
    public static async Task AssertRollupReadsEqualWindowReadsAsync(InfluxDbServer influx, long fromMs, long toMs, int randomRanges, int seed)
    {
        var windowsOnly = new BinReader(new InfluxQueryClient(influx.Http, influx.Options()));
        var withRollups = new BinReader(new InfluxQueryClient(influx.Http, influx.Options())) { UseRollups = true, UseMonthRollups = true };
        var random = new Random(seed);
        var ranges = new List<Period> { new(fromMs, toMs) };
        for (int i = 0; i < randomRanges; i++)
        {
            long a = fromMs + random.NextInt64(toMs - fromMs) / 60_000 * 60_000;
            long b = a + random.NextInt64(toMs - a) / 60_000 * 60_000 + 60_000;
            ranges.Add(new Period(a, Math.Min(b, toMs)));
        }

        foreach (Period period in ranges)
        {
            foreach (BinGrain grain in (BinGrain[])[BinGrain.Period, BinGrain.Day, BinGrain.HourOfWeek])
            {
                IReadOnlyList<StoredBin> expected = await StoredBins.ReadMergedAsync(windowsOnly, period, null, grain, CancellationToken.None);
                IReadOnlyList<StoredBin> actual = await StoredBins.ReadMergedAsync(withRollups, period, null, grain, CancellationToken.None);
                Assert.True(expected.Count > 0 || period != ranges[0]);
                Assert.Equal(expected.Count, actual.Count);
                for (int i = 0; i < expected.Count; i++)
                {
                    Assert.Equal(expected[i].Key, actual[i].Key);
                    Assert.Equal(expected[i].Hours, actual[i].Hours);
                    BinAssert.Same(expected[i].Bin, actual[i].Bin, $"{period} {grain} {expected[i].Key}");
                }
            }
        }
    }
}
