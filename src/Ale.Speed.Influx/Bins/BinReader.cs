using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Querying;

namespace Ale.Speed.Influx.Bins;

/// <summary>A bin as stored: its key, the worker that wrote it, and its window length.</summary>
public sealed record StoredBin(BinKey Key, string WriterId, long WindowMs, Bin Bin)
{
    /// <summary>
    /// The hours that hold data, when that is not simply every hour the window overlaps: a rollup's stored hour mask,
    /// or the hours of bins merged into one. Null: every hour from the key's start for <see cref="WindowMs"/>.
    /// </summary>
    public HourSet? Hours { get; init; }

    /// <summary>
    /// Hour-of-week levels only (<see cref="RollupLevel.MonthHourOfWeek"/>, <see cref="RollupLevel.YearHourOfWeek"/>): bit i
    /// set when the i-th hour of the key's hour of the week in its month or year holds data (<see cref="HourOfWeekCalendar"/>).
    /// </summary>
    public ulong Occurrences { get; init; }
}

/// <summary>A writer's series of rollups: site, direction, display mode and limit.</summary>
public readonly record struct WriterSeries(string WriterId, string SiteId, Direction Direction, DisplayMode Display, int LimitKmh)
{
    public static WriterSeries Of(StoredBin stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new(stored.WriterId, stored.Key.SiteId, stored.Key.Direction, stored.Key.DisplayMode, stored.Bin.LimitKmh);
    }
}

/// <summary>Vehicles, and the sum of their speeds in 0.01 km/h.</summary>
public readonly record struct SeriesSums(long Count, long SumCenti);

/// <summary>Which stored bins a read takes: of one site or all, of one writer or all, leaving out the sites named.</summary>
public readonly record struct BinFilter
{
    public string? SiteId { get; init; }

    public string? WriterId { get; init; }

    public IReadOnlyCollection<string>? ExcludeSites { get; init; }

    /// <summary>The InfluxQL conditions, each after an <c>AND</c> (empty for every bin).</summary>
    internal string Condition()
    {
        var condition = new StringBuilder();
        Tag(condition, BinSchema.SiteTag, "=", SiteId);
        Tag(condition, BinSchema.WriterTag, "=", WriterId);
        foreach (string site in ExcludeSites ?? [])
        {
            Tag(condition, BinSchema.SiteTag, "!=", site);
        }

        return condition.ToString();

        static void Tag(StringBuilder condition, string tag, string comparison, string? value)
        {
            if (value is null)
            {
                return;
            }

            condition.Append(CultureInfo.InvariantCulture, $" AND \"{tag}\" {comparison} '");
            foreach (char c in value)
            {
                if (c is '\\' or '\'')
                {
                    condition.Append('\\');
                }

                condition.Append(c);
            }

            condition.Append('\'');
        }
    }
}

/// <summary>
/// Reads stored bins back through InfluxQL (<c>/query</c>: InfluxDB 1.x natively, 2.x through a DBRP mapping, 3.x) and
/// rebuilds each exactly from its parts, as the answer streams in. The read side of <see cref="BinPointEncoder"/>.
/// </summary>
public sealed class BinReader(InfluxQueryClient client)
{
    private static readonly VehicleClass[] s_classes = Enum.GetValues<VehicleClass>();

    /// <summary>
    /// True when the writers keep hour and day rollups complete (<c>Influx:ReadRollups</c>): readers may then take whole
    /// hours and days from them. False: every read takes the windows.
    /// </summary>
    public bool UseRollups { get; init; }

    /// <summary>True when the writers also keep month rollups (<c>Influx:MonthRollups</c>): readers may take whole months from them.</summary>
    public bool UseMonthRollups { get; init; }

    /// <summary>
    /// True when hour-of-the-week reads may take whole months and years from the hour-of-week levels (they are checked
    /// against the month rollups at read time, so this needs <see cref="UseMonthRollups"/>).
    /// </summary>
    public bool UseHourOfWeekLevels { get; init; }

    /// <summary>Told, in words, when a read falls back to a finer level than it could use (the read commands print it).</summary>
    public Action<string>? Notice { get; init; }

