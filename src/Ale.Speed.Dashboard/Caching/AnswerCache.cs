using System.Diagnostics.Metrics;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ale.Speed.Dashboard.Caching;

/// <summary>Where an answer came from.</summary>
internal enum AnswerSource : byte
{
    /// <summary>Read for this request (a miss).</summary>
    Read = 0,

    /// <summary>Kept, younger than the cache's <c>MaxAge</c> (a hit).</summary>
    Fresh = 1,

    /// <summary>Kept, older than <c>MaxAge</c> but younger than <c>StaleBound</c>: served while it is read again in the background.</summary>
    Stale = 2,

    /// <summary>Not kept, but a read of it was under way (another request's miss, or a refresh): answered by that read (a miss, not read again).</summary>
    Joined = 3,
}

/// <summary>An answer and how fresh it is.</summary>
/// <param name="AsOf">When the read that produced it began: the figures hold what was stored by then.</param>
/// <param name="Source">Read for this request, or kept (fresh or stale).</param>
/// <param name="RefreshStarted">True when this request started the background re-read of a stale answer.</param>
internal readonly record struct Answer<T>(T Value, DateTimeOffset AsOf, AnswerSource Source, bool RefreshStarted = false)
{
    /// <summary>True when the answer was kept from an earlier request (fresh or stale).</summary>
    public bool FromCache => Source is AnswerSource.Fresh or AnswerSource.Stale;
}

/// <summary>
/// The answers of reads — the analysis objects the pages and the API render, never HTML — keyed by the normalised query.
/// An answer younger than <c>maxAge</c> (after its read began) is served as it is; an older one, up to
/// <see cref="StaleFactor"/> × <c>maxAge</c>, is served too while one background read of its key replaces it, so nobody
/// waits on an answer that was asked for recently; beyond that it is dropped and read afresh. Bounded by entries and by an
/// estimate of their bytes: the least recently used goes first, and an answer larger than the whole bound is not kept.
/// Hits, stale answers, misses, refreshes and evictions are counted (meter <see cref="DashboardInstruments.MeterName"/>).
/// </summary>
/// <remarks>
/// Not <c>MemoryCache</c>: its clock is its own <c>ISystemClock</c>, not <see cref="TimeProvider"/>, and its size
/// compaction runs later on the thread pool, so neither expiry nor the bound could be tested exactly. There is at most one
/// read per key under way: requests that miss while it runs wait on it (a cold year of hotspots is tens of seconds of
/// InfluxDB on two cores; two of them at once would double it). Every read — a miss's or a refresh's — belongs to the
/// cache, not to a request: a request that goes away stops waiting, but the read goes on for the others and is kept. Reads
/// end with the cache (dispose).
/// </remarks>
internal sealed partial class AnswerCache : IDisposable
{
    /// <summary>At most this many answers are kept.</summary>
    public const int DefaultMaxEntries = 256;

    /// <summary>At most this many bytes (estimated) are kept: a year's site page keeps ~5 MB, a year's overview of 50 sites ~1.5 MB.</summary>
    public const long DefaultMaxBytes = 256L * 1024 * 1024;

    /// <summary>An answer is served stale (and refreshed) until it is this many times <c>maxAge</c> old; then it is read afresh.</summary>
    public const int StaleFactor = 10;

    private readonly Dictionary<object, LinkedListNode<Entry>> _entries = [];

    /// <summary>Most recently used first.</summary>
    private readonly LinkedList<Entry> _recency = new();

    /// <summary>The reads under way (misses and background refreshes), one per key at most.</summary>
    private readonly Dictionary<object, Task<ReadOutcome>> _reads = [];

    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly TimeSpan _maxAge;
    private readonly TimeSpan _staleBound;
    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _hitCounter;
    private readonly Counter<long> _staleCounter;
    private readonly Counter<long> _missCounter;
    private readonly Counter<long> _joinedCounter;
    private readonly Counter<long> _refreshCounter;
    private readonly Counter<long> _evictionCounter;
    private long _bytes;
    private long _hits;
    private long _stale;
    private long _misses;
    private long _joined;
    private long _refreshesStored;
    private long _refreshesFailed;

