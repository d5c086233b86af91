using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Devices.Ingestion;

/// <summary>
/// The vehicles accepted from one piece of source input (an MQTT message, a serial read), handed on together so that
/// the source is acknowledged once, after all of them are durable.
/// </summary>
public sealed class VehicleBatch : IVehicleSink
{
    private readonly List<Vehicle> _vehicles = new(capacity: 16);

    public IReadOnlyList<Vehicle> Vehicles => _vehicles;

    public int Count => _vehicles.Count;

    public void Accept(in Vehicle vehicle) => _vehicles.Add(vehicle);

    public void Clear() => _vehicles.Clear();
}

/// <summary>Where sources hand accepted vehicles: the worker's journal. Implemented by the worker's pipeline.</summary>
public interface IDurableVehicleSink
{
    /// <summary>
    /// Completes when every vehicle of <paramref name="batch"/> is durable (journaled with fsync) — only then may the
    /// source acknowledge its input. Waits (backpressure) while the spool is full or the disk is; never drops.
    /// The batch may be reused once the returned task has completed.
    /// </summary>
    ValueTask CommitAsync(VehicleBatch batch, CancellationToken cancellationToken);
}

/// <summary>
/// The duplicate filters' memory, filled from what the journal already holds when the worker starts, so that a
/// redelivered message counts nothing twice. One direction: the journal hands vehicles back through this interface,
/// which the wiring connects to the filters; it never reaches into a filter itself.
/// </summary>
public interface IDuplicateMemory
{
    /// <summary>Remembers <paramref name="accepted"/>, an already accepted vehicle, without checking it.</summary>
    void Remember(in Vehicle accepted);
}
