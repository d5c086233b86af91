using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Ale.Speed.Influx.Buffers;

namespace Ale.Speed.Influx.Writing;

/// <summary>
/// Appends refused lines to a file, one JSON object per line:
/// <c>{"time":"2025-05-01T12:00:00.000+00:00","status":400,"reason":"…","line":"…"}</c>.
/// Each entry is flushed to disk before the writer reports the line as handled, because the caller forgets a batch
/// once it is complete.
/// </summary>
internal sealed class QuarantineFile(string path, TimeProvider timeProvider) : IDisposable
{
    private static readonly JsonWriterOptions s_json = new()
    {
        // Human readers of this file want "Nödinge", not "N\u00F6dinge"; the file is never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Path { get; } = path;

    public async Task AppendAsync(ReadOnlyMemory<byte> line, int statusCode, string reason, CancellationToken cancellationToken)
    {
        using var buffer = new PooledBufferWriter(line.Length * 2 + reason.Length * 2 + 128);
        using (var json = new Utf8JsonWriter(buffer, s_json))
        {
            json.WriteStartObject();
            json.WriteString("time", timeProvider.GetUtcNow());
            json.WriteNumber("status", statusCode);
            json.WriteString("reason", reason);
            json.WriteString("line", Encoding.UTF8.GetString(line.Span));
            json.WriteEndObject();
        }

        buffer.GetSpan(1)[0] = (byte)'\n';
        buffer.Advance(1);

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, useAsync: true);
            await file.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
