using System.Globalization;
using System.Text.Json;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Querying;

namespace Ale.Speed.Influx.Coverage;

/// <summary>The hours in which at least one unit of a site and display mode was alive, by the stored coverage points.</summary>
public sealed class StoredCoverage
{
    private readonly Dictionary<(string Site, DisplayMode Display), HourSet> _hours = [];

    /// <summary>No coverage stored (data written before coverage existed, or only by import).</summary>
    public static StoredCoverage None { get; } = new();

    /// <summary>Hour starts (Unix ms) in which a unit of <paramref name="siteId"/> was alive, in any display mode or in <paramref name="display"/>.</summary>
    public HourSet AliveHours(string siteId, DisplayMode? display = null)
    {
        var hours = new HourSet();
        foreach (((string site, DisplayMode mode), HourSet set) in _hours)
        {
            if (site == siteId && (display is null || mode == display))
            {
                hours.UnionWith(set);
            }
        }

        return hours;
    }

    /// <summary>Adds the alive hours of <paramref name="other"/> (another read: another site or period).</summary>
    public void UnionWith(StoredCoverage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, None))
        {
            throw new InvalidOperationException("The empty coverage is shared and cannot be added to.");
        }

        foreach (((string site, DisplayMode display), HourSet hours) in other._hours)
        {
            Of(site, display).UnionWith(hours);
        }
    }

    internal void Add(string siteId, DisplayMode display, long hourStartMs) => Of(siteId, display).Add(hourStartMs);

    private HourSet Of(string siteId, DisplayMode display)
    {
        if (!_hours.TryGetValue((siteId, display), out HourSet? set))
        {
            set = [];
            _hours.Add((siteId, display), set);
        }

        return set;
    }
}

/// <summary>Reads <see cref="CoverageSchema.Measurement"/> hour by hour (InfluxDB counts the windows; one row per alive hour).</summary>
public sealed class CoverageReader(InfluxQueryClient client)
{
    /// <summary>The alive hours of [<paramref name="fromMs"/>, <paramref name="toMs"/>), of one site or all, every writer together.</summary>
    public async Task<StoredCoverage> ReadAsync(long fromMs, long toMs, string? siteId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var coverage = new StoredCoverage();
        if (toMs <= fromMs)
        {
            return coverage;
        }

        // Stockholm's offset from UTC is whole hours, so UTC hour buckets are local hours.
        string query = string.Create(CultureInfo.InvariantCulture,
            $"SELECT count(\"{CoverageSchema.WindowSecondsField}\") FROM \"{CoverageSchema.Measurement}\" WHERE time >= {fromMs}ms AND time < {toMs}ms{BinReader.SiteCondition(siteId)} GROUP BY time(1h),\"{BinSchema.SiteTag}\",\"{BinSchema.DisplayTag}\" fill(none)");
        await client.StreamAsync(query, new Decoder(coverage), cancellationToken).ConfigureAwait(false);
        return coverage;
    }

    private sealed class Decoder(StoredCoverage coverage) : InfluxRowVisitor
    {
        private string _site = "";
        private DisplayMode _display;

        public override void OnSeries(string name, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> columns, bool continuesPrevious)
        {
            _site = tags.TryGetValue(BinSchema.SiteTag, out string? site) && site.Length > 0
                ? site
                : throw new InvalidDataException($"Stored coverage in '{name}' has no site tag.");
            _display = tags.GetValueOrDefault(BinSchema.DisplayTag) == "stealth" ? DisplayMode.Stealth : DisplayMode.DisplayOn;
        }

        public override void OnRow(ref Utf8JsonReader reader)
        {
            long time = 0, windows = 0;
            for (int i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
            {
                long value = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long v) ? v : 0;
                if (i == 0)
                {
                    time = value;
                }
                else if (i == 1)
                {
                    windows = value;
                }
            }

            if (windows > 0)
            {
                coverage.Add(_site, _display, time);
            }
        }
    }
}
