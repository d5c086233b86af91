using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Devices.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Ale.Speed.Devices.Tests.Support.TestUnits;

namespace Ale.Speed.Devices.Tests.Ingestion;

/// <summary>The one read → ingest → commit loop, driven through a <see cref="Pipe"/> a piece at a time.</summary>
public sealed class IngestLoopTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RunAsync_FrameSplitAcrossReads_OneVehicleCommittedOnceWhole()
    {
        var route = new UnitRouter([Unit("c1")], TimeProvider.System).Routes.Single();
        var sink = new RecordingSink();
        var progress = new Progress();
        var pipe = new Pipe();
        Task run = new IngestLoop(route.Native, sink, TimeProvider.System, progress).RunAsync(pipe.Reader, CancellationToken.None);
        byte[] line = CanonicalLines(1, 1);

        await pipe.Writer.WriteAsync(line.AsMemory(0, 10));
        await WaitUntilAsync(() => progress.Received == 10, s_wait, () => $"10 bytes received, have {progress.Received}");
        Assert.Equal(0, sink.Count);
        await pipe.Writer.WriteAsync(line.AsMemory(10));
        await WaitUntilAsync(() => sink.Count == 1, s_wait, () => "the vehicle");
        await pipe.Writer.CompleteAsync();
        await run.WaitAsync(s_wait);

        Assert.Equal(1L, sink.Vehicles[0].Sequence);
        Assert.Equal(line.Length, progress.Received);
        Assert.Equal(line.Length, progress.Committed);
        Assert.Equal(1, route.Native.Counters.Frames);
    }

    [Fact]
    public async Task RunAsync_UnterminatedLastLine_CountedOnlyWhenTheEndIsTheEndOfTheData()
    {
        byte[] input = [.. CanonicalLines(1, 1), .. CanonicalLines(2, 1).AsSpan(0, CanonicalLines(2, 1).Length - 1)];
        foreach (bool completeAtEnd in new[] { true, false })
        {
            var route = new UnitRouter([Unit("c1")], TimeProvider.System).Routes.Single();
            var sink = new RecordingSink();
            var progress = new Progress();
            var pipe = new Pipe();
            await pipe.Writer.WriteAsync(input);
            await pipe.Writer.CompleteAsync();

            await new IngestLoop(route.Native, sink, TimeProvider.System, progress, completeAtEnd: completeAtEnd).RunAsync(pipe.Reader, CancellationToken.None);

            Assert.Equal(completeAtEnd ? [1L, 2] : [1L], sink.Vehicles.Select(v => v.Sequence));
            Assert.Equal(completeAtEnd ? input.Length : CanonicalLines(1, 1).Length, progress.Committed);
            Assert.Equal(input.Length, progress.Received);
        }
    }

    [Fact]
    public async Task RunAsync_LineQuietAfterABurst_VehicleCommittedWithoutWaitingForMoreBytes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var route = new UnitRouter([Unit("d1", FrameFormat.HlkLd2415h)], clock, new DetectorOptions { LostAfterMs = 700 }).Routes.Single();
        var sink = new RecordingSink();
        var pipe = new Pipe();
        using var stop = new CancellationTokenSource();
        Task run = new IngestLoop(route.Native, sink, clock, idleFlushInterval: TimeSpan.FromMilliseconds(250)).RunAsync(pipe.Reader, stop.Token);

        int sent = 0;
        foreach (string reading in new[] { "V+045.0", "V+048.0", "V+051.0", "V+050.0" })
        {
            await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes(reading + "\r\n"));
            sent++;
            await WaitUntilAsync(() => route.Native.Counters.Frames == sent, s_wait, () => $"reading {sent} parsed");
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(0, sink.Count);
        // No more bytes: the clock moves on in steps until the spell is longer than the detector's 700 ms.
        var deadline = Stopwatch.StartNew();
        TimeSpan quiet = TimeSpan.Zero;
        while (sink.Count == 0)
        {
            Assert.True(deadline.Elapsed < s_wait, "the vehicle after the quiet spell");
            clock.Advance(TimeSpan.FromMilliseconds(50));
            quiet += TimeSpan.FromMilliseconds(50);
            await Task.Delay(10);
        }

        Assert.True(quiet >= TimeSpan.FromMilliseconds(600), $"closed after {quiet.TotalMilliseconds} ms quiet");
        Assert.Equal(51.0, sink.Vehicles[0].SpeedKmh);
        Assert.False(run.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(s_wait));
    }

    private sealed class Progress : IIngestProgress
    {
        private long _received;
        private long _committed;

        public long Received => Interlocked.Read(ref _received);

        public long Committed => Interlocked.Read(ref _committed);

        void IIngestProgress.Received(long bytes) => Interlocked.Add(ref _received, bytes);

        void IIngestProgress.Committed(long consumedBytes) => Interlocked.Exchange(ref _committed, consumedBytes);
    }
}
