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
public sealed class VehiclePipelineTests : IDisposable
{
    private static readonly Site s_site = new("alafors", "Alafors", 50);
    private static readonly Unit s_unit = new() { Id = "u-1", Site = s_site };
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ale-speed-pipeline-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private VehiclePipeline Open()
    {
        var router = new UnitRouter([s_unit], _time);
        var activity = new UnitActivity([new UnitRegistration(s_unit, Transport.Mqtt, TimeSpan.FromHours(1), null, new SerialSettings())], _time);
        return VehiclePipeline.Open(_directory, 64 * 1024, long.MaxValue, TimeSpan.FromDays(7), new Binner(), router, activity, _time, NullLogger.Instance);
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

    private static async Task CommitAsync(VehiclePipeline pipeline, VehicleBatch batch)
    {
        Task commit = pipeline.CommitAsync(batch, CancellationToken.None).AsTask();
        while (!commit.IsCompleted)
        {
            Assert.True(pipeline.TryCommitPending());
            await Task.Yield();
        }

        await commit;
    }

    [Fact]
    public async Task LateVehicle_ForABinThatLeftMemory_ReEmitsTheCompleteBinFromTheJournal()
    {
        long oldWindow = _time.GetUtcNow().AddDays(-3).ToUnixTimeMilliseconds() / 300_000 * 300_000;
        using VehiclePipeline pipeline = Open();
        await CommitAsync(pipeline, Batch(oldWindow, 40, 45, firstSequence: 1));

        FlushSnapshot first = pipeline.TakeChanged();
        Bin stored = Assert.Single(first.Bins);
        Assert.Equal(40, stored.Count);
        pipeline.ConfirmStored(first.Sequence); // stored: the old bin leaves memory
        Assert.False(pipeline.Binner.TryGetBin(stored.Key, out _));

        await CommitAsync(pipeline, Batch(oldWindow + 100_000, 1, 71, firstSequence: 41));

        Bin reEmitted = Assert.Single(pipeline.TakeChanged().Bins);
        Assert.Equal(stored.Key, reEmitted.Key);
        Assert.Equal(41, reEmitted.Count);
        Assert.Equal(1, reEmitted.CountOverLimit);
        Assert.Equal(1, pipeline.LateBinsRebuilt);
    }

    [Fact]
    public async Task Restart_RebuildsUnconfirmedBinsComplete_AndRemembersWhatWasSeen()
    {
        long window = _time.GetUtcNow().AddDays(-2).ToUnixTimeMilliseconds() / 300_000 * 300_000;
        using (VehiclePipeline pipeline = Open())
        {
            await CommitAsync(pipeline, Batch(window, 30, 45, firstSequence: 1));
            pipeline.ConfirmStored(pipeline.TakeChanged().Sequence);
            await CommitAsync(pipeline, Batch(window + 60_000, 5, 45, firstSequence: 31)); // journaled, not yet stored
        }

        var router = new UnitRouter([s_unit], _time);
        var activity = new UnitActivity([new UnitRegistration(s_unit, Transport.Mqtt, TimeSpan.FromHours(1), null, new SerialSettings())], _time);
        using VehiclePipeline restarted = VehiclePipeline.Open(_directory, 64 * 1024, long.MaxValue, TimeSpan.FromDays(7), new Binner(), router, activity, _time, NullLogger.Instance);

        // The bin holding the unconfirmed vehicles comes back whole (30 stored before + 5), never as a partial 5.
        Bin rebuilt = Assert.Single(restarted.TakeChanged().Bins);
        Assert.Equal(35, rebuilt.Count);

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
        using VehiclePipeline pipeline = Open();
        await CommitAsync(pipeline, Batch(today1030, 20, 45, firstSequence: 1));
        pipeline.ConfirmStored(pipeline.TakeChanged().Sequence);
        await CommitAsync(pipeline, Batch(today0800, 1, 45, firstSequence: 21));
        pipeline.ConfirmStored(pipeline.TakeChanged().Sequence);

        // 14:00: the 10:30 bin is let go too. Another late vehicle for it must find all 20 from the journal.
        _time.Advance(TimeSpan.FromHours(2));
        pipeline.ConfirmStored(pipeline.TakeChanged().Sequence);
        await CommitAsync(pipeline, Batch(today1030 + 5_000, 1, 45, firstSequence: 22));

        // The day's missing bins come back whole (and are written again, unchanged): 10:30 with 21, 08:00 with its 1.
        List<Bin> reEmitted = pipeline.TakeChanged().Bins;
        Assert.Equal([1L, 21L], reEmitted.Select(b => b.Count).Order());
        Assert.Equal(21, reEmitted.Single(b => b.Key.WindowStartMs == pipeline.Binner.WindowStartOf(today1030)).Count);
    }
}
