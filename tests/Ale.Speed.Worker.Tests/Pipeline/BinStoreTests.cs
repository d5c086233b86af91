using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ale.Speed.Worker.Tests.Pipeline;

/// <summary>A late vehicle re-emits its complete bin — from memory, from the journal after the bin left memory, or after a restart.</summary>
public sealed class BinStoreTests : IDisposable
{
    private static readonly Site s_site = new("alafors", "Alafors", 50);
    private static readonly Unit s_unit = new() { Id = "u-1", Site = s_site };
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ale-speed-pipeline-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    private readonly List<JournalWriter> _opened = [];

    public void Dispose()
    {
        _opened.ForEach(j => j.Dispose());
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private (JournalWriter Journal, BinStore Bins) Open(UnitRouter? router = null, long segmentBytes = 64 * 1024)
    {
        var bins = new BinStore(new BinningOptions(), _time);
        var journal = JournalWriter.Open(new JournalOptions(_directory, segmentBytes, long.MaxValue, TimeSpan.FromDays(7), TimeSpan.Zero),
            [s_unit], router ?? new UnitRouter([s_unit], _time), bins, _time, NullLogger.Instance);
        _opened.Add(journal);
        return (journal, bins);
    }

    /// <summary>What the flusher does once InfluxDB has stored everything taken.</summary>
    private static void Stored(JournalWriter journal, BinStore bins)
    {
        Assert.True(journal.ConfirmStored(bins.TakeChanged().Sequence));
        bins.LetGoStored();
    }

    private static VehicleBatch Batch(long timestampMs, int count, double kmh, long firstSequence)
    {
        var batch = new VehicleBatch();
        for (int i = 0; i < count; i++)
        {
            batch.Accept(new Vehicle
            {
                Unit = s_unit,
                TimestampMs = timestampMs + i * 1000,
                SpeedKmh = kmh,
                Direction = Direction.Approaching,
                Sequence = firstSequence + i,
                HasDeviceTime = true,
            });
        }

        return batch;
    }

    private static async Task CommitAsync(JournalWriter journal, VehicleBatch batch)
    {
        Task commit = journal.CommitAsync(batch, CancellationToken.None).AsTask();
        while (!commit.IsCompleted)
        {
            Assert.True(journal.TryCommitPending());
            await Task.Yield();
        }

        await commit;
    }

    [Fact]
    public async Task LateVehicle_ForABinThatLeftMemory_ReEmitsTheCompleteBinFromTheJournal()
    {
        long oldWindow = _time.GetUtcNow().AddDays(-3).ToUnixTimeMilliseconds() / 300_000 * 300_000;
        (JournalWriter journal, BinStore bins) = Open();
        await CommitAsync(journal, Batch(oldWindow, 40, 45, firstSequence: 1));

        FlushSnapshot first = bins.TakeChanged();
        Bin stored = Assert.Single(first.Bins);
        Assert.Equal(40, stored.Count);
        Assert.True(journal.ConfirmStored(first.Sequence));
        bins.LetGoStored(); // stored: the old bin leaves memory
        Assert.False(bins.TryGetBin(stored.Key, out _));

        await CommitAsync(journal, Batch(oldWindow + 100_000, 1, 71, firstSequence: 41));

        Bin reEmitted = Assert.Single(bins.TakeChanged().Bins);
        Assert.Equal(stored.Key, reEmitted.Key);
        Assert.Equal(41, reEmitted.Count);
        Assert.Equal(1, reEmitted.CountOverLimit);
        Assert.Equal(1, bins.LateBinsRebuilt);
    }

    [Fact]
    public async Task Restart_RebuildsUnconfirmedBinsComplete_AndRemembersWhatWasSeen()
    {
        long window = _time.GetUtcNow().AddDays(-2).ToUnixTimeMilliseconds() / 300_000 * 300_000;
        (JournalWriter journal, BinStore bins) = Open();
        using (journal)
        {
            await CommitAsync(journal, Batch(window, 30, 45, firstSequence: 1));
            await CommitAsync(journal, Batch(window + 3 * 3_600_000, 7, 45, firstSequence: 100)); // same local day, later
            Stored(journal, bins);
            await CommitAsync(journal, Batch(window + 60_000, 5, 45, firstSequence: 31)); // journaled, not yet stored
        }

        var router = new UnitRouter([s_unit], _time);
        (JournalWriter restarted, BinStore restartedBins) = Open(router);

        // The bin holding the unconfirmed vehicles comes back whole (30 stored before + 5), never as a partial 5; its whole
        // local day comes back too, so the day's rollup holds every vehicle of the day.
        FlushSnapshot snapshot = restartedBins.TakeChanged();
        Assert.Equal([7L, 35L], snapshot.Bins.Select(b => b.Count).Order());
        Assert.Equal(35, snapshot.Rollups.Single(r => r.Level == RollupLevel.Hour && r.Key.WindowStartMs == Rollups.HourStart(window)).Bin.Count);
        Assert.Equal(42, snapshot.Rollups.Single(r => r.Level == RollupLevel.Day).Bin.Count);

        // A redelivery of an already journaled record is a duplicate after the restart.
        router.TryGetRoute("u-1", out UnitRoute route);
        Vehicle again = Batch(window + 60_000, 1, 45, firstSequence: 31).Vehicles[0];
        Assert.Equal(Core.Frames.RejectReason.Duplicate, route.Filter.Apply(again, out _));
    }

    [Fact]
    public async Task LateVehicle_ForABinLetGoLaterTheSameDay_StillFindsTheWholeBin()
    {
        // 12:00. A bin at 10:30 is hot; a late vehicle at 08:00 brings today's older bins back from the journal.
        long today1030 = _time.GetUtcNow().AddMinutes(-90).ToUnixTimeMilliseconds();
        long today0800 = _time.GetUtcNow().AddHours(-4).ToUnixTimeMilliseconds();
        (JournalWriter journal, BinStore bins) = Open();
        await CommitAsync(journal, Batch(today1030, 20, 45, firstSequence: 1));
        Stored(journal, bins);
        await CommitAsync(journal, Batch(today0800, 1, 45, firstSequence: 21));
        Stored(journal, bins);

        // 14:00: the 10:30 bin is let go too. Another late vehicle for it must find all 20 from the journal.
        _time.Advance(TimeSpan.FromHours(2));
        Stored(journal, bins);
        await CommitAsync(journal, Batch(today1030 + 5_000, 1, 45, firstSequence: 22));

        // The whole local day stays in memory while it is hot: the 10:30 bin is re-emitted with all 21, and the day's
        // rollup with all 22 of the day.
        FlushSnapshot reEmitted = bins.TakeChanged();
        Bin bin = Assert.Single(reEmitted.Bins);
        Assert.Equal(21, bin.Count);
        Assert.Equal(bins.WindowStartOf(today1030), bin.Key.WindowStartMs);
        Assert.Equal(21, reEmitted.Rollups.Single(r => r.Level == RollupLevel.Hour).Bin.Count);
        Assert.Equal(22, reEmitted.Rollups.Single(r => r.Level == RollupLevel.Day).Bin.Count);
    }

    [Fact]
    public async Task LateVehicle_WhileTheFlushOfItsDayIsUnderWay_TheDayStaysWholeUntilItsRollupIsTaken()
    {
        // A day three days ago, stored and let go; a late vehicle brings it back and its rollups are taken.
        long day = Rollups.DayStart(_time.GetUtcNow().AddDays(-3).ToUnixTimeMilliseconds(), Core.Time.StockholmTime.Zone);
        (JournalWriter journal, BinStore bins) = Open();
        await CommitAsync(journal, Batch(day + 6 * 3_600_000, 10, 45, firstSequence: 1));
        await CommitAsync(journal, Batch(day + 18 * 3_600_000, 10, 45, firstSequence: 11));
        Stored(journal, bins);
        await CommitAsync(journal, Batch(day + 6 * 3_600_000 + 10_000, 1, 45, firstSequence: 21));
        FlushSnapshot taken = bins.TakeChanged();
        Assert.Equal(21, taken.Rollups.Single(r => r.Level == RollupLevel.Day).Bin.Count);

        // Another late vehicle arrives before that flush lets stored days go: the day must stay whole in memory.
        await CommitAsync(journal, Batch(day + 18 * 3_600_000 + 10_000, 1, 45, firstSequence: 22));
        Assert.True(journal.ConfirmStored(taken.Sequence));
        bins.LetGoStored();

        FlushSnapshot next = bins.TakeChanged();
        Assert.Equal(11, Assert.Single(next.Bins).Count);
        Assert.Equal(22, next.Rollups.Single(r => r.Level == RollupLevel.Day).Bin.Count);
    }

    [Fact]
    public async Task Journal_KeepsTheWholeLocalDayThatALateVehicleMayStillReach()
    {
        // Now 2026-11-25 12:00 UTC; the late horizon (7 days) reaches back to 18 November 12:00 UTC, 13:00 in Stockholm.
        // A vehicle at 08:00 that day is older than the horizon, but its day's rollup still takes vehicles from 13:00 on.
        long early = _time.GetUtcNow().AddDays(-7).AddHours(-5).ToUnixTimeMilliseconds();
        long late = _time.GetUtcNow().AddDays(-7).AddHours(2).ToUnixTimeMilliseconds();
        (JournalWriter journal, BinStore bins) = Open(segmentBytes: 1); // a segment per vehicle: retention acts on each
        await CommitAsync(journal, Batch(early, 1, 45, firstSequence: 1));
        await CommitAsync(journal, Batch(_time.GetUtcNow().AddHours(-1).ToUnixTimeMilliseconds(), 1, 45, firstSequence: 2));
        Stored(journal, bins);

        await CommitAsync(journal, Batch(late, 1, 45, firstSequence: 3));

        FlushSnapshot snapshot = bins.TakeChanged();
        Assert.Equal(2, snapshot.Rollups.Single(r => r.Level == RollupLevel.Day && r.Key.WindowStartMs < late && late - r.Key.WindowStartMs < 86_400_000).Bin.Count);
    }
}
