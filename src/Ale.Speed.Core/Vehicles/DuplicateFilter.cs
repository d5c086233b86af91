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
            : new VehicleIdentity(false, vehicle.TimestampMs, SpeedQuantum.ToCentiKmh(vehicle.SpeedKmh), vehicle.Direction);
}

/// <summary>
/// Remembers the identities of the last <see cref="Capacity"/> vehicles of one unit, to drop the records a unit or a
/// broker delivers twice (an MQTT redelivery, a re-read log). Memory is fixed: when full, the oldest identity is forgotten.
/// </summary>
/// <remarks>
/// <para>Both structures are sized up front, so once warm, checking and remembering allocate nothing. The set is an
/// open-addressing table of indices into the ring (linear probing, at most half full, deletion by backward shift) rather
/// than a <see cref="HashSet{T}"/>: every new vehicle is one add and, once full, one remove, and this way both cost a
/// probe or two in small arrays.</para>
/// <para>The table is built only when needed. A unit that numbers its records counts upwards, so as long as every
/// identity remembered carried a sequence number above all before it, the ring is sorted by sequence number: a new
/// number above the highest is new, any other is found by binary search, and remembering is one write to the ring. The
/// first identity that breaks the order (a number out of order, or no number) builds the table from the ring, and the
/// filter keeps it from then on (until <see cref="Clear"/>). The table's random probes, not the ring, were most of a
/// vehicle's cost on the ingest path.</para>
/// </remarks>
public sealed class DuplicateFilter
{
    private readonly VehicleIdentity[] _order; // ring buffer, oldest at _next once full
    private readonly int[] _hashes;            // hash of each ring entry (while indexed)
    private readonly int[] _slots;             // ring index + 1, 0 = empty (while indexed)
    private readonly int _mask;
    private int _next;
    private int _count;

    // False while the ring holds only sequence numbers in ascending order (oldest first) and _slots/_hashes are unused.
    private bool _indexed;

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
        // Written once, so that their pages are resident from the start: the worker's memory is at its bound at once
        // instead of climbing for as long as the ring fills (hours at a quiet unit), which reads like a leak.
        _order.AsSpan().Clear();
        _hashes.AsSpan().Clear();
        _slots.AsSpan().Clear();
    }

    public int Capacity { get; }

    public int Count => _count;

    /// <summary>Returns false if <paramref name="identity"/> is remembered already; otherwise remembers it and returns true.</summary>
    public bool TryRemember(in VehicleIdentity identity)
    {
        // A unit numbers its records upwards: a sequence number above every one remembered is new without a probe.
        bool aboveAll = identity.HasSequence && identity.SequenceOrTimestampMs > _maxSequence;
        if (!_indexed)
        {
            if (aboveAll)
            {
                _maxSequence = identity.SequenceOrTimestampMs;
                Append(identity);
                return true;
            }

            // A repeat of a remembered number keeps the order; anything else needs the table from here on.
            if (identity.HasSequence && FindSorted(identity.SequenceOrTimestampMs) >= 0)
            {
                return false;
            }

            BuildIndex();
        }

        int hash = identity.GetHashCode();
        if (aboveAll)
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

        int index = _next;
        Append(identity);
        _hashes[index] = hash;
        int slot = hash & _mask;
        while (_slots[slot] != 0)
        {
            slot = (slot + 1) & _mask;
        }

        _slots[slot] = index + 1;
        return true;
    }

    public bool Contains(in VehicleIdentity identity)
        => _indexed
            ? Find(identity, identity.GetHashCode()) >= 0
            : identity.HasSequence && FindSorted(identity.SequenceOrTimestampMs) >= 0;

    /// <summary>Forgets every identity, keeping the memory for reuse.</summary>
    internal void Clear()
    {
        if (_indexed)
        {
            Array.Clear(_slots);
            _indexed = false;
        }

        _next = 0;
        _count = 0;
        _maxSequence = -1;
    }

    /// <summary>Puts <paramref name="identity"/> into the ring (over the oldest when full); the table is the caller's.</summary>
    private void Append(in VehicleIdentity identity)
    {
        _order[_next] = identity;
        if (_count < Capacity)
        {
            _count++;
        }

        _next = _next + 1 == Capacity ? 0 : _next + 1;
    }

    /// <summary>While not indexed: the ring index holding <paramref name="sequence"/>, or -1 (binary search, oldest first).</summary>
    private int FindSorted(long sequence)
    {
        int oldest = _count == Capacity ? _next : 0;
        int low = 0;
        int high = _count - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            int index = oldest + middle;
            if (index >= Capacity)
            {
                index -= Capacity;
            }

            long found = _order[index].SequenceOrTimestampMs;
            if (found == sequence)
            {
                return index;
            }

            if (found < sequence)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }

    /// <summary>Builds the table from the ring, once the ring is no longer sorted by sequence number.</summary>
    private void BuildIndex()
    {
        int oldest = _count == Capacity ? _next : 0;
        for (int n = 0; n < _count; n++)
        {
            int index = oldest + n < Capacity ? oldest + n : oldest + n - Capacity;
            int hash = _order[index].GetHashCode();
            _hashes[index] = hash;
            int slot = hash & _mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & _mask;
            }

            _slots[slot] = index + 1;
        }

        _indexed = true;
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
