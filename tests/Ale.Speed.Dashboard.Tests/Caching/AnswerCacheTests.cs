using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Dashboard.Api;
using Ale.Speed.Dashboard.Caching;
using Ale.Speed.Influx.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;

namespace Ale.Speed.Dashboard.Tests.Caching;

/// <summary>The dashboard's answer cache on a fake clock: expiry, the bounds, key normalisation, failed reads.</summary>
public sealed class AnswerCacheTests
{
    private static readonly TimeSpan s_maxAge = TimeSpan.FromSeconds(60);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 5, 0, 0, TimeSpan.Zero));
    private int _reads;

    private Task<Answer<string>> AskAsync(AnswerCache cache, object key, long bytes = 10)
        => cache.GetOrReadAsync(key, _ =>
        {
            _reads++;
            return Task.FromResult($"{key} read #{_reads}");
        }, _ => bytes, CancellationToken.None);

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
    public async Task SameKeyAtMaxAge_IsReadAgain_AndNowAsOfThen()
    {
        using var cache = new AnswerCache(s_maxAge, _time);
        await AskAsync(cache, "a");
        _time.Advance(s_maxAge);
        Answer<string> again = await AskAsync(cache, "a");

        Assert.False(again.FromCache);
        Assert.Equal("a read #2", again.Value);
        Assert.Equal(_time.GetUtcNow(), again.AsOf);
        Assert.Equal((0L, 2L), (cache.Hits, cache.Misses));
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
        _time.Advance(s_maxAge);
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
        await AskAsync(cache, "b");                  // miss: b has expired
        await AskAsync(cache, "huge", bytes: 101);   // miss, and never kept

        Assert.Equal(1, metrics.Sum(DashboardInstruments.CacheHits));
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
