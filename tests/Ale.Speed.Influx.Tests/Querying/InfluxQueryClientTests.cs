using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Tests.Support;

namespace Ale.Speed.Influx.Tests.Querying;

[Collection(InfluxCollection.Name)]
public sealed class InfluxQueryClientTests(InfluxFixture fixture)
{
    [Fact]
    public async Task QueryAsync_InvalidInfluxQl_ThrowsWithTheServersReason()
    {
        var error = await Assert.ThrowsAsync<InfluxQueryException>(() => fixture.Server.QueryClient().QueryAsync("SELEKT nonsense"));
        Assert.Contains("error parsing query", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryAsync_SeveralStatements_ReturnsTheSeriesOfEach()
    {
        var series = await fixture.Server.QueryClient().QueryAsync("SHOW DATABASES; SHOW RETENTION POLICIES");
        Assert.Equal(2, series.Count);
        Assert.Contains(series[0].Values, row => row[0].GetString() == fixture.Server.Database);
        Assert.Equal("autogen", series[1].Values.Single()[series[1].IndexOf("name")].GetString());
    }

    [Fact]
    public async Task QueryAsync_NoMatchingPoints_ReturnsNoSeries() =>
        Assert.Empty(await fixture.Server.QueryClient().QueryAsync("SELECT * FROM \"q_nothing_here\""));
}
