using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Ale.Speed.Influx.Writing;
using Polly;
using Polly.Simmy;
using Polly.Simmy.Outcomes;

namespace Ale.Speed.Influx.Tests.Support;

/// <summary>Polly's own fault injection in front of the real server: answers a local InfluxDB cannot give.</summary>
public static class Chaos
{
    /// <summary>Adds a chaos outcome: when <paramref name="inject"/> says so for the attempt (its line count and
    /// uncompressed body), the request never reaches the server and <paramref name="response"/> is the answer.</summary>
    public static void Outcome(
        ResiliencePipelineBuilder<HttpResponseMessage> builder,
        Func<int, ReadOnlyMemory<byte>, bool> inject,
        Func<HttpResponseMessage> response)
    {
        builder.AddChaosOutcome(new ChaosOutcomeStrategyOptions<HttpResponseMessage>
        {
            InjectionRate = 1,
            EnabledGenerator = args => new ValueTask<bool>(inject(
                args.Context.Properties.GetValue(InfluxWriter.LineCountKey, 0),
                args.Context.Properties.GetValue(InfluxWriter.BodyKey, ReadOnlyMemory<byte>.Empty))),
            OutcomeGenerator = _ => new ValueTask<Outcome<HttpResponseMessage>?>(Polly.Outcome.FromResult(response())),
        });
    }

    public static HttpResponseMessage Status(HttpStatusCode status, string? json = null, TimeSpan? retryAfter = null)
    {
        var response = new HttpResponseMessage(status);
        if (json is not null)
        {
            response.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(delay);
        }

        return response;
    }
}
