using System.Globalization;
using System.Text.Json;

namespace Ale.Speed.Influx.Querying;

/// <summary>A 1.x retention policy as <c>SHOW RETENTION POLICIES</c> lists it (a duration of zero is INF).</summary>
public sealed record RetentionPolicy(string Name, TimeSpan Duration, TimeSpan ShardGroupDuration, bool IsDefault);

/// <summary>The retention policies of a 1.x database, and which of them a writer's points land in.</summary>
public static class RetentionPolicies
{
    /// <summary>
    /// Shard groups shorter than this make a year's read of rollups open dozens of them (InfluxDB's default for a policy
    /// of INF or over 6 months is 7 days: 53 for a year); 52 weeks keeps a year in 2 (docs/schema.md, retention per level).
    /// </summary>
    public static readonly TimeSpan ShortShardGroup = TimeSpan.FromDays(28);

    /// <exception cref="InfluxQueryException">The server refused (unknown database, no permission).</exception>
    /// <exception cref="FormatException">A duration the server gave is not one InfluxDB writes.</exception>
    public static async Task<IReadOnlyList<RetentionPolicy>> ReadAsync(InfluxQueryClient client, string database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        var policies = new List<RetentionPolicy>();
        string quoted = database.Replace("\"", "\\\"", StringComparison.Ordinal);
        foreach (InfluxSeries series in await client.QueryAsync($"SHOW RETENTION POLICIES ON \"{quoted}\"", database, cancellationToken).ConfigureAwait(false))
        {
            int name = series.IndexOf("name"), duration = series.IndexOf("duration"), shard = series.IndexOf("shardGroupDuration"), isDefault = series.IndexOf("default");
            if (name < 0 || duration < 0 || shard < 0 || isDefault < 0)
            {
                throw new FormatException($"SHOW RETENTION POLICIES answered without the expected columns: {string.Join(", ", series.Columns)}.");
            }

            foreach (JsonElement[] row in series.Values)
            {
                policies.Add(new RetentionPolicy(Text(row[name]), ParseDuration(Text(row[duration])), ParseDuration(Text(row[shard])),
                    row[isDefault].ValueKind == JsonValueKind.True));
            }
        }

        return policies;

        static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"SHOW RETENTION POLICIES answered {value.ValueKind} where a text was expected.");
    }

    /// <summary>The policy points written with <paramref name="name"/> land in: that one, or the database's default when empty.</summary>
    public static RetentionPolicy? Find(IReadOnlyList<RetentionPolicy> policies, string? name)
        => string.IsNullOrWhiteSpace(name) ? policies.FirstOrDefault(p => p.IsDefault) : policies.FirstOrDefault(p => p.Name == name);

    /// <summary>A duration as InfluxDB 1.x prints it (Go's <c>time.Duration</c>: <c>168h0m0s</c>, <c>30m0s</c>, <c>0s</c>).</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not such a duration.</exception>
    public static TimeSpan ParseDuration(string? text)
    {
        ReadOnlySpan<char> rest = text;
        if (rest.IsEmpty)
        {
            throw new FormatException("A retention policy duration is empty.");
        }

        double seconds = 0;
        while (!rest.IsEmpty)
        {
            int number = 0;
            while (number < rest.Length && (char.IsAsciiDigit(rest[number]) || rest[number] == '.'))
            {
                number++;
            }

            int unit = number;
            while (unit < rest.Length && !char.IsAsciiDigit(rest[unit]))
            {
                unit++;
            }

            double scale = rest[number..unit] switch
            {
                "h" => 3600,
                "m" => 60,
                "s" => 1,
                "ms" => 1e-3,
                "us" or "µs" => 1e-6,
                "ns" => 1e-9,
                _ => double.NaN,
            };
            if (number == 0 || double.IsNaN(scale) || !double.TryParse(rest[..number], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value))
            {
                throw new FormatException($"'{text}' is not a duration as InfluxDB writes one (like 168h0m0s).");
            }

            seconds += value * scale;
            rest = rest[unit..];
        }

        return TimeSpan.FromSeconds(seconds);
    }
}
