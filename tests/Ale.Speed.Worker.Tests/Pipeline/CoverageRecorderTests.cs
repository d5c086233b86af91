using System.Buffers;
using System.Text;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Influx.Coverage;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace Ale.Speed.Worker.Tests.Pipeline;

/// <summary>Which units count as alive in which window: frames of any kind, or an open line while not silent.</summary>
public sealed class CoverageRecorderTests
{
    private static readonly Site s_site = new("alafors", "Alafors", 50);
    private static readonly DateTimeOffset s_start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_window = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_silentAfter = TimeSpan.FromHours(1);

    private readonly FakeTimeProvider _time = new(s_start);
    private readonly HashSet<string> _connected = new(StringComparer.Ordinal);
    private readonly UnitRegistration[] _units =
    [
        Registration("u-live", Transport.Serial),
        Registration("u-quiet", Transport.Mqtt),
        Registration("u-unplugged", Transport.Serial),
        Registration("u-replay", Transport.File),
    ];

    private readonly UnitRouter _router;
    private readonly CoverageRecorder _recorder;

    public CoverageRecorderTests()
    {
        _router = new UnitRouter(_units.Select(u => u.Unit), _time);
        _recorder = new CoverageRecorder(_units, _router, _connected.Contains, s_window, _time);
    }

    [Fact]
    public void FramesOfAnyKindOrAnOpenLine_MakeAUnitAliveInItsWindow_ReplaysAndClosedLinesDoNot()
    {
        _connected.UnionWith(["u-live", "u-quiet", "u-replay"]);
        var points = new List<CoveragePoint>();

        Advance(TimeSpan.FromSeconds(10), points);
        Frames("u-live", 3);           // a reject is a frame too: the unit is there
        Frames("u-replay", 5);
        Advance(TimeSpan.FromSeconds(10), points);
        Assert.Empty(points);          // the window has not ended

        Advance(TimeSpan.FromMinutes(5), points);
        long window = s_start.ToUnixTimeMilliseconds();
        Assert.Equal(
            [("u-live", window, 3L, true), ("u-quiet", window, 0L, true)],
            points.Select(p => (p.UnitId, p.WindowStartMs, p.Frames, p.Connected)).Order());
        Assert.All(points, p => Assert.Equal((s_site.Id, 300_000L, DisplayMode.DisplayOn), (p.SiteId, p.WindowMs, p.DisplayMode)));
    }

    [Fact]
    public void AnOpenLine_StopsCountingOnceTheUnitHasBeenSilentLongerThanSilentAfter()
    {
        _connected.Add("u-quiet");
        var points = new List<CoveragePoint>();
        for (int i = 0; i < 2 * 360; i++)
        {
            Advance(TimeSpan.FromSeconds(10), points);
        }

        // Alive from the start until silent longer than SilentAfter (the sample at 13:00:00 is still within it), then not.
        long[] windows = [.. points.Where(p => p.UnitId == "u-quiet").Select(p => p.WindowStartMs)];
        Assert.Equal(13, windows.Length);
        Assert.Equal(s_start.AddMinutes(60).ToUnixTimeMilliseconds(), windows[^1]);

        // A frame brings it back, in the window the frame arrived in.
        Frames("u-quiet", 1);
        points.Clear();
        Advance(TimeSpan.FromSeconds(10), points);
        Advance(s_window, points);
        CoveragePoint back = Assert.Single(points);
        Assert.Equal((1L, true), (back.Frames, back.Connected));
    }

    [Fact]
    public void Close_WritesTheWindowInProgress_AndEveryFrameIsInExactlyOnePoint()
    {
        _connected.Add("u-live");
        var points = new List<CoveragePoint>();
        var random = new Random(7);
        long sent = 0;
        for (int i = 0; i < 100; i++)
        {
            int n = random.Next(0, 4);
            Frames("u-live", n);
            sent += n;
            Advance(TimeSpan.FromSeconds(random.Next(1, 40)), points);
        }

        _recorder.Close(points);
        Assert.Equal(sent, points.Where(p => p.UnitId == "u-live").Sum(p => p.Frames));
        Assert.Equal(points.Count, points.Select(p => (p.UnitId, p.WindowStartMs)).Distinct().Count());
    }

    private static UnitRegistration Registration(string id, Transport transport)
        => new(new Unit { Id = id, Site = s_site }, transport, s_silentAfter, null, null);

    private void Advance(TimeSpan by, List<CoveragePoint> points)
    {
        _time.Advance(by);
        _recorder.Sample(points);
    }

    private void Frames(string unitId, int count)
    {
        Assert.True(_router.TryGetRoute(unitId, out UnitRoute route));
        byte[] lines = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("not a record\n", count)));
        route.Native.Ingest(new ReadOnlySequence<byte>(lines), _time.GetUtcNow().ToUnixTimeMilliseconds(), new Discard(), isFinalBlock: true);
    }

    private sealed class Discard : IVehicleSink
    {
        public void Accept(in Vehicle vehicle)
        {
        }
    }
}
