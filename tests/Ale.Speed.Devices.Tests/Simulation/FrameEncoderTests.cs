using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Simulation;

namespace Ale.Speed.Devices.Tests.Simulation;

public sealed class FrameEncoderTests
{
    private const long HourMs = 3_600_000;

    // Monday 4 May 2026, 06:00 local: quiet, then the morning peak (merges happen).
    private static readonly long s_morningMs = new DateTimeOffset(2026, 5, 4, 6, 0, 0, TimeSpan.FromHours(2)).ToUnixTimeMilliseconds();

    public static TheoryData<FrameFormat, SpeedUnit?, IcomsMessageType> Units => new()
    {
        { FrameFormat.Canonical, null, IcomsMessageType.Type1 },
        { FrameFormat.Ops243Plain, null, IcomsMessageType.Type1 },
        { FrameFormat.Ops243Plain, SpeedUnit.KilometresPerHour, IcomsMessageType.Type1 },
        { FrameFormat.Ops243Plain, SpeedUnit.MilesPerHour, IcomsMessageType.Type1 },
        { FrameFormat.Ops243Json, null, IcomsMessageType.Type1 },
        { FrameFormat.Ops243Json, SpeedUnit.KilometresPerHour, IcomsMessageType.Type1 },
        { FrameFormat.Ops243Csv, null, IcomsMessageType.Type1 },
        { FrameFormat.IcomsTma296, null, IcomsMessageType.Type1 },
        { FrameFormat.IcomsTma296, null, IcomsMessageType.Type2 },
        { FrameFormat.IcomsTma296, null, IcomsMessageType.Type3 },
        { FrameFormat.IcomsTma296, null, IcomsMessageType.Type6 },
        { FrameFormat.HoustonDr500, null, IcomsMessageType.Type1 },
        { FrameFormat.HoustonDr500, SpeedUnit.MilesPerHour, IcomsMessageType.Type1 },
        { FrameFormat.HlkLd2415h, null, IcomsMessageType.Type1 },
        { FrameFormat.IcomsTma3b3, null, IcomsMessageType.Type1 },
        { FrameFormat.Csv, null, IcomsMessageType.Type1 },
    };

    public static TheoryData<FrameFormat> Formats => new(Enum.GetValues<FrameFormat>());

