using System.Text.Json;
using System.Text.RegularExpressions;
using Ale.Speed.Dashboard.Tests.Support;
using Ale.Speed.Influx.Querying;

namespace Ale.Speed.Dashboard.Tests.Grafana;

/// <summary>
/// The Grafana provisioning folder (grafana/) against the schema the worker really writes: every measurement, field
/// and tag a panel names exists in a real InfluxDB holding bins written by the worker's encoder and rollups written by
/// <c>ale-speed rollup</c>; every panel's InfluxQL runs and returns data there; and no panel aggregates a stored
/// percentile, mean or share (those are only correct per point). Grafana itself is not in Debian and is not run.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed partial class GrafanaProvisioningTests(DashboardServer server)
{
    private static readonly string s_grafana = Path.Combine(RepositoryRoot(), "grafana");

    [Fact]
    public void DataSource_IsInfluxQlForInfluxDb1()
    {
        string yaml = File.ReadAllText(Path.Combine(s_grafana, "provisioning", "datasources", "ale-speed.yaml"));
        Assert.Contains("type: influxdb", yaml, StringComparison.Ordinal);
        Assert.Contains("uid: ale-speed-influxdb", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("version: Flux", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("password", yaml, StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(Path.Combine(s_grafana, "provisioning", "dashboards", "ale-speed.yaml")));
    }

    [Fact]
    public async Task EveryPanelQuery_NamesStoredMeasurementsFieldsAndTags_AndReturnsData()
    {
        (int exit, _, string errors) = await server.CliAsync("rollup", "--from", "2026-11-02", "--to", "2026-11-23");
        Assert.True(exit == 0, errors);
        InfluxQueryClient influx = server.Influx.QueryClient();
        string[] queries = [.. Queries()];
        Assert.NotEmpty(queries);
        foreach (string query in queries)
        {
            string measurement = Measurement().Match(query).Groups[1].Value;
            HashSet<string> fields = await KeysAsync(influx, $"SHOW FIELD KEYS FROM \"{measurement}\"");
            HashSet<string> tags = await KeysAsync(influx, $"SHOW TAG KEYS FROM \"{measurement}\"");
            Assert.True(fields.Count > 0, $"{measurement} holds nothing: {query}");
            foreach (Match quoted in Quoted().Matches(query))
            {
                string name = quoted.Groups[1].Value;
                if (name != measurement)
                {
                    Assert.True(fields.Contains(name) || tags.Contains(name), $"'{name}' is neither a field nor a tag of {measurement}: {query}");
                }
            }

            string runnable = query.Replace("$timeFilter", "time >= '2026-11-02T00:00:00Z' AND time < '2026-11-23T00:00:00Z'", StringComparison.Ordinal)
                .Replace("/^$site$/", $"/^{DashboardServer.Nodinge}$/", StringComparison.Ordinal);
            IReadOnlyList<InfluxSeries> series = await influx.QueryAsync(runnable);
            Assert.True(series.Count > 0 && series.Any(s => s.Values.Count > 0), $"no data: {runnable}");
        }
    }

    [Fact]
    public void NoPanel_AggregatesAStoredPercentileMeanOrShare()
    {
        foreach (string query in Queries())
        {
            Assert.DoesNotMatch(@"\w+\(\s*""(v50_kmh|v85_kmh|v95_kmh|mean_kmh|sd_kmh|share_over_limit)""", query);
            if (query.Contains("\"v85_kmh\"", StringComparison.Ordinal))
            {
                // A stored V85 is read per point only, at the level it was computed for.
                Assert.DoesNotContain("GROUP BY time", query, StringComparison.Ordinal);
                Assert.Contains("\"speed_bin_1d\"", query, StringComparison.Ordinal);
            }
        }
    }

    private static IEnumerable<string> Queries()
    {
        foreach (string file in Directory.EnumerateFiles(Path.Combine(s_grafana, "dashboards"), "*.json"))
        {
            using JsonDocument dashboard = JsonDocument.Parse(File.ReadAllText(file));
            foreach (JsonElement panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
            {
                foreach (JsonElement target in panel.GetProperty("targets").EnumerateArray())
                {
                    yield return target.GetProperty("query").GetString()!;
                }
            }
        }
    }

    private static async Task<HashSet<string>> KeysAsync(InfluxQueryClient influx, string statement)
        => [.. (await influx.QueryAsync(statement)).SelectMany(s => s.Values).Select(v => v[0].GetString()!)];

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Ale.Speed.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Ale.Speed.sln) is not above the test output.");
    }

    [GeneratedRegex("FROM \"([a-z0-9_]+)\"")]
    private static partial Regex Measurement();

    [GeneratedRegex("\"([A-Za-z0-9_]+)\"")]
    private static partial Regex Quoted();
}
