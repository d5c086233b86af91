using System.Globalization;
using System.Text;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Statistics;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.LineProtocol;

namespace Ale.Speed.Influx.Bins;

/// <summary>Writes bins as <see cref="BinSchema"/> points. Runs on the flush path (every few seconds), not per vehicle.</summary>
public sealed class BinPointEncoder
{
    private static readonly VehicleClass[] s_classes = Enum.GetValues<VehicleClass>();
    private readonly StatisticsOptions _statistics;
    private readonly string[] _fineFields;
    private readonly string[] _classFields;

    // The bin's counts, copied here so that writing a compact bin does not give it arrays (one encoder per writer).
    private readonly long[] _histogram = new long[SpeedHistogram.BucketCount];
    private readonly long[] _overLimitBuckets = new long[LimitCategories.Count * Bin.OverLimitBucketCount];
    private readonly StringBuilder _text = new();

    public BinPointEncoder(StatisticsOptions? statistics = null)
    {
        _statistics = statistics ?? StatisticsOptions.Default;
        _fineFields = [.. _statistics.Penalties.FineBands.Select(b => BinSchema.FineFieldName(b.Band.Label))];
        _classFields = [.. s_classes.Select(c => BinSchema.ClassFieldPrefix + BinSchema.ClassName(c))];
    }

    /// <summary>One point for <paramref name="bin"/> (which must have a key and a single limit).</summary>
    public void Write(LineProtocolWriter writer, Bin bin, string writerId, long windowMs, TimestampPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(bin);
        Write(writer, RollupLevel.Window, bin.Key, bin, writerId, windowMs, precision, hourMask: 0);
    }

    /// <summary>
    /// One point of <paramref name="level"/> named by <paramref name="key"/> (its window's start) for <paramref name="bin"/>,
    /// a merge of a writer's bins under one limit (rollups are tagged with it).
    /// </summary>
    /// <param name="hourMask">Hour and day rollups: bit i set when hour i from the key's start holds a bin (0 for windows).</param>
    public void Write(LineProtocolWriter writer, RollupLevel level, BinKey key, Bin bin, string writerId, long windowMs, TimestampPrecision precision, long hourMask)
    {
        if (level is not (RollupLevel.Window or RollupLevel.Hour or RollupLevel.Day))
        {
            throw new ArgumentException("Months and hours of the week have their own hour data: write the rollup.", nameof(level));
        }

        Write(writer, level, key, bin, writerId, windowMs, precision, [(ulong)hourMask]);
    }

    /// <summary>One point for <paramref name="rollup"/>, with its hours.</summary>
    public void Write(LineProtocolWriter writer, Rollup rollup, string writerId, TimestampPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(rollup);
        Write(writer, rollup.Level, rollup.Key, rollup.Bin, writerId, rollup.LengthMs, precision, rollup.HourBits);
    }

    private void Write(LineProtocolWriter writer, RollupLevel level, BinKey key, Bin bin, string writerId, long windowMs, TimestampPrecision precision, ReadOnlySpan<ulong> hourBits)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(bin);
        if (bin.LimitKmh <= 0 || bin.Count == 0)
        {
            throw new ArgumentException("Only bins with at least one vehicle under one limit are stored.", nameof(bin));
        }

        bin.CopyCountsTo(_histogram, _overLimitBuckets);
        SpeedSummary summary = SpeedStatistics.Summarize(bin, _statistics);
        writer.Measurement(BinSchema.MeasurementOf(level))
            .Tag(BinSchema.SiteTag, key.SiteId)
            .Tag(BinSchema.DirectionTag, BinSchema.DirectionName(key.Direction))
            .Tag(BinSchema.DisplayTag, BinSchema.DisplayName(key.DisplayMode))
            .Tag(BinSchema.WriterTag, writerId);
        if (level != RollupLevel.Window)
        {
            writer.Tag(BinSchema.LimitTag, bin.LimitKmh.ToString(CultureInfo.InvariantCulture));
        }

