using System.Numerics;

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

    // Declared longs first: 24 bytes instead of 32, and the filter keeps thousands of these per unit.

    /// <summary>The sequence number when <see cref="HasSequence"/>, else the event time in Unix ms.</summary>
    public long SequenceOrTimestampMs { get; }

    /// <summary>Speed in 0.01 km/h (0 when <see cref="HasSequence"/>).</summary>
    public long SpeedCentiKmh { get; }

    public bool HasSequence { get; }

    public Direction Direction { get; }

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

    /// <summary>The identity of <paramref name="vehicle"/> within its unit.</summary>
    public static VehicleIdentity Of(in Vehicle vehicle)
        => vehicle.Sequence >= 0
            ? new VehicleIdentity(true, vehicle.Sequence, 0, Direction.Unknown)
            : new VehicleIdentity(false, vehicle.TimestampMs, (long)Math.Round(vehicle.SpeedKmh * 100, MidpointRounding.AwayFromZero), vehicle.Direction);
}

/// <summary>
/// Remembers the identities of the last <see cref="Capacity"/> vehicles of one unit, to drop the records a unit or a
/// broker delivers twice (an MQTT redelivery, a re-read log). Memory is fixed: when full, the oldest identity is forgotten.
/// </summary>
/// <remarks>
/// Both structures are sized up front, so once warm, checking and remembering allocate nothing. The set is an
/// open-addressing table of indices into the ring (linear probing, at most half full, deletion by backward shift) rather
/// than a <see cref="HashSet{T}"/>: every new vehicle is one add and, once full, one remove, and this way both cost a
/// probe or two in small arrays.
/// </remarks>
public sealed class DuplicateFilter
{
    private readonly VehicleIdentity[] _order; // ring buffer, oldest at _next once full
    private readonly int[] _hashes;            // hash of each ring entry
    private readonly int[] _slots;             // ring index + 1, 0 = empty
    private readonly int _mask;
    private int _next;
    private int _count;

    // The highest sequence number remembered since the last Clear (or -1): it may have been forgotten since, so it only
    // ever says "not remembered" for numbers above it, never "remembered".
    private long _maxSequence = -1;

    public DuplicateFilter(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 1 << 28);
        Capacity = capacity;
        _order = new VehicleIdentity[capacity];
        _hashes = new int[capacity];
        _slots = new int[(int)BitOperations.RoundUpToPowerOf2((uint)capacity * 2)];
        _mask = _slots.Length - 1;
    }

    public int Capacity { get; }

    public int Count => _count;

    /// <summary>Returns false if <paramref name="identity"/> is remembered already; otherwise remembers it and returns true.</summary>
    public bool TryRemember(in VehicleIdentity identity)
    {
        int hash = identity.GetHashCode();
        // A unit numbers its records upwards: a sequence number above every one remembered is new without a probe.
        if (identity.HasSequence && identity.SequenceOrTimestampMs > _maxSequence)
        {
            _maxSequence = identity.SequenceOrTimestampMs;
        }
        else if (Find(identity, hash) >= 0)
        {
            return false;
        }

        if (_count == Capacity)
        {
            RemoveSlotOf(_next);
        }
        else
        {
            _count++;
        }

        _order[_next] = identity;
        _hashes[_next] = hash;
        int slot = hash & _mask;
        while (_slots[slot] != 0)
        {
            slot = (slot + 1) & _mask;
        }

        _slots[slot] = _next + 1;
        _next = _next + 1 == Capacity ? 0 : _next + 1;
        return true;
    }

    public bool Contains(in VehicleIdentity identity) => Find(identity, identity.GetHashCode()) >= 0;

    /// <summary>Forgets every identity, keeping the memory for reuse.</summary>
    internal void Clear()
    {
        Array.Clear(_slots);
        _next = 0;
        _count = 0;
        _maxSequence = -1;
    }

    private int Find(in VehicleIdentity identity, int hash)
    {
        int slot = hash & _mask;
        int entry;
        while ((entry = _slots[slot]) != 0)
        {
            if (_hashes[entry - 1] == hash && _order[entry - 1].Equals(identity))
            {
                return slot;
            }

            slot = (slot + 1) & _mask;
        }

        return -1;
    }

    /// <summary>Takes ring entry <paramref name="index"/> out of the table, shifting back the entries probed past it.</summary>
    private void RemoveSlotOf(int index)
    {
        int hole = _hashes[index] & _mask;
        while (_slots[hole] != index + 1)
        {
            hole = (hole + 1) & _mask;
        }

        int next = hole;
        while (true)
        {
            next = (next + 1) & _mask;
            int entry = _slots[next];
            if (entry == 0)
            {
                break;
            }

            // An entry may move into the hole only if its home slot is not cyclically within (hole, next].
            int home = _hashes[entry - 1] & _mask;
            if (((next - home) & _mask) >= ((next - hole) & _mask))
            {
                _slots[hole] = entry;
                hole = next;
            }
        }

        _slots[hole] = 0;
    }
}
