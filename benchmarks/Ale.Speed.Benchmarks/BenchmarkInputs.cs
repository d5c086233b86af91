using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Simulation;

namespace Ale.Speed.Benchmarks;

/// <summary>One unit's stream inside a <see cref="BenchmarkInput"/>.</summary>
/// <param name="Start">Byte offset of the segment in <see cref="BenchmarkInput.Bytes"/>.</param>
/// <param name="FirstLine">Index of its first line in <see cref="BenchmarkInput.LineArrivalMs"/>.</param>
/// <param name="ExpectedVehicles">Vehicles a correct pipeline finds in it (records, or bursts after the radar's merging).</param>
public sealed record UnitSegment(
    string SiteId,
    int SpeedLimitKmh,
    SpeedUnit SpeedUnit,
    DirectionSelection Directions,
    int Start,
    int Length,
    int FirstLine,
    int LineCount,
    int ExpectedVehicles);

/// <summary>Generated frames of one format: several units' streams back to back, each line with its arrival time.</summary>
public sealed class BenchmarkInput
{
    internal BenchmarkInput(FrameFormat format, byte[] bytes, long[] lineArrivalMs, UnitSegment[] segments, int simulatedVehicles)
    {
        Format = format;
        Bytes = bytes;
        LineArrivalMs = lineArrivalMs;
        Segments = segments;
        SimulatedVehicles = simulatedVehicles;
    }

    public FrameFormat Format { get; }

    public byte[] Bytes { get; }

    /// <summary>Arrival time (Unix ms UTC) of every line, in order; formats without timestamps are stamped with it.</summary>
    public long[] LineArrivalMs { get; }

    public IReadOnlyList<UnitSegment> Segments { get; }

    public int FrameCount => LineArrivalMs.Length;

    public int ExpectedVehicles => Segments.Sum(s => s.ExpectedVehicles);

    /// <summary>Vehicles the simulator sent past the units in the streams' time spans (merged bursts count each).</summary>
    public int SimulatedVehicles { get; }
}

/// <summary>
/// Realistic frames per format from the traffic simulator: three Ale sites (a 50 main road, a 40 town centre, a 30
/// village street) from Monday 23 November 2026, each unit's stream cut to an equal share of the frames.
/// </summary>
public static class BenchmarkInputs
{
    /// <summary>Frames per format; benchmarks divide by it (OperationsPerInvoke), so results read per frame.</summary>
    public const int FramesPerFormat = 90_000;

    private const long DayMs = 24 * 3_600_000L;

    private static readonly SiteProfile[] s_sites = [AleSites.NodingeGoteborgsvagen, AleSites.AlvangenCentrum, AleSites.SkepplandaByvagen];

    // ICOMS units are configured per installation; mix the message types as a real fleet would.
    private static readonly IcomsMessageType[] s_icomsTypes = [IcomsMessageType.Type1, IcomsMessageType.Type2, IcomsMessageType.Type6];

    public static BenchmarkInput Create(FrameFormat format, int frames = FramesPerFormat, ulong seed = 2026)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, s_sites.Length);
        long startMs = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.FromHours(1)).ToUnixTimeMilliseconds();
        var bytes = new List<byte>();
        var arrivals = new List<long>();
        var segments = new List<UnitSegment>();
        int simulated = 0;
        for (int i = 0; i < s_sites.Length; i++)
        {
            SiteProfile site = s_sites[i];
            int lines = (frames / s_sites.Length) + (i < frames % s_sites.Length ? 1 : 0);
            FrameEncoder encoder = FrameEncoder.Create(format, new FrameEncoderOptions { IcomsMessageType = s_icomsTypes[i], Seed = seed + (ulong)i });
            var simulator = new TrafficSimulator(site, seed);

            // Simulate more days until the unit has sent enough lines, then cut at exactly that many.
            List<SimulatedVehicle> vehicles;
            EncodedFrames encoded;
            long days = 1;
            while (true)
            {
                vehicles = [.. simulator.Simulate(startMs, days * DayMs)];
                encoded = encoder.EncodeAll(vehicles);
                if (encoded.LineCount >= lines)
                {
                    break;
                }

                days *= 2;
            }

            EncodedFrames cut = encoded.Take(lines);
            simulated += cut.Targets.Sum(t => t.VehicleCount);
            segments.Add(new UnitSegment(
                site.SiteId,
                site.SpeedLimitKmh,
                encoder.SpeedUnit,
                DirectionSelection.Both,
                bytes.Count,
                cut.Bytes.Length,
                arrivals.Count,
                cut.LineCount,
                cut.Targets.Count));
            bytes.AddRange(cut.Bytes);
            arrivals.AddRange(cut.LineArrivalMs);
        }

        return new BenchmarkInput(format, [.. bytes], [.. arrivals], [.. segments], simulated);
    }
}
