using System.Collections.Concurrent;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Ingest;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Devices.Ingestion;

/// <summary>
/// Each registered unit's ingest paths: its native format, and the canonical record (MQTT <c>…/vehicle</c>), sharing one
/// filter so duplicates are caught across both. A unit that is not registered is counted, never created.
/// </summary>
public sealed class UnitRouter : IDuplicateMemory
{
    private readonly Dictionary<string, UnitRoute> _routes;
    private readonly ConcurrentDictionary<string, long> _unknownUnits = new(StringComparer.Ordinal);

    public UnitRouter(IEnumerable<Unit> units, TimeProvider timeProvider, DetectorOptions? detectorOptions = null, FilterOptions? filterOptions = null)
    {
        ArgumentNullException.ThrowIfNull(units);
        _routes = units.ToDictionary(
            u => u.Id,
            u => new UnitRoute(u, timeProvider, detectorOptions, filterOptions),
            StringComparer.Ordinal);
    }

    public IReadOnlyCollection<UnitRoute> Routes => _routes.Values;

    public bool TryGetRoute(string unitId, out UnitRoute route) => _routes.TryGetValue(unitId, out route!);

    public bool TryGetRoute(ReadOnlySpan<char> unitId, out UnitRoute route)
        => _routes.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(unitId, out route!);

    /// <inheritdoc />
    public void Remember(in Vehicle accepted)
    {
        if (_routes.TryGetValue(accepted.Unit.Id, out UnitRoute? route))
        {
            route.Filter.Remember(accepted);
        }
    }

    /// <summary>Counts input from <paramref name="unitId"/>, which is not registered (<see cref="RejectReason.UnknownUnit"/>).</summary>
    public void CountUnknownUnit(string unitId) => _unknownUnits.AddOrUpdate(unitId, 1, static (_, n) => n + 1);

    /// <summary>Rejected input per unregistered unit id.</summary>
    public IReadOnlyDictionary<string, long> UnknownUnits => _unknownUnits;

    public long UnknownUnitTotal => _unknownUnits.Values.Sum();
}

/// <summary>One unit's ingest paths. Use from one thread at a time (the unit's source loop).</summary>
public sealed class UnitRoute
{
    private readonly DetectorOptions? _detectorOptions;
    private UnitIngest? _canonical;
    private IngestCounters[] _counters;

    internal UnitRoute(Unit unit, TimeProvider timeProvider, DetectorOptions? detectorOptions, FilterOptions? filterOptions)
    {
        Unit = unit;
        detectorOptions = unit.Detector ?? detectorOptions;
        _detectorOptions = detectorOptions;
        Filter = new VehicleFilter(unit, timeProvider, filterOptions);
        Native = new UnitIngest(FrameParsers.Create(unit.Format, unit.SpeedUnit), Filter, detectorOptions);
        _counters = [Native.Counters];
        if (unit.Format == FrameFormat.Canonical)
        {
            _canonical = Native;
        }
    }

    public Unit Unit { get; }

    public VehicleFilter Filter { get; }

    /// <summary>Frames in the unit's configured format (serial line, MQTT <c>…/raw</c>).</summary>
    public UnitIngest Native { get; }

    /// <summary>Canonical NDJSON vehicle records (MQTT <c>…/vehicle</c>).</summary>
    public UnitIngest Canonical => _canonical ??= CreateCanonical();

    /// <summary>Counters of both paths together; read every status interval, so built once, not per read.</summary>
    public ReadOnlySpan<IngestCounters> Counters => Volatile.Read(ref _counters);

    /// <summary>One counter of both paths together.</summary>
    public long Total(Func<IngestCounters, long> counter)
    {
        long total = 0;
        foreach (IngestCounters counters in Counters)
        {
            total += counter(counters);
        }

        return total;
    }

    /// <summary>Rejects for <paramref name="reason"/> on both paths together.</summary>
    public long RejectCount(RejectReason reason)
    {
        long total = 0;
        foreach (IngestCounters counters in Counters)
        {
            total += counters.RejectCount(reason);
        }

        return total;
    }

    private UnitIngest CreateCanonical()
    {
        var canonical = new UnitIngest(FrameParsers.Create(FrameFormat.Canonical), Filter, _detectorOptions);
        Volatile.Write(ref _counters, [Native.Counters, canonical.Counters]);
        return canonical;
    }
}
