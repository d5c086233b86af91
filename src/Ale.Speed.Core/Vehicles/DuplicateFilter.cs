namespace Ale.Speed.Core.Vehicles;

/// <summary>
/// What makes two vehicle records of one unit the same vehicle: the unit's sequence number when it has one, otherwise
/// event time, speed (0.01 km/h) and direction together — never the time alone, since two vehicles can pass in the same
/// millisecond.
/// </summary>
public readonly record struct VehicleIdentity
{
    private VehicleIdentity(bool hasSequence, long sequenceOrTimestampMs, long speedCentiKmh, Direction direction)
    {
        HasSequence = hasSequence;
        SequenceOrTimestampMs = sequenceOrTimestampMs;
        SpeedCentiKmh = speedCentiKmh;
        Direction = direction;
    }

    public bool HasSequence { get; }

    /// <summary>The sequence number when <see cref="HasSequence"/>, else the event time in Unix ms.</summary>
    public long SequenceOrTimestampMs { get; }

    /// <summary>Speed in 0.01 km/h (0 when <see cref="HasSequence"/>).</summary>
    public long SpeedCentiKmh { get; }

    public Direction Direction { get; }

    /// <summary>The identity of <paramref name="vehicle"/> within its unit.</summary>
    public bool Equals(VehicleIdentity other)
        => SequenceOrTimestampMs == other.SequenceOrTimestampMs && SpeedCentiKmh == other.SpeedCentiKmh
            && HasSequence == other.HasSequence && Direction == other.Direction;

    // Written out: the generated one goes through EqualityComparer<T>.Default for each field, on every vehicle.
    public override int GetHashCode()
    {
        ulong hash = ((ulong)SequenceOrTimestampMs * 0x9E3779B97F4A7C15UL)
            ^ ((ulong)SpeedCentiKmh * 0xC2B2AE3D27D4EB4FUL)
            ^ (((ulong)Direction << 1) | (HasSequence ? 1UL : 0UL));
        return (int)(hash ^ (hash >> 32));
    }

    public static VehicleIdentity Of(in Vehicle vehicle)
        => vehicle.Sequence >= 0
            ? new VehicleIdentity(true, vehicle.Sequence, 0, Direction.Unknown)
            : new VehicleIdentity(false, vehicle.TimestampMs, (long)Math.Round(vehicle.SpeedKmh * 100, MidpointRounding.AwayFromZero), vehicle.Direction);
}

/// <summary>
/// Remembers the identities of the last <see cref="Capacity"/> vehicles of one unit, to drop the records a unit or a
/// broker delivers twice (an MQTT redelivery, a re-read log). Memory is fixed: when full, the oldest identity is forgotten.
/// </summary>
/// <remarks>Both structures are sized up front, so once warm, checking and remembering allocate nothing.</remarks>
public sealed class DuplicateFilter
{
    private readonly HashSet<VehicleIdentity> _seen;
    private readonly VehicleIdentity[] _order; // ring buffer, oldest at _next once full
    private int _next;
    private int _count;

    public DuplicateFilter(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _seen = new HashSet<VehicleIdentity>(capacity + 1);
        _order = new VehicleIdentity[capacity];
    }

    public int Capacity { get; }

    public int Count => _count;

    /// <summary>Returns false if <paramref name="identity"/> is remembered already; otherwise remembers it and returns true.</summary>
    public bool TryRemember(in VehicleIdentity identity)
    {
        // One lookup for the common case (new identity); the set has room for one more than the capacity, so adding
        // before evicting the oldest never grows it.
        if (!_seen.Add(identity))
        {
            return false;
        }

        if (_count == Capacity)
        {
            _seen.Remove(_order[_next]);
        }
        else
        {
            _count++;
        }

        _order[_next] = identity;
        _next = _next + 1 == Capacity ? 0 : _next + 1;
        return true;
    }

    public bool Contains(in VehicleIdentity identity) => _seen.Contains(identity);

    /// <summary>Forgets every identity, keeping the memory for reuse.</summary>
    internal void Clear()
    {
        _seen.Clear();
        _next = 0;
        _count = 0;
    }
}