    public AnswerCache(TimeSpan maxAge, TimeProvider timeProvider, IMeterFactory? meterFactory = null, int maxEntries = DefaultMaxEntries, long maxBytes = DefaultMaxBytes, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAge, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        _maxAge = maxAge;
        _staleBound = maxAge * StaleFactor;
        _timeProvider = timeProvider;
        _maxEntries = maxEntries;
        _maxBytes = maxBytes;
        _logger = logger ?? NullLogger.Instance;
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(DashboardInstruments.MeterName) ?? new Meter(DashboardInstruments.MeterName);
        _hitCounter = _meter.CreateCounter<long>(DashboardInstruments.CacheHits, "{answer}", "Answers served from the cache, younger than CacheSeconds.");
        _staleCounter = _meter.CreateCounter<long>(DashboardInstruments.CacheStale, "{answer}", "Answers served from the cache older than CacheSeconds while a background read replaces them.");
        _missCounter = _meter.CreateCounter<long>(DashboardInstruments.CacheMisses, "{answer}", "Answers read from InfluxDB for the request (not kept, too old or never asked).");
        _joinedCounter = _meter.CreateCounter<long>(DashboardInstruments.CacheJoined, "{answer}", "Answers not kept whose read was already under way for another request: waited on, not read again.");
        _refreshCounter = _meter.CreateCounter<long>(DashboardInstruments.CacheRefreshes, "{read}", "Background reads of stale answers: result = stored, failed (the old answer stays), cancelled (shutdown).");
        _evictionCounter = _meter.CreateCounter<long>(DashboardInstruments.CacheEvictions, "{answer}", "Answers dropped: reason = expired, bound (least recently used), too-large (never kept).");
        _meter.CreateObservableGauge(DashboardInstruments.CacheEntries, () => Count, "{answer}", "Answers kept.");
        _meter.CreateObservableGauge(DashboardInstruments.CacheBytes, () => Bytes, "By", "Estimated bytes of the answers kept.");
    }

    /// <summary>The meter of the counts (for tests: the one this cache records to).</summary>
    internal Meter Meter => _meter;

    /// <summary>How long an answer is served as it is after its read began (zero: answers are never kept).</summary>
    public TimeSpan MaxAge => _maxAge;

    /// <summary>How long after its read began an answer may be served stale (while it is read again); older ones are read afresh.</summary>
    public TimeSpan StaleBound => _staleBound;

    public long Hits => Interlocked.Read(ref _hits);

    public long Stale => Interlocked.Read(ref _stale);

    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Requests that missed while a read of their key was under way, and were answered by it.</summary>
    public long Joined => Interlocked.Read(ref _joined);

    /// <summary>Background refreshes whose answer was kept.</summary>
    public long RefreshesStored => Interlocked.Read(ref _refreshesStored);

    /// <summary>Background refreshes that failed (the stale answer stays until <see cref="StaleBound"/>).</summary>
    public long RefreshesFailed => Interlocked.Read(ref _refreshesFailed);

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
    /// The kept answer to <paramref name="key"/> while it is younger than <see cref="StaleBound"/> (starting a background
    /// re-read when it is older than <see cref="MaxAge"/> and none is under way); otherwise <paramref name="read"/>'s,
    /// kept with <paramref name="estimateBytes"/> of it. <paramref name="key"/> must have value equality (a record) and
    /// hold everything the answer depends on, normalised; <paramref name="read"/> may run after the request has ended,
    /// so it must not use the request (only the token it is given).
    /// </summary>
    public async Task<Answer<T>> GetOrReadAsync<T>(object key, Func<CancellationToken, Task<T>> read, Func<T, long> estimateBytes, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(estimateBytes);
        DateTimeOffset now = _timeProvider.GetUtcNow();
        if (_maxAge == TimeSpan.Zero)
        {
            CountMiss();
            return new Answer<T>(await read(cancellationToken).ConfigureAwait(false), now, AnswerSource.Read);
        }

        Task<ReadOutcome> pending;
        AnswerSource source;
        lock (_lock)
        {
            if (TryGetKept(key, now, read, estimateBytes, out Entry? kept, out source, out bool refreshStarted))
            {
                return new Answer<T>((T)kept.Value, kept.AsOf, source, refreshStarted);
            }

            if (_reads.TryGetValue(key, out Task<ReadOutcome>? underWay))
            {
                pending = underWay;
                source = AnswerSource.Joined;
                Interlocked.Increment(ref _joined);
                _joinedCounter.Add(1);
            }
            else
            {
                CountMiss();
                pending = StartRead(key, read, estimateBytes, now, refresh: false);
            }
        }

        // This request may stop waiting (its browser went away); the read goes on for the others.
        ReadOutcome outcome = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
        outcome.Failure?.Throw();
        return new Answer<T>((T)outcome.Entry!.Value, outcome.Entry.AsOf, source);
    }

