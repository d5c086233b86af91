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
/// Runs InfluxQL on the 1.x <c>/query</c> endpoint (also served by InfluxDB 2.x's 1.x compatibility API) and returns
/// the series. Times come back as Unix milliseconds (<c>epoch=ms</c>). Not a hot path: it uses System.Text.Json's DOM.
/// </summary>
public sealed class InfluxQueryClient
{
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

    /// <summary>Runs <paramref name="influxQl"/> against <see cref="InfluxOptions.Database"/> and returns the series
    /// of every statement, in order.</summary>
    public Task<IReadOnlyList<InfluxSeries>> QueryAsync(string influxQl, CancellationToken cancellationToken = default) =>
        QueryAsync(influxQl, _options.Database, cancellationToken);

    /// <summary>Runs <paramref name="influxQl"/> against <paramref name="database"/> (none for statements such as
    /// CREATE DATABASE). Sent as a POST form, which 1.x requires for statements that change anything.</summary>
    public async Task<IReadOnlyList<InfluxSeries>> QueryAsync(string influxQl, string? database, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(influxQl);
        var form = new List<KeyValuePair<string, string>>(4)
        {
            new("q", influxQl),
            new("epoch", "ms"),
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
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        JsonDocument json;
        try
        {
            json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new InfluxQueryException($"InfluxDB answered {(int)response.StatusCode} without JSON.", ex);
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.TryGetProperty("error", out var error))
            {
                throw new InfluxQueryException(error.GetString() ?? "query failed", (int)response.StatusCode);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new InfluxQueryException($"InfluxDB answered {(int)response.StatusCode}.", (int)response.StatusCode);
            }

            var series = new List<InfluxSeries>();
            if (!root.TryGetProperty("results", out var results))
            {
                return series;
            }

            foreach (var result in results.EnumerateArray())
            {
                if (result.TryGetProperty("error", out var statementError))
                {
                    throw new InfluxQueryException(statementError.GetString() ?? "statement failed", (int)response.StatusCode);
                }

                if (!result.TryGetProperty("series", out var list))
                {
                    continue;
                }

                foreach (var item in list.EnumerateArray())
                {
                    series.Add(ReadSeries(item));
                }
            }

            return series;
        }
    }

    private static InfluxSeries ReadSeries(JsonElement item)
    {
        var name = item.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (item.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Object)
        {
            foreach (var tag in t.EnumerateObject())
            {
                tags[tag.Name] = tag.Value.GetString() ?? "";
            }
        }

        var columns = new List<string>();
        if (item.TryGetProperty("columns", out var c))
        {
            foreach (var column in c.EnumerateArray())
            {
                columns.Add(column.GetString() ?? "");
            }
        }

        var rows = new List<JsonElement[]>();
        if (item.TryGetProperty("values", out var v))
        {
            foreach (var row in v.EnumerateArray())
            {
                var values = new JsonElement[row.GetArrayLength()];
                var i = 0;
                foreach (var value in row.EnumerateArray())
                {
                    values[i++] = value.Clone();
                }

                rows.Add(values);
            }
        }

        return new InfluxSeries(name, tags, columns, rows);
    }
}
