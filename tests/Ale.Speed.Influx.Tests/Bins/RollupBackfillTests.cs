using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Influx.Tests.Bins;

/// <summary><c>ale-speed rollup</c>'s work on a real InfluxDB 1.6: rollups equal to each writer's windows merged, idempotent.</summary>
[Collection(InfluxCollection.Name)]
public sealed class RollupBackfillTests(InfluxFixture fixture)
{
    private const long WindowMs = 300_000;
    private const long HourMs = 3_600_000;
    private static readonly TimeZoneInfo s_stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    [Fact]
    public async Task RunAsync_TwoWritersAcrossTheAutumnShift_WritesRollupsEqualToTheirWindowsAndIsIdempotent()
    {
        const string Site = "backfill-site";
        long day = DateTimeOffset.Parse("2026-10-25T00:00:00+02:00", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        var random = new Random(5);
        var windows = new Dictionary<string, List<(BinKey Key, Bin Bin)>>();
        using var http = new HttpClient();
        using var writer = new InfluxWriter(http, fixture.Server.Options() with { MaxRetryAttempts = 0 });
        var encoder = new BinPointEncoder();
        foreach (string writerId in (string[])["w1", "w2"])
        {
            using var batch = writer.CreateBatch();
            windows[writerId] = [];
            for (long window = day - HourMs; window < day + 26 * HourMs; window += WindowMs)
            {
                if (random.Next(3) == 0)
                {
                    continue;
                }

                var bin = new Bin(window < day + 12 * HourMs ? 50 : 40);
                for (int v = random.Next(1, 30); v > 0; v--)
                {
                    bin.Add(Math.Round(20 + random.NextDouble() * 60, 2), (VehicleClass)random.Next(8));
                }

                var key = new BinKey(Site, random.Next(2) == 0 ? Direction.Approaching : Direction.Receding, DisplayMode.DisplayOn, window);
                encoder.Write(batch.Writer, RollupLevel.Window, key, bin, writerId, WindowMs, batch.Precision, 0);
                windows[writerId].Add((key, bin));
            }

            Assert.True((await writer.WriteAsync(batch)).IsComplete);
        }

        var reader = new BinReader(fixture.Server.QueryClient());
        var backfill = new RollupBackfill(reader, writer, s_stockholm);
        RollupBackfillSummary first = await backfill.RunAsync(day + 3 * HourMs, day + 4 * HourMs);
        RollupBackfillSummary second = await backfill.RunAsync(day + 3 * HourMs, day + 4 * HourMs);

        // The whole local day (25 hours) is rebuilt, not just the hour asked for.
        Assert.Equal((day, day + 25 * HourMs, 1), (first.FromMs, first.ToMs, first.Days));
        Assert.Null(first.Failure);
        Assert.Equal(first with { Failure = null }, second with { Failure = null });

        foreach (RollupLevel level in (RollupLevel[])[RollupLevel.Hour, RollupLevel.Day])
        {
            var stored = new List<StoredBin>();
            await reader.ReadAsync(level, day - HourMs, day + 26 * HourMs, Site, s => stored.Add(s with { Bin = s.Bin.Clone() }));
            foreach ((string writerId, List<(BinKey Key, Bin Bin)> written) in windows)
            {
                var expected = new RollupBuilder(level, s_stockholm);
                foreach ((BinKey key, Bin bin) in written.Where(w => w.Key.WindowStartMs >= day && w.Key.WindowStartMs < day + 25 * HourMs))
                {
                    expected.Add(key, bin);
                }

                List<StoredBin> mine = [.. stored.Where(s => s.WriterId == writerId)];
                Assert.Equal(expected.Count, mine.Count);
                foreach (Rollup rollup in expected.Built())
                {
                    StoredBin match = Assert.Single(mine, s => s.Key == rollup.Key && s.Bin.LimitKmh == rollup.Bin.LimitKmh);
                    Assert.Equal(rollup.LengthMs, match.WindowMs);
                    Assert.Equal(rollup.Bin.Count, match.Bin.Count);
                    Assert.Equal(rollup.Bin.SumOfSquaresCentiKmh, match.Bin.SumOfSquaresCentiKmh);
                    Assert.Equal(rollup.Bin.Histogram.Counts.ToArray(), match.Bin.Histogram.Counts.ToArray());
                    Assert.Equal(rollup.Bin.AllOverLimitBuckets.ToArray(), match.Bin.AllOverLimitBuckets.ToArray());
                    Assert.Equal(Enumerable.Range(0, 25).Where(i => (rollup.HourMask & (1L << i)) != 0).Select(i => rollup.Key.WindowStartMs + i * HourMs), match.Hours!);
                }
            }
        }

        // October's month rollups are the merge of the month's stored days (only the 25th has day rollups here), per writer,
        // with every hour that holds a window — beyond a 64-bit mask.
        Assert.True(first.MonthRollups > 0);
        var months = new List<StoredBin>();
        await reader.ReadAsync(RollupLevel.Month, Rollups.MonthStart(day, s_stockholm), Rollups.NextMonthStart(day, s_stockholm), Site, s => months.Add(s with { Bin = s.Bin.Clone() }));
        foreach ((string writerId, List<(BinKey Key, Bin Bin)> written) in windows)
        {
            var expected = new RollupBuilder(RollupLevel.Month, s_stockholm);
            foreach ((BinKey key, Bin bin) in written.Where(w => w.Key.WindowStartMs >= day && w.Key.WindowStartMs < day + 25 * HourMs))
            {
                expected.Add(key, bin);
            }

            List<StoredBin> mine = [.. months.Where(s => s.WriterId == writerId)];
            Assert.Equal(expected.Count, mine.Count);
            foreach (Rollup rollup in expected.Built())
            {
                StoredBin match = Assert.Single(mine, s => s.Key == rollup.Key && s.Bin.LimitKmh == rollup.Bin.LimitKmh);
                Assert.Equal((Rollups.MonthStart(day, s_stockholm), 745 * HourMs), (match.Key.WindowStartMs, match.WindowMs));
                Assert.Equal(rollup.Bin.Count, match.Bin.Count);
                Assert.Equal(rollup.Bin.SumOfSquaresCentiKmh, match.Bin.SumOfSquaresCentiKmh);
                Assert.Equal(rollup.Bin.Histogram.Counts.ToArray(), match.Bin.Histogram.Counts.ToArray());
                Assert.Equal(rollup.Bin.AllOverLimitBuckets.ToArray(), match.Bin.AllOverLimitBuckets.ToArray());
                Assert.Equal(Enumerable.Range(0, 768).Where(i => (rollup.HourBits[i / 64] & (1UL << (i % 64))) != 0).Select(i => match.Key.WindowStartMs + i * HourMs), match.Hours!);
            }
        }
    }
}
