using System.Runtime.InteropServices;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Bins;

/// <summary>
/// Puts vehicles into bins by event time: site × direction × display mode × window. Every vehicle counts exactly once,
/// however late it arrives; the bins it touched are reported by <see cref="DrainChanged"/> for storing.
/// </summary>
/// <remarks>
/// <para>A vehicle usually lands in the same bin as the one before, so the last bin touched is cached and a run of
/// vehicles into one bin does no dictionary lookup. Adding into an existing bin allocates nothing.</para>
/// <para>Not thread-safe: one binner per ingest thread. Bins returned are live; <see cref="Bin.Clone"/> one before
/// handing it to another thread while this binner keeps counting.</para>
/// </remarks>
public sealed class Binner : IVehicleSink
{
    private readonly Dictionary<BinKey, Bin> _bins = new(BinKeyComparer.Instance);
    private readonly List<Bin> _changed = [];
    // Bins let go of (evicted, cleared) are reused: a new window then allocates nothing.
    private readonly Stack<Bin> _pool = new();
    // And the arrays of bins that outgrew their compact form, handed on when a reused bin goes back to compact.
    private readonly Stack<DenseCounts> _densePool = new();
    private readonly long _windowMs;

    // The last bin touched per direction, and what led to it: the same unit (so site and display mode) and window.
    // Per direction, because traffic both ways interleaves.
    private readonly LastBin[] _last = new LastBin[3];

    private struct LastBin
    {
        public Bin? Bin;
        public Unit? Unit;
        public long WindowStartMs;
    }

    public Binner(BinningOptions? options = null)
    {
        options ??= BinningOptions.Default;
        options.Validate();
        Options = options;
        _windowMs = (long)options.Window.TotalMilliseconds;
    }

    public BinningOptions Options { get; }

    public long WindowMs => _windowMs;

    public IReadOnlyDictionary<BinKey, Bin> Bins => _bins;

    /// <summary>The bin <paramref name="vehicle"/> is counted in.</summary>
    public BinKey KeyOf(in Vehicle vehicle)
        => new(vehicle.Unit.Site.Id, vehicle.Direction, vehicle.Unit.DisplayMode, WindowStartOf(vehicle.TimestampMs));

    /// <summary>The start (Unix ms UTC) of the window holding <paramref name="timestampMs"/>.</summary>
    public long WindowStartOf(long timestampMs) => BinningOptions.WindowStartOf(timestampMs, _windowMs);

    /// <summary>Counts <paramref name="vehicle"/> in its bin, creating the bin (with the site's limit at the window start) if needed.</summary>
    public void Add(in Vehicle vehicle)
    {
        ref LastBin last = ref _last[(int)vehicle.Direction % 3];
        Bin? bin = last.Bin;
        // In the cached window: a subtraction and one unsigned compare, not the division that finds a window's start.
        if (bin is null || !ReferenceEquals(vehicle.Unit, last.Unit) || (ulong)(vehicle.TimestampMs - last.WindowStartMs) >= (ulong)_windowMs)
        {
            long windowStartMs = WindowStartOf(vehicle.TimestampMs);
            bin = GetOrCreate(vehicle.Unit, vehicle.Direction, windowStartMs);
            last.Bin = bin;
            last.Unit = vehicle.Unit;
            last.WindowStartMs = windowStartMs;
        }

        bin.Add(vehicle);
        if (!bin.IsChanged)
        {
            bin.IsChanged = true;
            _changed.Add(bin);
        }
    }

    void IVehicleSink.Accept(in Vehicle vehicle) => Add(vehicle);

    public bool TryGetBin(BinKey key, out Bin bin)
    {
        if (_bins.TryGetValue(key, out Bin? found))
        {
            bin = found;
            return true;
        }

        bin = null!;
        return false;
    }

    /// <summary>Appends the bins changed since the last call (each once, in the order first changed) and forgets them as changed.</summary>
    /// <returns>How many were appended.</returns>
    public int DrainChanged(List<Bin> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int count = _changed.Count;
        foreach (Bin bin in _changed)
        {
            bin.IsChanged = false;
            destination.Add(bin);
        }

        _changed.Clear();
        return count;
    }

