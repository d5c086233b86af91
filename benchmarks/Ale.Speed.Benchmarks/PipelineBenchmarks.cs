using System.Buffers;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Ingest;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Statistics;
using Ale.Speed.Core.Vehicles;
using BenchmarkDotNet.Attributes;

namespace Ale.Speed.Benchmarks;

/// <summary>
/// Bytes of one format to V85 per bin, <see cref="BenchmarkInputs.FramesPerFormat"/> frames per invocation, so every
/// figure is per frame. <see cref="Naive"/> is the baseline; <see cref="FramingOnly"/> is the floor (finding line ends).
/// </summary>
[MemoryDiagnoser]
public abstract class PipelineBenchmarks
{
    protected abstract FrameFormat Format { get; }

    protected BenchmarkInput Input { get; private set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        Input = BenchmarkInputs.Create(Format);

        // The baseline must do honest work: every vehicle found, none lost to a parsing shortcut.
        PipelineResult result = NaivePipeline.Run(Input);
        if (result.Vehicles != Input.ExpectedVehicles || result.Rejected != 0)
        {
            throw new InvalidOperationException(
                $"{Format}: the naive baseline found {result.Vehicles} vehicles ({result.Rejected} rejected), expected {Input.ExpectedVehicles}.");
        }

        _reads = ReadsOf(Input);
        _units = [.. Input.Segments.Select(s => new Unit
        {
            Id = "bench-" + s.SiteId,
            Site = new Site(s.SiteId, s.SiteId, s.SpeedLimitKmh),
            Format = Format,
            SpeedUnit = s.SpeedUnit,
            Directions = s.Directions,
        })];

        // And so must the project's path: at least the bursts, except a unit's last burst when the cut at exactly
        // FramesPerFormat lines left fewer of its readings than the detector needs (the simulator sends 4 to 15 per
        // burst, so such a burst exists only because of the cut; the baseline has no minimum and counts it), and at
        // most the vehicles behind them (the detector splits some bursts the radar merged).
        PrepareIngest();
        PipelineResult ours = Pipeline();
        int expected = Input.ExpectedVehicles - BurstsCutShort();
        if (ours.Vehicles < expected || ours.Vehicles > Input.SimulatedVehicles || ours.Rejected != 0)
        {
            throw new InvalidOperationException(
                $"{Format}: the pipeline found {ours.Vehicles} vehicles ({ours.Rejected} rejected), expected {expected} to {Input.SimulatedVehicles} "
                + $"({Input.ExpectedVehicles} bursts sent, {Input.ExpectedVehicles - expected} cut short by the end of the input).");
        }
    }

    /// <summary>
    /// Units whose stream ends in a burst of fewer than <see cref="DetectorOptions.MinReadings"/> lines, counting back
    /// from the last line while the gaps stay within <see cref="DetectorOptions.LostAfterMs"/>. Errs only towards
    /// counting a burst as whole (a direction change or a DR500 <c>000</c> is not looked at), so it can make the check
    /// above fail, never pass wrongly.
    /// </summary>
    private int BurstsCutShort()
    {
        if (FrameParsers.Create(Format, Input.Segments[0].SpeedUnit).ReportsVehicles)
        {
            return 0;
        }

        DetectorOptions detector = DetectorOptions.Default;
        int cut = 0;
        foreach (UnitSegment segment in Input.Segments)
        {
            int last = segment.FirstLine + segment.LineCount - 1;
            int lines = 1;
            while (last - lines >= segment.FirstLine
                   && Input.LineArrivalMs[last - lines + 1] - Input.LineArrivalMs[last - lines] <= detector.LostAfterMs)
            {
                lines++;
            }

            if (lines < detector.MinReadings)
            {
                cut++;
            }
        }

        return cut;
    }

    // Per read: where its bytes are and when they arrived. A serial line delivers a frame per read at these rates; frames
    // that arrived together (same millisecond) are one read.
    private (int Start, int Length, long ArrivalMs, int Segment)[] _reads = [];
    private Unit[] _units = [];
    private UnitIngest[] _ingests = [];
    private Binner _binner = null!;

