using Ale.Speed.Analysis.FollowUp;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Analysis.Tests.FollowUp;

/// <summary>A database of its own on the shared InfluxDB 1.6, so a test sees only the register entries it wrote.</summary>
internal sealed class RegisterDatabase : IDisposable
{
    private readonly InfluxWriter _writer;

    private RegisterDatabase(InfluxDbServer server, string database)
    {
        Options = server.Options() with { Database = database };
        Query = new InfluxQueryClient(server.Http, Options);
        _writer = new InfluxWriter(server.Http, Options);
        Store = new FollowUpStore(_writer, Query);
    }

    public InfluxOptions Options { get; }

    public InfluxQueryClient Query { get; }

    public FollowUpStore Store { get; }

    public InfluxWriter Writer => _writer;

    public static async Task<RegisterDatabase> CreateAsync(InfluxDbServer server)
    {
        string database = "fu_" + Guid.NewGuid().ToString("N")[..12];
        await server.QueryClient().QueryAsync($"CREATE DATABASE \"{database}\"", null);
        return new RegisterDatabase(server, database);
    }

    /// <summary>Points stored in <paramref name="measurement"/>, removed ones included.</summary>
    public async Task<int> PointsAsync(string measurement)
    {
        IReadOnlyList<InfluxSeries> series = await Query.QueryAsync($"SELECT * FROM \"{measurement}\" WHERE time >= 0ms AND time < 4102444800000ms");
        return series.Sum(s => s.Values.Count);
    }

    public void Dispose() => _writer.Dispose();
}
