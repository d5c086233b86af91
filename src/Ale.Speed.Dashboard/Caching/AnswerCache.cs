using System.Diagnostics.Metrics;

namespace Ale.Speed.Dashboard.Caching;

/// <summary>An answer and how fresh it is.</summary>
/// <param name="AsOf">When the read that produced it began: the figures hold what was stored by then.</param>
/// <param name="FromCache">True when the answer was kept from an earlier request (a hit).</param>
internal readonly record struct Answer<T>(T Value, DateTimeOffset AsOf, bool FromCache);

/// <summary>
/// The answers of reads — the analysis objects the pages and the API render, never HTML — keyed by the normalised query
/// and kept at most <c>maxAge</c> after their read began. Bounded by entries and by an estimate of their bytes: the least
/// recently used goes first, and an answer larger than the whole bound is not kept. Hits, misses and evictions are
/// counted (meter <see cref="DashboardInstruments.MeterName"/>).
/// </summary>
/// <remarks>
/// Not <c>MemoryCache</c>: its clock is its own <c>ISystemClock</c>, not <see cref="TimeProvider"/>, and its size
/// compaction runs later on the thread pool, so neither expiry nor the bound could be tested exactly. Two requests that
/// miss the same key at once both read: no request waits on a read that another request's disconnect may cancel.
/// </remarks>
internal sealed class AnswerCache : IDisposable
{
    /// <summary>At most this many answers are kept.</summary>
    public const int DefaultMaxEntries = 256;

    /// <summary>At most this many bytes (estimated) are kept: a year's site page keeps ~5 MB, a year's overview of 50 sites ~1.5 MB.</summary>
    public const long DefaultMaxBytes = 256L * 1024 * 1024;

    private readonly Dictionary<object, LinkedListNode<Entry>> _entries = [];

    /// <summary>Most recently used first.</summary>
    private readonly LinkedList<Entry> _recency = new();

    private readonly Lock _lock = new();
    private readonly TimeSpan _maxAge;
    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private readonly TimeProvider _timeProvider;
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _hitCounter;
    private readonly Counter<long> _missCounter;
    private readonly Counter<long> _evictionCounter;
    private long _bytes;
    private long _hits;
    private long _misses;

    public AnswerCache(TimeSpan maxAge, TimeProvider timeProvider, IMeterFactory? meterFactory = null, int maxEntries = DefaultMaxEntries, long maxBytes = DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAge, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        _maxAge = maxAge;
        _timeProvider = timeProvider;
        _maxEntries = maxEntries;
        _maxBytes = maxBytes;
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(DashboardInstruments.MeterName) ?? new Meter(DashboardInstruments.MeterName);
        _hitCounter = _meter.CreateCounter<long>(DashboardInstruments.CacheHits, "{answer}", "Answers served from the cache.");
        _missCounter = _meter.CreateCounter<long>(DashboardInstruments.CacheMisses, "{answer}", "Answers read from InfluxDB (not kept, expired or never asked).");
        _evictionCounter = _meter.CreateCounter<long>(DashboardInstruments.CacheEvictions, "{answer}", "Answers dropped: reason = expired, bound (least recently used), too-large (never kept).");
        _meter.CreateObservableGauge(DashboardInstruments.CacheEntries, () => Count, "{answer}", "Answers kept.");
        _meter.CreateObservableGauge(DashboardInstruments.CacheBytes, () => Bytes, "By", "Estimated bytes of the answers kept.");
    }

    /// <summary>The meter of the counts (for tests: the one this cache records to).</summary>
    internal Meter Meter => _meter;

    /// <summary>How long an answer is kept after its read began (zero: answers are never kept).</summary>
    public TimeSpan MaxAge => _maxAge;

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>
    /// The kept answer to <paramref name="key"/> while it is younger than <see cref="MaxAge"/>; otherwise
    /// <paramref name="read"/>'s, kept with <paramref name="estimateBytes"/> of it. <paramref name="key"/> must have value
    /// equality (a record) and hold everything the answer depends on, normalised.
    /// </summary>
    public async Task<Answer<T>> GetOrReadAsync<T>(object key, Func<CancellationToken, Task<T>> read, Func<T, long> estimateBytes, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(estimateBytes);
        DateTimeOffset now = _timeProvider.GetUtcNow();
        if (TryGet(key, now, out Entry? kept))
        {
            return new Answer<T>((T)kept.Value, kept.AsOf, FromCache: true);
        }

        T value = await read(cancellationToken).ConfigureAwait(false);
        if (_maxAge > TimeSpan.Zero)
        {
            Keep(new Entry(key, value, now, Math.Max(1, estimateBytes(value))));
        }

        return new Answer<T>(value, now, FromCache: false);
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private bool TryGet(object key, DateTimeOffset now, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Entry? entry)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out LinkedListNode<Entry>? node))
            {
                if (IsFresh(node.Value, now))
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                    entry = node.Value;
                    Interlocked.Increment(ref _hits);
                    _hitCounter.Add(1);
                    return true;
                }

                Remove(node, "expired");
            }
        }

        entry = null;
        Interlocked.Increment(ref _misses);
        _missCounter.Add(1);
        return false;
    }

    private void Keep(Entry entry)
    {
        if (entry.Bytes > _maxBytes)
        {
            _evictionCounter.Add(1, new KeyValuePair<string, object?>("reason", "too-large"));
            return;
        }

        lock (_lock)
        {
            if (_entries.TryGetValue(entry.Key, out LinkedListNode<Entry>? old))
            {
                if (old.Value.AsOf >= entry.AsOf)
                {
                    // A request that missed at the same time kept a read that began no earlier.
                    return;
                }

                Remove(old, reason: null);
            }

            _entries.Add(entry.Key, _recency.AddFirst(entry));
            _bytes += entry.Bytes;
            DateTimeOffset now = _timeProvider.GetUtcNow();
            for (LinkedListNode<Entry>? node = _recency.Last; node is not null;)
            {
                LinkedListNode<Entry>? previous = node.Previous;
                if (!IsFresh(node.Value, now))
                {
                    Remove(node, "expired");
                }

                node = previous;
            }

            while (_entries.Count > _maxEntries || _bytes > _maxBytes)
            {
                Remove(_recency.Last!, "bound");
            }
        }
    }

    private bool IsFresh(Entry entry, DateTimeOffset now) => now - entry.AsOf < _maxAge;

    private void Remove(LinkedListNode<Entry> node, string? reason)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Key);
        _bytes -= node.Value.Bytes;
        if (reason is not null)
        {
            _evictionCounter.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    private sealed record Entry(object Key, object Value, DateTimeOffset AsOf, long Bytes);
}

/// <summary>Names of the dashboard's meter and instruments (OpenTelemetry style).</summary>
public static class DashboardInstruments
{
    public const string MeterName = "Ale.Speed.Dashboard";

    /// <summary>Counter: answers served from the cache.</summary>
    public const string CacheHits = "ale.speed.dashboard.cache.hits";

    /// <summary>Counter: answers read from InfluxDB.</summary>
    public const string CacheMisses = "ale.speed.dashboard.cache.misses";

    /// <summary>Counter: answers dropped; tag <c>reason</c> = expired, bound or too-large.</summary>
    public const string CacheEvictions = "ale.speed.dashboard.cache.evictions";

    /// <summary>Gauge: answers kept.</summary>
    public const string CacheEntries = "ale.speed.dashboard.cache.entries";

    /// <summary>Gauge: estimated bytes of the answers kept.</summary>
    public const string CacheBytes = "ale.speed.dashboard.cache.bytes";
}