    [Theory]
    [MemberData(nameof(Units))]
    public void EncodeAll_RealisticMorning_EveryLineHasTheFormatsShape(FrameFormat format, SpeedUnit? unit, IcomsMessageType icomsType)
    {
        FrameEncoder encoder = FrameEncoder.Create(format, new FrameEncoderOptions { SpeedUnit = unit, IcomsMessageType = icomsType });
        EncodedFrames frames = encoder.EncodeAll(Morning(1));
        Regex shape = LineShape(format, encoder.SpeedUnit, icomsType);

        Assert.True(frames.LineCount > 100);
        foreach (string line in Lines(frames))
        {
            Assert.Matches(shape, line);
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void EncodeAll_SameInput_IdenticalBytesAndTimes(FrameFormat format)
    {
        EncodedFrames first = FrameEncoder.Create(format).EncodeAll(Morning(1));
        EncodedFrames second = FrameEncoder.Create(format).EncodeAll(Morning(1));

        Assert.Equal(first.Bytes, second.Bytes);
        Assert.Equal(first.LineArrivalMs, second.LineArrivalMs);
        Assert.Equal(first.Targets, second.Targets);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void EncodeAll_DifferentSimulationSeed_DifferentBytes(FrameFormat format)
    {
        EncodedFrames first = FrameEncoder.Create(format).EncodeAll(Morning(1));
        EncodedFrames second = FrameEncoder.Create(format).EncodeAll(Morning(2));

        Assert.NotEqual(first.Bytes, second.Bytes);
    }

    [Theory]
    [InlineData(FrameFormat.Ops243Plain)]
    [InlineData(FrameFormat.Ops243Csv)]
    [InlineData(FrameFormat.HlkLd2415h)]
    public void EncodeAll_DifferentEncoderSeed_DifferentReadingNoise(FrameFormat format)
    {
        EncodedFrames first = FrameEncoder.Create(format, new FrameEncoderOptions { Seed = 1 }).EncodeAll(Morning(1));
        EncodedFrames second = FrameEncoder.Create(format, new FrameEncoderOptions { Seed = 2 }).EncodeAll(Morning(1));

        Assert.NotEqual(first.Bytes, second.Bytes);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Encode_Chunks_SameBytesAndTimesAsEncodeAll(FrameFormat format)
    {
        FrameEncoder encoder = FrameEncoder.Create(format);
        EncodedFrames all = encoder.EncodeAll(Morning(3));
        FrameChunk[] chunks = [.. encoder.Encode(Morning(3))];

        Assert.Equal(all.Bytes, chunks.SelectMany(c => c.Bytes.ToArray()).ToArray());
        Assert.Equal(all.LineArrivalMs, chunks.Select(c => c.ArrivalMs).ToArray());
        Assert.All(chunks, c => Assert.Equal((byte)'\n', c.Bytes.Span[^1]));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void EncodeAll_RealisticMorning_ArrivalsInOrderAndEveryVehicleInOneTarget(FrameFormat format)
    {
        SimulatedVehicle[] vehicles = [.. Morning(4)];
        EncodedFrames frames = FrameEncoder.Create(format).EncodeAll(vehicles);

        for (int i = 1; i < frames.LineCount; i++)
        {
            Assert.True(frames.LineArrivalMs[i] >= frames.LineArrivalMs[i - 1]);
        }

        Assert.Equal(vehicles.Length, frames.Targets.Sum(t => t.VehicleCount));
        Assert.Equal(frames.Bytes.Length, frames.LineEnds[^1]);
    }

    [Theory]
    [InlineData(FrameFormat.Ops243Plain)]
    [InlineData(FrameFormat.Ops243Json)]
    [InlineData(FrameFormat.Ops243Csv)]
    [InlineData(FrameFormat.HoustonDr500)]
    [InlineData(FrameFormat.HlkLd2415h)]
    public void EncodeAll_RealisticMorning_BurstsOfOneSignAtLeastTheMergeGapApart(FrameFormat format)
    {
        EncodedFrames frames = FrameEncoder.Create(format).EncodeAll(Morning(5));
        IReadOnlyList<RadarTarget> targets = frames.Targets;

        Assert.Contains(targets, t => t.VehicleCount > 1);
        for (int i = 1; i < targets.Count; i++)
        {
            if (targets[i].Direction == targets[i - 1].Direction)
            {
                Assert.True(
                    targets[i].FirstReadingMs - targets[i - 1].LastReadingMs >= FrameEncoderOptions.DefaultMergeGapMs,
                    $"targets {i - 1} and {i}");
            }

            Assert.True(targets[i].FirstReadingMs > targets[i - 1].LastReadingMs);
        }
    }

    [Theory]
    [MemberData(nameof(Units))]
    public void EncodeAll_SparseVehicles_BurstPeakIsTheVehiclesSpeedAfterUnitConversion(FrameFormat format, SpeedUnit? unit, IcomsMessageType icomsType)
    {
        SimulatedVehicle[] vehicles = [.. Sparse()];
        FrameEncoder encoder = FrameEncoder.Create(format, new FrameEncoderOptions { SpeedUnit = unit, IcomsMessageType = icomsType });
        EncodedFrames frames = encoder.EncodeAll(vehicles);
        string[] lines = Lines(frames);
        double tolerance = Resolution(format, encoder.SpeedUnit);

        Assert.Equal(vehicles.Length, frames.Targets.Count);
        for (int i = 0; i < vehicles.Length; i++)
        {
            RadarTarget target = frames.Targets[i];
            (double Kmh, Direction Direction)[] readings =
                [.. lines.Skip(target.FirstLine).Take(target.ReadingCount).Select(l => ParseReading(format, encoder.SpeedUnit, l))];

            Assert.Equal(1, target.VehicleCount);
            Assert.InRange(readings.Length, encoder.ReportsVehicles ? 1 : 4, encoder.ReportsVehicles ? 1 : 15);
            Assert.InRange(readings.Max(r => r.Kmh), vehicles[i].SpeedKmh - tolerance, vehicles[i].SpeedKmh + tolerance);
            Direction expected = format == FrameFormat.HoustonDr500 ? Direction.Unknown : vehicles[i].Direction;
            Assert.All(readings, r => Assert.Equal(expected, r.Direction));
            // Whole-number units cannot show the rise of a slow vehicle (4.6 and 5.0 are both 005).
            if (!encoder.ReportsVehicles && (format != FrameFormat.HoustonDr500 || vehicles[i].SpeedKmh > 30))
            {
                Assert.True(readings[0].Kmh < readings.Max(r => r.Kmh), "a burst rises towards the peak");
                Assert.InRange(readings[0].Kmh, 0.7 * vehicles[i].SpeedKmh, vehicles[i].SpeedKmh);
            }
        }
    }

    [Theory]
    [InlineData(FrameFormat.Ops243Plain)]
    [InlineData(FrameFormat.Ops243Json)]
    [InlineData(FrameFormat.HlkLd2415h)]
    [InlineData(FrameFormat.HoustonDr500)]
    public void EncodeAll_SameDirectionCloserThanMergeGap_OneTargetAtTheHigherSpeed(FrameFormat format)
    {
        SimulatedVehicle[] vehicles =
        [
            Vehicle(1_000_000, 48.0, Direction.Approaching),
            Vehicle(1_001_200, 61.5, Direction.Approaching),
            Vehicle(1_030_000, 50.0, Direction.Approaching),
        ];

        EncodedFrames frames = FrameEncoder.Create(format).EncodeAll(vehicles);

        Assert.Equal(2, frames.Targets.Count);
        Assert.Equal(2, frames.Targets[0].VehicleCount);
        Assert.Equal(61.5, frames.Targets[0].PeakKmh);
        Assert.Equal(1, frames.Targets[1].VehicleCount);
    }

    [Theory]
    [InlineData(FrameFormat.Ops243Plain, 2)]
    [InlineData(FrameFormat.Ops243Csv, 2)]
    [InlineData(FrameFormat.HlkLd2415h, 2)]
    [InlineData(FrameFormat.HoustonDr500, 1)]
    public void EncodeAll_OppositeDirectionsCloseTogether_SeparateUnlessTheUnitHasNoDirection(FrameFormat format, int expectedTargets)
    {
        SimulatedVehicle[] vehicles =
        [
            Vehicle(1_000_000, 48.0, Direction.Approaching),
            Vehicle(1_000_300, 52.0, Direction.Receding),
        ];

        EncodedFrames frames = FrameEncoder.Create(format).EncodeAll(vehicles);

        Assert.Equal(expectedTargets, frames.Targets.Count);
        Assert.Equal(2, frames.Targets.Sum(t => t.VehicleCount));
    }

    [Fact]
    public void EncodeAll_Dr500LoneVehicle_TenIdleLinesEvery200MsThenSilence()
    {
        EncodedFrames frames = FrameEncoder.Create(FrameFormat.HoustonDr500).EncodeAll([Vehicle(1_000_000, 50.0, Direction.Receding)]);
        RadarTarget target = Assert.Single(frames.Targets);
        string[] lines = Lines(frames);

        Assert.Equal(target.ReadingCount + 10, frames.LineCount);
        for (int i = target.ReadingCount; i < frames.LineCount; i++)
        {
            Assert.Equal("000\r\n", lines[i]);
            Assert.Equal(target.LastReadingMs + (200 * (i - target.ReadingCount + 1)), frames.LineArrivalMs[i]);
        }
    }

    [Fact]
    public void EncodeAll_Dr500QuietNight_IdleLinesCappedPerVehicle()
    {
        long night = s_morningMs - (4 * HourMs);
        SimulatedVehicle[] vehicles = [.. new TrafficSimulator(AleSites.NodingeGoteborgsvagen, 1).Simulate(night, 4 * HourMs)];

        EncodedFrames frames = FrameEncoder.Create(FrameFormat.HoustonDr500).EncodeAll(vehicles);
        int idle = Lines(frames).Count(l => l == "000\r\n");

        Assert.True(idle <= 10 * frames.Targets.Count);
        Assert.True(idle > 5 * frames.Targets.Count);
    }

    [Fact]
    public void EncodeAll_Canonical_RecordCarriesTheVehicle()
    {
        SimulatedVehicle[] vehicles = [.. Morning(6).Take(200)];
        string[] lines = Lines(FrameEncoder.Create(FrameFormat.Canonical).EncodeAll(vehicles));

        for (int i = 0; i < vehicles.Length; i++)
        {
            using var record = JsonDocument.Parse(lines[i]);
            JsonElement root = record.RootElement;
            Assert.Equal(vehicles[i].TimestampMs, DateTimeOffset.Parse(root.GetProperty("ts").GetString()!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
            Assert.Equal(vehicles[i].SpeedKmh, root.GetProperty("kmh").GetDouble(), 9);
            Assert.Equal(vehicles[i].Direction == Direction.Approaching ? "in" : "out", root.GetProperty("dir").GetString());
            Assert.Equal(vehicles[i].Sequence, root.GetProperty("seq").GetInt64());
            Assert.Equal(vehicles[i].Class.ToString().ToLowerInvariant(), root.GetProperty("class").GetString());
            Assert.Equal(vehicles[i].LengthMetres, root.GetProperty("len").GetDouble(), 9);
        }
    }

    [Theory]
    [InlineData(FrameFormat.Ops243Json)]
    [InlineData(FrameFormat.Ops243Csv)]
    public void EncodeAll_Ops243Time_IsSecondsSincePowerOn(FrameFormat format)
    {
        long powerOn = s_morningMs - 105_250;
        EncodedFrames frames = FrameEncoder.Create(format, new FrameEncoderOptions { DevicePowerOnMs = powerOn }).EncodeAll(Morning(7));
        string[] lines = Lines(frames);
        var time = new Regex(format == FrameFormat.Ops243Json ? "\"time\":([0-9.]+)" : "^([0-9.]+),");

        for (int i = 0; i < lines.Length; i++)
        {
            double seconds = double.Parse(time.Match(lines[i]).Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.Equal((frames.LineArrivalMs[i] - powerOn) / 1000.0, seconds, 9);
        }
    }

    [Theory]
    [InlineData(FrameFormat.IcomsTma3b3)]
    [InlineData(FrameFormat.Csv)]
    public void EncodeAll_ImportFormats_HeaderFirstAndEveryVehicleParsesBack(FrameFormat format)
    {
        SimulatedVehicle[] vehicles = [.. Morning(6)];
        EncodedFrames frames = FrameEncoder.Create(format).EncodeAll(vehicles);
        FrameParser parser = format == FrameFormat.Csv
            ? FrameParsers.Create(CsvColumnMap.Parse(FrameEncoder.CsvColumnMap), new CsvOptions(TimeZoneInfo.Utc))
            : FrameParsers.Create(format);
        var reader = new System.Buffers.SequenceReader<byte>(new System.Buffers.ReadOnlySequence<byte>(frames.Bytes));
        var destination = new Reading[FrameParser.MaxReadingsPerFrame];
        var readings = new List<Reading>();
        while (parser.TryReadFrame(ref reader, destination, out FrameResult result))
        {
            Assert.False(result.IsRejected, result.ToString());
            readings.AddRange(destination[..result.ReadingCount]);
        }

        Assert.StartsWith(format == FrameFormat.Csv ? FrameEncoder.CsvHeader + "\n" : "typ;", Encoding.ASCII.GetString(frames.Bytes), StringComparison.Ordinal);
        Assert.Equal(vehicles.Length, readings.Count);
        for (int i = 0; i < vehicles.Length; i++)
        {
            Assert.Equal(vehicles[i].TimestampMs, readings[i].TimestampMs);
            Assert.Equal(vehicles[i].SpeedKmh, readings[i].SpeedKmh, 0.051);
            Assert.Equal(vehicles[i].Direction == Direction.Unknown ? Direction.Approaching : vehicles[i].Direction, readings[i].Direction);
        }
    }

    [Fact]
    public void EncodeAll_VehiclesOutOfOrder_Throws()
    {
        SimulatedVehicle[] vehicles = [Vehicle(2_000_000, 50, Direction.Approaching), Vehicle(1_000_000, 50, Direction.Approaching)];

        Assert.Throws<ArgumentException>(() => FrameEncoder.Create(FrameFormat.Ops243Plain).EncodeAll(vehicles));
    }

    [Fact]
    public void EncodeAll_TakeLines_KeepsTargetsThatStartedAndCutsBytesAtALineEnd()
    {
        EncodedFrames frames = FrameEncoder.Create(FrameFormat.HlkLd2415h).EncodeAll(Morning(8));
        RadarTarget cut = frames.Targets[10];
        int lines = cut.FirstLine + 2;

        EncodedFrames taken = frames.Take(lines);

        Assert.Equal(lines, taken.LineCount);
        Assert.Equal(11, taken.Targets.Count);
        Assert.Equal((byte)'\n', taken.Bytes[^1]);
        Assert.Equal(frames.Bytes.AsSpan(0, taken.Bytes.Length).ToArray(), taken.Bytes);
    }

    [Theory]
    [InlineData(FrameFormat.HlkLd2415h, SpeedUnit.MetresPerSecond)]
    [InlineData(FrameFormat.HoustonDr500, SpeedUnit.MetresPerSecond)]
    public void Create_UnitTheDeviceCannotReport_Throws(FrameFormat format, SpeedUnit unit)
        => Assert.Throws<ArgumentOutOfRangeException>(() => FrameEncoder.Create(format, new FrameEncoderOptions { SpeedUnit = unit }));

    private static IEnumerable<SimulatedVehicle> Morning(ulong seed)
        => new TrafficSimulator(AleSites.NodingeGoteborgsvagen, seed).Simulate(s_morningMs, HourMs + (HourMs / 2));

    /// <summary>Vehicles 10 s apart, so no two bursts merge; slow and fast, both directions, every class.</summary>
    private static IEnumerable<SimulatedVehicle> Sparse()
    {
        double[] speeds = [5.0, 12.3, 27.9, 30.0, 44.4, 49.95, 57.3, 63.6, 88.8, 101.7, 142.1, 199.9];
        VehicleClass[] classes = Enum.GetValues<VehicleClass>()[1..];
        for (int i = 0; i < 60; i++)
        {
            yield return new SimulatedVehicle(
                1_700_000_000_000 + (i * 10_000L),
                Math.Round(speeds[i % speeds.Length], 1),
                i % 3 == 0 ? Direction.Receding : Direction.Approaching,
                classes[i % classes.Length],
                4.5,
                i);
        }
    }

    private static SimulatedVehicle Vehicle(long ms, double kmh, Direction direction)
        => new(ms, kmh, direction, VehicleClass.Car, 4.5, 0);

    private static string[] Lines(EncodedFrames frames)
    {
        var lines = new string[frames.LineCount];
        int start = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            lines[i] = Encoding.ASCII.GetString(frames.Bytes, start, frames.LineEnds[i] - start);
            start = frames.LineEnds[i];
        }

        return lines;
    }

    private static Regex LineShape(FrameFormat format, SpeedUnit unit, IcomsMessageType icomsType)
    {
        string magnitude = unit == SpeedUnit.MetresPerSecond ? @"\d+\.\d\d" : @"\d+\.\d";
        string speed = "-?" + magnitude;
        string pattern = format switch
        {
            FrameFormat.Canonical => """^\{"ts":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","kmh":\d+\.\d,"dir":"(in|out)","seq":\d+,"class":"(car|heavy|moped|atraktor|motorcycle|bicycle|other)","len":\d+\.\d\}\n$""",
            FrameFormat.Ops243Plain => $@"^{speed}\r\n$",
            FrameFormat.Ops243Json => $$"""^\{"speed":({{magnitude}},"direction":"inbound"|-{{magnitude}},"direction":"outbound"),"time":\d+\.\d{3},"tick":\d+\}\r\n$""",
            FrameFormat.Ops243Csv => $@"^\d+\.\d{{3}},\d+\.\d,{speed}\r\n$",
            FrameFormat.IcomsTma296 => icomsType switch
            {
                IcomsMessageType.Type2 => @"^\d{3}K[IO]\r\n$",
                IcomsMessageType.Type3 => @"^[+-]\d{3}\r\n$",
                IcomsMessageType.Type6 => @"^[+-]\d{3} km/h \d{3} m\r\n$",
                _ => @"^[+-]\d{3} km/h\r\n$",
            },
            FrameFormat.HoustonDr500 => @"^\d{3}\r\n$",
            FrameFormat.HlkLd2415h => @"^V[+-]\d{3}\.\d\r\n$",
            FrameFormat.IcomsTma3b3 => @"^(typ;date and time \[UTC\];speed \[km/h\];length \[m\];range \[m\];notes\r\n)?001; \d{4}/\d\d/\d\d \d\d:\d\d:\d\d,\d{3}; -?\d+,\d; (\d+,\d)?; ; \r\n$",
            FrameFormat.Csv => @"^(time;speed;direction\n)?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z;\d+,\d;(in|out)\n$",
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };

        return new Regex(pattern, RegexOptions.CultureInvariant);
    }

    /// <summary>Half the wire's resolution, in km/h.</summary>
    private static double Resolution(FrameFormat format, SpeedUnit unit) => format switch
    {
        FrameFormat.IcomsTma296 => 0.5,
        FrameFormat.IcomsTma3b3 or FrameFormat.Csv => 0.0501 * (unit == SpeedUnit.MetresPerSecond ? 3.6 : unit == SpeedUnit.MilesPerHour ? 1.609344 : 1.0),
        FrameFormat.HoustonDr500 => unit == SpeedUnit.MilesPerHour ? 0.5 * 1.609344 : 0.5,
        _ => unit switch
        {
            SpeedUnit.MetresPerSecond => 0.005 * 3.6,
            SpeedUnit.MilesPerHour => 0.05 * 1.609344,
            _ => 1e-9,
        },
    };

    /// <summary>A test's own reading of a line: the speed in km/h and the direction.</summary>
    private static (double Kmh, Direction Direction) ParseReading(FrameFormat format, SpeedUnit unit, string line)
    {
        line = line.TrimEnd('\r', '\n');
        double factor = unit switch
        {
            SpeedUnit.MetresPerSecond => 3.6,
            SpeedUnit.MilesPerHour => 1.609344,
            _ => 1.0,
        };
        static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        static (double, Direction) Signed(double value, double factor)
            => (Math.Abs(value) * factor, value < 0 ? Direction.Receding : Direction.Approaching);

        switch (format)
        {
            case FrameFormat.Canonical:
                using (var record = JsonDocument.Parse(line))
                {
                    return (record.RootElement.GetProperty("kmh").GetDouble(), record.RootElement.GetProperty("dir").GetString() == "in" ? Direction.Approaching : Direction.Receding);
                }

            case FrameFormat.Ops243Plain:
                return Signed(Number(line), factor);
            case FrameFormat.Ops243Json:
                return Signed(Number(Regex.Match(line, "\"speed\":([-0-9.]+)").Groups[1].Value), factor);
            case FrameFormat.Ops243Csv:
                return Signed(Number(line.Split(',')[2]), factor);
            case FrameFormat.IcomsTma296 when line.EndsWith("KI", StringComparison.Ordinal) || line.EndsWith("KO", StringComparison.Ordinal):
                return (Number(line[..3]), line[^1] == 'I' ? Direction.Approaching : Direction.Receding);
            case FrameFormat.IcomsTma296:
                return Signed(Number(line[..4]), 1.0);
            case FrameFormat.HoustonDr500:
                return (Number(line) * factor, Direction.Unknown);
            case FrameFormat.HlkLd2415h:
                return Signed(Number(line[1..]), 1.0);
            case FrameFormat.IcomsTma3b3:
                // The first line carries the header before the record.
                return Signed(Number(line.Split('\n')[^1].Split(';')[2].Trim().Replace(',', '.')), factor);
            case FrameFormat.Csv:
                string[] fields = line.Split('\n')[^1].Split(';');
                return (Number(fields[1].Replace(',', '.')) * factor, fields[2] == "in" ? Direction.Approaching : Direction.Receding);
            default:
                throw new ArgumentOutOfRangeException(nameof(format));
        }
    }
}
