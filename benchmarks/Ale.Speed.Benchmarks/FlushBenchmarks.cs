using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Worker.Pipeline;
using BenchmarkDotNet.Attributes;

namespace Ale.Speed.Benchmarks;

/// <summary>
/// What one flush costs the worker's bin store now that it takes every rollup a changed window touches, rebuilt whole
/// from the day's windows: 50 sites × 2 directions with a busy day in memory (23 local hours, 1,200 vehicles a day per
/// direction), one new vehicle per series since the last flush. <c>WindowsOnly</c> (baseline) is what a flush took
/// before rollups: the changed windows, copied.
/// </summary>
[MemoryDiagnoser]
public class FlushBenchmarks
{
    private const int Sites = 50;
    private static readonly DateTimeOffset s_now = new(2026, 11, 25, 21, 59, 0, TimeSpan.Zero); // 22:59 in Stockholm
    private readonly List<Vehicle> _flush = [];
    private readonly List<Bin> _changed = [];
    private BinStore _store = null!;
    private Binner _binner = null!;
    private long _sequence;

    [GlobalSetup]
    public void Setup()
    {
        _store = new BinStore(new BinningOptions(), new FixedTimeProvider(s_now));
        _binner = new Binner(new BinningOptions());
        var random = new Random(5);
        long dayStart = Rollups.DayStart(s_now.ToUnixTimeMilliseconds(), Core.Time.StockholmTime.Zone);
        var day = new List<Vehicle>();
        for (int site = 0; site < Sites; site++)
        {
            var unit = new Unit { Id = $"u-{site:D2}", Site = new Site($"site-{site:D2}", $"Site {site}", 50) };
            for (long t = dayStart; t < s_now.ToUnixTimeMilliseconds(); t += 72_000) // 1,200 a day per direction
            {
                foreach (Direction direction in (Direction[])[Direction.Approaching, Direction.Receding])
                {
                    day.Add(new Vehicle { Unit = unit, TimestampMs = t + random.Next(60_000), SpeedKmh = 30 + random.NextDouble() * 40, Direction = direction });
                }
            }

            _flush.Add(new Vehicle { Unit = unit, TimestampMs = s_now.ToUnixTimeMilliseconds() - 1_000, SpeedKmh = 47, Direction = Direction.Approaching });
            _flush.Add(new Vehicle { Unit = unit, TimestampMs = s_now.ToUnixTimeMilliseconds() - 1_000, SpeedKmh = 52, Direction = Direction.Receding });
        }

        _store.Add(day, ++_sequence, NoHistory.Instance);
        _store.TakeChanged();
        day.ForEach(v => _binner.Add(v));
        _binner.DrainChanged(_changed);
    }

    [Benchmark(Baseline = true)]
    public int WindowsOnly()
    {
        foreach (Vehicle vehicle in _flush)
        {
            _binner.Add(vehicle);
        }

        _changed.Clear();
        _binner.DrainChanged(_changed);
        int count = 0;
        foreach (Bin bin in _changed)
        {
            count += (int)bin.Clone().Count;
        }

        return count;
    }

    [Benchmark]
    public int WindowsAndRollups()
    {
        _store.Add(_flush, ++_sequence, NoHistory.Instance);
        FlushSnapshot snapshot = _store.TakeChanged();
        return snapshot.Bins.Count + snapshot.Rollups.Count;
    }

    private sealed class NoHistory : IVehicleHistory
    {
        public static readonly NoHistory Instance = new();

        public void Scan(long fromMs, long toMs, long beforeSequence, Action<Vehicle> visit)
        {
        }
    }
}
