using System.Globalization;
using System.Text;
using System.Text.Json;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Querying;

namespace Ale.Speed.Influx.Bins;

/// <summary>A bin as stored: its key, the worker that wrote it, and its window length.</summary>
public sealed record StoredBin(BinKey Key, string WriterId, long WindowMs, Bin Bin);

/// <summary>
/// Reads stored bins back through InfluxQL (<c>/query</c>: InfluxDB 1.x natively, 2.x through a DBRP mapping, 3.x) and
/// rebuilds each exactly from its parts. The read side of <see cref="BinPointEncoder"/>.
/// </summary>
public sealed class BinReader(InfluxQueryClient client)
{
    private static readonly VehicleClass[] s_classes = Enum.GetValues<VehicleClass>();

    // Queried a day at a time: a server's row limit (max-row-limit) then never cuts a result short silently.
    private static readonly long s_sliceMs = (long)TimeSpan.FromDays(1).TotalMilliseconds;

    /// <summary>The bins whose window starts in [<paramref name="fromMs"/>, <paramref name="toMs"/>), of one site or all.</summary>
    public async Task<IReadOnlyList<StoredBin>> ReadAsync(long fromMs, long toMs, string? siteId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var bins = new List<StoredBin>();
        for (long start = fromMs; start < toMs; start += s_sliceMs)
        {
            long end = Math.Min(toMs, start + s_sliceMs);
            string query = string.Create(CultureInfo.InvariantCulture,
                $"SELECT * FROM \"{BinSchema.Measurement}\" WHERE time >= {start}ms AND time < {end}ms{SiteCondition(siteId)}");
            IReadOnlyList<InfluxSeries> series = await client.QueryAsync(query, cancellationToken).ConfigureAwait(false);
            foreach (InfluxSeries s in series)
            {
                bins.AddRange(Decode(s));
            }
        }

        return bins;
    }

    /// <summary>
    /// Merges the bins that several workers wrote for the same key into one per key (what every statistic is computed
    /// from), and returns them ordered by window, site, direction and display mode.
    /// </summary>
    public static IReadOnlyList<StoredBin> MergeWriters(IEnumerable<StoredBin> bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        return [.. bins.GroupBy(b => b.Key)
            .Select(g => g.Count() == 1 ? g.First() : new StoredBin(g.Key, string.Join('+', g.Select(b => b.WriterId).Order(StringComparer.Ordinal)), g.First().WindowMs, MergeKeepingKey(g)))
            .OrderBy(b => b.Key.WindowStartMs).ThenBy(b => b.Key.SiteId, StringComparer.Ordinal).ThenBy(b => b.Key.Direction).ThenBy(b => b.Key.DisplayMode)];
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

    /// <summary>Rebuilds the bins of one series of <c>SELECT *</c> rows (tags come as columns).</summary>
    public static IEnumerable<StoredBin> Decode(InfluxSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        int time = series.IndexOf("time");
        int site = series.IndexOf(BinSchema.SiteTag);
        int direction = series.IndexOf(BinSchema.DirectionTag);
        int display = series.IndexOf(BinSchema.DisplayTag);
        int writer = series.IndexOf(BinSchema.WriterTag);
        int window = series.IndexOf(BinSchema.WindowSecondsField);
        int count = series.IndexOf(BinSchema.CountField);
        int limit = series.IndexOf(BinSchema.LimitField);
        int sum = series.IndexOf(BinSchema.SumField);
        int sumSquares = series.IndexOf(BinSchema.SumOfSquaresField);
        int max = series.IndexOf(BinSchema.MaxCentiField);
        int histogram = series.IndexOf(BinSchema.HistogramField);
        int over = series.IndexOf(BinSchema.OverLimitBucketsField);
        int[] classes = [.. s_classes.Select(c => series.IndexOf(BinSchema.ClassFieldPrefix + BinSchema.ClassName(c)))];
        if (time < 0 || site < 0 || count < 0 || limit < 0 || histogram < 0 || over < 0 || sum < 0 || sumSquares < 0 || max < 0)
        {
            throw new InvalidDataException($"Series '{series.Name}' lacks the columns of a stored bin (docs/schema.md).");
        }

        foreach (JsonElement[] row in series.Values)
        {
            string siteId = Text(row[site]) ?? throw new InvalidDataException("A stored bin has no site tag.");
            if (!BinSchema.TryParseDirection(Text(row[direction]) ?? "unknown", out Direction dir))
            {
                throw new InvalidDataException($"A stored bin of site '{siteId}' has an unknown direction '{Text(row[direction])}'.");
            }

            DisplayMode mode = Text(row[display]) == "stealth" ? DisplayMode.Stealth : DisplayMode.DisplayOn;
            var key = new BinKey(siteId, dir, mode, row[time].GetInt64());

            long[] buckets = new long[SpeedHistogram.BucketCount];
            ParseSparse(Text(row[histogram]), buckets, categoryLength: 0);
            long[] overLimit = new long[LimitCategories.Count * Bin.OverLimitBucketCount];
            ParseSparse(Text(row[over]), overLimit, Bin.OverLimitBucketCount);
            long[] classCounts = new long[s_classes.Length];
            for (int i = 0; i < classes.Length; i++)
            {
                classCounts[i] = classes[i] >= 0 ? Integer(row[classes[i]]) : 0;
            }

            Bin bin = Bin.Restore(key, (int)Integer(row[limit]), Integer(row[count]), Integer(row[sum]), (UInt128)(ulong)Integer(row[sumSquares]),
                (int)Integer(row[max]), buckets, overLimit, classCounts);
            yield return new StoredBin(key, writer >= 0 ? Text(row[writer]) ?? "" : "", window >= 0 ? Integer(row[window]) * 1000 : 0, bin);
        }
    }

    private static string SiteCondition(string? siteId)
    {
        if (siteId is null)
        {
            return "";
        }

        var escaped = new StringBuilder(siteId.Length + 8);
        foreach (char c in siteId)
        {
            if (c is '\\' or '\'')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return $" AND \"{BinSchema.SiteTag}\" = '{escaped}'";
    }

    private static string? Text(JsonElement element) => element.ValueKind == JsonValueKind.String ? element.GetString() : null;

    private static long Integer(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetInt64(),
        JsonValueKind.Null => 0,
        _ => throw new InvalidDataException($"A stored bin has '{element}' where a number belongs."),
    };

    private static void ParseSparse(string? text, long[] buckets, int categoryLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        foreach (string entry in text.Split(','))
        {
            int colon = entry.IndexOf(':', StringComparison.Ordinal);
            string position = colon > 0 ? entry[..colon] : "";
            int index;
            if (categoryLength > 0)
            {
                int dot = position.IndexOf('.', StringComparison.Ordinal);
                index = dot > 0 && int.TryParse(position.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out int category)
                    && int.TryParse(position.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int bucket) && bucket < categoryLength
                    ? category * categoryLength + bucket
                    : -1;
            }
            else
            {
                index = int.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out int bucket) ? bucket : -1;
            }

            if (colon <= 0 || (uint)index >= (uint)buckets.Length
                || !long.TryParse(entry.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
            {
                throw new InvalidDataException($"A stored bin's bucket list has a bad entry '{entry}'.");
            }

            buckets[index] = value;
        }
    }
}
