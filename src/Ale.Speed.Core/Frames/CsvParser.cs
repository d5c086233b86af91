using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Ale.Speed.Core.Time;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Frames;

/// <summary>
/// A CSV export, one vehicle per line, read through a <see cref="CsvColumnMap"/>. The first non-empty line is the
/// header: it fixes the separator (unless <see cref="CsvOptions.Separator"/> does) and resolves the map's names to
/// column indexes once. One parser per file.
/// </summary>
/// <remarks>
/// <para>A header that lacks a mapped column (or has it twice, or has fewer columns than a <c>#n</c>) is rejected as
/// <see cref="RejectReason.CsvHeaderMismatch"/>, and so is every later non-blank line: values are never read from a
/// guessed column. <see cref="HeaderError"/> says what is wrong, for the caller to report.</para>
/// <para>Fields are separated by <c>,</c>, <c>;</c> or a tab and trimmed of spaces; a field may be quoted
/// (<c>"…"</c>, <c>""</c> for a quote, the separator allowed inside), but not span lines. Columns after the last
/// mapped one are not looked at; a line with fewer fields than that has the missing ones empty. Checks run ts (or date, time), speed, dir, len, seq, class; the first problem is the
/// reject.</para>
/// <para>Timestamps: integer epoch milliseconds; or a date <c>yyyy-MM-dd</c> / <c>yyyy/MM/dd</c>, then <c>T</c> or a
/// space, then <c>HH:mm:ss</c> with an optional fraction (<c>.</c> or <c>,</c>) and an optional <c>Z</c> / <c>±hh:mm</c>
/// / <c>±hhmm</c>. With separate date and time columns, the time column holds the part after the space. A time without
/// an offset is local time in <see cref="CsvOptions.TimeZone"/>: in the hour repeated when the clocks go back it is
/// taken as the first occurrence (summer time in Europe/Stockholm) unless the value has an offset; a time in the hour
/// skipped when the clocks go forward does not exist and is rejected as <see cref="RejectReason.InvalidTimestamp"/>.</para>
/// <para>Direction: a <c>dir</c> value of <c>in</c>, <c>inbound</c>, <c>approaching</c>, <c>+</c> or <c>1</c> is
/// approaching, <c>out</c>, <c>outbound</c>, <c>receding</c>, <c>-</c> or <c>2</c> receding (any case); another value is
/// <see cref="RejectReason.InvalidDirection"/>. Without a <c>dir</c> column, or with it empty, the speed's sign decides
/// (positive approaching); an unsigned speed then has no direction. <c>class</c> takes the canonical names in any case.</para>
/// </remarks>
public sealed class CsvParser : FrameParser
{
    public const int DefaultMaxFrameLength = MaxFrameLengthLimit;

    /// <summary>The longest date and time text read with <see cref="CsvOptions.TimeFormats"/>.</summary>
    private const int MaxTimeTextLength = 128;

    /// <summary>How many header cells an error message lists.</summary>
    private const int MaxNamesInError = 20;

    private const byte Quote = (byte)'"';

    private readonly TimeZoneInfo _zone;
    private readonly bool _zoneIsUtc;
    private readonly string[]? _timeFormats;
    private readonly (byte[] Value, Direction Direction)[]? _directions;
    private readonly (byte[] Value, VehicleClass Class)[]? _classes;

    /// <summary>Lines searched for the header before the map is taken to be wrong.</summary>
    public const int MaxPreambleLines = 100;

    private Role[] _roles = [];
    private bool _headerFound;
    private string? _firstHeaderError;
    private byte _separator;
    private bool _decimalComma;

