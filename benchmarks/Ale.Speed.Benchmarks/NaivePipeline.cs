using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Benchmarks;

/// <summary>What a pipeline run produced; returned so that the work cannot be optimised away.</summary>
public readonly record struct PipelineResult(int Vehicles, int Rejected, int Bins, double V85Checksum);

/// <summary>
/// The baseline: what a competent C# developer writes without thinking about allocation. Lines as strings from a
/// <see cref="StreamReader"/>, <c>double.Parse</c>/<c>string.Split</c>/<c>int.Parse</c>, <see cref="JsonSerializer"/>
/// into records for the JSON formats, the same burst-to-vehicle rule as the project (a vehicle is readings of one sign
/// without a gap over a second; DR500 <c>000</c> ends it), range and direction filters, speeds kept per
/// (site, direction, 5-minute window, as the project bins by default) in lists and V85 from each list sorted once at the end. Nothing deliberately
/// slow: no regex, no exceptions for control flow, no LINQ per line.
/// </summary>
public static class NaivePipeline
{
    public const long WindowMs = 5 * 60 * 1000;
    public const long BurstGapMs = 1000;
    public const double MinPlausibleKmh = 3;
    public const double MaxPlausibleKmh = 230;

    private static readonly JsonSerializerOptions s_json = new();
    private static readonly JsonSerializerOptions s_quotedNumbers = new() { NumberHandling = JsonNumberHandling.AllowReadingFromString };