    internal static (int Start, int Length, long ArrivalMs, int Segment)[] ReadsOf(BenchmarkInput input)
    {
        var reads = new List<(int, int, long, int)>();
        for (int s = 0; s < input.Segments.Count; s++)
        {
            UnitSegment segment = input.Segments[s];
            int position = segment.Start;
            int end = segment.Start + segment.Length;
            int line = segment.FirstLine;
            while (position < end)
            {
                int readStart = position;
                long arrival = input.LineArrivalMs[line];
                while (position < end && input.LineArrivalMs[line] == arrival)
                {
                    position += input.Bytes.AsSpan(position, end - position).IndexOf((byte)'\n') + 1;
                    line++;
                }

                reads.Add((readStart, position - readStart, arrival, s));
            }
        }

        return [.. reads];
    }

    private void PrepareIngest()
    {
        var clock = new FixedTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(Input.LineArrivalMs[^1]).AddDays(1));
        _ingests = [.. _units.Select(u => new UnitIngest(u, FrameParsers.Create(Format, u.SpeedUnit), clock))];
        _binner = new Binner();
    }

    /// <summary>The project's path: bytes → frames → vehicles (detector for streaming formats) → filters → bins → V85 per bin.</summary>
    [Benchmark(OperationsPerInvoke = BenchmarkInputs.FramesPerFormat)]
    public PipelineResult Pipeline()
    {
        // Every invocation starts from a new unit's state (nothing remembered, no bins); the reset reuses memory, as
        // the worker reuses bins it has let go of, so only the path itself is measured.
        Binner binner = _binner;
        binner.Clear();
        foreach (UnitIngest ingest in _ingests)
        {
            ingest.Reset();
        }

        byte[] bytes = Input.Bytes;
        foreach ((int start, int length, long arrivalMs, int segment) in _reads)
        {
            _ingests[segment].Ingest(new ReadOnlySequence<byte>(bytes, start, length), arrivalMs, binner);
        }

        int vehicles = 0;
        int rejected = 0;
        foreach (UnitIngest ingest in _ingests)
        {
            ingest.Complete(binner);
            vehicles += (int)ingest.Counters.VehiclesAccepted;
            rejected += (int)ingest.Counters.TotalRejects;
        }

        double checksum = 0;
        foreach (Bin bin in binner.Bins.Values)
        {
            checksum += SpeedStatistics.V85(bin);
        }

        return new PipelineResult(vehicles, rejected, binner.Bins.Count, checksum);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = BenchmarkInputs.FramesPerFormat)]
    public PipelineResult Naive() => NaivePipeline.Run(Input);

    [Benchmark(OperationsPerInvoke = BenchmarkInputs.FramesPerFormat)]
    public int FramingOnly()
    {
        ReadOnlySpan<byte> rest = Input.Bytes;
        int lines = 0;
        int end;
        while ((end = rest.IndexOf((byte)'\n')) >= 0)
        {
            lines++;
            rest = rest[(end + 1)..];
        }

        return lines;
    }
}

/// <summary>A clock that stands still: the filters compare timestamps with "now".</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

// One class per format so results group by format and each gets its own Ratio column.

public class CanonicalPipelineBenchmarks : PipelineBenchmarks
{
    protected override FrameFormat Format => FrameFormat.Canonical;
}

public class Ops243PipelineBenchmarks : PipelineBenchmarks
{
    protected override FrameFormat Format => FrameFormat.Ops243;
}

public class Ops243PlainPipelineBenchmarks : PipelineBenchmarks
{
    protected override FrameFormat Format => FrameFormat.Ops243Plain;
}

public class Ops243JsonPipelineBenchmarks : PipelineBenchmarks
{
    protected override FrameFormat Format => FrameFormat.Ops243Json;
}

public class Ops243CsvPipelineBenchmarks : PipelineBenchmarks
{
    protected override FrameFormat Format => FrameFormat.Ops243Csv;
}

public class IcomsTma296PipelineBenchmarks : PipelineBenchmarks
{
    protected override FrameFormat Format => FrameFormat.IcomsTma296;
}

public class HoustonDr500PipelineBenchmarks : PipelineBenchmarks
{
    protected override FrameFormat Format => FrameFormat.HoustonDr500;
}

public class HlkLd2415hPipelineBenchmarks : PipelineBenchmarks
{
    protected override FrameFormat Format => FrameFormat.HlkLd2415h;
}
