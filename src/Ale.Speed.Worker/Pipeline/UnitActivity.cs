using System.Collections.Concurrent;
using Ale.Speed.Worker.Configuration;

namespace Ale.Speed.Worker.Pipeline;

/// <summary>
/// When each unit last delivered an accepted vehicle (wall clock). A unit silent longer than its SilentAfter is
/// flagged, so that an outage is not read as less traffic.
/// </summary>
internal sealed class UnitActivity(IReadOnlyCollection<UnitRegistration> units, TimeProvider timeProvider)
{
    private readonly DateTimeOffset _startedAt = timeProvider.GetUtcNow();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastVehicle = new(StringComparer.Ordinal);

    public void VehiclesArrived(string unitId) => _lastVehicle[unitId] = timeProvider.GetUtcNow();

    public DateTimeOffset? LastVehicle(string unitId) => _lastVehicle.TryGetValue(unitId, out DateTimeOffset at) ? at : null;

    public IEnumerable<(string UnitId, long UnixSeconds)> LastVehicleTimes()
        => _lastVehicle.Select(p => (p.Key, p.Value.ToUnixTimeSeconds()));

    /// <summary>
    /// Silent: no vehicle for longer than SilentAfter (counted from the worker's start when none came yet). Never for a
    /// unit read out by hand (Transport manual): the worker does not expect it to send anything.
    /// </summary>
    public IEnumerable<(string UnitId, bool Silent)> Silence()
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        foreach (UnitRegistration unit in units)
        {
            yield return (unit.Unit.Id, IsSilent(unit, now));
        }
    }

    /// <inheritdoc cref="Silence"/>
    public bool IsSilent(UnitRegistration unit, DateTimeOffset now)
        => unit.Transport != Transport.Manual && now - (LastVehicle(unit.Unit.Id) ?? _startedAt) > unit.SilentAfter;
}
