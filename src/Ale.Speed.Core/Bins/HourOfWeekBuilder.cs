using System.Numerics;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Bins;

/// <summary>
/// The hours of one local calendar month or year by local hour of the week (0 = Monday 00–01, 167 = Sunday 23–24): the
/// hour of the week of each hour, and which occurrence of its hour of the week it is in the period (0 for the first).
/// The autumn shift's 25-hour day has two hours with the same hour of the week (both occur, in order); the spring
/// shift's 23-hour day lacks one.
/// </summary>
/// <remarks>Hours are UTC hours: this holds for zones whose offsets are whole hours (Europe/Stockholm).</remarks>
public sealed class HourOfWeekCalendar
{
    public const int HoursPerWeek = 168;

    /// <summary>
    /// Occurrences of one hour of the week in a year: at most 53 (a year of 366 days holds 52 weeks and 2 days), plus
    /// the repeated hour of the autumn shift, so an occurrence mask fits 64 bits.
    /// </summary>
    public const int MaxOccurrences = 64;

    private readonly byte[] _cell;
    private readonly byte[] _occurrence;
    private readonly int[][] _hoursOfCell;

    private HourOfWeekCalendar(RollupLevel level, long startMs, long endMs, TimeZoneInfo zone)
    {
        Level = level;
        StartMs = startMs;
        EndMs = endMs;
        int hours = checked((int)((endMs - startMs) / Rollups.HourMs));
        _cell = new byte[hours];
        _occurrence = new byte[hours];
        var counts = new int[HoursPerWeek];
        for (int i = 0; i < hours; i++)
        {
            DateTime local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UnixEpoch.AddMilliseconds(startMs + i * Rollups.HourMs), zone);
            int cell = ((int)local.DayOfWeek + 6) % 7 * 24 + local.Hour;
            _cell[i] = (byte)cell;
            _occurrence[i] = (byte)counts[cell]++;
        }

        _hoursOfCell = new int[HoursPerWeek][];
        for (int cell = 0; cell < HoursPerWeek; cell++)
        {
            _hoursOfCell[cell] = new int[counts[cell]];
        }

        Array.Clear(counts);
        for (int i = 0; i < hours; i++)
        {
            _hoursOfCell[_cell[i]][counts[_cell[i]]++] = i;
        }
    }

    /// <summary><see cref="RollupLevel.MonthHourOfWeek"/> or <see cref="RollupLevel.YearHourOfWeek"/>.</summary>
    public RollupLevel Level { get; }

    public long StartMs { get; }

    public long EndMs { get; }

    public long LengthMs => EndMs - StartMs;

    /// <summary>The calendar of the local month (<see cref="RollupLevel.MonthHourOfWeek"/>) or year holding <paramref name="unixMs"/>.</summary>
    public static HourOfWeekCalendar Of(RollupLevel level, long unixMs, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return level switch
        {
            RollupLevel.MonthHourOfWeek => new(level, Rollups.MonthStart(unixMs, zone), Rollups.NextMonthStart(unixMs, zone), zone),
            RollupLevel.YearHourOfWeek => new(level, Rollups.YearStart(unixMs, zone), Rollups.NextYearStart(unixMs, zone), zone),
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Hour-of-week levels are per month or per year."),
        };
    }

    public bool Contains(long unixMs) => unixMs >= StartMs && unixMs < EndMs;

    /// <summary>The hour of the week of the hour starting at <paramref name="hourStartMs"/> (in the period).</summary>
    public int CellOf(long hourStartMs) => _cell[IndexOf(hourStartMs)];

    /// <summary>Which occurrence of its hour of the week the hour starting at <paramref name="hourStartMs"/> is (0 = the first).</summary>
    public int OccurrenceOf(long hourStartMs) => _occurrence[IndexOf(hourStartMs)];

    /// <summary>How often <paramref name="cell"/> occurs in the period.</summary>
    public int Occurrences(int cell) => _hoursOfCell[cell].Length;

    /// <summary>The start of the first hour of <paramref name="cell"/> in the period: the timestamp of its rollup.</summary>
    public long FirstHourOf(int cell) => _hoursOfCell[cell] is { Length: > 0 } hours
        ? StartMs + hours[0] * Rollups.HourMs
        : throw new ArgumentOutOfRangeException(nameof(cell), cell, "This hour of the week does not occur in the period.");

    /// <summary>The start of the <paramref name="occurrence"/>-th hour of <paramref name="cell"/> in the period.</summary>
    public long HourOf(int cell, int occurrence) => StartMs + _hoursOfCell[cell][occurrence] * Rollups.HourMs;

    /// <summary>The starts of the hours of <paramref name="cell"/> whose bit is set in <paramref name="occurrences"/>, in order.</summary>
    public long[] HoursOf(int cell, ulong occurrences)
    {
        int[] hours = HoursOfCell(cell, occurrences);
        var starts = new long[ulong.PopCount(occurrences)];
        int n = 0;
        for (int i = 0; i < hours.Length && n < starts.Length; i++)
        {
            if ((occurrences & (1UL << i)) != 0)
            {
                starts[n++] = StartMs + hours[i] * Rollups.HourMs;
            }
        }

        return starts;
    }

    /// <summary>As <see cref="HoursOf"/>, as a set sized for the period.</summary>
    public HourSet HourSetOf(int cell, ulong occurrences)
    {
        int[] hours = HoursOfCell(cell, occurrences);
        var set = new HourSet(StartMs, EndMs);
        for (ulong bits = occurrences; bits != 0; bits &= bits - 1)
        {
            set.Add(StartMs + hours[BitOperations.TrailingZeroCount(bits)] * Rollups.HourMs);
        }

        return set;
    }

    private int[] HoursOfCell(int cell, ulong occurrences)
    {
        int[] hours = _hoursOfCell[cell];
        if (hours.Length < 64 && occurrences >> hours.Length != 0)
        {
            throw new InvalidDataException($"An occurrence mask {occurrences:x} names hours of the week that the period does not hold.");
        }

        return hours;
    }

    private int IndexOf(long hourStartMs)
    {
        long offset = hourStartMs - StartMs;
        if (offset < 0 || hourStartMs >= EndMs || offset % Rollups.HourMs != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(hourStartMs), hourStartMs, "Not the start of an hour of the period.");
        }

        return (int)(offset / Rollups.HourMs);
    }
}