    public CsvParser(CsvColumnMap map, CsvOptions options)
        : base(FrameFormat.Csv, reportsVehicles: true, CheckOptions(options).SpeedUnit, DefaultMaxFrameLength)
    {
        ArgumentNullException.ThrowIfNull(map);
        Map = map;
        Options = options;
        _zone = options.TimeZone;
        _zoneIsUtc = options.TimeZone.Id == TimeZoneInfo.Utc.Id;
        _timeFormats = options.TimeFormats is { Count: > 0 } formats ? [.. formats] : null;
        _directions = options.Directions?.Select(d => (Encoding.UTF8.GetBytes(d.Key.Trim()), d.Value)).ToArray();
        _classes = options.Classes?.Select(c => (Encoding.UTF8.GetBytes(c.Key.Trim()), c.Value)).ToArray();
    }

    private enum Role : byte
    {
        None,
        Timestamp,
        Date,
        Time,
        Speed,
        Direction,
        Sequence,
        Class,
        Length,
    }

    public CsvColumnMap Map { get; }

    public CsvOptions Options { get; }

    /// <summary>
    /// True once the header has been found, or once <see cref="MaxPreambleLines"/> lines went by without one (then
    /// <see cref="HeaderError"/> says why and every later line is a <see cref="RejectReason.CsvHeaderMismatch"/>).
    /// </summary>
    public bool IsHeaderRead { get; private set; }

    /// <summary>Non-blank lines before the header (an export's title, date, site code…): they give nothing and are not rejects.</summary>
    public int PreambleLines { get; private set; }

    /// <summary>
    /// Why no line fits the map as a header, or null: while a header may still come, and once it has. At the end of a
    /// file without a fitting line it says what the first line lacks.
    /// </summary>
    public string? HeaderError => _headerFound || _firstHeaderError is null
        ? null
        : $"No line{(IsHeaderRead ? $" among the first {MaxPreambleLines + 1}" : "")} holds every column the map names. The first line: {_firstHeaderError}";

    /// <summary>The separator in use: given, or detected from the header; <c>'\0'</c> before the header.</summary>
    public char Separator => (char)_separator;

    /// <summary>False until the header has been read and fits the map; then true, and every record is parsed.</summary>
    public bool TryGetHeaderError([NotNullWhen(true)] out string? error)
    {
        error = HeaderError;
        return error is not null;
    }

    protected override RejectReason ParseFrame(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        count = 0;
        if (!IsHeaderRead)
        {
            // Spreadsheets start a UTF-8 file with a byte order mark.
            ReadOnlySpan<byte> header = frame.StartsWith("\uFEFF"u8) ? frame[3..] : frame;
            if (FrameSyntax.Trim(header).IsEmpty)
            {
                return RejectReason.None;
            }

            if (TryReadHeader(header, out string? error))
            {
                _headerFound = IsHeaderRead = true;
                return RejectReason.None;
            }

            _firstHeaderError ??= error;
            if (PreambleLines == MaxPreambleLines)
            {
                IsHeaderRead = true;
                return RejectReason.CsvHeaderMismatch;
            }

            PreambleLines++;
            return RejectReason.None;
        }

        if (FrameSyntax.Trim(frame).IsEmpty)
        {
            return RejectReason.None;
        }

        return _headerFound ? ParseRecord(frame, destination, out count) : RejectReason.CsvHeaderMismatch;
    }

