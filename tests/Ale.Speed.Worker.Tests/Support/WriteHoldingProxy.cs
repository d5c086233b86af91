using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ale.Speed.Worker.Tests.Support;

/// <summary>
/// An HTTP proxy in front of a real InfluxDB that forwards everything until a write matches <c>hold</c>; from then on it
/// holds every write unanswered (the writer waits mid-flush) until <see cref="PassThrough"/>. Lets a test stop a worker
/// at a known point of a flush — by construction, not by timing.
/// </summary>
public sealed class WriteHoldingProxy : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _http = new();
    private readonly Uri _target;
    private readonly Func<string, string?, bool> _hold;
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<HttpListenerContext> _waiting = [];
    private readonly Task _loop;
    private string? _previousWrite;
    private volatile bool _passThrough;

    /// <param name="hold">Given a write's body and the previous forwarded write's body: true to hold this write and every later one.</param>
    public WriteHoldingProxy(Uri target, Func<string, string?, bool> hold)
    {
        _target = target;
        _hold = hold;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/");
        }

        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Url { get; }

    /// <summary>Completes when the first write is held.</summary>
    public Task Held => _held.Task;

    /// <summary>Forwarded writes (bodies), in order.</summary>
    public List<string> Forwarded { get; } = [];

    /// <summary>From now on every request is forwarded (the held ones are dropped: their writer is gone).</summary>
    public void PassThrough() => _passThrough = true;

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        byte[] bytes = body.ToArray();
        bool write = context.Request.Url!.AbsolutePath.EndsWith("/write", StringComparison.Ordinal);
        if (write && !_passThrough)
        {
            string text = Encoding.UTF8.GetString(bytes);
            lock (_waiting)
            {
                if (_waiting.Count > 0 || _hold(text, _previousWrite))
                {
                    _waiting.Add(context);
                    _held.TrySetResult();
                    return;
                }

                _previousWrite = text;
                Forwarded.Add(text);
            }
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), new Uri(_target, context.Request.Url!.PathAndQuery));
        if (bytes.Length > 0 || context.Request.HttpMethod == "POST")
        {
            request.Content = new ByteArrayContent(bytes);
            if (context.Request.ContentType is { } type)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }

            if (context.Request.Headers["Content-Encoding"] is { } encoding)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Encoding", encoding);
            }
        }

        if (context.Request.Headers["Authorization"] is { } authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request);
            byte[] answer = await response.Content.ReadAsByteArrayAsync();
            context.Response.StatusCode = (int)response.StatusCode;
            if (response.Content.Headers.ContentType is { } contentType)
            {
                context.Response.ContentType = contentType.ToString();
            }

            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpRequestException or HttpListenerException or ObjectDisposedException)
        {
            context.Response.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_waiting)
        {
            _waiting.ForEach(c => c.Response.Abort());
            _waiting.Clear();
        }

        _listener.Stop();
        _listener.Close();
        await _loop;
        _http.Dispose();
    }
}
