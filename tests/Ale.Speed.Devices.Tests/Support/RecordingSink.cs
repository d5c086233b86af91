using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Ingestion;

namespace Ale.Speed.Devices.Tests.Support;

/// <summary>
/// Our own <see cref="IDurableVehicleSink"/> for tests: records every committed vehicle. With a gate, each commit waits
/// until the gate opens (a journal under backpressure); <see cref="CommitEntered"/> tells when one is waiting.
/// </summary>
public sealed class RecordingSink : IDurableVehicleSink
{
    private readonly object _lock = new();
    private readonly List<Vehicle> _vehicles = [];
    private TaskCompletionSource? _gate;

    public RecordingSink(bool gated = false)
    {
        _gate = gated ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
    }

    public TaskCompletionSource CommitEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Commits { get; private set; }

    public IReadOnlyList<Vehicle> Vehicles
    {
        get
        {
            lock (_lock)
            {
                return [.. _vehicles];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _vehicles.Count;
            }
        }
    }

    public void Open() => _gate?.TrySetResult();

    public async ValueTask CommitAsync(VehicleBatch batch, CancellationToken cancellationToken)
    {
        CommitEntered.TrySetResult();
        if (_gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        lock (_lock)
        {
            _vehicles.AddRange(batch.Vehicles);
            Commits++;
        }
    }
}
