using System.Text;
using System.Text.Json;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Vehicles;

using Ale.Speed.Devices.Simulation;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Worker.Commands;
using Ale.Speed.Worker.Import;
using Ale.Speed.Worker.Tests.Support;
using Microsoft.Extensions.Hosting;

namespace Ale.Speed.Worker.Tests.EndToEnd;

/// <summary>
/// <c>ale-speed import</c> against a real InfluxDB: every vehicle of a read-out is stored exactly once, whether the file
/// is imported twice, overlaps what the unit sent live, or the first attempt could not store its bins.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ImportTests
{
    private const long WindowMs = 5 * 60_000;

    private static DateTimeOffset DaysAgo(int days)
        => DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / 86_400_000 * 86_400_000).AddDays(-days);

    [Fact]
    public async Task Import_SameFileTwice_StoresEveryVehicleOnceAndTheSecondRunChangesNothing()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("import_twice");
        SimulatedUnit unit = run.AddUnit("u-1", "nodinge-ale-torg", 40, DaysAgo(3), TimeSpan.FromDays(1), seed: 31);
        run.Configure(o => o.Binning.DuplicateMemory = 16);
        string config = run.WriteConfigFile();

        // A read-out that repeats its first records at the end (the sign's memory wrapped), far beyond the live filter's memory.
        string[] lines = await File.ReadAllLinesAsync(unit.Path);
        await File.AppendAllLinesAsync(unit.Path, lines[..10]);

        (int exit, JsonElement first) = await ImportAsync(config, unit.Path, "u-1");
        Assert.Equal(0, exit);
        Assert.Equal(unit.Vehicles.Count + 10, first.GetProperty("lines").GetInt64());
        Assert.Equal(10, first.GetProperty("rejects").GetProperty(nameof(RejectReason.Duplicate)).GetInt64());
        Assert.Equal(unit.Vehicles.Count, first.GetProperty("vehicles").GetInt64());
        Assert.Equal(unit.Vehicles.Count, first.GetProperty("new").GetInt64());
        Assert.Equal(0, first.GetProperty("alreadyImported").GetInt64());
        AssertStoredEquals(unit.Vehicles, await run.ReadStoredAsync());
        IReadOnlyList<StoredBin> afterFirst = await run.ReadStoredAsync();
        Assert.All(afterFirst, b => Assert.Equal(VehicleImporter.WriterIdFor("u-1"), b.WriterId));
        // The hour-of-week levels of the months imported are rebuilt, and hold exactly what their month rollups hold.
        var levels = new HourOfWeekLevels(new BinReader(run.Influx.QueryClient()), Core.Time.StockholmTime.Zone);
        foreach (long month in afterFirst.Select(b => Core.Bins.Rollups.MonthStart(b.Key.WindowStartMs, Core.Time.StockholmTime.Zone)).Distinct())
        {
            (HashSet<WriterSeries> valid, HashSet<WriterSeries> invalid) = await levels.CheckAsync(Core.Bins.RollupLevel.MonthHourOfWeek, month,
                Core.Bins.Rollups.NextMonthStart(month, Core.Time.StockholmTime.Zone), default);
            Assert.Empty(invalid);
            Assert.NotEmpty(valid);
        }

        (exit, JsonElement second) = await ImportAsync(config, unit.Path, "u-1");
        Assert.Equal(0, exit);
        Assert.Equal(0, second.GetProperty("new").GetInt64());
        Assert.Equal(unit.Vehicles.Count, second.GetProperty("alreadyImported").GetInt64());
        Assert.Equal(0, second.GetProperty("binsWritten").GetInt64());
        AssertStoredEquals(unit.Vehicles, await run.ReadStoredAsync());
    }

    [Fact]
    public async Task Import_ReadOutOverlappingWhatTheUnitSentLive_CountsOnlyTheVehiclesTheWorkerNeverGot()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("import_overlap");
        SimulatedUnit unit = run.AddUnit("u-1", "nol-vag-45", 70, DaysAgo(2), TimeSpan.FromDays(1), seed: 32);
        // The unit was offline from 09:00 to 15:00: the worker got everything else live.
        long outageFrom = DaysAgo(2).AddHours(9).ToUnixTimeMilliseconds();
        long outageTo = DaysAgo(2).AddHours(15).ToUnixTimeMilliseconds();
        SimulatedVehicle[] live = [.. unit.Vehicles.Where(v => v.TimestampMs < outageFrom || v.TimestampMs >= outageTo)];
        WorkerRun.WriteFrames(unit.Path, FrameFormat.Canonical, live);
        run.Configure();
        using (IHost host = run.BuildHost(exitWhenDone: true))
        {
            await host.RunAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }

        Assert.Equal(live.Length, await run.StoredVehiclesAsync());

        string readOut = Path.Combine(run.Directory, "read-out.ndjson");
        WorkerRun.WriteFrames(readOut, FrameFormat.Canonical, unit.Vehicles);
        (int exit, JsonElement summary) = await ImportAsync(run.WriteConfigFile(), readOut, "u-1");
        Assert.Equal(0, exit);
        Assert.Equal(unit.Vehicles.Count - live.Length, summary.GetProperty("new").GetInt64());
        Assert.Equal(live.Length, summary.GetProperty("alreadyLive").GetInt64());
        AssertStoredEquals(unit.Vehicles, await run.ReadStoredAsync());
    }

    [Fact]
    public async Task Worker_UnitSendsItsBacklogAfterTheLogWasImported_CountsOnlyWhatTheImportDidNotHave()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("import_backlog");
        SimulatedUnit unit = run.AddUnit("u-1", "skepplanda-byvagen", 30, DaysAgo(2), TimeSpan.FromDays(1), seed: 36);
        // The log was read out at 16:00 and imported; later the unit's modem came back and it sent the whole day.
        long readOutAt = DaysAgo(2).AddHours(16).ToUnixTimeMilliseconds();
        SimulatedVehicle[] readOut = [.. unit.Vehicles.Where(v => v.TimestampMs < readOutAt)];
        string readOutPath = Path.Combine(run.Directory, "read-out.ndjson");
        WorkerRun.WriteFrames(readOutPath, FrameFormat.Canonical, readOut);
        run.Configure();
        (int exit, JsonElement summary) = await ImportAsync(run.WriteConfigFile(), readOutPath, "u-1");
        Assert.Equal(0, exit);
        Assert.Equal(readOut.Length, summary.GetProperty("new").GetInt64());

        using (IHost host = run.BuildHost(exitWhenDone: true))
        {
            await host.RunAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }

        AssertStoredEquals(unit.Vehicles, await run.ReadStoredAsync());
        Status.WorkerStatus? status = Status.WorkerStatus.Read(Path.Combine(run.DataDirectory, Status.WorkerStatus.FileName));
        Assert.Equal(readOut.Length, status!.VehiclesAlreadyImported);
        Assert.NotNull(status.StoppedAt);
    }

    [Fact]
    public async Task Import_WhenInfluxDbCannotStore_KeepsTheVehiclesAndTheNextRunStoresThemOnce()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("import_resume");
        SimulatedUnit unit = run.AddUnit("u-1", "alafors", 50, DaysAgo(4), TimeSpan.FromHours(12), seed: 33);
        run.Configure(o => o.Influx.Database = "no_such_database");
        string broken = run.WriteConfigFile();

        var stderr = new StringWriter();
        (int exit, JsonElement failed) = await ImportAsync(broken, unit.Path, "u-1", stderr);
        Assert.Equal(3, exit);
        Assert.Contains("stored by the next import", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(unit.Vehicles.Count, failed.GetProperty("new").GetInt64());
        Assert.Equal(0, await run.StoredVehiclesAsync());

        run.Configure();
        (exit, JsonElement resumed) = await ImportAsync(run.WriteConfigFile(), unit.Path, "u-1");
        Assert.Equal(0, exit);
        Assert.Equal(0, resumed.GetProperty("new").GetInt64());
        Assert.Equal(unit.Vehicles.Count, resumed.GetProperty("alreadyImported").GetInt64());
        Assert.Equal(unit.Vehicles.Count, resumed.GetProperty("recovered").GetInt64());
        AssertStoredEquals(unit.Vehicles, await run.ReadStoredAsync());
    }

    [Fact]
    public async Task Import_RecordsWithoutSequence_AreTheSameVehicleOnlyWithTheSameTimeSpeedAndDirection()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("import_identity");
        SimulatedUnit unit = run.AddUnit("u-1", "surte", 40, DaysAgo(3), TimeSpan.FromHours(1), seed: 34);
        run.Configure();
        string t = DaysAgo(3).AddMinutes(10).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        string path = Path.Combine(run.Directory, "no-seq.ndjson");
        await File.WriteAllTextAsync(path,
            $$"""
            {"ts":"{{t}}","kmh":47.3,"dir":"in"}
            {"ts":"{{t}}","kmh":51.0,"dir":"in"}
            {"ts":"{{t}}","kmh":47.3,"dir":"out"}
            {"ts":"{{t}}","kmh":47.3,"dir":"in"}
            not a record
            {"ts":"{{t}}","kmh":"fast","dir":"in"}
            {"ts":"2099-01-01T00:00:00Z","kmh":50.0,"dir":"in"}

            """);

        (int exit, JsonElement summary) = await ImportAsync(run.WriteConfigFile(), path, "u-1");
        Assert.Equal(0, exit);
        // Same millisecond, different speed or direction: three vehicles. The fourth line repeats the first.
        Assert.Equal(3, summary.GetProperty("new").GetInt64());
        JsonElement rejects = summary.GetProperty("rejects");
        Assert.Equal(1, rejects.GetProperty(nameof(RejectReason.Duplicate)).GetInt64());
        Assert.Equal(1, rejects.GetProperty(nameof(RejectReason.TimestampInFuture)).GetInt64());
        Assert.Equal(2, rejects.EnumerateObject().Where(r => r.Name is not (nameof(RejectReason.Duplicate) or nameof(RejectReason.TimestampInFuture))).Sum(r => r.Value.GetInt64()));
        Assert.Equal(7, summary.GetProperty("lines").GetInt64());
        Assert.Equal(3, await run.StoredVehiclesAsync());

        // Imported again, the duplicate line is still rejected within the file and the rest is already imported.
        (exit, summary) = await ImportAsync(run.WriteConfigFile(), path, "u-1");
        Assert.Equal(0, exit);
        Assert.Equal(0, summary.GetProperty("new").GetInt64());
        Assert.Equal(3, summary.GetProperty("alreadyImported").GetInt64());
        Assert.Equal(3, await run.StoredVehiclesAsync());
    }

    [Fact]
    public async Task Import_IcomsTma3b3Export_OverlappingNumberedLiveRecords_CountsEachVehicleOnce()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("import_tma3b3");
        SimulatedUnit unit = run.AddUnit("u-1", "alvangen-centrum", 50, DaysAgo(2), TimeSpan.FromDays(1), seed: 37);
        // Live through a gateway that numbers the records (canonical with seq) until noon; the sign's own export covers the day.
        long noon = DaysAgo(2).AddHours(12).ToUnixTimeMilliseconds();
        SimulatedVehicle[] live = [.. unit.Vehicles.Where(v => v.TimestampMs < noon)];
        WorkerRun.WriteFrames(unit.Path, FrameFormat.Canonical, live);
        run.Configure();
        using (IHost host = run.BuildHost(exitWhenDone: true))
        {
            await host.RunAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }

        string export = Path.Combine(run.Directory, "TMA3B3_1234567_export.csv");
        WorkerRun.WriteFrames(export, FrameFormat.IcomsTma3b3, unit.Vehicles);
        Assert.StartsWith("typ;date and time [UTC];speed [km/h]", await File.ReadAllTextAsync(export), StringComparison.Ordinal);
        (int exit, JsonElement summary) = await ImportAsync(run.WriteConfigFile(), export, "u-1", format: "icoms-tma3b3");
        Assert.Equal(0, exit);
        Assert.Equal(live.Length, summary.GetProperty("alreadyLive").GetInt64());
        Assert.Equal(unit.Vehicles.Count - live.Length, summary.GetProperty("new").GetInt64());
        AssertStoredEquals(unit.Vehicles, await run.ReadStoredAsync());

        (exit, summary) = await ImportAsync(run.WriteConfigFile(), export, "u-1", format: "tma3b3");
        Assert.Equal(0, exit);
        Assert.Equal(0, summary.GetProperty("new").GetInt64());
        AssertStoredEquals(unit.Vehicles, await run.ReadStoredAsync());
    }

    [Fact]
    public async Task Import_CsvWithAColumnMap_StoresEveryVehicle_AndAHeaderWithoutTheColumnsIsAClearError()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("import_csv");
        SimulatedUnit unit = run.AddUnit("u-1", "nodinge-ale-torg", 40, DaysAgo(3), TimeSpan.FromHours(18), seed: 38);
        run.Configure();
        string config = run.WriteConfigFile();
        string csv = Path.Combine(run.Directory, "export.csv");
        WorkerRun.WriteFrames(csv, FrameFormat.Csv, unit.Vehicles);

        var stderr = new StringWriter();
        Assert.Equal(2, (await ImportAsync(config, csv, "u-1", stderr, format: "csv")).Exit);
        Assert.Contains("--format csv needs --columns", stderr.ToString(), StringComparison.Ordinal);

        stderr = new StringWriter();
        (int exit, JsonElement wrong) = await ImportAsync(config, csv, "u-1", stderr, format: "csv", columns: "ts=Datum,speed=Hastighet");
        Assert.Equal(2, exit);
        Assert.Contains("Datum", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, wrong.GetProperty("new").GetInt64());
        // The first lines are searched for a header that fits (a preamble); after that every line is a counted mismatch.
        Assert.Equal(CsvParser.MaxPreambleLines, wrong.GetProperty("preambleLines").GetInt64());
        Assert.Equal(unit.Vehicles.Count + 1 - CsvParser.MaxPreambleLines, wrong.GetProperty("rejects").GetProperty(nameof(RejectReason.CsvHeaderMismatch)).GetInt64());
        Assert.Equal(0, await run.StoredVehiclesAsync());

        (exit, JsonElement summary) = await ImportAsync(config, csv, "u-1", format: "csv", columns: FrameEncoder.CsvColumnMap);
        Assert.Equal(0, exit);
        Assert.Equal(unit.Vehicles.Count, summary.GetProperty("new").GetInt64());
        AssertStoredEquals(unit.Vehicles, await run.ReadStoredAsync());
    }

    [Fact]
    public async Task Import_CounterExportWithPreambleUsDatesMphAndChannels_StoresEveryVehicleAndCountsBadRows()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("import_counter");
        SimulatedUnit unit = run.AddUnit("u-1", "nodinge-ale-torg", 40, DaysAgo(3), TimeSpan.FromHours(12), seed: 41);
        run.Configure();
        string config = run.WriteConfigFile();

        // A tube counter's per-vehicle report: a preamble, then US dates, 12-hour New York times, mph, a channel per direction.
        TimeZoneInfo newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var us = System.Globalization.CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append("Date/Time:, 11/6/2023 11:34:00 AM\r\nSite Code:, 165367\r\n\r\nVeh. No., Date, Time, Channel, Class, Speed\r\n");
        var expected = new List<SimulatedVehicle>();
        var seen = new HashSet<(long, double, Direction)>();
        int number = 0;
        foreach (SimulatedVehicle vehicle in unit.Vehicles)
        {
            DateTime local = TimeZoneInfo.ConvertTimeFromUtc(DateTimeOffset.FromUnixTimeMilliseconds(vehicle.TimestampMs).UtcDateTime, newYork);
            double mph = Math.Round(vehicle.SpeedKmh / 1.609344, 1, MidpointRounding.AwayFromZero);
            text.Append(us, $"{++number}, {local:M/d/yyyy}, {local:h:mm:ss tt}, {(vehicle.Direction == Direction.Receding ? 2 : 1)}, {(vehicle.Class == VehicleClass.Heavy ? 3 : 2)}, {mph:0.0}\r\n");
            SimulatedVehicle exported = vehicle with { TimestampMs = vehicle.TimestampMs / 1000 * 1000, SpeedKmh = mph * 1.609344 };
            if (seen.Add((exported.TimestampMs, mph, exported.Direction)))
            {
                expected.Add(exported);
            }
        }

        text.Append("999, 11/6/2023, 11:54:57 AM, 7, 2, 36.3\r\n");   // a channel the map does not name
        text.Append("1000, 13/6/2023, 11:54:57 AM, 1, 2, 36.3\r\n");  // no 13th month
        text.Append("1001, 11/6/2023, 11:54:57 AM, 1, 9, 36.3\r\n");  // a class the map does not name
        string path = Path.Combine(run.Directory, "counter.csv");
        await File.WriteAllTextAsync(path, text.ToString());
        var options = new ImportFormatOptions(
            Columns: "date=Date,time=Time,speed=Speed,dir=Channel,class=Class",
            Directions: "1=in,2=out",
            TimeFormats: ["M/d/yyyy h:mm:ss tt"],
            TimeZone: "America/New_York",
            SpeedUnit: "mph",
            Classes: "2=car,3=heavy");

        (int exit, JsonElement summary) = await ImportAsync(config, path, "u-1", format: "csv", options: options);

        Assert.Equal(0, exit);
        Assert.Equal(2, summary.GetProperty("preambleLines").GetInt64());
        JsonElement rejects = summary.GetProperty("rejects");
        Assert.Equal(1, rejects.GetProperty(nameof(RejectReason.InvalidDirection)).GetInt64());
        Assert.Equal(1, rejects.GetProperty(nameof(RejectReason.InvalidTimestamp)).GetInt64());
        Assert.Equal(1, rejects.GetProperty(nameof(RejectReason.InvalidField)).GetInt64());
        Assert.Equal(expected.Count, summary.GetProperty("new").GetInt64());
        AssertStoredEquals(expected, await run.ReadStoredAsync());

        // An option value that cannot be right stops the import before anything is read, naming it.
        foreach ((ImportFormatOptions bad, string named) in new[]
        {
            (options with { Directions = "1=in,2=sideways" }, "'sideways'"),
            (options with { TimeZone = "Mars/Olympus_Mons" }, "'Mars/Olympus_Mons'"),
            (options with { SpeedUnit = "knots" }, "'knots'"),
            (options with { Classes = "2=lorry" }, "'lorry'"),
            (options with { TimeFormats = ["%"] }, "'%'"),
        })
        {
            var stderr = new StringWriter();
            (exit, _) = await ImportAsync(config, path, "u-1", stderr, format: "csv", options: bad);
            Assert.Equal(2, exit);
            Assert.Contains(named, stderr.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(expected.Count, await run.StoredVehiclesAsync());
    }

    [Fact]
    public async Task Import_TimestampedOps243JsonLog_MakesVehiclesOfTheBurstsOnce()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("import_ops243");
        SimulatedUnit unit = run.AddUnit("u-1", "bohus", 40, DaysAgo(3), TimeSpan.FromHours(6), seed: 39);
        run.Configure(o => o.Units[0].Format = "ops243-json");
        // What a logger on the sign's serial line keeps: each line with the time it arrived.
        EncodedFrames frames = FrameEncoder.Create(FrameFormat.Ops243Json, new FrameEncoderOptions { SpeedUnit = SpeedUnit.MetresPerSecond }).EncodeAll(unit.Vehicles);
        var log = new StringBuilder();
        for (int line = 0, start = 0; line < frames.LineEnds.Length; start = frames.LineEnds[line++])
        {
            string text = Encoding.UTF8.GetString(frames.Bytes, start, frames.LineEnds[line] - start);
            log.Append(DateTimeOffset.FromUnixTimeMilliseconds(frames.LineArrivalMs[line]).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture))
                .Append(' ').Append(text);
        }

        string path = Path.Combine(run.Directory, "ops243.log");
        await File.WriteAllTextAsync(path, log.ToString());
        // At least the bursts the radar sent, at most the vehicles behind them (the detector splits some merged bursts).
        int bursts = frames.Targets.Count(t => t.ReadingCount >= 2);

        (int exit, JsonElement summary) = await ImportAsync(run.WriteConfigFile(), path, "u-1");
        Assert.Equal(0, exit);
        Assert.Equal(frames.LineEnds.Length, summary.GetProperty("lines").GetInt64());
        long expected = summary.GetProperty("new").GetInt64();
        Assert.InRange(expected, bursts, frames.Targets.Sum(t => t.VehicleCount));
        Assert.Equal(expected, await run.StoredVehiclesAsync());

        (exit, summary) = await ImportAsync(run.WriteConfigFile(), path, "u-1");
        Assert.Equal(0, exit);
        Assert.Equal(0, summary.GetProperty("new").GetInt64());
        Assert.Equal(expected, summary.GetProperty("alreadyImported").GetInt64());
        Assert.Equal(expected, await run.StoredVehiclesAsync());
    }

    [Fact]
    public async Task Import_RequestsThatCannotBeDone_FailWithAClearMessage()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("import_errors");
        SimulatedUnit unit = run.AddUnit("u-1", "bohus", 40, DaysAgo(3), TimeSpan.FromHours(1), seed: 35);
        run.Configure();
        string config = run.WriteConfigFile();

        var stderr = new StringWriter();
        Assert.Equal(2, (await ImportAsync(config, unit.Path, "u-9", stderr)).Exit);
        Assert.Contains("unit 'u-9' is not configured", stderr.ToString(), StringComparison.Ordinal);

        stderr = new StringWriter();
        Assert.Equal(2, (await ImportAsync(config, unit.Path, "u-1", stderr, format: "ops999")).Exit);
        Assert.Contains("--format 'ops999' is not a known format (canonical, icoms-tma3b3, csv", stderr.ToString(), StringComparison.Ordinal);

        stderr = new StringWriter();
        Assert.Equal(2, (await ImportAsync(config, unit.Path, "u-1", stderr, columns: "ts=a,speed=b")).Exit);
        Assert.Contains("apply to --format csv only", stderr.ToString(), StringComparison.Ordinal);

        // A DR500 log must say when each line came: without the logger's timestamps every line is a counted reject.
        string untimed = Path.Combine(run.Directory, "dr500.log");
        await File.WriteAllTextAsync(untimed, "057\r\n062\r\n000\r\n");
        (int exit, JsonElement summary) = await ImportAsync(config, untimed, "u-1", format: "dr500");
        Assert.Equal(0, exit);
        Assert.Equal(3, summary.GetProperty("lines").GetInt64());
        Assert.Equal(3, summary.GetProperty("rejects").EnumerateObject().Sum(r => r.Value.GetInt64()));
        Assert.Equal(0, summary.GetProperty("new").GetInt64());

        // Another import of the same unit holds the ledger's lock.
        string ledger = run.Settings().ImportLedgerDirectory("u-1");
        Directory.CreateDirectory(ledger);
        using (new FileStream(Path.Combine(ledger, "import.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            stderr = new StringWriter();
            Assert.Equal(2, (await ImportAsync(config, unit.Path, "u-1", stderr)).Exit);
            Assert.Contains("another import of unit 'u-1' is running", stderr.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await run.StoredVehiclesAsync());
    }

    private static async Task<(int Exit, JsonElement Summary)> ImportAsync(string config, string file, string unit, StringWriter? stderr = null,
        string? format = null, string? columns = null, ImportFormatOptions? options = null)
    {
        var stdout = new StringWriter();
        int exit = await ImportCommand.RunAsync(new FileInfo(config), new FileInfo(file), unit, format, options ?? new ImportFormatOptions(columns), output: "json",
            stdout, stderr ?? new StringWriter(), progressBar: null, TimeProvider.System, CancellationToken.None);
        string text = stdout.ToString();
        return (exit, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Stored bins, merged across writers, hold exactly the given vehicles: count, speed sum and maximum per window and direction.</summary>
    private static void AssertStoredEquals(IEnumerable<SimulatedVehicle> vehicles, IReadOnlyList<StoredBin> stored)
    {
        var expected = vehicles
            .GroupBy(v => (Window: v.TimestampMs / WindowMs * WindowMs, Direction: v.Direction == Direction.Receding ? Direction.Receding : Direction.Approaching))
            .ToDictionary(g => g.Key, g => (Count: (long)g.Count(), Sum: g.Sum(v => (long)Math.Round(v.SpeedKmh * 100, MidpointRounding.AwayFromZero)),
                Max: g.Max(v => (int)Math.Round(v.SpeedKmh * 100, MidpointRounding.AwayFromZero))));
        var actual = stored.ToDictionary(b => (Window: b.Key.WindowStartMs, b.Key.Direction), b => (Count: b.Bin.Count, Sum: b.Bin.SumCentiKmh, Max: b.Bin.MaxCentiKmh));
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (key, value) in expected)
        {
            Assert.True(actual.TryGetValue(key, out var got), $"no stored bin for {key}");
            Assert.Equal(value, got);
        }
    }
}
