using System.Buffers;
using System.IO.Pipelines;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Ingest;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Ingestion;
using BenchmarkDotNet.Attributes;

namespace Ale.Speed.Benchmarks;

/// <summary>
/// What the one read → ingest → commit loop (<see cref="IngestLoop"/> on a <see cref="PipeReader"/>) costs on top of
/// calling <see cref="UnitIngest.Ingest"/> per read directly: the same canonical frames, read for read as a serial line
/// delivers them, <see cref="BenchmarkInputs.FramesPerFormat"/> frames per invocation, so every figure is per frame.
/// </summary>
[MemoryDiagnoser]
public class IngestLoopBenchmarks
{
    private BenchmarkInput _input = null!;
    private (int Start, int Length, long ArrivalMs, int Segment)[] _reads = [];
    private UnitIngest[] _ingests = [];
    private IngestLoop[] _loops = [];
    private ReadsStream[] _streams = [];
    private readonly CountingSink _sink = new();
    private FixedTimeProvider _clock = null!;

    [GlobalSetup]
    public void Setup()
    {
        _input = BenchmarkInputs.Create(FrameFormat.Canonical);
        _reads = PipelineBenchmarks.ReadsOf(_input);
        _clock = new FixedTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(_input.LineArrivalMs[^1]).AddDays(1));
        Unit[] units = [.. _input.Segments.Select(s => new Unit
        {
            Id = "bench-" + s.SiteId,
            Site = new Site(s.SiteId, s.SiteId, s.SpeedLimitKmh),
            Format = FrameFormat.Canonical,
            Directions = s.Directions,
        })];
        _ingests = [.. units.Select(u => new UnitIngest(u, FrameParsers.Create(FrameFormat.Canonical), _clock))];
        _loops = [.. _ingests.Select(i => new IngestLoop(i, _sink, _clock))];
        _streams = [.. Enumerable.Range(0, units.Length).Select(s => new ReadsStream(_input.Bytes, [.. _reads.Where(r => r.Segment == s).Select(r => (r.Start, r.Length))]))];

        long direct = Direct();
        long loop = Loop();
        if (direct != _input.ExpectedVehicles || loop != direct)
        {
            throw new InvalidOperationException($"direct {direct}, loop {loop} vehicles; expected {_input.ExpectedVehicles}.");
        }
    }

    /// <summary>Every read handed to <see cref="UnitIngest.Ingest"/> as it arrived, no loop around it.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = BenchmarkInputs.FramesPerFormat)]
    public long Direct()
    {
        Reset();
        byte[] bytes = _input.Bytes;
        long arrivalMs = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach ((int start, int length, _, int segment) in _reads)
        {
            _ingests[segment].Ingest(new ReadOnlySequence<byte>(bytes, start, length), arrivalMs, _sink);
        }

        foreach (UnitIngest ingest in _ingests)
        {
            ingest.Complete(_sink);
        }

        return _sink.Vehicles;
    }

    /// <summary>The same reads through a <see cref="PipeReader"/> and the loop, each read's batch committed before the next.</summary>
    [Benchmark(OperationsPerInvoke = BenchmarkInputs.FramesPerFormat)]
    public long Loop()
    {
        Reset();
        for (int s = 0; s < _loops.Length; s++)
        {
            _streams[s].Rewind();
            PipeReader reader = PipeReader.Create(_streams[s], new StreamPipeReaderOptions(bufferSize: 4096, leaveOpen: true));
            // Every read completes synchronously here, so does the loop.
            _loops[s].RunAsync(reader, CancellationToken.None).GetAwaiter().GetResult();
        }

        return _sink.Vehicles;
    }

    private void Reset()
    {
        _sink.Vehicles = 0;
        foreach (UnitIngest ingest in _ingests)
        {
            ingest.Reset();
        }
    }

    private sealed class CountingSink : IVehicleSink, IDurableVehicleSink
    {
        public long Vehicles { get; set; }

        public void Accept(in Vehicle vehicle) => Vehicles++;

        public ValueTask CommitAsync(VehicleBatch batch, CancellationToken cancellationToken)
        {
            Vehicles += batch.Count;
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A serial line in memory: each read returns one recorded read's bytes (or what fits), synchronously.</summary>
    private sealed class ReadsStream(byte[] bytes, (int Start, int Length)[] reads) : Stream
    {
        private int _next;
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Rewind() => (_next, _offset) = (0, 0);

        public override int Read(Span<byte> buffer)
        {
            if (_next == reads.Length)
            {
                return 0;
            }

            (int start, int length) = reads[_next];
            int count = Math.Min(buffer.Length, length - _offset);
            bytes.AsSpan(start + _offset, count).CopyTo(buffer);
            _offset += count;
            if (_offset == length)
            {
                (_next, _offset) = (_next + 1, 0);
            }

            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