    /// <summary>How often a read fell back to a finer level (a stale or missing derived level).</summary>
    public long Fallbacks => Interlocked.Read(ref _fallbacks);

    private long _fallbacks;

    /// <summary>Counts a fallback to a finer level and tells <see cref="Notice"/>.</summary>
    public void ReportFallback(string message)
    {
        Interlocked.Increment(ref _fallbacks);
        Notice?.Invoke(message);
    }

    /// <summary>The bins whose window starts in [<paramref name="fromMs"/>, <paramref name="toMs"/>), of one site or all, kept in a list.</summary>
    public async Task<IReadOnlyList<StoredBin>> ReadAsync(long fromMs, long toMs, string? siteId = null, CancellationToken cancellationToken = default)
    {
        var bins = new List<StoredBin>();
        await ReadAsync(RollupLevel.Window, fromMs, toMs, siteId, stored => bins.Add(stored with { Bin = stored.Bin.Clone() }), cancellationToken).ConfigureAwait(false);
        return bins;
    }

    /// <summary>
    /// Streams the bins of <paramref name="level"/> (each writer's own) whose window starts in [<paramref name="fromMs"/>,
    /// <paramref name="toMs"/>) to <paramref name="onBin"/>, one at a time as they arrive: nothing is kept here. The
    /// <see cref="StoredBin.Bin"/> handed over is reused for the next row: merge it, or keep a <see cref="Bin.Clone"/>.
    /// </summary>
    public Task ReadAsync(RollupLevel level, long fromMs, long toMs, string? siteId, Action<StoredBin> onBin, CancellationToken cancellationToken = default)
        => ReadAsync(level, fromMs, toMs, new BinFilter { SiteId = siteId }, onBin, cancellationToken);

    /// <summary>As <see cref="ReadAsync(RollupLevel, long, long, string?, Action{StoredBin}, CancellationToken)"/>, of the bins <paramref name="filter"/> takes.</summary>
    public Task ReadAsync(RollupLevel level, long fromMs, long toMs, BinFilter filter, Action<StoredBin> onBin, CancellationToken cancellationToken = default)
        => ReadAsync(level, fromMs, toMs, filter, onBin, proceed: null, cancellationToken);

    /// <summary>
    /// As <see cref="ReadAsync(RollupLevel, long, long, BinFilter, Action{StoredBin}, CancellationToken)"/>, with the
    /// answer read only once <paramref name="proceed"/> completes with true (false: dropped unread, nothing handed over),
    /// so that InfluxDB prepares it while the caller checks what to take from it (<see cref="InfluxQueryClient.StreamAsync(string, InfluxRowVisitor, Task{bool}?, CancellationToken)"/>).
    /// </summary>
    public Task ReadAsync(RollupLevel level, long fromMs, long toMs, BinFilter filter, Action<StoredBin> onBin, Task<bool>? proceed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(onBin);
        if (toMs <= fromMs)
        {
            return Task.CompletedTask;
        }

        var fields = new StringBuilder();
        foreach (string field in (string[])[BinSchema.WindowSecondsField, BinSchema.CountField, BinSchema.LimitField, BinSchema.SumField,
            BinSchema.SumOfSquaresField, BinSchema.MaxCentiField, BinSchema.HistogramField, BinSchema.OverLimitBucketsField])
        {
            fields.Append(CultureInfo.InvariantCulture, $"\"{field}\",");
        }

        foreach (VehicleClass c in s_classes)
        {
            fields.Append(CultureInfo.InvariantCulture, $"\"{BinSchema.ClassFieldPrefix}{BinSchema.ClassName(c)}\",");
        }

        foreach (string field in BinSchema.LengthFields)
        {
            fields.Append(CultureInfo.InvariantCulture, $"\"{field}\",");
        }

        if (level != RollupLevel.Window)
        {
            string hoursField = level switch
            {
                RollupLevel.Month => BinSchema.HourMapField,
                RollupLevel.MonthHourOfWeek or RollupLevel.YearHourOfWeek => BinSchema.OccurrencesField,
                _ => BinSchema.HoursField,
            };
            fields.Append(CultureInfo.InvariantCulture, $"\"{hoursField}\",");
        }

        fields.Length--;
        string query = string.Create(CultureInfo.InvariantCulture,
            $"SELECT {fields} FROM {From(level)} WHERE time >= {fromMs}ms AND time < {toMs}ms{filter.Condition()} GROUP BY \"{BinSchema.SiteTag}\",\"{BinSchema.DirectionTag}\",\"{BinSchema.DisplayTag}\",\"{BinSchema.WriterTag}\"");
        return client.StreamAsync(query, new Decoder(level, onBin), proceed, cancellationToken);
    }

