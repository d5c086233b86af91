using System.Buffers;
using System.Text;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Ingest;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Tests.Support;
using Ale.Speed.Core.Vehicles;
using Microsoft.Extensions.Time.Testing;

namespace Ale.Speed.Core.Tests.Ingest;

public sealed class UnitIngestTests
{
    private const long T0 = 1_750_000_000_000;
    private static readonly Unit s_unit = new() { Id = "u1", Site = new Site("s1", "Road", 50), MinPlausibleKmh = 5, MaxPlausibleKmh = 200 };

    private sealed class ListSink : IVehicleSink
    {
        public List<Vehicle> Vehicles { get; } = [];

        public void Accept(in Vehicle vehicle) => Vehicles.Add(vehicle);
    }

    private static UnitIngest Make(bool reportsVehicles, Unit? unit = null, DetectorOptions? detector = null)
        => new(unit ?? s_unit, new TestLineParser(reportsVehicles), new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(T0)), detector);

    private static ReadOnlySequence<byte> Bytes(string text) => Sequences.OneSegment(Encoding.ASCII.GetBytes(text));

    [Fact]
    public void Ingest_StreamingUnit_BurstsBecomeVehiclesAtArrivalTimes()
    {
        UnitIngest ingest = Make(reportsVehicles: false);
        var sink = new ListSink();
        ingest.Ingest(Bytes("42,in\n"), T0, sink);
        ingest.Ingest(Bytes("47.5,in\n"), T0 + 100, sink);
        ingest.Ingest(Bytes("45,in\n"), T0 + 200, sink);
        Assert.Empty(sink.Vehicles);
        ingest.Ingest(Bytes("-\n"), T0 + 300, sink); // no target: the burst is over

        Vehicle v = Assert.Single(sink.Vehicles);
        Assert.Equal((T0, 47.5, 200, 3, Direction.Approaching), (v.TimestampMs, v.SpeedKmh, v.DurationMs, v.ReadingCount, v.Direction));
        Assert.Equal(4, ingest.Counters.Frames);
        Assert.Equal(3, ingest.Counters.Readings);
        Assert.Equal(1, ingest.Counters.NoTargetFrames);
        Assert.Equal(1, ingest.Counters.VehiclesAccepted);
    }

    [Fact]
    public void Ingest_Ops243CaptureWithRangeReportsAndSettingsAnswers_CountsThemApartAndFindsTheVehicle()
    {
        // An OPS243-C's interleaved stream: a settings answer, range reports between speed reports, product information.
        var ingest = new UnitIngest(s_unit, FrameParsers.Create(FrameFormat.Ops243, SpeedUnit.KilometresPerHour),
            new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(T0)));
        var sink = new ListSink();
        string[] lines =
        [
            """{"PowerMode" : "Idle or Pulse"}""",
            """{"time" : "104.438", "unit" : "m", "magnitude" : "10874", "range" : "12.1"}""",
            """{"time" : "105.122", "unit" : "mps", "magnitude" : "230", "speed" : "11.0"}""",
            "94.816,\"m\",10927,11.9",
            """{"time" : "105.190", "unit" : "mps", "magnitude" : "683", "speed" : "11.5"}""",
            "\"m\",11.7",
            "105.258,\"mps\",77,11.2",
            """{"Product" : "OPS243-C"}""",
        ];
        for (int i = 0; i < lines.Length; i++)
        {
            ingest.Ingest(Bytes(lines[i] + "\n"), T0 + (i * 50), sink);
        }

        ingest.Complete(sink);

        Vehicle vehicle = Assert.Single(sink.Vehicles);
        Assert.Equal(11.5 * 3.6, vehicle.SpeedKmh, 9);
        Assert.Equal(3, vehicle.ReadingCount);
        Assert.Equal((8L, 3L, 2L, 3L, 0L), (ingest.Counters.Frames, ingest.Counters.RangeReports, ingest.Counters.DeviceMessages, ingest.Counters.Readings, ingest.Counters.TotalRejects));
    }

    [Fact]
    public void Ingest_FrameTimestamps_WinOverArrivalTime()
    {
        UnitIngest ingest = Make(reportsVehicles: false);
        var sink = new ListSink();
        // All three lines arrive together, but carry their own times 500 ms apart, then a 900 ms gap.
        ingest.Ingest(Bytes($"50,in,{T0 - 10_000}\n51,in,{T0 - 9_500}\n60,in,{T0 - 8_600}\n61,in,{T0 - 8_500}\n"), T0, sink);
        ingest.Complete(sink);

        Assert.Equal(2, sink.Vehicles.Count);
        Assert.Equal((T0 - 10_000, 51.0), (sink.Vehicles[0].TimestampMs, sink.Vehicles[0].SpeedKmh));
        Assert.Equal((T0 - 8_600, 61.0), (sink.Vehicles[1].TimestampMs, sink.Vehicles[1].SpeedKmh));
    }

    [Fact]
    public void Ingest_PerVehicleFormat_SkipsDetectorAndFilters()
    {
        UnitIngest ingest = Make(reportsVehicles: true, unit: new Unit { Id = "u", Site = new Site("s", "S", 50), Directions = DirectionSelection.ApproachingOnly });
        var sink = new ListSink();
        ingest.Ingest(Bytes($"52.345,in,{T0 - 1000},7\n52,in,{T0 - 900},7\n48,out,{T0 - 800}\n300,in\n33,in\n"), T0 + 5, sink);

        Assert.Null(ingest.Detector);
        Assert.Equal(2, sink.Vehicles.Count);
        Assert.Equal((T0 - 1000, 52.35, 7L, 1), (sink.Vehicles[0].TimestampMs, sink.Vehicles[0].SpeedKmh, sink.Vehicles[0].Sequence, sink.Vehicles[0].ReadingCount));
        Assert.Equal((T0 + 5, 33.0), (sink.Vehicles[1].TimestampMs, sink.Vehicles[1].SpeedKmh)); // no frame time: arrival time
        Assert.Equal(1, ingest.Counters.RejectCount(RejectReason.Duplicate));
        Assert.Equal(1, ingest.Counters.RejectCount(RejectReason.DirectionExcluded));
        Assert.Equal(1, ingest.Counters.RejectCount(RejectReason.SpeedOutOfRange));
        Assert.Equal(5, ingest.Counters.Vehicles);
        Assert.Equal(2, ingest.Counters.VehiclesAccepted);
    }

    [Fact]
    public void Ingest_MalformedFrames_CountedByReasonAndSkipped()
    {
        UnitIngest ingest = Make(reportsVehicles: true);
        var sink = new ListSink();
        ingest.Ingest(Bytes("abc\n50,sideways\n" + new string('9', 80) + "\n50,in\n"), T0, sink);

        Assert.Single(sink.Vehicles);
        Assert.Equal(1, ingest.Counters.RejectCount(RejectReason.InvalidNumber));
        Assert.Equal(1, ingest.Counters.RejectCount(RejectReason.InvalidDirection));
        Assert.Equal(1, ingest.Counters.RejectCount(RejectReason.FrameTooLong));
        Assert.Equal(3, ingest.Counters.TotalRejects);
        Assert.Equal(0, ingest.Counters.Rejects[(int)RejectReason.None]);
        Assert.Equal(4, ingest.Counters.Frames);
    }

    [Fact]
    public void Ingest_PartialLine_ReturnsPositionBeforeIt()
    {
        UnitIngest ingest = Make(reportsVehicles: true);
        var sink = new ListSink();
        byte[] bytes = Encoding.ASCII.GetBytes("50,in\n51,in\n52,i");
        ReadOnlySequence<byte> buffer = Sequences.SegmentPerByte(bytes);

        SequencePosition stop = ingest.Ingest(buffer, T0, sink);

        Assert.Equal(12, buffer.Slice(0, stop).Length);
        Assert.Equal(2, sink.Vehicles.Count);

        // The caller keeps the unconsumed rest and retries with more bytes.
        byte[] rest = [.. buffer.Slice(stop).ToArray(), .. "n\n"u8.ToArray()];
        ReadOnlySequence<byte> next = Sequences.OneSegment(rest);
        SequencePosition end = ingest.Ingest(next, T0 + 1, sink);
        Assert.Equal(rest.Length, next.Slice(0, end).Length);
        Assert.Equal(52.0, sink.Vehicles[^1].SpeedKmh);
    }

    [Fact]
    public void Ingest_FinalBlockWithoutLineEnd_ParsesLastLine()
    {
        UnitIngest ingest = Make(reportsVehicles: true);
        var sink = new ListSink();
        ingest.Ingest(Sequences.SplitAt("50,in\n51,in"u8, 3, 8), T0, sink, isFinalBlock: true);
        Assert.Equal(2, sink.Vehicles.Count);
    }

    [Fact]
    public void FlushIdle_QuietLine_ClosesBurstOnlyAfterLostAfter()
    {
        UnitIngest ingest = Make(reportsVehicles: false);
        var sink = new ListSink();
        ingest.Ingest(Bytes("50,in\n"), T0, sink);
        ingest.Ingest(Bytes("55,in\n"), T0 + 100, sink);

        ingest.FlushIdle(T0 + 800, sink);
        Assert.Empty(sink.Vehicles);
        ingest.FlushIdle(T0 + 801, sink);
        Assert.Equal(55.0, Assert.Single(sink.Vehicles).SpeedKmh);
    }

    [Fact]
    public void Complete_LoneReading_CountsNoise()
    {
        UnitIngest ingest = Make(reportsVehicles: false);
        var sink = new ListSink();
        ingest.Ingest(Bytes("50,in\n"), T0, sink);
        ingest.Complete(sink);
        Assert.Empty(sink.Vehicles);
        Assert.Equal(1, ingest.Counters.NoiseReadings);
        Assert.Equal(0, ingest.Counters.Vehicles);
    }

    [Fact]
    public void Ingest_MultiTargetFrames_TrackEachTarget()
    {
        UnitIngest ingest = Make(reportsVehicles: false);
        var sink = new ListSink();
        ingest.Ingest(Bytes("50,in;30,out\n"), T0, sink);
        ingest.Ingest(Bytes("31,out;52,in\n"), T0 + 100, sink);
        ingest.Complete(sink);

        Assert.Equal([(Direction.Approaching, 52.0), (Direction.Receding, 31.0)], sink.Vehicles.Select(v => (v.Direction, v.SpeedKmh)));
        Assert.Equal(4, ingest.Counters.Readings);
        Assert.Equal(0, ingest.Counters.UntrackedReadings);
    }

    [Fact]
    public void Ingest_CosineCorrection_AppliedBeforeSink()
    {
        var unit = new Unit { Id = "u", Site = new Site("s", "S", 50), MountingAngleDegrees = 25 };
        UnitIngest ingest = Make(reportsVehicles: true, unit: unit);
        var sink = new ListSink();
        ingest.Ingest(Bytes("45.32,in\n"), T0, sink);
        Assert.Equal(Math.Round(45.32 / Math.Cos(25 * Math.PI / 180), 2), Assert.Single(sink.Vehicles).SpeedKmh);
    }

    [Fact]
    public void Ingest_SteadyStateIntoExistingBin_AllocatesNothing()
    {
        UnitIngest ingest = Make(reportsVehicles: false);
        var binner = new Binner();
        // Each buffer: a burst of three readings then a "no target" frame: one vehicle per buffer, same 5-minute bin.
        ReadOnlySequence<byte> oneSegment = Bytes("48.1,in\n52.75,in\n50,in\n-\n");
        ReadOnlySequence<byte> perByte = Sequences.SegmentPerByte(Encoding.ASCII.GetBytes("48.1,in\n52.75,in\n50,in\n-\n"));

        // Warm: past the bin's compact form, so that it has taken its arrays (once per bin, not per vehicle).
        const int Warm = Bin.CompactCapacity + 2;
        for (int i = 0; i < Warm; i++)
        {
            ingest.Ingest((i & 1) == 0 ? oneSegment : perByte, T0 + i, binner);
            ingest.FlushIdle(T0 + i, binner);
        }

        binner.DrainChanged([]);
        Assert.Single(binner.Bins);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 2000; i++)
        {
            ingest.Ingest((i & 1) == 0 ? oneSegment : perByte, T0 + Warm + i, binner);
            ingest.FlushIdle(T0 + Warm + i, binner);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(2000 + Warm, binner.Bins.Values.Single().Count);
        Assert.Equal(2000 + Warm, ingest.Counters.VehiclesAccepted);
    }

    [Fact]
    public void Ingest_EndToEnd_BinnedVehiclesMatchInput()
    {
        UnitIngest ingest = Make(reportsVehicles: true);
        var binner = new Binner();
        var random = new Random(42);
        var sb = new StringBuilder();
        var speeds = new List<double>();
        for (int i = 0; i < 500; i++)
        {
            double speed = Math.Round(30 + random.NextDouble() * 50, 2);
            speeds.Add(speed);
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"{speed},in,{T0 - 3_600_000 + i * 1000}\n");
        }

        ingest.Ingest(Bytes(sb.ToString()), T0, binner);

        Bin all = Bin.Merge(binner.Bins.Values);
        Assert.Equal(500, all.Count);
        Assert.Equal(speeds.Count(s => s > 50), all.CountOverLimit);
        Assert.Equal((long)Math.Round(speeds.Sum() * 100), all.SumCentiKmh);
        Assert.Equal(binner.Bins.Count, binner.Bins.Keys.Select(k => k.WindowStartMs).Distinct().Count());
    }
}
