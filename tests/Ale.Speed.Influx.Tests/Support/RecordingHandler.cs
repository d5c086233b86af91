using System.Collections.Concurrent;

namespace Ale.Speed.Influx.Tests.Support;

/// <summary>Passes requests through to the real server and remembers what went over the wire.</summary>
public sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        _requests.Enqueue(new RecordedRequest(
            request.RequestUri!,
            request.Content?.Headers.ContentEncoding.ToArray() ?? [],
            request.Headers.Authorization?.Scheme,
            body,
            (int)response.StatusCode));
        return response;
    }
}

public sealed record RecordedRequest(Uri Uri, string[] ContentEncoding, string? AuthorizationScheme, byte[] Body, int StatusCode);