    /// <summary>Completes when the reads under way now (misses and background refreshes) have ended (for tests and shutdown).</summary>
    internal Task ReadsIdleAsync()
    {
        lock (_lock)
        {
            return Task.WhenAll([.. _reads.Values]);
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    /// <summary>The kept answer, if young enough; starts its refresh when it is stale. Called under <see cref="_lock"/>.</summary>
    private bool TryGetKept<T>(object key, DateTimeOffset now, Func<CancellationToken, Task<T>> read, Func<T, long> estimateBytes,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Entry? entry, out AnswerSource source, out bool refreshStarted)
        where T : class
    {
        refreshStarted = false;
        if (_entries.TryGetValue(key, out LinkedListNode<Entry>? node))
        {
            TimeSpan age = now - node.Value.AsOf;
            if (age < _staleBound)
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                entry = node.Value;
                if (age < _maxAge)
                {
                    source = AnswerSource.Fresh;
                    Interlocked.Increment(ref _hits);
                    _hitCounter.Add(1);
                    return true;
                }

                source = AnswerSource.Stale;
                Interlocked.Increment(ref _stale);
                _staleCounter.Add(1);
                if (!_reads.ContainsKey(key) && !_disposed.IsCancellationRequested)
                {
                    StartRead(key, read, estimateBytes, now, refresh: true);
                    refreshStarted = true;
                }

                return true;
            }

            Remove(node, "expired");
        }

        entry = null;
        source = AnswerSource.Read;
        return false;
    }

    private void CountMiss()
    {
        Interlocked.Increment(ref _misses);
        _missCounter.Add(1);
    }

    /// <summary>Starts the read of <paramref name="key"/> on the thread pool, owned by the cache. Called under <see cref="_lock"/>.</summary>
    private Task<ReadOutcome> StartRead<T>(object key, Func<CancellationToken, Task<T>> read, Func<T, long> estimateBytes, DateTimeOffset startedAt, bool refresh)
        where T : class
    {
        Task<ReadOutcome> task;

        // Not the request's: its end or disconnect must not cancel a read others will be served.
        using (ExecutionContext.SuppressFlow())
        {
            task = Task.Run(() => ReadAndKeepAsync(key, read, estimateBytes, startedAt, refresh));
        }

        // The read removes itself under the lock, which the caller holds until this entry is in.
        _reads.Add(key, task);
        return task;
    }

    /// <summary>Reads and keeps an answer; never throws (its waiters rethrow a failure), so no failure goes unobserved.</summary>
    private async Task<ReadOutcome> ReadAndKeepAsync<T>(object key, Func<CancellationToken, Task<T>> read, Func<T, long> estimateBytes, DateTimeOffset startedAt, bool refresh)
        where T : class
    {
        try
        {
            T value = await read(_disposed.Token).ConfigureAwait(false);
            var entry = new Entry(key, value, startedAt, Math.Max(1, estimateBytes(value)));
            Keep(entry);
            if (refresh)
            {
                Interlocked.Increment(ref _refreshesStored);
                _refreshCounter.Add(1, new KeyValuePair<string, object?>("result", "stored"));
            }

            return new ReadOutcome(entry, null);
        }
        catch (OperationCanceledException ex) when (_disposed.IsCancellationRequested)
        {
            if (refresh)
            {
                _refreshCounter.Add(1, new KeyValuePair<string, object?>("result", "cancelled"));
            }

            return new ReadOutcome(null, ExceptionDispatchInfo.Capture(ex));
        }
        catch (Exception ex)
        {
            if (refresh)
            {
                // The stale answer stays (its "data as of" says how old) until the stale bound; the next request past MaxAge tries again.
                Interlocked.Increment(ref _refreshesFailed);
                _refreshCounter.Add(1, new KeyValuePair<string, object?>("result", "failed"));
                Log.RefreshFailed(_logger, ex, key.ToString() ?? "", ex.Message);
            }

            return new ReadOutcome(null, ExceptionDispatchInfo.Capture(ex));
        }
        finally
        {
            lock (_lock)
            {
                _reads.Remove(key);
            }
        }
    }

    private void Keep(Entry entry)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(entry.Key, out LinkedListNode<Entry>? old))
            {
                if (old.Value.AsOf >= entry.AsOf)
                {
                    // A request that missed at the same time kept a read that began no earlier.
                    return;
                }

                // Outdated by this read, whether or not this one is kept.
                Remove(old, reason: null);
            }

