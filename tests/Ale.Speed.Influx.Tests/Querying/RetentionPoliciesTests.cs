using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Tests.Support;

namespace Ale.Speed.Influx.Tests.Querying;

[Collection(InfluxCollection.Name)]
public sealed class RetentionPoliciesTests(InfluxFixture fixture)
{
    [Theory]
    [InlineData("168h0m0s", 7 * 24 * 3600.0)]
    [InlineData("8736h0m0s", 364 * 24 * 3600.0)]
    [InlineData("0s", 0.0)]
    [InlineData("1h30m0s", 5400.0)]
    [InlineData("30m0s", 1800.0)]
    [InlineData("1.5s", 1.5)]
    [InlineData("250ms", 0.25)]
    public void ParseDuration_AsInfluxDbWritesIt_GivesTheTimeSpan(string text, double seconds)
        => Assert.Equal(TimeSpan.FromSeconds(seconds), RetentionPolicies.ParseDuration(text));

    [Theory]
    [InlineData("")]
    [InlineData("7d")]
    [InlineData("h")]
    [InlineData("12")]
    [InlineData("1h-5m")]
    public void ParseDuration_NotADuration_ThrowsNamingIt(string text)
    {
        FormatException error = Assert.Throws<FormatException>(() => RetentionPolicies.ParseDuration(text));
        Assert.Contains("duration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_RealServer_ListsEveryPolicyWithItsShardGroups_AndFindPicksTheNamedOrTheDefault()
    {
        // A database of its own: other tests count the shared one's policies.
        InfluxQueryClient client = fixture.Server.QueryClient();
        const string database = "rp_check";
        await client.QueryAsync($"CREATE DATABASE \"{database}\"", database: null);
        await client.QueryAsync($"CREATE RETENTION POLICY \"rp_check_52w\" ON \"{database}\" DURATION INF REPLICATION 1 SHARD DURATION 52w");
        await client.QueryAsync($"CREATE RETENTION POLICY \"rp_check_30d\" ON \"{database}\" DURATION 30d REPLICATION 1");

        IReadOnlyList<RetentionPolicy> policies = await RetentionPolicies.ReadAsync(client, database);

        Assert.Equal(new RetentionPolicy("rp_check_52w", TimeSpan.Zero, TimeSpan.FromDays(364), IsDefault: false), RetentionPolicies.Find(policies, "rp_check_52w"));
        // InfluxDB picks 1-day shard groups for a policy of 2 days to 6 months, 7 days for INF (autogen).
        Assert.Equal(new RetentionPolicy("rp_check_30d", TimeSpan.FromDays(30), TimeSpan.FromDays(1), IsDefault: false), RetentionPolicies.Find(policies, "rp_check_30d"));
        RetentionPolicy? byDefault = RetentionPolicies.Find(policies, null);
        Assert.NotNull(byDefault);
        Assert.True(byDefault.IsDefault);
        Assert.Equal(TimeSpan.FromDays(7), byDefault.ShardGroupDuration);
        Assert.Null(RetentionPolicies.Find(policies, "no_such_policy"));
    }
}
