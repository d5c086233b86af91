using System.Globalization;
using System.Text.Json;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Influx.Coverage;

/// <summary>What a rebuild of coverage days did: the local days [<see cref="FromMs"/>, <see cref="ToMs"/>), the day points written, or the write that failed.</summary>
public readonly record struct CoverageDaysResult(long FromMs, long ToMs, int Points, InfluxWriteResult? Failure);

/// <summary>
/// The day rollups of unit coverage (<see cref="CoverageSchema.DayMeasurement"/>, docs/schema.md): per site, unit,
/// display mode, writer and local day, the hours in which the unit had an alive window. Each is rebuilt whole from the
/// stored coverage points of its day — a read-modify-write, as month rollups are — so a rebuild is idempotent and a
/// restart needs nothing but another rebuild. The worker rebuilds the days of the points it has just written,
/// <c>ale-speed rollup</c> every day of its range.
/// </summary>
/// <param name="windows">Reads the stored coverage points.</param>
/// <param name="rollupWriter">Writes the day points (in the rollups' retention policy or bucket).</param>
public sealed class CoverageDays(InfluxQueryClient windows, InfluxWriter rollupWriter, TimeZoneInfo zone)
{
    private const int BatchLines = 5000;

    /// <summary>Rebuilds every local day that [<paramref name="fromMs"/>, <paramref name="toMs"/>) touches, of one writer or of every writer.</summary>
    public async Task<CoverageDaysResult> RebuildAsync(long fromMs, long toMs, string? writerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(rollupWriter);
        long first = Rollups.DayStart(fromMs, zone);
        if (toMs <= fromMs)
        {
            return new(first, first, 0, null);
        }

        long end = Rollups.NextDayStart(Rollups.DayStart(toMs - 1, zone), zone);
        string query = string.Create(CultureInfo.InvariantCulture,
            $"SELECT count(\"{CoverageSchema.WindowSecondsField}\") FROM \"{CoverageSchema.Measurement}\" WHERE time >= {first}ms AND time < {end}ms{new BinFilter { WriterId = writerId }.Condition()} GROUP BY time(1h),\"{BinSchema.SiteTag}\",\"{CoverageSchema.UnitTag}\",\"{BinSchema.DisplayTag}\",\"{BinSchema.WriterTag}\" fill(none)");
        var decoder = new Decoder(zone);
        await windows.StreamAsync(query, decoder, cancellationToken).ConfigureAwait(false);

        int written = 0;
        List<KeyValuePair<DayKey, DayHours>> days = [.. decoder.Days];
        for (int start = 0; start < days.Count; start += BatchLines)
        {
            using var batch = rollupWriter.CreateBatch();
            for (int i = start; i < Math.Min(days.Count, start + BatchLines); i++)
            {
                (DayKey key, DayHours hours) = (days[i].Key, days[i].Value);
                CoverageSchema.WriteDay(batch.Writer, key.Site, key.Unit, key.Display, key.Writer, key.DayStartMs,
                    Rollups.NextDayStart(key.DayStartMs, zone) - key.DayStartMs, hours.Mask, hours.Windows, batch.Precision);
            }

            InfluxWriteResult result = await rollupWriter.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            if (!result.IsComplete)
            {
                return new(first, end, written, result);
            }

            written += (int)Math.Min(BatchLines, days.Count - start);
        }

        return new(first, end, written, null);
    }

    /// <summary>The start of the latest window <paramref name="writerId"/> stored (null: none), where a restart picks up its days.</summary>
    public async Task<long?> LastWindowAsync(string writerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(windows);
        string query = string.Create(CultureInfo.InvariantCulture,
            $"SELECT last(\"{CoverageSchema.WindowSecondsField}\") FROM \"{CoverageSchema.Measurement}\" WHERE time >= 0ms{new BinFilter { WriterId = writerId }.Condition()}");
        var last = new LastDecoder();
        await windows.StreamAsync(query, last, cancellationToken).ConfigureAwait(false);
        return last.Time;
    }

    private readonly record struct DayKey(string Site, string Unit, DisplayMode Display, string Writer, long DayStartMs);

    private sealed class DayHours
    {
        public ulong Mask { get; set; }

        public long Windows { get; set; }
    }

    private sealed class LastDecoder : InfluxRowVisitor
    {
        public long? Time { get; private set; }

        public override void OnSeries(string name, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> columns, bool continuesPrevious)
        {
        }

        public override void OnRow(ref Utf8JsonReader reader) => Time = CoverageReader.HourRow(ref reader).Time;
    }

    /// <summary>Folds the hour counts of each unit and writer into its local days' masks as they stream in.</summary>
    private sealed class Decoder(TimeZoneInfo zone) : InfluxRowVisitor
    {
        private string _site = "", _unit = "", _writer = "";
        private DisplayMode _display;
        private long _dayStart = long.MaxValue, _dayEnd = long.MinValue;

        public Dictionary<DayKey, DayHours> Days { get; } = [];

        public override void OnSeries(string name, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> columns, bool continuesPrevious)
        {
            _site = tags.TryGetValue(BinSchema.SiteTag, out string? site) && site.Length > 0
                ? site
                : throw new InvalidDataException($"Stored coverage in '{name}' has no site tag.");
            _unit = tags.GetValueOrDefault(CoverageSchema.UnitTag) ?? "";
            _writer = tags.GetValueOrDefault(BinSchema.WriterTag) ?? "";
            _display = BinSchema.DisplayOf(tags.GetValueOrDefault(BinSchema.DisplayTag));
        }

        public override void OnRow(ref Utf8JsonReader reader)
        {
            (long time, long windows) = CoverageReader.HourRow(ref reader);
            if (windows <= 0)
            {
                return;
            }

            if (time < _dayStart || time >= _dayEnd)
            {
                _dayStart = Rollups.DayStart(time, zone);
                _dayEnd = Rollups.NextDayStart(_dayStart, zone);
            }

            var key = new DayKey(_site, _unit, _display, _writer, _dayStart);
            if (!Days.TryGetValue(key, out DayHours? day))
            {
                Days.Add(key, day = new DayHours());
            }

            day.Mask |= 1UL << (int)((time - _dayStart) / Rollups.HourMs);
            day.Windows += windows;
        }
    }
}
