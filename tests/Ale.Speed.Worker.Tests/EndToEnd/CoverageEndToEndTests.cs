using System.Diagnostics;
using System.Text.Json;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Time;
using Ale.Speed.Devices.Simulation;
using Ale.Speed.Devices.Tests.Support;
using Ale.Speed.Influx.Coverage;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Status;
using Ale.Speed.Worker.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ale.Speed.Worker.Tests.EndToEnd;

/// <summary>The worker writes a coverage point for each live unit that is working, into a real InfluxDB, over real ptys.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class CoverageEndToEndTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ASendingUnitAndAQuietUnitWithAnOpenPort_AreCovered_AUnitWithoutItsDeviceIsNot()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("e2e_coverage");
        await using PtyPair sending = await PtyPair.StartAsync();
        await using PtyPair quiet = await PtyPair.StartAsync();
        string missing = Path.Combine(run.Directory, "no-such-device");
        run.Configure(o =>
        {
            o.Sites = [new SiteOptions { Id = "nodinge", SpeedLimitKmh = 40 }];
            o.Units =
            [
                new UnitOptions { Id = "u-sending", Site = "nodinge", Transport = "serial", Format = "icoms", Serial = new SerialSettings { Port = sending.PathA } },
                new UnitOptions { Id = "u-quiet", Site = "nodinge", Transport = "serial", Format = "icoms", Serial = new SerialSettings { Port = quiet.PathA } },
                new UnitOptions { Id = "u-unplugged", Site = "nodinge", Transport = "serial", Format = "icoms", Serial = new SerialSettings { Port = missing } },
            ];
        });

        long now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        List<FrameChunk> frames = [.. SimulationPublisher.Frames(new SiteProfile("nodinge", RoadType.VillageStreet30, 40), FrameFormat.IcomsTma296, 5, now - 600_000, 600_000)];
        long started = now;
        using IHost host = run.BuildHost(exitWhenDone: false);
        await host.StartAsync();
        try
        {
            var ports = host.Services.GetRequiredService<IReadOnlyList<Devices.Serial.SerialVehicleSource>>();
            await WaitUntilAsync(() => ports.Count(p => p.IsOpen) == 2, "the two present devices were not opened");
            await using (var stream = new FileStream(sending.PathB, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1))
            {
                await SimulationPublisher.WriteSerialAsync(stream, frames, SimulationPacing.AsFastAsPossible);
            }

            await WaitUntilAsync(() => run.ReadStatus() is { } s && s.Units.Sum(u => u.Frames) == frames.Count, "the frames did not arrive");
        }
        finally
        {
            // The stop writes the window in progress.
            await host.StopAsync();
        }

        long stopped = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        IReadOnlyList<InfluxSeries> series = await run.Influx.QueryClient().QueryAsync(
            $"SELECT \"frames\",\"connected\",\"window_s\" FROM \"{CoverageSchema.Measurement}\" GROUP BY \"unit\",\"site\",\"writer\"");
        var byUnit = series.ToDictionary(s => s.Tags["unit"]);
        Assert.Equal(["u-quiet", "u-sending"], byUnit.Keys.Order(StringComparer.Ordinal));
        Assert.All(byUnit.Values, s => Assert.Equal(("nodinge", "test-worker"), (s.Tags["site"], s.Tags["writer"])));

        // Every frame read is in exactly one window; the windows are the worker's own, between its start and stop.
        Assert.Equal(frames.Count, byUnit["u-sending"].Values.Sum(row => row[1].GetInt64()));
        InfluxSeries quietPoints = byUnit["u-quiet"];
        Assert.All(quietPoints.Values, row => Assert.Equal((0L, true, 300L), (row[1].GetInt64(), row[2].GetBoolean(), row[3].GetInt64())));
        long[] windows = [.. series.SelectMany(s => s.Values).Select(row => row[0].GetInt64())];
        Assert.All(windows, window =>
        {
            Assert.InRange(window, started - 300_000, stopped);
            Assert.Equal(0, window % 300_000);
        });

        // The operator sees the same in the status: every point written, none waiting or dropped.
        Assert.Equal(new CoverageStatus(windows.Length, 0, 0), run.ReadStatus()!.Coverage);

        // Read back the way reports read it: the hours in which the site had a working unit.
        var reader = new CoverageReader(run.Influx.QueryClient());
        StoredCoverage coverage = await reader.ReadAsync(started - 3_600_000, stopped + 3_600_000);
        Assert.Equal(windows.Select(w => w - w % 3_600_000).Distinct().Order(), coverage.AliveHours("nodinge"));

        // The worker keeps the day rollups of its coverage: whole days read from them give the same hours, none from the points.
        long firstDay = Rollups.DayStart(started, StockholmTime.Zone);
        long endDay = Rollups.NextDayStart(Rollups.DayStart(stopped, StockholmTime.Zone), StockholmTime.Zone);
        var notices = new List<string>();
        StoredCoverage fromDays = await new CoverageReader(run.Influx.QueryClient()) { UseDayRollups = true, Notice = notices.Add }.ReadAsync(firstDay, endDay);
        Assert.Equal((await reader.ReadAsync(firstDay, endDay)).AliveHours("nodinge"), fromDays.AliveHours("nodinge"));
        Assert.NotEmpty(fromDays.AliveHours("nodinge"));
        Assert.Empty(notices);
    }

    [Fact]
    public async Task AStart_RebuildsTheDayRollupOfTheLastStoredCoverage()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("e2e_coverage_days");
        string missing = Path.Combine(run.Directory, "no-such-device");
        run.Configure(o =>
        {
            o.Sites = [new SiteOptions { Id = "nodinge", SpeedLimitKmh = 40 }];
            o.Units = [new UnitOptions { Id = "u-1", Site = "nodinge", Transport = "serial", Format = "icoms", Serial = new SerialSettings { Port = missing } }];
        });

        // What a worker killed between its coverage write and the day rebuild leaves: yesterday's points, no day rollup.
        long day = Rollups.DayStart(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 86_400_000, StockholmTime.Zone);
        using (var http = new HttpClient())
        using (var writer = new Influx.Writing.InfluxWriter(http, run.Influx.Options()))
        {
            using Influx.LineProtocol.LineBatch batch = writer.CreateBatch();
            for (long window = day + 3 * 3_600_000; window < day + 7 * 3_600_000; window += 300_000)
            {
                CoverageSchema.Write(batch.Writer, new CoveragePoint("nodinge", "u-1", Core.Sites.DisplayMode.DisplayOn, window, 300_000, 5, true), "test-worker", batch.Precision);
            }

            Assert.True((await writer.WriteAsync(batch)).IsComplete);
        }

        using IHost host = run.BuildHost(exitWhenDone: false);
        await host.StartAsync();
        try
        {
            // The first sample (every 10 s) rebuilds the day of the last point this writer stored.
            var clock = Stopwatch.StartNew();
            string query = $"SELECT \"hours\",\"windows\" FROM \"{CoverageSchema.DayMeasurement}\" WHERE time = {day}ms";
            IReadOnlyList<InfluxSeries> days;
            while ((days = await run.Influx.QueryClient().QueryAsync(query)).Count == 0)
            {
                Assert.True(clock.Elapsed < s_deadline, "the start did not rebuild the day rollup");
                await Task.Delay(200);
            }

            JsonElement[] row = Assert.Single(Assert.Single(days).Values);
            Assert.Equal((0b1111L << 3, 48L), (row[1].GetInt64(), row[2].GetInt64()));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < s_deadline, failure);
            await Task.Delay(50);
        }
    }
}
