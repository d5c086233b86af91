using Ale.Speed.Benchmarks;
using Ale.Speed.Core.Frames;

namespace Ale.Speed.Devices.Tests.Simulation;

/// <summary>The benchmarks' baseline counts exactly the vehicles the simulated units sent, so it does honest work.</summary>
public sealed class NaiveBaselineTests
{
    /// <summary>The formats the naive baseline knows; the import formats (TMA-3B3 logs, CSV) have no benchmark.</summary>
    public static TheoryData<FrameFormat> Formats => new(Enum.GetValues<FrameFormat>().Where(f => f is not (FrameFormat.IcomsTma3b3 or FrameFormat.Csv)));

    [Theory]
    [MemberData(nameof(Formats))]
    public void Run_SmallInput_FindsEveryVehicleTheUnitsSent(FrameFormat format)
    {
        BenchmarkInput input = BenchmarkInputs.Create(format, frames: 6_000);

        PipelineResult result = NaivePipeline.Run(input);

        Assert.Equal(6_000, input.FrameCount);
        Assert.Equal(input.ExpectedVehicles, result.Vehicles);
        Assert.Equal(0, result.Rejected);
        Assert.True(result.Bins > 3);
        Assert.True(result.V85Checksum > 20 * result.Bins);
    }

    [Theory]
    [InlineData(FrameFormat.Canonical)]
    [InlineData(FrameFormat.IcomsTma296)]
    public void Run_PerVehicleFormat_OneVehiclePerFrameAsSimulated(FrameFormat format)
    {
        BenchmarkInput input = BenchmarkInputs.Create(format, frames: 6_000);

        PipelineResult result = NaivePipeline.Run(input);

        Assert.Equal(input.SimulatedVehicles, result.Vehicles);
        Assert.Equal(input.FrameCount, result.Vehicles);
    }

    [Theory]
    [InlineData(FrameFormat.Ops243Plain)]
    [InlineData(FrameFormat.HoustonDr500)]
    public void Run_BurstFormat_FewerVehiclesThanSimulatedOnlyByMergedBursts(FrameFormat format)
    {
        BenchmarkInput input = BenchmarkInputs.Create(format, frames: 6_000);

        PipelineResult result = NaivePipeline.Run(input);

        Assert.InRange(result.Vehicles, 0.7 * input.SimulatedVehicles, input.SimulatedVehicles);
    }

    [Fact]
    public void Benchmarks_FullSizeInput_FramingCountsEveryFrameAndNaiveEveryVehicle()
    {
        var benchmarks = new Ops243PlainPipelineBenchmarks();
        benchmarks.Setup();

        Assert.Equal(BenchmarkInputs.FramesPerFormat, benchmarks.FramingOnly());
        Assert.True(benchmarks.Naive().Vehicles > BenchmarkInputs.FramesPerFormat / 15);
    }
}
