using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Ale.Speed.Dashboard.Caching;

/// <summary>
/// The <c>Server-Timing</c> header of every answer: how the request's reads were answered
/// (<c>cache;desc="1 hit, 1 stale, 1 miss, 1 refresh"</c>: kept and fresh, kept but older than CacheSeconds, read for
/// this request, and background re-reads this request started), the time spent getting them (<c>read;dur=</c>, ms) and
/// the server's whole time until the response started (<c>total;dur=</c>, ms; pages are written whole, so that is the
/// time to the answer).
/// </summary>
internal sealed class ServerTiming
{
    public const string HeaderName = "Server-Timing";

    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly long _started;
    private int _hits;
    private int _stale;
    private int _misses;
    private int _refreshes;
    private TimeSpan _reading;

    private ServerTiming(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _started = timeProvider.GetTimestamp();
    }

    /// <summary>Middleware: times the request and writes the header when the response starts.</summary>
    public static Task UseAsync(HttpContext context, RequestDelegate next)
    {
        var timing = new ServerTiming(context.RequestServices.GetRequiredService<DashboardData>().TimeProvider);
        context.Features.Set(timing);
        context.Response.OnStarting(static state =>
        {
            var (response, timing) = ((HttpResponse, ServerTiming))state;
            response.Headers[HeaderName] = timing.Header();
            return Task.CompletedTask;
        }, (context.Response, timing));
        return next(context);
    }

    /// <summary>Counts one read of the request, answered as <paramref name="source"/> says, that took <paramref name="elapsed"/>.</summary>
    public static void Add(HttpContext context, AnswerSource source, bool refreshStarted, TimeSpan elapsed)
    {
        if (context.Features.Get<ServerTiming>() is not { } timing)
        {
            return;
        }

        lock (timing._lock)
        {
            switch (source)
            {
                case AnswerSource.Fresh:
                    timing._hits++;
                    break;
                case AnswerSource.Stale:
                    timing._stale++;
                    break;
                default:
                    timing._misses++;
                    break;
            }

            if (refreshStarted)
            {
                timing._refreshes++;
            }

            timing._reading += elapsed;
        }
    }

    public string Header()
    {
        lock (_lock)
        {
            double total = _timeProvider.GetElapsedTime(_started).TotalMilliseconds;
            return string.Create(CultureInfo.InvariantCulture,
                $"cache;desc=\"{_hits} hit, {_stale} stale, {_misses} miss, {_refreshes} refresh\", read;dur={_reading.TotalMilliseconds:0.0}, total;dur={total:0.0}");
        }
    }
}