    private RejectReason ParseRecord(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        count = 0;
        Span<byte> scratch = stackalloc byte[MaxFrameLengthLimit];
        int used = 0;
        // Initialised from the scratch buffer so that they may hold unescaped fields from it.
        ReadOnlySpan<byte> none = scratch[..0];
        ReadOnlySpan<byte> ts = none, date = none, time = none, speed = none, dir = none, seq = none, vehicleClass = none, len = none;
        var reader = new FieldReader(frame, _separator);
        Role[] roles = _roles;
        for (int column = 0; column < roles.Length; column++)
        {
            if (!reader.TryNext(out ReadOnlySpan<byte> value, out bool quoted, out bool malformed))
            {
                // Some writers leave out empty trailing fields: the missing columns are empty.
                break;
            }

            if (malformed)
            {
                return RejectReason.Malformed;
            }

            Role role = roles[column];
            if (role == Role.None)
            {
                continue;
            }

            ReadOnlySpan<byte> text = quoted ? FrameSyntax.Trim(Unescape(value, scratch, ref used)) : value;
            switch (role)
            {
                case Role.Timestamp: ts = text; break;
                case Role.Date: date = text; break;
                case Role.Time: time = text; break;
                case Role.Speed: speed = text; break;
                case Role.Direction: dir = text; break;
                case Role.Sequence: seq = text; break;
                case Role.Class: vehicleClass = text; break;
                case Role.Length: len = text; break;
            }
        }

        RejectReason reject;
        if ((reject = ReadTimestamp(ts, date, time, out long timestampMs)) != RejectReason.None
            || (reject = ReadSpeed(speed, out double kmh, out double wire)) != RejectReason.None
            || (reject = ReadDirection(dir, wire, out Direction direction)) != RejectReason.None
            || (reject = ReadLength(len, out double lengthMetres)) != RejectReason.None
            || (reject = ReadSequence(seq, out long sequence)) != RejectReason.None
            || (reject = ReadClass(vehicleClass, out VehicleClass parsedClass)) != RejectReason.None)
        {
            return reject;
        }

        return FrameSyntax.WriteVehicle(destination, timestampMs, kmh, direction, lengthMetres, sequence, parsedClass, out count);
    }

    private RejectReason ReadTimestamp(ReadOnlySpan<byte> ts, ReadOnlySpan<byte> date, ReadOnlySpan<byte> time, out long timestampMs)
    {
        timestampMs = Reading.NoTimestamp;
        long value;
        bool hasOffset;
        if (_timeFormats is not null)
        {
            if (Map.Timestamp is not null ? ts.IsEmpty : date.IsEmpty || time.IsEmpty)
            {
                return RejectReason.MissingTimestamp;
            }

            if (!TryParseWithFormats(ts, date, time, out value, out hasOffset))
            {
                return RejectReason.InvalidTimestamp;
            }
        }
        else if (Map.Timestamp is not null)
        {
            if (ts.IsEmpty)
            {
                return RejectReason.MissingTimestamp;
            }

            if (TimestampText.TryParseEpochMilliseconds(ts, out timestampMs))
            {
                return RejectReason.None;
            }

            if (!TimestampText.TryParseDateTime(ts, allowCommaFraction: true, out value, out hasOffset))
            {
                return RejectReason.InvalidTimestamp;
            }
        }
        else
        {
            if (date.IsEmpty || time.IsEmpty)
            {
                return RejectReason.MissingTimestamp;
            }

            if (!TimestampText.TryParseDate(date, out long days)
                || !TimestampText.TryParseTime(time, allowCommaFraction: true, out long timeOfDayMs, out hasOffset, out int offsetMinutes))
            {
                return RejectReason.InvalidTimestamp;
            }

            value = (days * 86_400_000L) + timeOfDayMs - (offsetMinutes * 60_000L);
        }

        if (hasOffset || _zoneIsUtc)
        {
            timestampMs = value;
            return RejectReason.None;
        }

        if (!LocalTime.TryToUtc(value, _zone, out timestampMs))
        {
            timestampMs = Reading.NoTimestamp;
            return RejectReason.InvalidTimestamp;
        }

        return RejectReason.None;
    }

