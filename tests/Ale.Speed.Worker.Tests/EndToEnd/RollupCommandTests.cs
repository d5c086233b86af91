using System.CommandLine;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Time;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Writing;
using Ale.Speed.Worker.Commands;
using Ale.Speed.Worker.Tests.Support;

namespace Ale.Speed.Worker.Tests.EndToEnd;

/// <summary><c>ale-speed rollup</c> over stored windows builds every level up to the hour-of-week levels of the month and year, idempotently, on a real InfluxDB 1.6.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class RollupCommandTests
{
    [Fact]
    public async Task Rollup_OverStoredWindows_BuildsHourOfWeekLevelsThatHoldExactlyTheMonthAndYear()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("rollup_levels");
        run.AddUnit("u-1", "rollup-site", 50, DateTimeOffset.FromUnixTimeMilliseconds(StockholmTime.FromLocal(new DateTime(2026, 10, 24))), TimeSpan.FromHours(1), seed: 5);
        run.Configure();
        string config = run.WriteConfigFile();

        // Windows only, as data written before rollups existed: three days across the autumn shift.
        var random = new Random(9);
        long from = StockholmTime.FromLocal(new DateTime(2026, 10, 24)), to = StockholmTime.FromLocal(new DateTime(2026, 10, 27));
        using (var writer = new InfluxWriter(run.Influx.Http, run.Influx.Options() with { MaxRetryAttempts = 0, BatchSize = 20_000 }))
        {
            var encoder = new BinPointEncoder();
            using LineBatch batch = writer.CreateBatch();
            for (long window = from; window < to; window += 300_000)
            {
                var bin = new Bin(50);
                for (int v = random.Next(1, 6); v > 0; v--)
                {
                    bin.Add(Math.Round(30 + random.NextDouble() * 40, 1), VehicleClass.Car);
                }

                encoder.Write(batch.Writer, RollupLevel.Window, new BinKey("rollup-site", Direction.Approaching, DisplayMode.DisplayOn, window), bin, "old-worker", 300_000,
                    batch.Precision, 0);
            }

            Assert.True((await writer.WriteAsync(batch)).IsComplete);
        }

        var levels = new HourOfWeekLevels(new BinReader(run.Influx.QueryClient()), StockholmTime.Zone);
        long month = StockholmTime.FromLocal(new DateTime(2026, 10, 1)), year = StockholmTime.FromLocal(new DateTime(2026, 1, 1));
        long[] points = new long[2];
        for (int pass = 0; pass < 2; pass++)
        {
            var command = new RootCommand { RollupCommand.Create(new Option<FileInfo>("--config") { Required = true }) };
            int exit = await command.Parse(["rollup", "--config", config, "--from", "2026-10-25T10:00", "--to", "2026-10-25T11:00"]).InvokeAsync();
            Assert.Equal(0, exit);
            foreach ((RollupLevel level, long start, long end) in ((RollupLevel, long, long)[])[
                (RollupLevel.MonthHourOfWeek, month, Rollups.NextMonthStart(month, StockholmTime.Zone)),
                (RollupLevel.YearHourOfWeek, year, Rollups.NextYearStart(year, StockholmTime.Zone))])
            {
                (HashSet<WriterSeries> valid, HashSet<WriterSeries> invalid) = await levels.CheckAsync(level, start, end, default);
                Assert.Empty(invalid);
                Assert.Equal("old-worker", Assert.Single(valid).WriterId);
            }

            points[pass] = await run.Influx.CountAsync(BinSchema.YearHourOfWeekMeasurement, BinSchema.CountField);
        }

        // Idempotent; one point per hour of the week that holds data in the day rebuilt (the whole local day of the range, 25 hours).
        Assert.Equal(points[0], points[1]);
        Assert.Equal(25 - 1, points[0]); // Sunday 02 occurs twice that day: one hour of the week, two occurrences
    }
}