    public static PipelineResult Run(BenchmarkInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var bins = new Bins();
        foreach (UnitSegment segment in input.Segments)
        {
            double toKmh = segment.SpeedUnit switch
            {
                SpeedUnit.MetresPerSecond => 3.6,
                SpeedUnit.MilesPerHour => 1.609344,
                _ => 1.0,
            };
            var burst = new Burst(segment, bins);
            using var stream = new MemoryStream(input.Bytes, segment.Start, segment.Length, writable: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            int lineIndex = segment.FirstLine;
            string? line;
            while ((line = reader.ReadLine()) != null)
            {
                long arrivalMs = input.LineArrivalMs[lineIndex++];
                if (line.Length == 0)
                {
                    continue;
                }

                switch (input.Format)
                {
                    case FrameFormat.Canonical:
                        CanonicalRecord? record = JsonSerializer.Deserialize<CanonicalRecord>(line, s_json);
                        if (record is null || (record.Dir != "in" && record.Dir != "out"))
                        {
                            bins.Rejected++;
                            break;
                        }

                        bins.Add(segment, record.Ts.ToUnixTimeMilliseconds(), record.Kmh, record.Dir);
                        break;

                    case FrameFormat.IcomsTma296:
                        AddIcoms(line, arrivalMs, segment, bins);
                        break;

                    case FrameFormat.Ops243Plain:
                        double plain = double.Parse(line, CultureInfo.InvariantCulture);
                        burst.Add(arrivalMs, arrivalMs, Math.Abs(plain) * toKmh, plain < 0 ? "out" : "in");
                        break;

                    case FrameFormat.Ops243Json:
                        Ops243Record? reading = JsonSerializer.Deserialize<Ops243Record>(line, s_json);
                        if (reading is null)
                        {
                            bins.Rejected++;
                            break;
                        }

                        burst.Add(arrivalMs, (long)(reading.Time * 1000), Math.Abs(reading.Speed) * toKmh, reading.Direction == "outbound" ? "out" : "in");
                        break;

                    case FrameFormat.Ops243:
                        Ops243DeviceRecord? report = JsonSerializer.Deserialize<Ops243DeviceRecord>(line, s_quotedNumbers);
                        if (report is null)
                        {
                            bins.Rejected++;
                            break;
                        }

                        double unitToKmh = report.Unit switch { "kmph" => 1.0, "mph" => 1.609344, _ => 3.6 };
                        burst.Add(arrivalMs, (long)(report.Time * 1000), Math.Abs(report.Speed) * unitToKmh, report.Speed < 0 ? "out" : "in");
                        break;

                    case FrameFormat.Ops243Csv:
                        string[] fields = line.Split(',');
                        double seconds = double.Parse(fields[0], CultureInfo.InvariantCulture);
                        double magnitude = double.Parse(fields[1], CultureInfo.InvariantCulture);
                        double csvSpeed = double.Parse(fields[2], CultureInfo.InvariantCulture);
                        if (magnitude > 0)
                        {
                            burst.Add(arrivalMs, (long)(seconds * 1000), Math.Abs(csvSpeed) * toKmh, csvSpeed < 0 ? "out" : "in");
                        }

                        break;

                    case FrameFormat.HoustonDr500:
                        int whole = int.Parse(line, CultureInfo.InvariantCulture);
                        if (whole == 0)
                        {
                            burst.End();
                        }
                        else
                        {
                            burst.Add(arrivalMs, arrivalMs, whole * toKmh, "unknown");
                        }

                        break;

                    case FrameFormat.HlkLd2415h:
                        double hlk = double.Parse(line.Substring(1), NumberStyles.Float, CultureInfo.InvariantCulture);
                        burst.Add(arrivalMs, arrivalMs, Math.Abs(hlk), hlk < 0 ? "out" : "in");
                        break;

                    default:
                        throw new NotSupportedException(input.Format.ToString());
                }
            }

            burst.End();
        }

        return bins.Finish();
    }

    private static void AddIcoms(string line, long arrivalMs, UnitSegment segment, Bins bins)
    {
        if (line.EndsWith("KI", StringComparison.Ordinal) || line.EndsWith("KO", StringComparison.Ordinal))
        {
            int speed = int.Parse(line.Substring(0, 3), CultureInfo.InvariantCulture);
            bins.Add(segment, arrivalMs, speed, line[^1] == 'I' ? "in" : "out");
            return;
        }

        string[] parts = line.Split(' ');
        int signed = int.Parse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (parts.Length >= 4)
        {
            // Type 6 carries the length; a real import keeps it.
            _ = int.Parse(parts[2], CultureInfo.InvariantCulture);
        }

        bins.Add(segment, arrivalMs, Math.Abs(signed), signed < 0 ? "out" : "in");
    }

    private sealed record CanonicalRecord(
        [property: JsonPropertyName("ts")] DateTimeOffset Ts,
        [property: JsonPropertyName("kmh")] double Kmh,
        [property: JsonPropertyName("dir")] string Dir,
        [property: JsonPropertyName("seq")] long Seq,
        [property: JsonPropertyName("class")] string? Class,
        [property: JsonPropertyName("len")] double? Len);

    private sealed record Ops243DeviceRecord(
        [property: JsonPropertyName("time")] double Time,
        [property: JsonPropertyName("unit")] string Unit,
        [property: JsonPropertyName("magnitude")] double Magnitude,
        [property: JsonPropertyName("speed")] double Speed);

    private sealed record Ops243Record(
        [property: JsonPropertyName("speed")] double Speed,
        [property: JsonPropertyName("direction")] string Direction,
        [property: JsonPropertyName("time")] double Time,
        [property: JsonPropertyName("tick")] long Tick);

    /// <summary>Readings of one sign without a gap longer than <see cref="BurstGapMs"/> are one vehicle at the peak.</summary>
    private sealed class Burst(UnitSegment segment, Bins bins)
    {
        private bool _active;
        private long _firstArrivalMs;
        private long _lastClockMs;
        private double _peakKmh;
        private string _direction = "";

        /// <param name="clockMs">The unit's own clock where it has one (OPS243 time), else the arrival time.</param>
        public void Add(long arrivalMs, long clockMs, double kmh, string direction)
        {
            if (_active && (direction != _direction || clockMs - _lastClockMs > BurstGapMs))
            {
                End();
            }

            if (!_active)
            {
                _active = true;
                _firstArrivalMs = arrivalMs;
                _peakKmh = kmh;
                _direction = direction;
            }
            else if (kmh > _peakKmh)
            {
                _peakKmh = kmh;
            }

            _lastClockMs = clockMs;
        }

        public void End()
        {
            if (_active)
            {
                bins.Add(segment, _firstArrivalMs, _peakKmh, _direction);
                _active = false;
            }
        }
    }

    private sealed class Bins
    {
        private readonly Dictionary<(string Site, string Direction, long Window), List<double>> _speeds = [];

        public int Vehicles { get; private set; }

        public int Rejected { get; set; }

        public void Add(UnitSegment segment, long timeMs, double kmh, string direction)
        {
            if (kmh < MinPlausibleKmh || kmh > MaxPlausibleKmh
                || (segment.Directions == DirectionSelection.ApproachingOnly && direction == "out")
                || (segment.Directions == DirectionSelection.RecedingOnly && direction == "in"))
            {
                Rejected++;
                return;
            }

            var key = (segment.SiteId, direction, timeMs - (timeMs % WindowMs));
            if (!_speeds.TryGetValue(key, out List<double>? speeds))
            {
                speeds = [];
                _speeds.Add(key, speeds);
            }

            speeds.Add(kmh);
            Vehicles++;
        }

        public PipelineResult Finish()
        {
            double checksum = 0;
            foreach (List<double> speeds in _speeds.Values)
            {
                speeds.Sort();
                checksum += speeds[(int)Math.Ceiling(0.85 * speeds.Count) - 1];
            }

            return new PipelineResult(Vehicles, Rejected, _speeds.Count, checksum);
        }
    }
}