    /// <summary>Forgets every bin (they are reused for new windows). Bins handed out before must no longer be used.</summary>
    public void Clear()
    {
        foreach (Bin bin in _bins.Values)
        {
            _pool.Push(bin);
        }

        _bins.Clear();
        _changed.Clear();
        Array.Clear(_last);
    }

    private void ForgetCached(Bin bin)
    {
        for (int i = 0; i < _last.Length; i++)
        {
            if (ReferenceEquals(_last[i].Bin, bin))
            {
                _last[i] = default;
            }
        }
    }

    /// <summary>
    /// Forgets bins whose window starts before <paramref name="windowStartMs"/> and that have no undrained change, to
    /// bound memory. A vehicle arriving later for such a window starts a fresh bin holding only the late vehicles; whoever
    /// stores bins must then add it to what is stored, not replace it.
    /// </summary>
    /// <returns>How many bins were forgotten.</returns>
    public int EvictBefore(long windowStartMs)
    {
        int removed = 0;
        foreach ((BinKey key, Bin bin) in _bins)
        {
            if (key.WindowStartMs < windowStartMs && !bin.IsChanged)
            {
                _bins.Remove(key); // removing during enumeration is allowed for Dictionary since .NET Core 3.0
                _pool.Push(bin);
                removed++;
                ForgetCached(bin);
            }
        }

        return removed;
    }

    /// <summary>As <see cref="EvictBefore"/>, for the bins <paramref name="evict"/> selects (and that have no undrained change).</summary>
    /// <returns>How many bins were forgotten.</returns>
    public int EvictWhere(Func<BinKey, bool> evict)
    {
        ArgumentNullException.ThrowIfNull(evict);
        int removed = 0;
        foreach ((BinKey key, Bin bin) in _bins)
        {
            if (!bin.IsChanged && evict(key))
            {
                _bins.Remove(key);
                _pool.Push(bin);
                removed++;
                ForgetCached(bin);
            }
        }

        return removed;
    }

    private Bin GetOrCreate(Unit unit, Direction direction, long windowStartMs)
    {
        var key = new BinKey(unit.Site.Id, direction, unit.DisplayMode, windowStartMs);
        // One lookup for "find or add": a new window is the common case here.
        ref Bin? slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_bins, key, out bool exists);
        if (!exists)
        {
            int limitKmh = unit.Site.LimitAt(windowStartMs);
            VehicleLimitSet? classLimits = Options.VehicleClassLimits.At(windowStartMs);
            if (_pool.TryPop(out Bin? pooled))
            {
                pooled.Reinitialize(key, limitKmh, classLimits);
                slot = pooled;
            }
            else
            {
                slot = new Bin(key, limitKmh, classLimits, _densePool);
            }
        }

        return slot!;
    }
}

/// <summary>
/// <see cref="BinKey"/> equality as the record defines it, with a cheaper hash: the generated one hashes the whole site id
/// (randomised string hashing) on every new window. Site ids come from configuration, not from the wire, and a unit has a
/// handful; the window start is what tells a binner's keys apart.
/// </summary>
internal sealed class BinKeyComparer : IEqualityComparer<BinKey>
{
    public static readonly BinKeyComparer Instance = new();

    public bool Equals(BinKey x, BinKey y)
        => x.WindowStartMs == y.WindowStartMs && x.Direction == y.Direction && x.DisplayMode == y.DisplayMode
            && (ReferenceEquals(x.SiteId, y.SiteId) || string.Equals(x.SiteId, y.SiteId, StringComparison.Ordinal));

    public int GetHashCode(BinKey key)
    {
        string site = key.SiteId ?? string.Empty;
        ulong hash = ((ulong)key.WindowStartMs * 0x9E3779B97F4A7C15UL)
            ^ ((ulong)site.Length * 0xC2B2AE3D27D4EB4FUL)
            ^ ((ulong)key.Direction << 8) ^ ((ulong)key.DisplayMode << 16);
        if (site.Length > 0)
        {
            // Length and three characters tell apart the few site ids of one binner (a collision costs a compare, not a miss).
            hash ^= ((ulong)site[0] << 24) ^ ((ulong)site[site.Length / 2] << 32) ^ ((ulong)site[^1] << 40);
        }

        hash *= 0xFF51AFD7ED558CCDUL;
        return (int)(hash ^ (hash >> 32));
    }
}