            if (entry.Bytes > _maxBytes)
            {
                _evictionCounter.Add(1, new KeyValuePair<string, object?>("reason", "too-large"));
                return;
            }

            _entries.Add(entry.Key, _recency.AddFirst(entry));
            _bytes += entry.Bytes;
            DateTimeOffset now = _timeProvider.GetUtcNow();
            for (LinkedListNode<Entry>? node = _recency.Last; node is not null;)
            {
                LinkedListNode<Entry>? previous = node.Previous;
                if (now - node.Value.AsOf >= _staleBound)
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

    /// <summary>A read's answer (kept or, when too large, not), or why it failed.</summary>
    private sealed record ReadOutcome(Entry? Entry, ExceptionDispatchInfo? Failure);

    private static partial class Log
    {
        [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Reading a stale answer again failed ({Key}); it is served as it was until it is too old: {Reason}")]
        public static partial void RefreshFailed(ILogger logger, Exception exception, string key, string reason);
    }
}

/// <summary>Names of the dashboard's meter and instruments (OpenTelemetry style).</summary>
public static class DashboardInstruments
{
    public const string MeterName = "Ale.Speed.Dashboard";

    /// <summary>Counter: answers served from the cache, younger than CacheSeconds.</summary>
    public const string CacheHits = "ale.speed.dashboard.cache.hits";

    /// <summary>Counter: answers served from the cache older than CacheSeconds (while a background read replaces them).</summary>
    public const string CacheStale = "ale.speed.dashboard.cache.stale";

    /// <summary>Counter: background reads of stale answers; tag <c>result</c> = stored, failed or cancelled.</summary>
    public const string CacheRefreshes = "ale.speed.dashboard.cache.refreshes";

    /// <summary>Counter: answers read from InfluxDB.</summary>
    public const string CacheMisses = "ale.speed.dashboard.cache.misses";

    /// <summary>Counter: answers not kept whose read was under way for another request (waited on, not read again).</summary>
    public const string CacheJoined = "ale.speed.dashboard.cache.joined";

    /// <summary>Counter: answers dropped; tag <c>reason</c> = expired, bound or too-large.</summary>
    public const string CacheEvictions = "ale.speed.dashboard.cache.evictions";

    /// <summary>Gauge: answers kept.</summary>
    public const string CacheEntries = "ale.speed.dashboard.cache.entries";

    /// <summary>Gauge: estimated bytes of the answers kept.</summary>
    public const string CacheBytes = "ale.speed.dashboard.cache.bytes";
}
