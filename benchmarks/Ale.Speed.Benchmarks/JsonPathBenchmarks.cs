using System.Buffers;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Ingest;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Statistics;
using BenchmarkDotNet.Attributes;

namespace Ale.Speed.Benchmarks;

/// <summary>
/// The JSON formats' full pipeline (bytes to V85 per bin, as <see cref="PipelineBenchmarks"/>) with the compact fast path
/// and the general path (the framework's Utf8JsonReader, <see cref="JsonMemberReader"/>) as the parsers run them, and with
/// the general path alone, on the same lines in the same run: what the fast path pays. (Until commit 0edd4b2 it also
/// compared the hand-written scanner that the general path used before; docs/performance.md has those figures.)
/// </summary>
/// <remarks>
/// Inputs: the simulator's compact canonical and OPS243 JSON lines (the fast path's shape); the same canonical records
/// with a space after every colon and comma (what other writers send: the general path); the OPS243-C's real
/// <c>OJ</c> lines (quoted values, spaces around colons: always the general path); and those with every 100th line cut
/// short, as a noisy serial line delivers them (malformed: the framework reader throws, and the exception is caught, which
/// allocates).
/// </remarks>
[MemoryDiagnoser]
public class JsonPathBenchmarks
{
    public enum JsonInput
    {
        CanonicalCompact,
        CanonicalSpaced,
        Ops243JsonCompact,
        Ops243Device,
        Ops243DeviceNoisy,
    }

    private (int Start, int Length, long ArrivalMs, int Segment)[] _reads = [];
    private byte[] _bytes = [];
    private Binner _binner = null!;
    private UnitIngest[] _parsers = [];
    private UnitIngest[] _generalOnly = [];

    [Params(JsonInput.CanonicalCompact, JsonInput.CanonicalSpaced, JsonInput.Ops243JsonCompact, JsonInput.Ops243Device, JsonInput.Ops243DeviceNoisy)]
    public JsonInput Input { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        FrameFormat format = Input switch
        {
            JsonInput.CanonicalCompact or JsonInput.CanonicalSpaced => FrameFormat.Canonical,
            JsonInput.Ops243JsonCompact => FrameFormat.Ops243Json,
            _ => FrameFormat.Ops243,
        };
        BenchmarkInput input = BenchmarkInputs.Create(format);
        Rewrite(input);
        Unit[] units = [.. input.Segments.Select(s => new Unit
        {
            Id = "bench-" + s.SiteId,
            Site = new Site(s.SiteId, s.SiteId, s.SpeedLimitKmh),
            Format = format,
            SpeedUnit = s.SpeedUnit,
            Directions = s.Directions,
        })];
        var clock = new FixedTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(input.LineArrivalMs[^1]).AddDays(1));
        UnitIngest[] Ingests(bool compact) => [.. units.Select(u => new UnitIngest(u, Parser(format, u.SpeedUnit, compact), clock))];
        _parsers = Ingests(compact: true);
        _generalOnly = Ingests(compact: false);
        _binner = new Binner();

        // Both must do the same work: the same vehicles, rejects and bins.
        PipelineResult expected = Parsers();
        if (GeneralOnly() is var other && other != expected)
        {
            throw new InvalidOperationException($"{Input}: the general path's {other} differs from the parsers' {expected}.");
        }

        if (expected.Vehicles == 0 || (Input == JsonInput.Ops243DeviceNoisy) != (expected.Rejected > 0))
        {
            throw new InvalidOperationException($"{Input}: {expected} is not what the input holds.");
        }
    }

    /// <summary>The parsers as they are: the compact fast path first, Utf8JsonReader for the rest.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = BenchmarkInputs.FramesPerFormat)]
    public PipelineResult Parsers() => Run(_parsers);

    /// <summary>Every line down the general path.</summary>
    [Benchmark(OperationsPerInvoke = BenchmarkInputs.FramesPerFormat)]
    public PipelineResult GeneralOnly() => Run(_generalOnly);

    private static FrameParser Parser(FrameFormat format, SpeedUnit unit, bool compact) => format switch
    {
        FrameFormat.Canonical => new CanonicalParser { UseCompactPath = compact },
        FrameFormat.Ops243Json => new Ops243JsonParser(unit) { UseCompactPath = compact },
        _ => new Ops243Parser(unit),
    };

    /// <summary>One read per line, the line rewritten for the input kind.</summary>
    private void Rewrite(BenchmarkInput input)
    {
        var bytes = new List<byte>(input.Bytes.Length * 11 / 10);
        var reads = new List<(int, int, long, int)>(input.FrameCount);
        for (int s = 0; s < input.Segments.Count; s++)
        {
            UnitSegment segment = input.Segments[s];
            int position = segment.Start;
            for (int line = segment.FirstLine; line < segment.FirstLine + segment.LineCount; line++)
            {
                int length = input.Bytes.AsSpan(position).IndexOf((byte)'\n') + 1;
                ReadOnlySpan<byte> text = input.Bytes.AsSpan(position, length);
                position += length;
                int start = bytes.Count;
                if (Input == JsonInput.CanonicalSpaced)
                {
                    for (int i = 0; i < text.Length; i++)
                    {
                        bytes.Add(text[i]);
                        if ((text[i] == (byte)':' && text[i - 1] == (byte)'"') || (text[i] == (byte)',' && text[i + 1] == (byte)'"'))
                        {
                            bytes.Add((byte)' ');
                        }
                    }
                }
                else if (Input == JsonInput.Ops243DeviceNoisy && line % 100 == 99)
                {
                    bytes.AddRange(text[..(text.Length / 2)]);
                    bytes.Add((byte)'\n');
                }
                else
                {
                    bytes.AddRange(text);
                }

                reads.Add((start, bytes.Count - start, input.LineArrivalMs[line], s));
            }
        }

        _bytes = [.. bytes];
        _reads = [.. reads];
    }

    private PipelineResult Run(UnitIngest[] ingests)
    {
        Binner binner = _binner;
        binner.Clear();
        foreach (UnitIngest ingest in ingests)
        {
            ingest.Reset();
        }

        byte[] bytes = _bytes;
        foreach ((int start, int length, long arrivalMs, int segment) in _reads)
        {
            ingests[segment].Ingest(new ReadOnlySequence<byte>(bytes, start, length), arrivalMs, binner);
        }

        int vehicles = 0;
        int rejected = 0;
        foreach (UnitIngest ingest in ingests)
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
}
