using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Influx.Querying;

/// <summary>One series of an InfluxQL answer: a measurement, the tags it was grouped by, and rows of values.</summary>
/// <param name="Name">Measurement name (empty for answers such as SHOW DATABASES' "databases" … as the server names them).</param>
/// <param name="Tags">GROUP BY tags; empty when not grouped.</param>
/// <param name="Columns">Column names; with <c>epoch=ms</c> the <c>time</c> column holds Unix milliseconds.</param>
/// <param name="Values">Rows, each with one element per column (numbers, strings, booleans or null).</param>
public sealed record InfluxSeries(
    string Name,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string> Columns,
    IReadOnlyList<JsonElement[]> Values)
{
    /// <summary>Index of <paramref name="column"/>, or -1.</summary>
    public int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i] == column)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>The server refused a query (bad InfluxQL, unknown database, missing permission, …).</summary>
public sealed class InfluxQueryException : Exception
{
    public InfluxQueryException()
    {
    }

    public InfluxQueryException(string message) : base(message)
    {
    }

    public InfluxQueryException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public InfluxQueryException(string message, int statusCode) : base(message) => StatusCode = statusCode;

    /// <summary>HTTP status of the answer (200 when a statement failed inside a successful answer).</summary>
    public int StatusCode { get; }
}

/// <summary>
/// Runs InfluxQL on the 1.x <c>/query</c> endpoint (also served by InfluxDB 2.x's 1.x compatibility API and 3.x) and
/// streams the answer: it asks for a chunked answer (one JSON object per line, each at most
/// <see cref="ChunkRows"/> rows) and reads each chunk with <see cref="Utf8JsonReader"/> as it arrives, handing rows to an
/// <see cref="InfluxRowVisitor"/>. The answer is never held whole; memory is one chunk plus what the visitor keeps.
/// Times come back as Unix milliseconds (<c>epoch=ms</c>).
/// </summary>
public sealed class InfluxQueryClient
{
    /// <summary>Rows per chunk the server is asked for.</summary>
    public const int ChunkRows = 5000;

    /// <summary>The longest chunk (one line of the answer) accepted; a longer one is refused, not buffered.</summary>
    public const int MaxChunkBytes = 256 * 1024 * 1024;

    private const byte LineFeed = (byte)'\n';

    private readonly HttpClient _http;
    private readonly InfluxOptions _options;
    private readonly Uri _queryUri;
    private readonly AuthenticationHeaderValue? _authorization;

    public InfluxQueryClient(HttpClient httpClient, InfluxOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Url is null || !options.Url.IsAbsoluteUri)
        {
            throw new ArgumentException("InfluxOptions.Url must be an absolute address.", nameof(options));
        }