    /// <summary><see cref="CsvOptions.TimeFormats"/> on <c>ts</c>, or on <c>date</c> and <c>time</c> joined by a space.</summary>
    private bool TryParseWithFormats(ReadOnlySpan<byte> ts, ReadOnlySpan<byte> date, ReadOnlySpan<byte> time, out long wallClockOrUtcMs, out bool hasOffset)
    {
        wallClockOrUtcMs = 0;
        hasOffset = false;
        Span<char> text = stackalloc char[MaxTimeTextLength];
        int length;
        if (Map.Timestamp is not null)
        {
            if (ts.Length > MaxTimeTextLength || !Encoding.UTF8.TryGetChars(ts, text, out length))
            {
                return false;
            }
        }
        else
        {
            if (date.Length + 1 + time.Length > MaxTimeTextLength || !Encoding.UTF8.TryGetChars(date, text, out int dateLength))
            {
                return false;
            }

            text[dateLength] = ' ';
            if (!Encoding.UTF8.TryGetChars(time, text[(dateLength + 1)..], out int timeLength))
            {
                return false;
            }

            length = dateLength + 1 + timeLength;
        }

        if (!DateTime.TryParseExact(text[..length], _timeFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AdjustToUniversal, out DateTime parsed))
        {
            return false;
        }

        // With an offset in the text AdjustToUniversal gives UTC; without one the time stays a wall-clock time.
        hasOffset = parsed.Kind == DateTimeKind.Utc;
        wallClockOrUtcMs = (parsed.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
        return true;
    }

    private RejectReason ReadSpeed(ReadOnlySpan<byte> speed, out double kmh, out double wire)
    {
        kmh = 0;
        wire = 0;
        if (speed.IsEmpty)
        {
            return RejectReason.MissingSpeed;
        }

        RejectReason reject = DecimalText.ParseNumber(speed, _decimalComma, out wire);
        if (reject != RejectReason.None)
        {
            return reject;
        }

        return FrameSyntax.TryToKmh(wire, KmhFactor, out kmh) ? RejectReason.None : RejectReason.InvalidNumber;
    }

    private RejectReason ReadDirection(ReadOnlySpan<byte> dir, double wire, out Direction direction)
    {
        direction = FrameSyntax.DirectionOfSign(wire);
        if (dir.IsEmpty)
        {
            return RejectReason.None;
        }

        if (_directions is not null)
        {
            foreach ((byte[] value, Direction mapped) in _directions)
            {
                if (System.Text.Ascii.EqualsIgnoreCase(dir, value))
                {
                    direction = mapped;
                    return RejectReason.None;
                }
            }

            direction = Direction.Unknown;
            return RejectReason.InvalidDirection;
        }

        if (dir.SequenceEqual("+"u8) || dir.SequenceEqual("1"u8) || System.Text.Ascii.EqualsIgnoreCase(dir, "in"u8)
            || System.Text.Ascii.EqualsIgnoreCase(dir, "inbound"u8) || System.Text.Ascii.EqualsIgnoreCase(dir, "approaching"u8))
        {
            direction = Direction.Approaching;
            return RejectReason.None;
        }

        if (dir.SequenceEqual("-"u8) || dir.SequenceEqual("2"u8) || System.Text.Ascii.EqualsIgnoreCase(dir, "out"u8)
            || System.Text.Ascii.EqualsIgnoreCase(dir, "outbound"u8) || System.Text.Ascii.EqualsIgnoreCase(dir, "receding"u8))
        {
            direction = Direction.Receding;
            return RejectReason.None;
        }

        direction = Direction.Unknown;
        return RejectReason.InvalidDirection;
    }

    private RejectReason ReadLength(ReadOnlySpan<byte> len, out double lengthMetres)
    {
        lengthMetres = double.NaN;
        if (len.IsEmpty)
        {
            return RejectReason.None;
        }

        RejectReason reject = DecimalText.ParseNumber(len, _decimalComma, out double parsed);
        if (reject != RejectReason.None)
        {
            return reject;
        }

        if (parsed is < 0 or > CanonicalParser.MaxLengthMetres)
        {
            return RejectReason.InvalidField;
        }

        lengthMetres = parsed + 0.0;
        return RejectReason.None;
    }

    private static RejectReason ReadSequence(ReadOnlySpan<byte> seq, out long sequence)
    {
        sequence = -1;
        return seq.IsEmpty || AsciiNumber.TryParseNonNegativeInteger(seq, 18, out sequence) ? RejectReason.None : RejectReason.InvalidField;
    }

    private RejectReason ReadClass(ReadOnlySpan<byte> name, out VehicleClass vehicleClass)
    {
        vehicleClass = VehicleClass.Unknown;
        if (_classes is not null && !name.IsEmpty)
        {
            foreach ((byte[] value, VehicleClass mapped) in _classes)
            {
                if (System.Text.Ascii.EqualsIgnoreCase(name, value))
                {
                    vehicleClass = mapped;
                    return RejectReason.None;
                }
            }

            return RejectReason.InvalidField;
        }

        return name.IsEmpty || VehicleClassNames.TryParseIgnoreCase(name, out vehicleClass) ? RejectReason.None : RejectReason.InvalidField;
    }

    /// <summary>A quoted field's content with <c>""</c> made <c>"</c>, in <paramref name="scratch"/> when it has any.</summary>
    private static ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> raw, Span<byte> scratch, ref int used)
    {
        if (raw.IndexOf("\"\""u8) < 0)
        {
            return raw;
        }

        int start = used;
        for (int i = 0; i < raw.Length; i++)
        {
            scratch[used++] = raw[i];
            if (raw[i] == Quote)
            {
                // FieldReader only ends a quoted field at a lone quote, so a quote inside is always doubled.
                i++;
            }
        }

        return scratch[start..used];
    }

