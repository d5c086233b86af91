using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Ale.Speed.Influx.Tests.Support;

/// <summary>A real VictoriaMetrics (Debian's victoria-metrics package): an independent implementation of the
/// InfluxDB 2.x write API (<c>/api/v2/write</c>). It stores field f of measurement m as the series <c>m_f</c>,
/// with the tags as labels.</summary>
public sealed class VictoriaMetricsServer : ServerProcess
{
    private VictoriaMetricsServer()
        : base("victoria-metrics", "ale-speed-vm")
    {
    }

    public static async Task<VictoriaMetricsServer> StartNewAsync()
    {
        var server = new VictoriaMetricsServer();
        try
        {
            await server.StartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every sample of the series matching <paramref name="selector"/> (e.g. <c>{__name__="m_f"}</c>),
    /// read with <c>/api/v1/export</c> after flushing what was just written.</summary>
    public async Task<IReadOnlyList<ExportedSeries>> ExportAsync(string selector)
    {
        using (var flush = await Http.GetAsync(new Uri(Url, "internal/force_flush")))
        {
            flush.EnsureSuccessStatusCode();
        }

        var uri = new Uri(Url, "api/v1/export?match[]=" + Uri.EscapeDataString(selector));
        var text = await Http.GetStringAsync(uri);
        var result = new List<ExportedSeries>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            var labels = json.RootElement.GetProperty("metric").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
            var values = json.RootElement.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var timestamps = json.RootElement.GetProperty("timestamps").EnumerateArray().Select(v => v.GetInt64()).ToArray();
            result.Add(new ExportedSeries(labels, values, timestamps));
        }

        return result;
    }

    protected override IEnumerable<string> Arguments() =>
    [
        "-httpListenAddr", $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}",
        "-storageDataPath", Path.Combine(Directory, "data"),
        // Its default retention of one month refuses older points; tests write fixed past dates.
        "-retentionPeriod", "100y",
        "-loggerLevel", "WARN",
    ];

    protected override async Task<bool> IsReadyAsync()
    {
        using var response = await Http.GetAsync(new Uri(Url, "health"));
        return response.StatusCode == HttpStatusCode.OK;
    }
}

public sealed record ExportedSeries(IReadOnlyDictionary<string, string> Labels, double[] Values, long[] Timestamps);