        _http = httpClient;
        _options = options;
        _queryUri = new Uri(InfluxWriter.WithTrailingSlash(options.Url), "query");
        _authorization = InfluxWriter.Authorization(options);
    }

    /// <summary>Where and how this client queries.</summary>
    public InfluxOptions Options => _options;

    /// <summary>Runs <paramref name="influxQl"/> against <see cref="InfluxOptions.Database"/> and returns the series
    /// of every statement, in order (for small answers: every value is kept).</summary>
    public Task<IReadOnlyList<InfluxSeries>> QueryAsync(string influxQl, CancellationToken cancellationToken = default) =>
        QueryAsync(influxQl, _options.Database, cancellationToken);

    /// <summary>Runs <paramref name="influxQl"/> against <paramref name="database"/> (none for statements such as
    /// CREATE DATABASE) and returns every series, a series the server split into chunks joined again.</summary>
    public async Task<IReadOnlyList<InfluxSeries>> QueryAsync(string influxQl, string? database, CancellationToken cancellationToken = default)
    {
        var collector = new SeriesCollector();
        await StreamAsync(influxQl, database, collector, cancellationToken).ConfigureAwait(false);
        return collector.Series;
    }

    /// <summary>Runs <paramref name="influxQl"/> against <see cref="InfluxOptions.Database"/>, streaming every row to <paramref name="visitor"/>.</summary>
    public Task StreamAsync(string influxQl, InfluxRowVisitor visitor, CancellationToken cancellationToken = default) =>
        StreamAsync(influxQl, _options.Database, visitor, proceed: null, cancellationToken);

    /// <summary>
    /// As <see cref="StreamAsync(string, InfluxRowVisitor, CancellationToken)"/>, but the answer is read only once
    /// <paramref name="proceed"/> completes with true (false: it is dropped unread; null: read at once). The query is sent
    /// at once, so InfluxDB works on it while the caller finishes what it needs to know first (a check of the same data).
    /// </summary>
    public Task StreamAsync(string influxQl, InfluxRowVisitor visitor, Task<bool>? proceed, CancellationToken cancellationToken = default) =>
        StreamAsync(influxQl, _options.Database, visitor, proceed, cancellationToken);

    /// <summary>
    /// Runs <paramref name="influxQl"/> (sent as a POST form, which 1.x requires for statements that change anything)
    /// and streams every row to <paramref name="visitor"/> as the answer arrives.
    /// </summary>
    /// <exception cref="InfluxQueryException">The server refused the query or a statement, or answered without JSON.</exception>
    public Task StreamAsync(string influxQl, string? database, InfluxRowVisitor visitor, CancellationToken cancellationToken = default) =>
        StreamAsync(influxQl, database, visitor, proceed: null, cancellationToken);

    private async Task StreamAsync(string influxQl, string? database, InfluxRowVisitor visitor, Task<bool>? proceed, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(influxQl);
        ArgumentNullException.ThrowIfNull(visitor);
        var form = new List<KeyValuePair<string, string>>(6)
        {
            new("q", influxQl),
            new("epoch", "ms"),
            new("chunked", "true"),
            new("chunk_size", ChunkRows.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (!string.IsNullOrWhiteSpace(database))
        {
            form.Add(new("db", database));
        }

        if (!string.IsNullOrWhiteSpace(_options.RetentionPolicy))
        {
            form.Add(new("rp", _options.RetentionPolicy));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _queryUri) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = _authorization;
        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (proceed is not null && !await proceed.ConfigureAwait(false))
        {
            return;
        }

        Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var parser = new ChunkParser(visitor, (int)response.StatusCode);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int begin = 0;
            int filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (begin > 0)
                    {
                        buffer.AsSpan(begin, filled - begin).CopyTo(buffer);
                        filled -= begin;
                        begin = 0;
                    }
                    else if (buffer.Length >= MaxChunkBytes)
                    {
                        throw new InfluxQueryException($"InfluxDB sent a chunk longer than {MaxChunkBytes} bytes; ask for fewer rows per chunk.");
                    }
                    else
                    {
                        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(MaxChunkBytes, buffer.Length * 2));
                        buffer.AsSpan(0, filled).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }

                int searched = filled;
                int read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                filled += read;
                if (read == 0)
                {
                    parser.Parse(new ReadOnlySequence<byte>(buffer, begin, filled - begin));
                    break;
                }

                // Only the new bytes can hold the end of the line that was incomplete before.
                int from = Math.Max(begin, searched);
                int lineFeed;
                while ((lineFeed = buffer.AsSpan(from, filled - from).IndexOf(LineFeed)) >= 0)
                {
                    int end = from + lineFeed;
                    parser.Parse(new ReadOnlySequence<byte>(buffer, begin, end - begin));
                    begin = from = end + 1;
                }

                if (begin == filled)
                {
                    begin = filled = 0;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (!parser.SawJson)
        {
            throw new InfluxQueryException($"InfluxDB answered {(int)response.StatusCode} without JSON.", (int)response.StatusCode);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new InfluxQueryException($"InfluxDB answered {(int)response.StatusCode}.", (int)response.StatusCode);
        }
    }

    /// <summary>Reads the JSON objects of a (chunked) answer, one complete line at a time.</summary>
    private sealed class ChunkParser(InfluxRowVisitor visitor, int statusCode)
    {
        private static readonly Dictionary<string, string> s_noTags = new(StringComparer.Ordinal);

        private bool _lastPartial;

        public bool SawJson { get; private set; }

        public void Parse(ReadOnlySequence<byte> chunk)
        {
            if (IsBlank(chunk))
            {
                return;
            }

            var reader = new Utf8JsonReader(chunk, new JsonReaderOptions { MaxDepth = 16 });
            try
            {
                Expect(ref reader, JsonTokenType.StartObject);
                SawJson = true;
                while (Next(ref reader) == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("error"u8))
                    {
                        Next(ref reader);
                        throw new InfluxQueryException(reader.GetString() ?? "query failed", statusCode);
                    }

                    if (reader.ValueTextEquals("results"u8))
                    {
                        Expect(ref reader, JsonTokenType.StartArray);
                        while (Next(ref reader) == JsonTokenType.StartObject)
                        {
                            Result(ref reader);
                        }
                    }
                    else
                    {
                        Skip(ref reader);
                    }
                }
            }
            catch (JsonException ex)
            {
                throw new InfluxQueryException($"InfluxDB answered {statusCode} with JSON this client cannot read.", ex);
            }
        }

        private void Result(ref Utf8JsonReader reader)
        {
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("error"u8))
                {
                    Next(ref reader);
                    throw new InfluxQueryException(reader.GetString() ?? "statement failed", statusCode);
                }

                if (reader.ValueTextEquals("series"u8))
                {
                    Expect(ref reader, JsonTokenType.StartArray);
                    while (Next(ref reader) == JsonTokenType.StartObject)
                    {
                        Series(ref reader);
                    }
                }
                else
                {
                    Skip(ref reader);
                }
            }
        }

        // The server writes name, tags, columns, values, partial in that order (its Row type); rows need the columns.
        private void Series(ref Utf8JsonReader reader)
        {
            string name = "";
            Dictionary<string, string>? tags = null;
            List<string>? columns = null;
            bool announced = false;
            bool partial = false;
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("name"u8))
                {
                    Next(ref reader);
                    name = reader.GetString() ?? "";
                }
                else if (reader.ValueTextEquals("tags"u8))
                {
                    Expect(ref reader, JsonTokenType.StartObject);
                    tags = new Dictionary<string, string>(StringComparer.Ordinal);
                    while (Next(ref reader) == JsonTokenType.PropertyName)
                    {
                        string key = reader.GetString()!;
                        Next(ref reader);
                        tags[key] = reader.TokenType == JsonTokenType.String ? reader.GetString()! : "";
                    }
                }
                else if (reader.ValueTextEquals("columns"u8))
                {
                    Expect(ref reader, JsonTokenType.StartArray);
                    columns = [];
                    while (Next(ref reader) == JsonTokenType.String)
                    {
                        columns.Add(reader.GetString()!);
                    }
                }
                else if (reader.ValueTextEquals("values"u8))
                {
                    if (columns is null)
                    {
                        throw new InfluxQueryException("InfluxDB sent a series' values before its columns.", statusCode);
                    }

                    Announce(name, tags, columns, ref announced);
                    Expect(ref reader, JsonTokenType.StartArray);
                    while (Next(ref reader) == JsonTokenType.StartArray)
                    {
                        int depth = reader.CurrentDepth;
                        visitor.OnRow(ref reader);
                        if (reader.TokenType != JsonTokenType.EndArray || reader.CurrentDepth != depth)
                        {
                            throw new InvalidOperationException($"{visitor.GetType().Name}.OnRow must leave the reader on the row's end.");
                        }
                    }
                }
                else if (reader.ValueTextEquals("partial"u8))
                {
                    Next(ref reader);
                    partial = reader.TokenType == JsonTokenType.True;
                }
                else
                {
                    Skip(ref reader);
                }
            }

            Announce(name, tags, columns ?? [], ref announced);
            _lastPartial = partial;
        }

        private void Announce(string name, Dictionary<string, string>? tags, List<string> columns, ref bool announced)
        {
            if (!announced)
            {
                visitor.OnSeries(name, tags ?? s_noTags, columns, _lastPartial);
                announced = true;
            }
        }

        private static JsonTokenType Next(ref Utf8JsonReader reader)
        {
            if (!reader.Read())
            {
                throw new JsonException("The answer ends inside a JSON value.");
            }

            return reader.TokenType;
        }

        private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
        {
            if (Next(ref reader) != type)
            {
                throw new JsonException($"Expected {type}, found {reader.TokenType}.");
            }
        }

        private static void Skip(ref Utf8JsonReader reader)
        {
            Next(ref reader);
            reader.Skip();
        }

        private static bool IsBlank(ReadOnlySequence<byte> chunk)
        {
            foreach (ReadOnlyMemory<byte> segment in chunk)
            {
                if (segment.Span.IndexOfAnyExcept(" \t\r\n"u8) >= 0)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Keeps every value (JSON elements), joining the chunks of a split series.</summary>
    private sealed class SeriesCollector : InfluxRowVisitor
    {
        private List<JsonElement[]>? _rows;

        public List<InfluxSeries> Series { get; } = [];

        public override void OnSeries(string name, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> columns, bool continuesPrevious)
        {
            if (continuesPrevious && _rows is not null)
            {
                return;
            }

            _rows = [];
            Series.Add(new InfluxSeries(name, tags, columns, _rows));
        }

        public override void OnRow(ref Utf8JsonReader reader)
        {
            var values = new List<JsonElement>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                values.Add(JsonElement.ParseValue(ref reader));
            }

            _rows!.Add([.. values]);
        }
    }
}