    /// <summary>
    /// Vehicles and speed sums of the rollups of <paramref name="level"/> starting in [<paramref name="fromMs"/>,
    /// <paramref name="toMs"/>), summed by InfluxDB per writer and series (site, direction, display mode, limit): a check
    /// of one level against another that costs one small answer, whatever the points summed.
    /// </summary>
    public async Task<Dictionary<WriterSeries, SeriesSums>> SumsAsync(RollupLevel level, long fromMs, long toMs, BinFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (level == RollupLevel.Window)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "Sums are taken per limit tag: of rollups only.");
        }

        var sums = new Dictionary<WriterSeries, SeriesSums>();
        if (toMs <= fromMs)
        {
            return sums;
        }

        string query = string.Create(CultureInfo.InvariantCulture,
            $"SELECT sum(\"{BinSchema.CountField}\") AS \"n\", sum(\"{BinSchema.SumField}\") AS \"s\" FROM {From(level)} WHERE time >= {fromMs}ms AND time < {toMs}ms{filter.Condition()} GROUP BY \"{BinSchema.SiteTag}\",\"{BinSchema.DirectionTag}\",\"{BinSchema.DisplayTag}\",\"{BinSchema.WriterTag}\",\"{BinSchema.LimitTag}\"");
        foreach (InfluxSeries series in await client.QueryAsync(query, cancellationToken).ConfigureAwait(false))
        {
            string site = series.Tags.GetValueOrDefault(BinSchema.SiteTag) ?? "";
            if (!BinSchema.TryParseDirection(series.Tags.GetValueOrDefault(BinSchema.DirectionTag) is { Length: > 0 } d ? d : "unknown", out Direction direction)
                || !int.TryParse(series.Tags.GetValueOrDefault(BinSchema.LimitTag), NumberStyles.None, CultureInfo.InvariantCulture, out int limit))
            {
                throw new InvalidDataException($"Stored {BinSchema.MeasurementOf(level)} points of site '{site}' have a bad direction or limit tag.");
            }

            var key = new WriterSeries(series.Tags.GetValueOrDefault(BinSchema.WriterTag) ?? "", site, direction,
                BinSchema.DisplayOf(series.Tags.GetValueOrDefault(BinSchema.DisplayTag)), limit);
            int n = series.IndexOf("n"), sum = series.IndexOf("s");
            foreach (JsonElement[] row in series.Values)
            {
                sums[key] = new SeriesSums(Number(row[n]), Number(row[sum]));
            }
        }

        return sums;

        static long Number(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.Null => 0,
            _ when value.TryGetInt64(out long n) => n,
            _ => checked((long)value.GetDouble()),
        };
    }

    /// <summary>Every site with stored day rollups, from InfluxDB's index (no point is read).</summary>
    internal Task<List<string>> DaySitesAsync(CancellationToken cancellationToken) => SitesOfAsync(client, From(RollupLevel.Day), cancellationToken);

    /// <summary>Every site tag value of <paramref name="measurement"/> (quoted, perhaps with its retention policy), from InfluxDB's index.</summary>
    internal static async Task<List<string>> SitesOfAsync(InfluxQueryClient client, string measurement, CancellationToken cancellationToken)
    {
        var sites = new List<string>();
        foreach (InfluxSeries series in await client.QueryAsync($"SHOW TAG VALUES FROM {measurement} WITH KEY = \"{BinSchema.SiteTag}\"", cancellationToken).ConfigureAwait(false))
        {
            int value = series.IndexOf("value");
            foreach (JsonElement[] row in series.Values)
            {
                if (value >= 0 && row[value].GetString() is { Length: > 0 } site)
                {
                    sites.Add(site);
                }
            }
        }

        return sites;
    }

    /// <summary>The hours of [<paramref name="fromMs"/>, <paramref name="toMs"/>) in which a unit of each site was alive (<see cref="Coverage.CoverageSchema"/>).</summary>
    public Task<Coverage.StoredCoverage> ReadCoverageAsync(long fromMs, long toMs, string? siteId = null, CancellationToken cancellationToken = default)
        => new Coverage.CoverageReader(client) { UseDayRollups = UseRollups, Notice = ReportFallback }.ReadAsync(fromMs, toMs, siteId, cancellationToken);

    /// <summary>
    /// Merges the bins that several workers wrote for the same key into one per key (what every statistic is computed
    /// from), and returns them ordered by window, site, direction and display mode.
    /// </summary>
    public static IReadOnlyList<StoredBin> MergeWriters(IEnumerable<StoredBin> bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        return [.. bins.GroupBy(b => b.Key)
            .Select(g => g.Count() == 1 ? g.First() : new StoredBin(g.Key, string.Join('+', g.Select(b => b.WriterId).Order(StringComparer.Ordinal)), g.First().WindowMs, MergeKeepingKey(g))
            {
                Hours = UnionOfHours(g),
            })
            .OrderBy(b => b.Key.WindowStartMs).ThenBy(b => b.Key.SiteId, StringComparer.Ordinal).ThenBy(b => b.Key.Direction).ThenBy(b => b.Key.DisplayMode)];
    }

    private static HourSet? UnionOfHours(IEnumerable<StoredBin> bins)
    {
        HourSet? union = null;
        foreach (StoredBin stored in bins)
        {
            if (stored.Hours is { } hours)
            {
                (union ??= []).UnionWith(hours);
            }
        }

        return union;
    }

    private static Bin MergeKeepingKey(IEnumerable<StoredBin> bins)
    {
        Bin merged = null!;
        foreach (StoredBin stored in bins)
        {
            merged = merged is null ? stored.Bin.Clone() : Bin.Merge(merged, stored.Bin);
        }

        return merged;
    }

    /// <summary>The measurement of <paramref name="level"/>, named with the rollups' own retention policy when they have one.</summary>
    private string From(RollupLevel level)
    {
        string measurement = $"\"{BinSchema.MeasurementOf(level)}\"";
        string? policy = client.Options.RollupRetentionPolicy;
        return level == RollupLevel.Window || string.IsNullOrWhiteSpace(policy) ? measurement : $"\"{policy.Replace("\"", "\\\"", StringComparison.Ordinal)}\".{measurement}";
    }

    internal static string SiteCondition(string? siteId) => new BinFilter { SiteId = siteId }.Condition();

    private enum Column : byte
    {
        Other,
        Time,
        Window,
        Count,
        Limit,
        Sum,
        SumOfSquares,
        Max,
        Histogram,
        OverLimit,
        Hours,
        HourMap,
        Occurrences,
        Class,
        Length,
    }

    /// <summary>Rebuilds each row into a <see cref="StoredBin"/> as it streams by; only the current series' tags are kept.</summary>
    private sealed class Decoder(RollupLevel level, Action<StoredBin> onBin) : InfluxRowVisitor
    {
        private readonly long[] _histogram = new long[SpeedHistogram.BucketCount];
        private readonly long[] _overLimit = new long[LimitCategories.Count * Bin.OverLimitBucketCount];
        private readonly long[] _classCounts = new long[s_classes.Length];
        private readonly long[] _lengthCounts = new long[LengthPatterns.Count];

        // Restored in place row after row: a million stored bins do not allocate a million sets of arrays.
        private readonly Bin _bin = new();
        private readonly List<ulong> _hourMap = [];
        private byte[] _text = new byte[4096];
        private Column[] _columns = [];
        private int[] _classIndex = [];
        private string _siteId = "";
        private Direction _direction;
        private DisplayMode _display;
        private string _writer = "";

        public override void OnSeries(string name, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> columns, bool continuesPrevious)
        {
            _siteId = tags.TryGetValue(BinSchema.SiteTag, out string? site) && site.Length > 0
                ? site
                : throw new InvalidDataException($"Stored bins in '{name}' have no site tag.");
            string direction = tags.GetValueOrDefault(BinSchema.DirectionTag) is { Length: > 0 } d ? d : "unknown";
            if (!BinSchema.TryParseDirection(direction, out _direction))
            {
                throw new InvalidDataException($"A stored bin of site '{_siteId}' has an unknown direction '{direction}'.");
            }

            _display = BinSchema.DisplayOf(tags.GetValueOrDefault(BinSchema.DisplayTag));
            _writer = tags.GetValueOrDefault(BinSchema.WriterTag) ?? "";
            _columns = new Column[columns.Count];
            _classIndex = new int[columns.Count];
            var required = new HashSet<Column> { Column.Time, Column.Count, Column.Limit, Column.Sum, Column.SumOfSquares, Column.Max, Column.Histogram, Column.OverLimit };
            for (int i = 0; i < columns.Count; i++)
            {
                _columns[i] = Role(columns[i], out _classIndex[i]);
                required.Remove(_columns[i]);
            }

            if (required.Count > 0)
            {
                throw new InvalidDataException($"Series '{name}' lacks the columns of a stored bin (docs/schema.md).");
            }
        }

        public override void OnRow(ref Utf8JsonReader reader)
        {
            long time = 0, window = 0, count = 0, limit = 0, sum = 0, sumSquares = 0, max = 0, hours = 0, occurrences = 0;
            _hourMap.Clear();
            Array.Clear(_histogram);
            Array.Clear(_overLimit);
            Array.Clear(_classCounts);
            Array.Clear(_lengthCounts);
            for (int i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
            {
                Column column = i < _columns.Length ? _columns[i] : Column.Other;
                switch (column)
                {
                    case Column.Time: time = Integer(ref reader); break;
                    case Column.Window: window = Integer(ref reader); break;
                    case Column.Count: count = Integer(ref reader); break;
                    case Column.Limit: limit = Integer(ref reader); break;
                    case Column.Sum: sum = Integer(ref reader); break;
                    case Column.SumOfSquares: sumSquares = Integer(ref reader); break;
                    case Column.Max: max = Integer(ref reader); break;
                    case Column.Hours: hours = Integer(ref reader); break;
                    case Column.Occurrences: occurrences = Integer(ref reader); break;
                    case Column.HourMap: ParseHourMap(Utf8(ref reader), _hourMap); break;
                    case Column.Class: _classCounts[_classIndex[i]] = Integer(ref reader); break;
                    case Column.Length: _lengthCounts[_classIndex[i]] = Integer(ref reader); break;
                    case Column.Histogram: ParseSparse(Utf8(ref reader), _histogram, categoryLength: 0); break;
                    case Column.OverLimit: ParseSparse(Utf8(ref reader), _overLimit, Bin.OverLimitBucketCount); break;
                    default: reader.Skip(); break;
                }
            }

            var key = new BinKey(_siteId, _direction, _display, time);
            _bin.RestoreFrom(key, (int)limit, count, sum, (UInt128)(ulong)sumSquares, (int)max, _histogram, _overLimit, _classCounts, _lengthCounts);
            onBin(new StoredBin(key, _writer, window * 1000, _bin)
            {
                Hours = level == RollupLevel.Month ? MonthHoursOf(time) : HoursOf(time, hours),
                Occurrences = (ulong)occurrences,
            });
        }

        private HourSet? MonthHoursOf(long start)
        {
            HourSet? hours = null;
            for (int i = 0; i < _hourMap.Count; i++)
            {
                if (_hourMap[i] != 0)
                {
                    (hours ??= []).AddMask(start + i * 64 * Rollups.HourMs, _hourMap[i]);
                }
            }

            return hours;
        }

        private HourSet? HoursOf(long start, long mask)
        {
            if (level == RollupLevel.Window || mask == 0)
            {
                return null;
            }

            var hours = new HourSet();
            hours.AddMask(start, (ulong)mask);
            return hours;
        }

        private static Column Role(string column, out int classIndex)
        {
            classIndex = -1;
            switch (column)
            {
                case "time": return Column.Time;
                case BinSchema.WindowSecondsField: return Column.Window;
                case BinSchema.CountField: return Column.Count;
                case BinSchema.LimitField: return Column.Limit;
                case BinSchema.SumField: return Column.Sum;
                case BinSchema.SumOfSquaresField: return Column.SumOfSquares;
                case BinSchema.MaxCentiField: return Column.Max;
                case BinSchema.HistogramField: return Column.Histogram;
                case BinSchema.OverLimitBucketsField: return Column.OverLimit;
                case BinSchema.HoursField: return Column.Hours;
                case BinSchema.HourMapField: return Column.HourMap;
                case BinSchema.OccurrencesField: return Column.Occurrences;
            }

            for (int c = 0; c < s_classes.Length; c++)
            {
                if (column == BinSchema.ClassFieldPrefix + BinSchema.ClassName(s_classes[c]))
                {
                    classIndex = c;
                    return Column.Class;
                }
            }

            // A length pattern's index, in the same slot as a class's.
            classIndex = Array.IndexOf(BinSchema.LengthFields, column);
            if (classIndex >= 0)
            {
                return Column.Length;
            }

            return Column.Other;
        }

        private static long Integer(ref Utf8JsonReader reader) => reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetInt64(out long value) => value,
            JsonTokenType.Null => 0,
            _ => throw new InvalidDataException($"A stored bin has a {reader.TokenType} where an integer belongs."),
        };

        private ReadOnlySpan<byte> Utf8(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return [];
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                throw new InvalidDataException($"A stored bin has a {reader.TokenType} where a bucket list belongs.");
            }

            if (!reader.HasValueSequence && !reader.ValueIsEscaped)
            {
                return reader.ValueSpan;
            }

            int length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
            if (_text.Length < length)
            {
                _text = new byte[Math.Max(length, _text.Length * 2)];
            }

            return _text.AsSpan(0, reader.CopyString(_text));
        }

        /// <summary>A <see cref="BinSchema.HourMapField"/> as 64-hour words: bit i of word k is hour 64k + i from the start.</summary>
        private static void ParseHourMap(ReadOnlySpan<byte> text, List<ulong> words)
        {
            for (int j = 0; j < text.Length; j++)
            {
                int digit = HexDigit(text[j]);
                if (digit < 0)
                {
                    throw new InvalidDataException($"A stored month rollup has a bad hour map '{Encoding.UTF8.GetString(text)}'.");
                }

                // Digit j holds hours 4j to 4j + 3: 16 digits to a word.
                if (j % 16 == 0)
                {
                    words.Add(0);
                }

                words[^1] |= (ulong)digit << (4 * (j % 16));
            }
        }

        private static int HexDigit(byte c) => c switch
        {
            >= (byte)'0' and <= (byte)'9' => c - '0',
            >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
            _ => -1,
        };

        private static void ParseSparse(ReadOnlySpan<byte> text, long[] buckets, int categoryLength)
        {
            while (!text.IsEmpty)
            {
                int comma = text.IndexOf((byte)',');
                ReadOnlySpan<byte> entry = comma >= 0 ? text[..comma] : text;
                text = comma >= 0 ? text[(comma + 1)..] : [];
                int colon = entry.IndexOf((byte)':');
                int index = -1;
                if (colon > 0)
                {
                    ReadOnlySpan<byte> position = entry[..colon];
                    if (categoryLength > 0)
                    {
                        int dot = position.IndexOf((byte)'.');
                        if (dot > 0 && Utf8Parser.TryParse(position[..dot], out int category, out int used) && used == dot
                            && Utf8Parser.TryParse(position[(dot + 1)..], out int bucket, out used) && used == position.Length - dot - 1
                            && category >= 0 && (uint)bucket < (uint)categoryLength)
                        {
                            index = category * categoryLength + bucket;
                        }
                    }
                    else if (Utf8Parser.TryParse(position, out int bucket, out int used) && used == position.Length)
                    {
                        index = bucket;
                    }
                }

                if ((uint)index >= (uint)buckets.Length
                    || !Utf8Parser.TryParse(entry[(colon + 1)..], out long value, out int consumed) || consumed != entry.Length - colon - 1 || value < 0)
                {
                    throw new InvalidDataException($"A stored bin's bucket list has a bad entry '{Encoding.UTF8.GetString(entry)}'.");
                }

                buckets[index] = value;
            }
        }
    }
}
