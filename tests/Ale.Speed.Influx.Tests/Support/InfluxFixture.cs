namespace Ale.Speed.Influx.Tests.Support;

/// <summary>One InfluxDB 1.6 shared by the tests of the "influxdb" collection; each test uses its own measurement
/// names so they do not see each other's points.</summary>
public sealed class InfluxFixture : IAsyncLifetime
{
    private InfluxDbServer? _server;

    public InfluxDbServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _server = await InfluxDbServer.StartNewAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class InfluxCollection : ICollectionFixture<InfluxFixture>
{
    public const string Name = "influxdb";
}
