using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Dashboard.Api;
using Ale.Speed.Dashboard.Caching;
using Ale.Speed.Influx.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;

namespace Ale.Speed.Dashboard.Tests.Caching;

/// <summary>The dashboard's answer cache on a fake clock: expiry, stale answers and their refresh, the bounds, key normalisation, failed reads.</summary>
public sealed class AnswerCacheTests
{
    private static readonly TimeSpan s_maxAge = TimeSpan.FromSeconds(60);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 5, 0, 0, TimeSpan.Zero));
    private int _reads;

    private Task<Answer<string>> AskAsync(AnswerCache cache, object key, long bytes = 10)
        => cache.GetOrReadAsync(key, _ =>
        {
            int read = Interlocked.Increment(ref _reads);
            return Task.FromResult($"{key} read #{read}");
        }, _ => bytes, CancellationToken.None);

    /// <summary>Background refreshes run on the thread pool: wait for them with a deadline, never a fixed sleep.</summary>
    private static Task RefreshedAsync(AnswerCache cache) => cache.ReadsIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task SameKeyWithinMaxAge_IsAHit_WithTheTimeOfTheFirstRead()
    {
        using var cache = new AnswerCache(s_maxAge, _time);
        Answer<string> first = await AskAsync(cache, "a");
        DateTimeOffset readAt = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromSeconds(59.999));
        Answer<string> second = await AskAsync(cache, "a");

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.Value, second.Value);
        Assert.Equal(readAt, second.AsOf);
        Assert.Equal(1, _reads);
        Assert.Equal((1L, 1L), (cache.Hits, cache.Misses));
    }

    [Fact]
    public async Task SameKeyAtMaxAge_IsServedStale_WhileOneBackgroundReadReplacesIt()
    {
        using var cache = new AnswerCache(s_maxAge, _time);
        DateTimeOffset firstRead = _time.GetUtcNow();
        await AskAsync(cache, "a");
        _time.Advance(s_maxAge);
        DateTimeOffset refreshBegan = _time.GetUtcNow();
        Answer<string> stale = await AskAsync(cache, "a");

        Assert.Equal(("a read #1", AnswerSource.Stale, true), (stale.Value, stale.Source, stale.RefreshStarted));
        Assert.Equal(firstRead, stale.AsOf);   // "data as of" says how old it is
        await RefreshedAsync(cache);
        Assert.Equal(2, _reads);
        _time.Advance(TimeSpan.FromSeconds(1));
        Answer<string> refreshed = await AskAsync(cache, "a");
        Assert.Equal(("a read #2", AnswerSource.Fresh, false), (refreshed.Value, refreshed.Source, refreshed.RefreshStarted));
        Assert.Equal(refreshBegan, refreshed.AsOf);
        Assert.Equal(2, _reads);
        Assert.Equal((1L, 1L, 1L, 1L, 0L), (cache.Hits, cache.Stale, cache.Misses, cache.RefreshesStored, cache.RefreshesFailed));
    }

    [Fact]
    public async Task ConcurrentRequestsForAStaleAnswer_StartOneRefresh_AndNoneWaitsForIt()
    {
        using var cache = new AnswerCache(s_maxAge, _time);
        await cache.GetOrReadAsync("a", _ => Task.FromResult("old"), _ => 10, CancellationToken.None);
        _time.Advance(s_maxAge);
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        int refreshReads = 0;
        Func<CancellationToken, Task<string>> slowRead = _ =>
        {
            Interlocked.Increment(ref refreshReads);
            return gate.Task;
        };

        Answer<string>[] answers = await Task.WhenAll(Enumerable.Range(0, 16)
            .Select(_ => Task.Run(() => cache.GetOrReadAsync("a", slowRead, _ => 10, CancellationToken.None))));

        // All answered while the refresh is still blocked on its gate.
        Assert.All(answers, a => Assert.Equal(("old", AnswerSource.Stale), (a.Value, a.Source)));
        Assert.Single(answers, a => a.RefreshStarted);
        gate.SetResult("new");
        await RefreshedAsync(cache);
        Assert.Equal(1, refreshReads);
        Assert.Equal("new", (await cache.GetOrReadAsync("a", slowRead, _ => 10, CancellationToken.None)).Value);
        Assert.Equal(16, cache.Stale);
    }

    [Fact]
    public async Task ConcurrentMisses_ReadOnce_AndEveryRequestGetsThatAnswer()
    {
        using var cache = new AnswerCache(s_maxAge, _time);
        using var metrics = new MetricsRecorder(cache.Meter);
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        int reads = 0;
        Func<CancellationToken, Task<string>> slowRead = _ =>
        {
            Interlocked.Increment(ref reads);
            return gate.Task;
        };

        Task<Answer<string>>[] requests = [.. Enumerable.Range(0, 16)
            .Select(_ => Task.Run(() => cache.GetOrReadAsync("a", slowRead, _ => 10, CancellationToken.None)))];
        await WaitUntilAsync(() => cache.Misses + cache.Joined == 16);
        Assert.All(requests, r => Assert.False(r.IsCompleted));   // all wait on the one read
        gate.SetResult("answer");
        Answer<string>[] answers = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, reads);
        Assert.All(answers, a => Assert.Equal("answer", a.Value));
        Assert.Single(answers, a => a.Source == AnswerSource.Read);
        Assert.Equal(15, answers.Count(a => a.Source == AnswerSource.Joined));
        Assert.Equal((1L, 15L), (metrics.Sum(DashboardInstruments.CacheMisses), metrics.Sum(DashboardInstruments.CacheJoined)));
        Assert.True((await AskAsync(cache, "a")).FromCache);
    }

    [Fact]
    public async Task MissedRead_OutlivesTheRequestThatStartedIt_AndAnswersTheOthers()
    {
        using var cache = new AnswerCache(s_maxAge, _time);
        using var first = new CancellationTokenSource();
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var given = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<Answer<string>> starter = cache.GetOrReadAsync("a", ct =>
        {
            given.SetResult(ct);
            return gate.Task;
        }, _ => 10, first.Token);
        CancellationToken readToken = await given.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Task<Answer<string>> other = cache.GetOrReadAsync<string>("a", _ => throw new InvalidOperationException("a second read"), _ => 10, CancellationToken.None);

        await first.CancelAsync();   // the first browser went away
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => starter);
        Assert.False(readToken.IsCancellationRequested);
        gate.SetResult("answer");
        Answer<string> answer = await other.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(("answer", AnswerSource.Joined), (answer.Value, answer.Source));
        Assert.Equal("answer", (await AskAsync(cache, "a")).Value);
    }

    [Fact]
    public async Task FailedMissedRead_FailsEveryRequestWaitingOnIt_AndTheNextRequestReadsAgain()
    {
        using var cache = new AnswerCache(s_maxAge, _time);
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<Answer<string>>[] requests = [.. Enumerable.Range(0, 3)
            .Select(_ => Task.Run(() => cache.GetOrReadAsync("a", _ => gate.Task, _ => 10, CancellationToken.None)))];
        await WaitUntilAsync(() => cache.Misses + cache.Joined == 3);
        gate.SetException(new HttpRequestException("InfluxDB is away"));

        foreach (Task<Answer<string>> request in requests)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => request.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        await RefreshedAsync(cache);
        Assert.Equal(0, cache.Count);
        Assert.Equal("a read #1", (await AskAsync(cache, "a")).Value);
        Assert.Equal((2L, 2L), (cache.Misses, cache.Joined));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), deadline.Token);
        }
    }

    [Fact]
    public async Task Refresh_IsNotTiedToTheRequestThatStartedIt()
    {
        using var cache = new AnswerCache(s_maxAge, _time);
        await AskAsync(cache, "a");
        _time.Advance(s_maxAge);
        using var request = new CancellationTokenSource();
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var given = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        Answer<string> stale = await cache.GetOrReadAsync("a", ct =>
        {
            given.SetResult(ct);
            return gate.Task;
        }, _ => 10, request.Token);

        await request.CancelAsync();   // the browser went away
        CancellationToken refreshToken = await given.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(refreshToken.IsCancellationRequested);
        gate.SetResult("refreshed");
        await RefreshedAsync(cache);
        Assert.Equal(AnswerSource.Stale, stale.Source);
        Assert.Equal("refreshed", (await AskAsync(cache, "a")).Value);
    }

    [Fact]
    public async Task FailedRefresh_KeepsTheOldAnswer_IsCounted_AndTheNextRequestTriesAgain()
    {
        using var cache = new AnswerCache(s_maxAge, _time);
        using var metrics = new MetricsRecorder(cache.Meter);
        await AskAsync(cache, "a");
        _time.Advance(s_maxAge);
        Func<CancellationToken, Task<string>> failing = _ => Task.FromException<string>(new HttpRequestException("InfluxDB is away"));

        Answer<string> first = await cache.GetOrReadAsync("a", failing, _ => 10, CancellationToken.None);
        await RefreshedAsync(cache);
        Answer<string> second = await cache.GetOrReadAsync("a", failing, _ => 10, CancellationToken.None);
        await RefreshedAsync(cache);

        Assert.Equal(("a read #1", AnswerSource.Stale, true), (first.Value, first.Source, first.RefreshStarted));
        Assert.Equal(("a read #1", AnswerSource.Stale, true), (second.Value, second.Source, second.RefreshStarted));
        Assert.Equal((2L, 0L), (cache.RefreshesFailed, cache.RefreshesStored));
        Assert.Equal(2, metrics.Sum(DashboardInstruments.CacheRefreshes, "failed"));
        Assert.Equal(2, metrics.Sum(DashboardInstruments.CacheStale));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task AtTheStaleBound_TheAnswerIsReadAfresh_WithoutABackgroundRefresh()
    {
        using var cache = new AnswerCache(s_maxAge, _time);
        Assert.Equal(s_maxAge * AnswerCache.StaleFactor, cache.StaleBound);
        await AskAsync(cache, "a");   // read #1
        await AskAsync(cache, "b");   // read #2
        _time.Advance(cache.StaleBound - TimeSpan.FromMilliseconds(1));
        Assert.Equal(AnswerSource.Stale, (await AskAsync(cache, "b")).Source);   // just within the bound: served, refreshed (read #3)
        await RefreshedAsync(cache);

        // Not asked for within the bound: dropped and read for the request itself.
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Answer<string> again = await AskAsync(cache, "a");
        Assert.Equal(("a read #4", AnswerSource.Read, false), (again.Value, again.Source, again.RefreshStarted));
        Assert.Equal(_time.GetUtcNow(), again.AsOf);
        await RefreshedAsync(cache);
        Assert.Equal(4, _reads);
        Assert.Equal((1L, 1L), (cache.Stale, cache.RefreshesStored));
    }

    [Fact]
    public async Task RefreshTooLargeToKeep_DropsTheStaleAnswerItOutdates()
    {
        using var cache = new AnswerCache(s_maxAge, _time, maxBytes: 100);
        await AskAsync(cache, "a", bytes: 40);
        _time.Advance(s_maxAge);
        await AskAsync(cache, "a", bytes: 101);   // served stale; the refresh's answer is larger than the bound
        await RefreshedAsync(cache);
        Assert.Equal((0, 0L), (cache.Count, cache.Bytes));
        Assert.Equal(AnswerSource.Read, (await AskAsync(cache, "a", bytes: 40)).Source);
    }

    [Fact]
    public async Task DisposedCache_EndsItsRefresh_WithoutCountingAFailure()
    {
        var cache = new AnswerCache(s_maxAge, _time);
        await AskAsync(cache, "a");
        _time.Advance(s_maxAge);
        await cache.GetOrReadAsync<string>("a", async ct =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return "never";
        }, _ => 10, CancellationToken.None);
        Task refreshes = cache.ReadsIdleAsync();
        cache.Dispose();
        await refreshes.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((0L, 0L), (cache.RefreshesFailed, cache.RefreshesStored));
    }

    [Fact]
    public async Task MaxAgeZero_KeepsNothing()
    {
        using var cache = new AnswerCache(TimeSpan.Zero, _time);
        await AskAsync(cache, "a");
        Answer<string> again = await AskAsync(cache, "a");
        Assert.False(again.FromCache);
        Assert.Equal(2, _reads);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task MoreKeysThanTheEntryBound_DropTheLeastRecentlyUsed()
    {
        using var cache = new AnswerCache(s_maxAge, _time, maxEntries: 2);
        await AskAsync(cache, "a");
        await AskAsync(cache, "b");
        await AskAsync(cache, "a");   // a is now more recent than b
        await AskAsync(cache, "c");   // over the bound: b goes

        Assert.Equal(2, cache.Count);
        Assert.True((await AskAsync(cache, "a")).FromCache);
        Assert.True((await AskAsync(cache, "c")).FromCache);
        Assert.False((await AskAsync(cache, "b")).FromCache);
    }

    [Fact]
    public async Task MoreBytesThanTheBound_DropTheLeastRecentlyUsed_AndAnAnswerLargerThanTheBoundIsNotKept()
    {
        using var cache = new AnswerCache(s_maxAge, _time, maxBytes: 100);
        await AskAsync(cache, "a", bytes: 40);
        await AskAsync(cache, "b", bytes: 40);
        await AskAsync(cache, "c", bytes: 40);   // 120 > 100: a goes
        Assert.Equal((2, 80L), (cache.Count, cache.Bytes));
        Assert.False((await AskAsync(cache, "a", bytes: 40)).FromCache);   // kept again; b goes

        await AskAsync(cache, "huge", bytes: 101);
        Assert.False((await AskAsync(cache, "huge", bytes: 101)).FromCache);
        Assert.True(cache.Bytes <= 100);
        Assert.True((await AskAsync(cache, "c", bytes: 40)).FromCache);
    }

    [Fact]
    public async Task ExpiredAnswers_AreDroppedWhenAnotherIsKept()
    {
        using var cache = new AnswerCache(s_maxAge, _time);
        await AskAsync(cache, "a", bytes: 30);
        _time.Advance(cache.StaleBound);
        await AskAsync(cache, "b", bytes: 20);
        Assert.Equal((1, 20L), (cache.Count, cache.Bytes));
    }

    [Fact]
    public async Task HitsMissesAndEvictions_AreCountedInTheMeterWithTheirReasons()
    {
        using var cache = new AnswerCache(s_maxAge, _time, maxEntries: 1, maxBytes: 100);
        using var metrics = new MetricsRecorder(cache.Meter);
        await AskAsync(cache, "a");                  // miss
        await AskAsync(cache, "a");                  // hit
        await AskAsync(cache, "b");                  // miss; a goes (one entry at most)
        _time.Advance(s_maxAge);
        await AskAsync(cache, "b");                  // stale, and refreshed in the background
        await RefreshedAsync(cache);
        _time.Advance(cache.StaleBound);
        await AskAsync(cache, "b");                  // miss: b has expired
        await AskAsync(cache, "huge", bytes: 101);   // miss, and never kept

        Assert.Equal(1, metrics.Sum(DashboardInstruments.CacheHits));
        Assert.Equal(1, metrics.Sum(DashboardInstruments.CacheStale));
        Assert.Equal(1, metrics.Sum(DashboardInstruments.CacheRefreshes, "stored"));
        Assert.Equal(4, metrics.Sum(DashboardInstruments.CacheMisses));
        Assert.Equal(1, metrics.Sum(DashboardInstruments.CacheEvictions, "bound"));
        Assert.Equal(1, metrics.Sum(DashboardInstruments.CacheEvictions, "expired"));
        Assert.Equal(1, metrics.Sum(DashboardInstruments.CacheEvictions, "too-large"));
        Assert.Equal((1L, 4L), (cache.Hits, cache.Misses));
    }

    [Fact]
    public async Task FailedRead_IsNotKept()
    {
        using var cache = new AnswerCache(s_maxAge, _time);
        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetOrReadAsync<string>("a", _ => throw new InvalidOperationException("InfluxDB is away"), _ => 1, CancellationToken.None));
        Answer<string> next = await AskAsync(cache, "a");
        Assert.False(next.FromCache);
        Assert.Equal(0, cache.Hits);
    }

    public static TheoryData<string, string> SameQueries => new()
    {
        { "from=2026-11-02&to=2026-11-23&site=t-nodinge&by=week", "by=week&site=t-nodinge&to=2026-11-23&from=2026-11-02" },
        { "from=2026-11-02&to=2026-11-23", "to=2026-11-23T00:00&from=2026-11-02T00:00:00&format=csv" },
        { "from=2026-11-02&to=2026-11-23&by=day", "from=2026-11-01T23:00:00Z&to=2026-11-23&by=DAY" },
        { "from=2026-11-02&to=2026-11-23&by=total", "from=2026-11-02&to=2026-11-23&site=" },
    };

    [Theory]
    [MemberData(nameof(SameQueries))]
    public async Task SameReportQuery_WrittenDifferently_Hits(string query, string sameQuery)
    {
        using var cache = new AnswerCache(s_maxAge, _time);
        ReportQuery first = Key(query);
        ReportQuery second = Key(sameQuery);
        Assert.Equal(first, second);
        await AskAsync(cache, first);
        Assert.True((await AskAsync(cache, second)).FromCache);
    }

    [Theory]
    [InlineData("from=2026-11-02&to=2026-11-23", "from=2026-11-02&to=2026-11-24")]
    [InlineData("from=2026-11-02&to=2026-11-23", "from=2026-11-02&to=2026-11-23&site=t-nodinge")]
    [InlineData("from=2026-11-02&to=2026-11-23&by=day", "from=2026-11-02&to=2026-11-23&by=week")]
    public async Task DifferentReportQueries_Miss(string query, string otherQuery)
    {
        using var cache = new AnswerCache(s_maxAge, _time);
        await AskAsync(cache, Key(query));
        Assert.False((await AskAsync(cache, Key(otherQuery))).FromCache);
    }

    /// <summary>The key the API and the pages build from a query string.</summary>
    private ReportQuery Key(string query)
    {
        var parameters = new QueryCollection(QueryHelpers.ParseQuery(query));
        ReportRequest request = AnalysisQuery.Report(parameters, AnalysisQuery.Format(parameters), _time.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.NotEqual(OutputFormat.Table, request.Format);
        return new ReportQuery(request.Period, request.SiteId, request.By);
    }
}