    /// <summary>
    /// Tries a line as the header: separator, decimal comma, and the map's columns (allocates; only until the header is
    /// found). On success the parser takes them; otherwise <paramref name="error"/> says what the line lacks.
    /// </summary>
    private bool TryReadHeader(ReadOnlySpan<byte> line, [NotNullWhen(false)] out string? error)
    {
        byte separator = Options.Separator is { } given ? (byte)given : DetectSeparator(line);

        var names = new List<string>();
        Span<byte> scratch = stackalloc byte[MaxFrameLengthLimit];
        var reader = new FieldReader(line, separator);
        while (reader.TryNext(out ReadOnlySpan<byte> raw, out bool quoted, out bool malformed))
        {
            if (malformed)
            {
                error = $"The header line has a broken quoted field after column {names.Count}.";
                return false;
            }

            int used = 0;
            ReadOnlySpan<byte> cell = quoted ? Unescape(raw, scratch, ref used) : raw;
            names.Add(Encoding.UTF8.GetString(cell).Trim());
        }

        var columns = new List<(string Key, CsvColumn Column, int Index)>();
        foreach ((string key, CsvColumn column) in Map.Entries())
        {
            int index;
            if (column.Name is null)
            {
                if (column.Number > names.Count)
                {
                    error = $"The map puts {key} in column #{column.Number}, but the header has {names.Count} column(s): {Describe(names)}.";
                    return false;
                }

                index = column.Number - 1;
            }
            else
            {
                int[] matches = [.. Enumerable.Range(0, names.Count).Where(i => string.Equals(names[i], column.Name, StringComparison.OrdinalIgnoreCase))];
                if (matches.Length != 1)
                {
                    error = matches.Length == 0
                        ? $"The header has no column '{column.Name}' (for {key}); its columns are: {Describe(names)}."
                        : $"The header has column '{column.Name}' (for {key}) {matches.Length} times.";
                    return false;
                }

                index = matches[0];
            }

            foreach ((string otherKey, _, int otherIndex) in columns)
            {
                if (otherIndex == index)
                {
                    error = $"The map puts both {otherKey} and {key} in column #{index + 1} ('{names[index]}').";
                    return false;
                }
            }

            columns.Add((key, column, index));
        }

        var roles = new Role[columns.Max(c => c.Index) + 1];
        foreach ((string key, _, int index) in columns)
        {
            roles[index] = key switch
            {
                "ts" => Role.Timestamp,
                "date" => Role.Date,
                "time" => Role.Time,
                "speed" => Role.Speed,
                "dir" => Role.Direction,
                "seq" => Role.Sequence,
                "class" => Role.Class,
                _ => Role.Length,
            };
        }

        _roles = roles;
        _separator = separator;
        _decimalComma = Options.DecimalComma ?? separator != (byte)',';
        error = null;
        return true;
    }