/// <summary>
/// Merges one writer's hour rollups of a local month (or month rollups per hour of the week of a year) into one rollup
/// per series (site, direction, display mode, limit) and hour of the week, exactly (<see cref="Bin.MergeFrom"/>). Each
/// rollup is named by the first hour of its hour of the week in the period (whether or not it holds data) and keeps an
/// occurrence mask in <see cref="Rollup.HourBits"/>: bit i set when the i-th hour of that hour of the week in the period
/// holds data (<see cref="HourOfWeekCalendar"/>). Feed it every rollup of the period before taking the result.
/// </summary>
public sealed class HourOfWeekBuilder(HourOfWeekCalendar calendar)
{
    private readonly Dictionary<(string Site, Direction Direction, DisplayMode Display, int Limit, int Cell), Entry> _rollups = [];

    public int Count => _rollups.Count;

    /// <summary>Adds <paramref name="bin"/> (of the series named by <paramref name="key"/>) holding data in the hour starting at <paramref name="hourStartMs"/>.</summary>
    public void Add(BinKey key, Bin bin, long hourStartMs)
    {
        ArgumentNullException.ThrowIfNull(bin);
        int cell = calendar.CellOf(hourStartMs);
        EntryOf(key, bin, cell).Occurrences |= 1UL << calendar.OccurrenceOf(hourStartMs);
    }

    /// <summary>Adds a merged bin holding data in <paramref name="hourStarts"/>, all hours of one hour of the week.</summary>
    public void Add(BinKey key, Bin bin, IReadOnlyCollection<long> hourStarts)
    {
        ArgumentNullException.ThrowIfNull(bin);
        ArgumentNullException.ThrowIfNull(hourStarts);
        if (hourStarts.Count == 0)
        {
            throw new ArgumentException("A merged bin holds data in at least one hour.", nameof(hourStarts));
        }

        Entry? entry = null;
        foreach (long hour in hourStarts)
        {
            int cell = calendar.CellOf(hour);
            entry ??= EntryOf(key, bin, cell);
            if (cell != entry.Cell)
            {
                throw new ArgumentException("The hours of one merged bin lie in one hour of the week.", nameof(hourStarts));
            }

            entry.Occurrences |= 1UL << calendar.OccurrenceOf(hour);
        }
    }

    /// <summary>Every rollup built so far.</summary>
    public IEnumerable<Rollup> Built()
    {
        foreach (((string site, Direction direction, DisplayMode display, _, int cell), Entry entry) in _rollups)
        {
            yield return new Rollup(calendar.Level, new BinKey(site, direction, display, calendar.FirstHourOf(cell)), entry.Bin, calendar.LengthMs, [entry.Occurrences]);
        }
    }

    private Entry EntryOf(BinKey key, Bin bin, int cell)
    {
        if (!_rollups.TryGetValue((key.SiteId, key.Direction, key.DisplayMode, bin.LimitKmh, cell), out Entry? entry))
        {
            entry = new Entry(cell);
            _rollups.Add((key.SiteId, key.Direction, key.DisplayMode, bin.LimitKmh, cell), entry);
        }

        entry.Bin.MergeFrom(bin);
        return entry;
    }

    private sealed class Entry(int cell)
    {
        public int Cell => cell;

        public Bin Bin { get; } = new();

        public ulong Occurrences { get; set; }
    }
}
