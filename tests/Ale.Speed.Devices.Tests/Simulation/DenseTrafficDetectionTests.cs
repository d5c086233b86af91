using System.Buffers;
using System.Globalization;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Ingest;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Simulation;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Ale.Speed.Devices.Tests.Simulation;

/// <summary>
/// Dense traffic through a Doppler unit's beam (vehicles overlapping in it), read by the real parser, detector and
/// filter: the count and V85 found against the test's own count and V85 of the simulated vehicles. The table in
/// docs/vehicle-detection.md comes from <see cref="Table_CountAndV85Bias_ByFlow"/>.
/// </summary>
public sealed class DenseTrafficDetectionTests(ITestOutputHelper output)
{
    private const int LimitKmh = 50;
    private const long StartMs = 1_780_000_000_000; // 2026-05-28
    private const long HourMs = 3_600_000;

    /// <summary>One hour of one direction at <paramref name="flow"/> vehicles/h: (true count, found count, true V85, found V85).</summary>
    internal static Trial Run(FrameFormat format, double flow, ulong seed, int targets = 1, double beamMetres = 15)
    {
        SimulatedVehicle[] vehicles = [.. SteadyTraffic.AtFlow(seed, flow, StartMs, HourMs, LimitKmh)];
        FrameEncoder encoder = FrameEncoder.Create(format, new FrameEncoderOptions { Seed = seed, Beam = new BeamOptions { LengthMetres = beamMetres, Targets = targets } });
        var unit = new Unit { Id = "u", Site = new Site("s", "S", LimitKmh), Format = format, SpeedUnit = encoder.SpeedUnit };
        // The unit's beam length is configured, as it is for a real unit.
        var ingest = new UnitIngest(unit, FrameParsers.Create(format, encoder.SpeedUnit), new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(StartMs + (2 * HourMs))),
            new DetectorOptions { BeamLengthMetres = beamMetres });
        var found = new SpeedSink();
        foreach (FrameChunk chunk in encoder.Encode(vehicles))
        {
            ingest.Ingest(new ReadOnlySequence<byte>(chunk.Bytes), chunk.ArrivalMs, found);
        }

        ingest.Complete(found);
        return new Trial(vehicles.Length, found.Speeds.Count, V85([.. vehicles.Select(v => v.SpeedKmh)]), V85([.. found.Speeds]), ingest.Counters);
    }

    /// <summary>The 0.85 quantile, linear between order statistics.</summary>
    private static double V85(double[] speeds)
    {
        Array.Sort(speeds);
        double position = 0.85 * (speeds.Length - 1);
        int below = (int)position;
        return below + 1 < speeds.Length ? speeds[below] + ((position - below) * (speeds[below + 1] - speeds[below])) : speeds[below];
    }

    internal readonly record struct Trial(int TrueCount, int FoundCount, double TrueV85, double FoundV85, IngestCounters Counters)
    {
        public double CountRatio => FoundCount / (double)TrueCount;

        public double V85Bias => FoundV85 - TrueV85;
    }

    private sealed class SpeedSink : IVehicleSink
    {
        public List<double> Speeds { get; } = [];

        public void Accept(in Vehicle vehicle) => Speeds.Add(vehicle.SpeedKmh);
    }

    public static TheoryData<FrameFormat, int> Units => new()
    {
        { FrameFormat.Ops243Csv, 1 },
        { FrameFormat.Ops243Csv, 4 },
        { FrameFormat.Ops243Plain, 1 },
        { FrameFormat.HlkLd2415h, 1 },
    };

    /// <summary>The goal, for units that report signal strength (single- or multi-target OPS243 with <c>OM</c>).</summary>
    [Theory]
    [InlineData(FrameFormat.Ops243Csv, 1)]
    [InlineData(FrameFormat.Ops243Csv, 4)]
    public void At600PerHour_CountWithin5PerCent_V85Within1Kmh_OverSeeds(FrameFormat format, int targets)
    {
        for (ulong seed = 1; seed <= 5; seed++)
        {
            Trial trial = Run(format, 600, seed, targets);
            output.WriteLine($"seed {seed}: {trial.FoundCount}/{trial.TrueCount} ({trial.CountRatio:P1}), V85 {trial.FoundV85:F2} vs {trial.TrueV85:F2}");
            Assert.InRange(trial.CountRatio, 0.95, 1.05);
            Assert.InRange(trial.V85Bias, -1.0, 1.0);
        }
    }

    /// <summary>Units without signal strength can only split on speed and burst length: within 10 % at 600/h.</summary>
    [Theory]
    [InlineData(FrameFormat.Ops243Plain)]
    [InlineData(FrameFormat.HlkLd2415h)]
    public void At600PerHour_SpeedOnlyUnits_CountWithin10PerCent_V85Within1Kmh(FrameFormat format)
    {
        for (ulong seed = 1; seed <= 5; seed++)
        {
            Trial trial = Run(format, 600, seed);
            output.WriteLine($"seed {seed}: {trial.FoundCount}/{trial.TrueCount} ({trial.CountRatio:P1}), V85 {trial.FoundV85:F2} vs {trial.TrueV85:F2}");
            Assert.InRange(trial.CountRatio, 0.90, 1.05);
            Assert.InRange(trial.V85Bias, -1.0, 1.0);
        }
    }

    [Fact]
    public void HighFlowHours_AreFlaggedPerUnit()
    {
        Assert.Equal(0, Run(FrameFormat.Ops243Csv, 300, seed: 1).Counters.HighFlowHours);
        Assert.True(Run(FrameFormat.Ops243Csv, 1200, seed: 1).Counters.HighFlowHours >= 1);
    }

    [Fact]
    public void Table_CountAndV85Bias_ByFlow()
    {
        const int Seeds = 5;
        output.WriteLine("| unit (format, targets per frame) | flow /h | count found | V85 bias (km/h) | split bursts per 100 vehicles |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (object[] row in Units)
        {
            var format = (FrameFormat)row[0];
            int targets = (int)row[1];
            foreach (double flow in new[] { 100.0, 600, 1200 })
            {
                double ratio = 0, bias = 0, splits = 0;
                for (ulong seed = 1; seed <= Seeds; seed++)
                {
                    Trial trial = Run(format, flow, seed, targets);
                    ratio += trial.CountRatio / Seeds;
                    bias += trial.V85Bias / Seeds;
                    splits += 100.0 * trial.Counters.SplitBursts / trial.FoundCount / Seeds;
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {FrameParsers.NameOf(format)}, {targets} | {flow:0} | {ratio:P1} | {bias:+0.00;-0.00} | {splits:0.0} |"));
            }
        }
    }
}
