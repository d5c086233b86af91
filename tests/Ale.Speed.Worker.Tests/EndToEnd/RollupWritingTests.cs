using System.Diagnostics;
using System.Text.Json;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Time;
using Ale.Speed.Devices.Simulation;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Worker.Commands;
using Ale.Speed.Worker.Import;
using Ale.Speed.Worker.Tests.Support;
using Microsoft.Extensions.Hosting;

namespace Ale.Speed.Worker.Tests.EndToEnd;

/// <summary>
/// The worker and <c>import</c> write every level — 5-minute windows, hour, local-day and local-month rollups — and keep
/// each rollup exactly the merge of its windows: across daylight-saving days and months, with several writers, for late
/// vehicles and through a SIGKILL in the middle of writing rollups or between a flush's days and its months. On a real
/// InfluxDB 1.6.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class RollupWritingTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(90);

    private static DateTimeOffset Local(string text)
        => DateTimeOffset.FromUnixTimeMilliseconds(StockholmTime.FromLocal(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture)));

    private static DateTimeOffset DaysAgo(double days)
        => DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / 3_600_000 * 3_600_000).AddDays(-days);

    [Fact]
    public async Task TwoWorkersAndAnImport_AcrossBothDaylightSavingShifts_StoreRollupsThatAreExactlyTheMergeOfTheirWindows()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("rollups_levels");
        // Autumn (Sunday 25 October 2026 has 25 hours) and spring (Sunday 29 March 2026 has 23), two sites, four units.
        SimulatedUnit autumnA = run.AddUnit("u-1", "levels-a", 50, Local("2026-10-24"), TimeSpan.FromDays(3), seed: 71);
        SimulatedUnit springB = run.AddUnit("u-2", "levels-b", 70, Local("2026-03-28"), TimeSpan.FromDays(3), seed: 72);
        SimulatedUnit autumnA2 = run.AddUnit("u-3", "levels-a", 50, Local("2026-10-25T12:00"), TimeSpan.FromDays(1.5), seed: 73);
        SimulatedUnit springB2 = run.AddUnit("u-4", "levels-b", 70, Local("2026-03-28T18:00"), TimeSpan.FromDays(1.5), seed: 74);

        // Writer w-a: units 1 and 2, live. Writer w-b: unit 3, another worker with its own data. Unit 4: imported.
        await RunWorkerAsync(run, "w-a", "data-a", "u-1", "u-2");
        await RunWorkerAsync(run, "w-b", "data-b", "u-3");
        run.Configure(o =>
        {
            o.DataDirectory = Path.Combine(run.Directory, "data-c");
            o.Units = [.. o.Units.Where(u => u.Id == "u-4")];
            o.Sites = [.. o.Sites.DistinctBy(site => site.Id)];
        });
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await ImportCommand.RunAsync(new FileInfo(run.WriteConfigFile()), new FileInfo(springB2.Path), "u-4", null, new ImportFormatOptions(null),
            output: "json", stdout, stderr, progressBar: null, TimeProvider.System, CancellationToken.None);
        Assert.True(exit == 0, stderr.ToString());
        JsonElement summary = JsonDocument.Parse(stdout.ToString()).RootElement;
        Assert.True(summary.GetProperty("rollupsWritten").GetInt64() > 0);

        long total = run.Units.Sum(u => u.Vehicles.Count);
        await AssertEveryLevelHoldsAsync(run, total);

        long fromMs = Local("2026-03-27").ToUnixTimeMilliseconds();
        long toMs = Local("2026-10-28").ToUnixTimeMilliseconds();
        int compared = await StoredLevels.AssertEveryRollupIsTheMergeOfItsWindowsAsync(run.Influx, fromMs, toMs);
        Assert.True(compared > 4 * 24, $"{compared} rollups compared");

        // The analysis' reads give the same answers with and without rollups, for many random ranges around both shifts.
        await StoredLevels.AssertRollupReadsEqualWindowReadsAsync(run.Influx, Local("2026-10-23T17:00").ToUnixTimeMilliseconds(),
            Local("2026-10-27T09:00").ToUnixTimeMilliseconds(), randomRanges: 12, seed: 1);
        await StoredLevels.AssertRollupReadsEqualWindowReadsAsync(run.Influx, Local("2026-03-27T17:00").ToUnixTimeMilliseconds(),
            Local("2026-03-31T09:00").ToUnixTimeMilliseconds(), randomRanges: 12, seed: 2);
        // And over ranges holding whole months (March: two writers, a 743-hour month; October: two workers, 745 hours).
        await StoredLevels.AssertRollupReadsEqualWindowReadsAsync(run.Influx, Local("2026-02-20T13:00").ToUnixTimeMilliseconds(),
            Local("2026-11-10T09:00").ToUnixTimeMilliseconds(), randomRanges: 12, seed: 3);
        Assert.NotNull(autumnA);
        Assert.NotNull(autumnA2);
    }

    [Fact]
    public async Task LateVehicles_ForDaysAlreadyStoredAndLetGo_ReEmitEveryLevelComplete()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("rollups_late");
        SimulatedUnit first = run.AddUnit("u-1", "late-site", 50, DaysAgo(5), TimeSpan.FromDays(3), seed: 81);
        SimulatedUnit late = run.AddUnit("u-2", "late-site", 50, DaysAgo(4.5), TimeSpan.FromDays(2), seed: 82);

        // The first run stores three days of u-1 and lets them go from memory; the second, with the same journal and writer,
        // then receives u-2's vehicles for those days: late for windows, hours and days already stored.
        await RunWorkerAsync(run, "w-late", "data", "u-1");
        Assert.Equal(first.Vehicles.Count, await SumAsync(run, BinSchema.DayMeasurement));
        await RunWorkerAsync(run, "w-late", "data", "u-1", "u-2"); // u-1 resumes at the end of its file

        long total = first.Vehicles.Count + late.Vehicles.Count;
        await AssertEveryLevelHoldsAsync(run, total);

        await StoredLevels.AssertEveryRollupIsTheMergeOfItsWindowsAsync(run.Influx, DayStart(DaysAgo(6)), DayStart(DaysAgo(0)));
    }

    [Fact]
    public async Task WorkerKilledWithSigkillWhileWritingRollups_RestartLeavesEveryLevelComplete()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("rollups_sigkill");
        // Hold the first write that holds rollups and follows a write that held rollups too: the worker is then in the
        // middle of writing one flush's rollups, some stored and some not — by construction.
        await using var proxy = new WriteHoldingProxy(run.Influx.Url, (body, previous) => HasRollups(body) && previous is not null && HasRollups(previous));
        await KillWhenHeldThenRestartAsync(run, proxy, "kill", seed: 91, batchLines: 40, async () =>
        {
            // Mid-stream: some rollups of the flush are stored, the rest are not.
            long windows = await SumAsync(run, BinSchema.Measurement);
            long hours = await SumAsync(run, BinSchema.HourMeasurement);
            Assert.True(hours > 0 && hours < windows, $"{hours} vehicles in hour rollups, {windows} in windows");
        });
    }

    [Fact]
    public async Task RetentionPerLevel_RollupsGoToTheirOwnPolicy_AndTheReadCommandsReadThemThere()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("rollups_retention");
        SimulatedUnit unit = run.AddUnit("u-1", "retention-site", 50, DaysAgo(3), TimeSpan.FromDays(1.5), seed: 101);
        InfluxQueryClient admin = run.Influx.QueryClient();
        await admin.QueryAsync($"CREATE RETENTION POLICY \"bins_90d\" ON \"{run.Influx.Database}\" DURATION 90d REPLICATION 1 DEFAULT");
        await admin.QueryAsync($"CREATE RETENTION POLICY \"rollups_10y\" ON \"{run.Influx.Database}\" DURATION 520w REPLICATION 1");
        run.Configure(o =>
        {
            o.Influx.RetentionPolicy = "bins_90d";
            o.Influx.RollupRetentionPolicy = "rollups_10y";
        });
        using (IHost host = run.BuildHost(exitWhenDone: true))
        {
            await host.RunAsync().WaitAsync(s_deadline);
        }

        long total = unit.Vehicles.Count;
        Assert.Equal(total, await SumAsync(run, "\"bins_90d\".\"speed_bin\""));
        Assert.Equal(total, await SumAsync(run, "\"rollups_10y\".\"speed_bin_1h\""));
        Assert.Equal(total, await SumAsync(run, "\"rollups_10y\".\"speed_bin_1d\""));
        Assert.Equal(total, await SumAsync(run, "\"rollups_10y\".\"speed_bin_1mo\""));
        Assert.Equal(0, await SumAsync(run, "\"bins_90d\".\"speed_bin_1d\""));
        Assert.Equal(0, await SumAsync(run, "\"bins_90d\".\"speed_bin_1mo\""));
        Assert.Equal(0, await SumAsync(run, "\"rollups_10y\".\"speed_bin\""));

        // The read commands' reader finds the rollups in their policy: a whole-days read equals the windows' merge.
        using var http = new HttpClient();
        BinReader reader = Hosting.WorkerApp.CreateBinReader(run.Settings(), http);
        Assert.True(reader.UseRollups);
        var period = new Analysis.Time.Period(DayStart(DaysAgo(4)), DayStart(DaysAgo(0)));
        IReadOnlyList<StoredBin> fromRollups = await Analysis.Data.StoredBins.ReadMergedAsync(reader, period, null, Analysis.Data.BinGrain.Period, CancellationToken.None);
        IReadOnlyList<StoredBin> windows = await Analysis.Data.StoredBins.ReadMergedAsync(reader, period, null, Analysis.Data.BinGrain.Window, CancellationToken.None);
        Assert.Equal(total, fromRollups.Sum(b => b.Bin.Count));
        foreach (StoredBin merged in fromRollups)
        {
            BinAssert.Same(Analysis.Data.StoredBins.Merge(windows.Where(w => w.Key.Direction == merged.Key.Direction)), merged.Bin, merged.Key.ToString());
        }
    }

    [Fact]
    public async Task WorkerKilledWithSigkillBetweenWritingDaysAndTheirMonth_RestartMergesTheMonthAgain()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("rollups_month_kill");
        // Hold the first write of month rollups: that flush's days are stored, its months are not — by construction
        // (the second month write would need a second flush with new vehicles, which a loaded machine may not give).
        await using var proxy = new WriteHoldingProxy(run.Influx.Url, (body, _) => body.Contains(BinSchema.MonthMeasurement + ",", StringComparison.Ordinal));
        await KillWhenHeldThenRestartAsync(run, proxy, "month-kill", seed: 95, batchLines: null, async () =>
        {
            long days = await SumAsync(run, BinSchema.DayMeasurement);
            long months = await SumAsync(run, BinSchema.MonthMeasurement);
            Assert.True(days > 0 && months == 0, $"{months} vehicles in month rollups, {days} in day rollups");
        });
    }

    /// <summary>
    /// A worker reads one unit's file and half of another's vehicles from standard input, writing through
    /// <paramref name="proxy"/>; once the proxy holds a write it is killed (SIGKILL), <paramref name="atKill"/> looks at what
    /// is stored, and a restart takes the rest. Then every level holds every vehicle and every rollup is the merge of its windows.
    /// </summary>
    private static async Task KillWhenHeldThenRestartAsync(WorkerRun run, WriteHoldingProxy proxy, string name, ulong seed, int? batchLines, Func<Task> atKill)
    {
        SimulatedUnit file = run.AddUnit("u-1", $"{name}-a", 40, DaysAgo(6), TimeSpan.FromDays(3), seed: seed);
        SimulatedUnit piped = run.AddUnit("u-2", $"{name}-b", 50, DaysAgo(6), TimeSpan.FromDays(3), seed: seed + 1);
        run.Configure(o =>
        {
            o.WriterId = $"w-{name}";
            o.Units[1].Transport = "stdin";
            o.Units[1].Path = null;
            o.Binning.FlushInterval = TimeSpan.FromMilliseconds(300);
            o.Influx.Url = proxy.Url.ToString();
            o.Influx.Gzip = false;
            o.Influx.BatchLines = batchLines ?? o.Influx.BatchLines;
        });
        string config = run.WriteConfigFile();
        int half = piped.Vehicles.Count / 2;

        using (Process worker = run.StartProcess(redirectInput: true, "run", "--config", config))
        {
            await WriteCanonicalAsync(worker.StandardInput.BaseStream, piped.Vehicles.Take(half));
            await proxy.Held.WaitAsync(s_deadline);
            worker.Kill();
            await worker.WaitForExitAsync();
        }

        await atKill();

        proxy.PassThrough();
        using (Process restarted = run.StartProcess(redirectInput: true, "run", "--config", config, "--exit-when-done"))
        {
            await WriteCanonicalAsync(restarted.StandardInput.BaseStream, piped.Vehicles.Skip(half));
            restarted.StandardInput.Close();
            await restarted.WaitForExitAsync().WaitAsync(s_deadline);
            Assert.Equal(0, restarted.ExitCode);
        }

        await AssertEveryLevelHoldsAsync(run, file.Vehicles.Count + piped.Vehicles.Count);
        await StoredLevels.AssertEveryRollupIsTheMergeOfItsWindowsAsync(run.Influx, DayStart(DaysAgo(7)), DayStart(DaysAgo(0)));
    }

    /// <summary>Windows and hour, day and month rollups each hold <paramref name="total"/> vehicles.</summary>
    private static async Task AssertEveryLevelHoldsAsync(WorkerRun run, long total)
    {
        foreach (string measurement in (string[])[BinSchema.Measurement, BinSchema.HourMeasurement, BinSchema.DayMeasurement, BinSchema.MonthMeasurement])
        {
            Assert.Equal(total, await SumAsync(run, measurement));
        }
    }

    private static bool HasRollups(string body)
        => body.Contains(BinSchema.HourMeasurement + ",", StringComparison.Ordinal) || body.Contains(BinSchema.DayMeasurement + ",", StringComparison.Ordinal);

    private static long DayStart(DateTimeOffset time) => Core.Bins.Rollups.DayStart(time.ToUnixTimeMilliseconds(), StockholmTime.Zone);

    /// <summary>Runs a worker over the named file units to the end, as <paramref name="writerId"/> with its own data directory.</summary>
    private static async Task RunWorkerAsync(WorkerRun run, string writerId, string dataDirectory, params string[] units)
    {
        run.Configure(o =>
        {
            o.WriterId = writerId;
            o.DataDirectory = Path.Combine(run.Directory, dataDirectory);
            o.Units = [.. o.Units.Where(u => units.Contains(u.Id))];
            o.Sites = [.. o.Sites.DistinctBy(site => site.Id)];
            o.Binning.LateHorizon = TimeSpan.FromDays(400);
        });
        using IHost host = run.BuildHost(exitWhenDone: true);
        await host.RunAsync().WaitAsync(s_deadline);
    }

    private static async Task<long> SumAsync(WorkerRun run, string measurement)
    {
        string from = measurement.StartsWith('"') ? measurement : $"\"{measurement}\"";
        IReadOnlyList<InfluxSeries> series = await run.Influx.QueryClient().QueryAsync($"SELECT sum(\"count\") FROM {from}");
        return series.Count == 0 ? 0 : series[0].Values[0][1].GetInt64();
    }

    private static async Task WriteCanonicalAsync(Stream input, IEnumerable<SimulatedVehicle> vehicles)
    {
        foreach (FrameChunk chunk in FrameEncoder.Create(FrameFormat.Canonical).Encode(vehicles))
        {
            await input.WriteAsync(chunk.Bytes);
        }

        await input.FlushAsync();
    }
}