    private static string Describe(List<string> names)
        => names.Count == 0 ? "(none)"
            : string.Join(", ", names.Take(MaxNamesInError).Select(n => $"'{n}'")) + (names.Count > MaxNamesInError ? ", …" : "");

    /// <summary>The most frequent of <c>;</c>, tab and <c>,</c> outside quotes; ties in that order; a comma when none.</summary>
    private static byte DetectSeparator(ReadOnlySpan<byte> header)
    {
        int semicolons = 0, tabs = 0, commas = 0;
        bool inQuotes = false;
        foreach (byte c in header)
        {
            switch (c)
            {
                case Quote: inQuotes = !inQuotes; break;
                case (byte)';' when !inQuotes: semicolons++; break;
                case (byte)'\t' when !inQuotes: tabs++; break;
                case (byte)',' when !inQuotes: commas++; break;
            }
        }

        if (semicolons >= tabs && semicolons >= commas && semicolons > 0)
        {
            return (byte)';';
        }

        return tabs >= commas && tabs > 0 ? (byte)'\t' : (byte)',';
    }

    private static CsvOptions CheckOptions(CsvOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.TimeZone, nameof(options) + "." + nameof(CsvOptions.TimeZone));
        if (options.Separator is { } separator && separator is not (',' or ';' or '\t'))
        {
            throw new ArgumentException($"The CSV separator must be ',', ';' or a tab, not '{separator}'.", nameof(options));
        }

        if (!Enum.IsDefined(options.SpeedUnit))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SpeedUnit, "Unknown speed unit.");
        }

        return options;
    }

    /// <summary>Splits a line into fields, quoted or not, without allocating.</summary>
    private ref struct FieldReader
    {
        private readonly byte _separator;
        private ReadOnlySpan<byte> _rest;
        private bool _end;

        public FieldReader(ReadOnlySpan<byte> line, byte separator)
        {
            _rest = line;
            _separator = separator;
            _end = false;
        }

        /// <summary>
        /// The next field, trimmed (a quoted one without its quotes, <c>""</c> still doubled). False when the line is
        /// used up; <paramref name="malformed"/> for an unterminated quote or text after a closing quote.
        /// </summary>
        public bool TryNext(out ReadOnlySpan<byte> field, out bool quoted, out bool malformed)
        {
            field = default;
            quoted = false;
            malformed = false;
            if (_end)
            {
                return false;
            }

            int i = SkipBlanks(0);
            if (i < _rest.Length && _rest[i] == Quote)
            {
                quoted = true;
                int start = i + 1;
                int j = start;
                while (true)
                {
                    int next = _rest[j..].IndexOf(Quote);
                    if (next < 0)
                    {
                        malformed = true;
                        _end = true;
                        return true;
                    }

                    j += next;
                    if (j + 1 < _rest.Length && _rest[j + 1] == Quote)
                    {
                        j += 2;
                        continue;
                    }

                    break;
                }

                field = _rest[start..j];
                int after = SkipBlanks(j + 1);
                if (after == _rest.Length)
                {
                    _end = true;
                }
                else if (_rest[after] == _separator)
                {
                    _rest = _rest[(after + 1)..];
                }
                else
                {
                    malformed = true;
                    _end = true;
                }

                return true;
            }

            int separatorAt = _rest.IndexOf(_separator);
            if (separatorAt < 0)
            {
                field = FrameSyntax.Trim(_rest);
                _end = true;
            }
            else
            {
                field = FrameSyntax.Trim(_rest[..separatorAt]);
                _rest = _rest[(separatorAt + 1)..];
            }

            return true;
        }

        private readonly int SkipBlanks(int i)
        {
            while (i < _rest.Length && FrameSyntax.IsBlank(_rest[i]) && _rest[i] != _separator)
            {
                i++;
            }

            return i;
        }
    }
}