        writer.Field(BinSchema.WindowSecondsField, windowMs / 1000)
            .Field(BinSchema.CountField, bin.Count)
            .Field(BinSchema.LimitField, bin.LimitKmh)
            .Field(BinSchema.MeanField, summary.MeanKmh)
            .Field(BinSchema.V50Field, summary.V50Kmh)
            .Field(BinSchema.V85Field, summary.V85Kmh)
            .Field(BinSchema.V95Field, summary.V95Kmh)
            .Field(BinSchema.MaxField, bin.MaxKmh)
            .Field(BinSchema.WithinLimitField, bin.CountWithinLimit)
            .Field(BinSchema.WithinLimitPlus5Field, bin.CountWithinLimitPlus(5))
            .Field(BinSchema.OverLimitField, bin.CountOverLimit)
            .Field(BinSchema.Over30Field, bin.CountOverLimitBy(30))
            .Field(BinSchema.ShareOverLimitField, summary.ShareOverLimit);
        if (bin.Count > 1)
        {
            writer.Field(BinSchema.StandardDeviationField, summary.StandardDeviationKmh);
        }

        for (int i = 0; i < _fineFields.Length; i++)
        {
            writer.Field(_fineFields[i], summary.FineBands[i].Count);
        }

        for (int i = 0; i < s_classes.Length; i++)
        {
            writer.Field(_classFields[i], bin.CountOf(s_classes[i]));
        }

        if (bin.CountOf(LengthPattern.Reported) > 0)
        {
            for (int i = 0; i < BinSchema.LengthFields.Length; i++)
            {
                writer.Field(BinSchema.LengthFields[i], bin.LengthCounts[i]);
            }
        }

        if (bin.SumOfSquaresCentiKmh > long.MaxValue)
        {
            throw new InvalidOperationException("A bin's sum of squares exceeds what an integer field holds.");
        }

        writer.Field(BinSchema.SumField, bin.SumCentiKmh)
            .Field(BinSchema.SumOfSquaresField, (long)bin.SumOfSquaresCentiKmh)
            .Field(BinSchema.MaxCentiField, bin.MaxCentiKmh)
            .Field(BinSchema.HistogramField, SparseText(_histogram, categoryLength: 0))
            .Field(BinSchema.OverLimitBucketsField, SparseText(_overLimitBuckets, Bin.OverLimitBucketCount));
        if (level == RollupLevel.Month)
        {
            if (hourBits.ContainsAnyExcept(0UL))
            {
                writer.Field(BinSchema.HourMapField, HourMapText(hourBits));
            }
        }
        else if (level is RollupLevel.MonthHourOfWeek or RollupLevel.YearHourOfWeek)
        {
            writer.Field(BinSchema.OccurrencesField, (long)hourBits[0]);
        }
        else if (level != RollupLevel.Window && hourBits[0] != 0)
        {
            writer.Field(BinSchema.HoursField, (long)hourBits[0]);
        }

        writer.Timestamp(key.WindowStartMs, precision);
    }

    /// <summary>Hex digits, digit j holding hours 4j to 4j + 3 (<see cref="BinSchema.HourMapField"/>).</summary>
    private string HourMapText(ReadOnlySpan<ulong> hourBits)
    {
        _text.Clear();
        int digits = 0;
        for (int j = 0; j < hourBits.Length * 16; j++)
        {
            int digit = (int)(hourBits[j / 16] >> (j % 16 * 4)) & 0xF;
            _text.Append("0123456789abcdef"[digit]);
            if (digit != 0)
            {
                digits = j + 1;
            }
        }

        _text.Length = digits;
        return _text.ToString();
    }

    /// <summary>Non-zero buckets as <c>k:n</c> (or <c>c.k:n</c> per category), comma-separated, ascending.</summary>
    private string SparseText(ReadOnlySpan<long> buckets, int categoryLength)
    {
        _text.Clear();
        for (int i = 0; i < buckets.Length; i++)
        {
            if (buckets[i] == 0)
            {
                continue;
            }

            if (_text.Length > 0)
            {
                _text.Append(',');
            }

            if (categoryLength > 0)
            {
                _text.Append(CultureInfo.InvariantCulture, $"{i / categoryLength}.{i % categoryLength}:{buckets[i]}");
            }
            else
            {
                _text.Append(CultureInfo.InvariantCulture, $"{i}:{buckets[i]}");
            }
        }

        return _text.ToString();
    }
}
