using Ale.Speed.Core.Frames;
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

// One class per format so results group by format and each gets its own Ratio column.
// Pipeline: the lead developer adds, in each class below, the project's path once Core's parsers, detector and binner
// are merged:
//     [Benchmark(OperationsPerInvoke = BenchmarkInputs.FramesPerFormat)]
//     public PipelineResult Pipeline() => ...;

public class CanonicalPipelineBenchmarks : PipelineBenchmarks
{
    protected override FrameFormat Format => FrameFormat.Canonical;
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
