using System.Diagnostics;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Statistics;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Simulation;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Worker.Journal;
using Ale.Speed.Worker.Status;
using Ale.Speed.Worker.Tests.Support;
using Microsoft.Extensions.Hosting;

namespace Ale.Speed.Worker.Tests.EndToEnd;

/// <summary>
/// Simulated units → the real worker → a real InfluxDB 1.6: what is stored is every vehicle exactly once, with the right
/// figures, through an InfluxDB outage, a SIGKILL, a torn journal record and a full spool.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class WorkerEndToEndTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(60);

    private static DateTimeOffset DaysAgo(double days)
        => DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / 3_600_000 * 3_600_000).AddDays(-days);

    [Fact]
    public async Task SimulatedTraffic_IsStoredExactlyOnce_WithFiguresComputedFromTheRawSpeeds()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("e2e_exact");
        run.AddUnit("u-1", "nodinge-ale-torg", 40, DaysAgo(3), TimeSpan.FromDays(1), seed: 1);
        run.AddUnit("u-2", "nol-rv45", 70, DaysAgo(3), TimeSpan.FromDays(1), seed: 2);
        run.Configure();

        using (IHost host = run.BuildHost(exitWhenDone: true))
        {
            await host.RunAsync().WaitAsync(s_deadline);
        }

        IReadOnlyList<StoredBin> stored = await run.ReadStoredAsync();
        foreach (SimulatedUnit unit in run.Units)
        {
            foreach (Direction direction in new[] { Direction.Approaching, Direction.Receding })
            {
                double[] raw = [.. unit.Vehicles.Where(v => v.Direction == direction).Select(v => v.SpeedKmh).Order()];
                // Each vehicle against its own limit: the posted one, or its class's when stricter (A-traktor 30, moped 45, heavy 90).
                (double Speed, int Limit)[] own = [.. unit.Vehicles.Where(v => v.Direction == direction).Select(v => (v.SpeedKmh, ClassLimits.Own(unit.LimitKmh, v.Class)))];
                Bin merged = Bin.Merge(stored.Where(s => s.Key.SiteId == unit.SiteId && s.Key.Direction == direction).Select(s => s.Bin));

                Assert.Equal(raw.Length, merged.Count);
                Assert.Equal(raw.Average(), SpeedStatistics.Mean(merged), 1e-6);
                Assert.Equal(own.Count(v => v.Speed > v.Limit), merged.CountOverLimit);
                Assert.Equal(own.Count(v => v.Speed > v.Limit + 30), merged.CountOverLimitBy(30));
                Assert.Equal(own.Count(v => v.Speed <= v.Limit + 5), merged.CountWithinLimitPlus(5));
                Assert.Equal(raw.Max(), merged.MaxKmh, 1e-9);
                // V85 from the histogram: within its 1 km/h resolution of the empirical 85th percentile.
                double empiricalV85 = raw[(int)Math.Ceiling(0.85 * raw.Length) - 1];
                Assert.InRange(SpeedStatistics.V85(merged), empiricalV85 - 1, empiricalV85 + 1);
            }
        }

        Assert.Equal(run.Units.Sum(u => u.Vehicles.Count), await run.StoredVehiclesAsync());
    }

    [Fact]
    public async Task VehiclesOfWindowsDaysOld_AreStoredWithinTheFlushInterval()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("e2e_late");
        SimulatedUnit unit = run.AddUnit("u-1", "alafors", 50, DaysAgo(5), TimeSpan.FromHours(6), seed: 3);
        run.Configure(o => o.Binning.FlushInterval = TimeSpan.FromSeconds(2));

        using IHost host = run.BuildHost(exitWhenDone: false);
        await host.StartAsync();
        try
        {
            // The file is read in well under a second; every vehicle must then be stored within one flush interval.
            var clock = Stopwatch.StartNew();
            long stored = await run.WaitForStoredAsync(unit.Vehicles.Count, TimeSpan.FromSeconds(10));
            Assert.Equal(unit.Vehicles.Count, stored);
            Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2 + 3));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task InfluxDbStoppedFor30Seconds_EveryVehicleIsStoredOnceItIsBack()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("e2e_outage");
        SimulatedUnit unit = run.AddUnit("u-1", "surte", 90, DaysAgo(2), TimeSpan.FromDays(1), seed: 4);
        run.Configure(o => o.Influx.Timeout = TimeSpan.FromSeconds(2));
        await run.Influx.StopAsync();

        using IHost host = run.BuildHost(exitWhenDone: false);
        await host.StartAsync();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30));
            WorkerStatus? during = WorkerStatus.Read(Path.Combine(run.DataDirectory, WorkerStatus.FileName));
            Assert.NotNull(during);
            Assert.Equal(unit.Vehicles.Count, during.VehiclesJournaled);
            Assert.True(during.JournalLag > 0, "nothing can be confirmed while InfluxDB is down");
            Assert.NotNull(during.LastWriteFailure);

            await run.Influx.StartAsync();
            Assert.Equal(unit.Vehicles.Count, await run.WaitForStoredAsync(unit.Vehicles.Count, s_deadline));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task WorkerKilledWithSigkillMidStream_RestartStoresEveryVehicleExactlyOnce()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("e2e_sigkill");
        // A file unit (resumed from its cursor after the kill) and a unit on standard input that the test feeds in two
        // halves: the worker is killed while its input is still open and only the first half has been sent, so the kill
        // is mid-stream by construction, not by how fast the machine happens to be.
        SimulatedUnit file = run.AddUnit("u-1", "nodinge", 40, DaysAgo(6), TimeSpan.FromDays(5), seed: 5);
        SimulatedUnit piped = run.AddUnit("u-2", "alvangen", 50, DaysAgo(6), TimeSpan.FromDays(5), seed: 6);
        run.Configure(o =>
        {
            o.Units[1].Transport = "stdin";
            o.Units[1].Path = null;
            o.Binning.FlushInterval = TimeSpan.FromMilliseconds(300);
        });
        string config = run.WriteConfigFile();
        long expected = file.Vehicles.Count + piped.Vehicles.Count;
        int half = piped.Vehicles.Count / 2;

        using (Process worker = run.StartProcess(redirectInput: true, "run", "--config", config))
        {
            await WriteCanonicalAsync(worker.StandardInput.BaseStream, piped.Vehicles.Take(half));

            // Wait until the journal holds the whole file and the first half, then kill with the input still open.
            var clock = Stopwatch.StartNew();
            while (run.ReadStatus() is not { } status || status.VehiclesJournaled < file.Vehicles.Count + half)
            {
                Assert.True(clock.Elapsed < s_deadline, "the worker did not journal the file and the first half in time");
                await Task.Delay(20);
            }

            worker.Kill();
            await worker.WaitForExitAsync();
        }

        long storedAfterKill = await run.StoredVehiclesAsync();
        Assert.InRange(storedAfterKill, 0, file.Vehicles.Count + half);

        using (Process restarted = run.StartProcess(redirectInput: true, "run", "--config", config, "--exit-when-done"))
        {
            await WriteCanonicalAsync(restarted.StandardInput.BaseStream, piped.Vehicles.Skip(half));
            restarted.StandardInput.Close();
            await restarted.WaitForExitAsync().WaitAsync(s_deadline);
            Assert.Equal(0, restarted.ExitCode);
        }

        Assert.Equal(expected, await run.StoredVehiclesAsync());
    }

    private static async Task WriteCanonicalAsync(Stream input, IEnumerable<SimulatedVehicle> vehicles)
    {
        foreach (FrameChunk chunk in FrameEncoder.Create(FrameFormat.Canonical).Encode(vehicles))
        {
            await input.WriteAsync(chunk.Bytes);
        }

        await input.FlushAsync();
    }

    [Fact]
    public async Task TornLastJournalRecord_IsDroppedAndEveryAcknowledgedVehicleStays()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("e2e_torn");
        SimulatedUnit unit = run.AddUnit("u-1", "bohus", 50, DaysAgo(2), TimeSpan.FromHours(12), seed: 7);
        run.Configure();
        await run.Influx.StopAsync();

        // With InfluxDB down, everything stays in the journal (the spool), unconfirmed.
        using (IHost host = run.BuildHost(exitWhenDone: false))
        {
            await host.StartAsync();
            string statusPath = Path.Combine(run.DataDirectory, WorkerStatus.FileName);
            var clock = Stopwatch.StartNew();
            while (WorkerStatus.Read(statusPath) is not { } s || s.VehiclesJournaled < unit.Vehicles.Count)
            {
                Assert.True(clock.Elapsed < s_deadline, "the file was not journaled in time");
                await Task.Delay(100);
            }

            await host.StopAsync();
        }

        // A power cut in the middle of writing the next record: half a record at the end of the last segment.
        string segment = Directory.GetFiles(Path.Combine(run.DataDirectory, "journal"), "journal-*.log").Order(StringComparer.Ordinal).Last();
        byte[] record = new byte[JournalFormat.MaxRecordLength];
        int length = JournalFormat.Write(JournalRecord.From(999_999, new Vehicle
        {
            Unit = new Core.Sites.Unit { Id = "u-1", Site = new Core.Sites.Site("bohus", "bohus", 50) },
            TimestampMs = unit.Vehicles[0].TimestampMs,
            SpeedKmh = 50,
            Direction = Direction.Approaching,
        }), record);
        using (var stream = new FileStream(segment, FileMode.Append))
        {
            stream.Write(record, 0, length / 2);
        }

        await run.Influx.StartAsync();
        using (IHost host = run.BuildHost(exitWhenDone: true))
        {
            await host.RunAsync().WaitAsync(s_deadline);
        }

        Assert.Equal(unit.Vehicles.Count, await run.StoredVehiclesAsync());
        WorkerStatus? after = WorkerStatus.Read(Path.Combine(run.DataDirectory, WorkerStatus.FileName));
        Assert.Equal(length / 2, after!.JournalTruncatedBytes);
    }

    [Fact]
    public async Task FullSpool_StopsAcknowledgingAndSaysSo_ThenDrainsWithNothingLost()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("e2e_spool");
        SimulatedUnit unit = run.AddUnit("u-1", "nol", 70, DaysAgo(4), TimeSpan.FromDays(2), seed: 8);
        run.Configure(o =>
        {
            o.Journal.SegmentBytes = 16 * 1024;
            o.Journal.MaxSpoolBytes = 64 * 1024;
            o.Influx.Timeout = TimeSpan.FromSeconds(2);
        });
        await run.Influx.StopAsync();

        using IHost host = run.BuildHost(exitWhenDone: false);
        await host.StartAsync();
        try
        {
            string statusPath = Path.Combine(run.DataDirectory, WorkerStatus.FileName);
            var clock = Stopwatch.StartNew();
            WorkerStatus? full;
            while ((full = WorkerStatus.Read(statusPath)) is not { SpoolFull: true })
            {
                Assert.True(clock.Elapsed < s_deadline, "the spool never filled up");
                await Task.Delay(100);
            }

            // Full: the source is held back, far from the end of its file.
            await Task.Delay(TimeSpan.FromSeconds(2));
            WorkerStatus held = WorkerStatus.Read(statusPath)!;
            Assert.True(held.SpoolFull);
            Assert.True(held.VehiclesJournaled < unit.Vehicles.Count / 2, $"{held.VehiclesJournaled} of {unit.Vehicles.Count} journaled despite a full spool");
            Assert.InRange(held.SpoolBytes, 64 * 1024, 64 * 1024 + 70 * 1024);

            await run.Influx.StartAsync();
            Assert.Equal(unit.Vehicles.Count, await run.WaitForStoredAsync(unit.Vehicles.Count, s_deadline));
            Assert.False(WorkerStatus.Read(statusPath)!.SpoolFull);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
