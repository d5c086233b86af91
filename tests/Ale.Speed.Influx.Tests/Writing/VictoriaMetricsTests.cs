using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Influx.Tests.Writing;

/// <summary>The v2 write API (<c>/api/v2/write</c>) against a real VictoriaMetrics, read back with its export API.</summary>
public sealed class VictoriaMetricsTests : IAsyncLifetime
{
    private VictoriaMetricsServer _server = null!;

    public async Task InitializeAsync() => _server = await VictoriaMetricsServer.StartNewAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task WriteAsync_V2ThreeThousandLines_ArriveCompleteGzippedWithTokenAuth()
    {
        using var handler = new RecordingHandler();
        using var http = new HttpClient(handler);
        var options = new InfluxOptions
        {
            Url = _server.Url,
            Api = InfluxApi.V2,
            Organization = "ale",
            Bucket = "speed",
            Token = "tok-secret",
            BatchSize = 1000,
        };
        using var writer = new InfluxWriter(http, options);
        using var batch = Points.Fill(writer.CreateBatch(), "vm_speed", 3000);

        var result = await writer.WriteAsync(batch);

        Assert.Equal(new InfluxWriteResult(3000, 0, InfluxWriteFailure.None), result);
        Assert.Equal(3, handler.Requests.Count);
        Assert.All(handler.Requests, r =>
        {
            Assert.Equal("/api/v2/write", r.Uri.AbsolutePath);
            Assert.Equal("?org=ale&bucket=speed&precision=s", r.Uri.Query);
            Assert.Equal(["gzip"], r.ContentEncoding);
            Assert.Equal("Token", r.AuthorizationScheme);
            Assert.Equal(204, r.StatusCode);
        });

        // VictoriaMetrics names field f of measurement m "m_f" and keeps the tags as labels.
        var series = Assert.Single(await _server.ExportAsync("{__name__=\"vm_speed_n\"}"));
        Assert.Equal("Ale torg, Nödinge", series.Labels["site"]);
        Assert.Equal("in", series.Labels["direction"]);
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => (double)i), series.Values.Order());
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => Points.May1Ms + (i * 1000L)), series.Timestamps.Order());

        var mean = Assert.Single(await _server.ExportAsync("{__name__=\"vm_speed_mean_kmh\"}"));
        Assert.Equal(3000, mean.Values.Length);
    }
}
