using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Ale.Speed.Core.Frames;

/// <summary>A column of a CSV file: a header name (case-insensitive) or a 1-based column number (<c>#1</c>).</summary>
public readonly record struct CsvColumn
{
    private CsvColumn(string? name, int number)
    {
        Name = name;
        Number = number;
    }

    /// <summary>The header cell's text, or null when the column is given by number.</summary>
    public string? Name { get; }

    /// <summary>The 1-based column number, or 0 when the column is given by name.</summary>
    public int Number { get; }

    public static CsvColumn Named(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new CsvColumn(name.Trim(), 0);
    }

    public static CsvColumn AtNumber(int number)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(number);
        return new CsvColumn(null, number);
    }

    public override string ToString() => Name ?? "#" + Number.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Which CSV column holds what, parsed from text like <c>ts=Time,speed=Speed,dir=Direction,seq=Id,class=Type,len=Length</c>
/// or, with date and time in two columns, <c>date=Datum,time=Tid,speed=Hastighet</c>.
/// </summary>
/// <remarks>
/// Keys: <c>ts</c> (date and time in one column) or both <c>date</c> and <c>time</c>; <c>speed</c>; optional
/// <c>dir</c>, <c>seq</c>, <c>class</c>, <c>len</c>. Keys are case-insensitive and each may appear once. A value is a
/// header name (matched case-insensitively, surrounding spaces ignored) or <c>#n</c>, a 1-based column number. No two
/// keys may name the same column. Names cannot contain <c>,</c> or <c>=</c>.
/// </remarks>
public sealed class CsvColumnMap
{
    private CsvColumnMap(CsvColumn? timestamp, CsvColumn? date, CsvColumn? time, CsvColumn speed, CsvColumn? direction,
        CsvColumn? sequence, CsvColumn? vehicleClass, CsvColumn? length)
    {
        Timestamp = timestamp;
        Date = date;
        Time = time;
        Speed = speed;
        Direction = direction;
        Sequence = sequence;
        Class = vehicleClass;
        Length = length;
    }

    /// <summary><c>ts</c>: date and time in one column; null when <see cref="Date"/> and <see cref="Time"/> are used.</summary>
    public CsvColumn? Timestamp { get; }

    /// <summary><c>date</c>: <c>yyyy-MM-dd</c> or <c>yyyy/MM/dd</c>.</summary>
    public CsvColumn? Date { get; }

    /// <summary><c>time</c>: <c>HH:mm:ss[.fff]</c>, optionally with an offset.</summary>
    public CsvColumn? Time { get; }

    /// <summary><c>speed</c>, signed or not.</summary>
    public CsvColumn Speed { get; }

    /// <summary><c>dir</c>: in/out words, or null for the speed's sign.</summary>
    public CsvColumn? Direction { get; }

    /// <summary><c>seq</c>: the unit's record number.</summary>
    public CsvColumn? Sequence { get; }

    /// <summary><c>class</c>: the canonical class names.</summary>
    public CsvColumn? Class { get; }

    /// <summary><c>len</c>: length in metres.</summary>
    public CsvColumn? Length { get; }

    /// <summary>The map in its text form (canonical key order), which <see cref="Parse"/> reads back.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach ((string key, CsvColumn column) in Entries())
        {
            text.Append(text.Length == 0 ? "" : ",").Append(key).Append('=').Append(column.ToString());
        }

        return text.ToString();
    }

    /// <summary>Parses the map's text; the exception's message says what is wrong (for a command line or a log).</summary>
    /// <exception cref="FormatException">The text is not a valid map.</exception>
    public static CsvColumnMap Parse(string text)
        => TryParse(text, out CsvColumnMap? map, out string? error) ? map : throw new FormatException(error);

    /// <summary>Parses the map's text, or says in <paramref name="error"/> what is wrong.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out CsvColumnMap? map, [NotNullWhen(false)] out string? error)
    {
        map = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "The column map is empty; it needs at least ts (or date and time) and speed, e.g. 'ts=Time,speed=Speed'.";
            return false;
        }

        CsvColumn? ts = null, date = null, time = null, speed = null, dir = null, seq = null, vehicleClass = null, len = null;
        foreach (string entry in text.Split(','))
        {
            int equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                error = $"Column map entry '{entry.Trim()}' is not key=column.";
                return false;
            }

            string key = entry[..equals].Trim().ToLowerInvariant();
            string value = entry[(equals + 1)..].Trim();
            if (!TryParseColumn(value, out CsvColumn column))
            {
                error = $"Column map entry '{entry.Trim()}': '{value}' is neither a header name nor a column number #1, #2, ….";
                return false;
            }

            ref CsvColumn? slot = ref ts;
            switch (key)
            {
                case "ts": slot = ref ts; break;
                case "date": slot = ref date; break;
                case "time": slot = ref time; break;
                case "speed": slot = ref speed; break;
                case "dir": slot = ref dir; break;
                case "seq": slot = ref seq; break;
                case "class": slot = ref vehicleClass; break;
                case "len": slot = ref len; break;
                default:
                    error = $"Column map key '{entry[..equals].Trim()}' is not one of ts, date, time, speed, dir, seq, class, len.";
                    return false;
            }

            if (slot is not null)
            {
                error = $"Column map key '{key}' is given twice.";
                return false;
            }

            slot = column;
        }

        if (speed is not { } speedColumn)
        {
            error = "The column map has no speed column (speed=…).";
            return false;
        }

        if (ts is not null ? date is not null || time is not null : date is null || time is null)
        {
            error = "The column map needs the time either in one column (ts=…) or in two (date=… and time=…), not both.";
            return false;
        }

        map = new CsvColumnMap(ts, date, time, speedColumn, dir, seq, vehicleClass, len);
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach ((string key, CsvColumn column) in map.Entries())
        {
            if (!seen.TryAdd(column.ToString(), key))
            {
                error = $"Column map keys '{seen[column.ToString()]}' and '{key}' name the same column '{column}'.";
                map = null;
                return false;
            }
        }

        error = null;
        return true;
    }

    /// <summary>The mapped keys in canonical order with their columns.</summary>
    internal IEnumerable<(string Key, CsvColumn Column)> Entries()
    {
        if (Timestamp is { } ts)
        {
            yield return ("ts", ts);
        }

        if (Date is { } date)
        {
            yield return ("date", date);
        }

        if (Time is { } time)
        {
            yield return ("time", time);
        }

        yield return ("speed", Speed);
        if (Direction is { } dir)
        {
            yield return ("dir", dir);
        }

        if (Sequence is { } seq)
        {
            yield return ("seq", seq);
        }

        if (Class is { } vehicleClass)
        {
            yield return ("class", vehicleClass);
        }

        if (Length is { } len)
        {
            yield return ("len", len);
        }
    }

    private static bool TryParseColumn(string value, out CsvColumn column)
    {
        column = default;
        if (value.Length == 0)
        {
            return false;
        }

        if (value[0] == '#')
        {
            if (!int.TryParse(value.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < 1)
            {
                return false;
            }

            column = CsvColumn.AtNumber(number);
            return true;
        }

        column = CsvColumn.Named(value);
        return true;
    }
}
