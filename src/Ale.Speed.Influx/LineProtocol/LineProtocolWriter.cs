using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Ale.Speed.Influx.LineProtocol;

/// <summary>
/// Encodes points in InfluxDB line protocol: <c>measurement,tag=v field=1i,other=2.5 1700000000\n</c>.
/// </summary>
/// <remarks>
/// <para>Call <see cref="Measurement"/>, then any <see cref="Tag"/>s (any order: they are sorted by key, byte-wise,
/// as the reference recommends), then at least one <c>Field</c>, then <see cref="Timestamp"/> or <see cref="EndLine"/>.
/// A line is assembled in a private buffer and reaches the output only when it is complete, so a point rejected
/// halfway (an exception) never leaves half a line behind; the next <see cref="Measurement"/> starts afresh.</para>
/// <para>Escaping follows the reference exactly: measurement — commas and spaces; tag keys, tag values, field keys —
/// commas, equals signs and spaces; string field values — double quotes and backslashes. Nothing can represent a
/// line break, so one in any name or value is an <see cref="ArgumentException"/>, as is a backslash that would
/// swallow the separator after it (at the end, or before a character that gets escaped). Empty tag values are
/// omitted (InfluxDB refuses them). Text is written as UTF-8.</para>
/// <para>Once its buffers have grown to the largest line, encoding allocates nothing. Not thread-safe.</para>
/// </remarks>
public sealed class LineProtocolWriter
{
    private const byte Comma = (byte)',';
    private const byte Space = (byte)' ';
    private const byte EqualsSign = (byte)'=';
    private const byte Quote = (byte)'"';
    private const byte Backslash = (byte)'\\';
    private const byte LineFeed = (byte)'\n';
    private const int MaxNumberLength = 32;

    private static readonly SearchValues<char> s_measurementSpecials = SearchValues.Create(", ");
    private static readonly SearchValues<char> s_keySpecials = SearchValues.Create(",= ");
    private static readonly SearchValues<byte> s_keySpecialBytes = SearchValues.Create(","u8 + "= "u8);
    private static readonly SearchValues<char> s_stringSpecials = SearchValues.Create("\"\\");
    private static readonly SearchValues<char> s_needsAttention = SearchValues.Create(",= \\\"\n\r");

    private readonly IBufferWriter<byte> _output;
    private readonly LineBatch? _batch;

    private byte[] _line = new byte[256];
    private int _lineLength;
    private LineState _state;

    // Tags wait here, unescaped UTF-8, until the first field: only then is the set complete and sortable.
    private byte[] _tagBytes = new byte[256];
    private int _tagBytesLength;
    private TagEntry[] _tags = new TagEntry[8];
    private int _tagCount;

    /// <summary>Writes complete lines, each ending in a line feed, to <paramref name="output"/>.</summary>
    public LineProtocolWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    internal LineProtocolWriter(LineBatch batch, IBufferWriter<byte> output)
    {
        _output = output;
        _batch = batch;
    }

    /// <summary>Complete lines written by this writer.</summary>
    public long LineCount { get; private set; }

    /// <summary>Starts a line (and abandons an unfinished one).</summary>
    public LineProtocolWriter Measurement(ReadOnlySpan<char> name)
    {
        _lineLength = 0;
        _tagCount = 0;
        _tagBytesLength = 0;
        _state = LineState.None;
        if (name.IsEmpty)
        {
            ThrowHelper.ThrowArgument("A measurement name cannot be empty.", nameof(name));
        }

        Validate(name, s_measurementSpecials, nameof(name));
        AppendEscaped(name, s_measurementSpecials);
        _state = LineState.Tags;
        return this;
    }

    /// <summary>Adds a tag; an empty <paramref name="value"/> is omitted, since InfluxDB has no empty tag values.</summary>
    public LineProtocolWriter Tag(ReadOnlySpan<char> key, ReadOnlySpan<char> value)
    {
        if (_state != LineState.Tags)
        {
            ThrowHelper.ThrowInvalidOperation(_state == LineState.None
                ? "Call Measurement before Tag."
                : "Tags come before the first field.");
        }

        if (key.IsEmpty)
        {
            ThrowHelper.ThrowArgument("A tag key cannot be empty.", nameof(key));
        }

        Validate(key, s_keySpecials, nameof(key));
        if (value.IsEmpty)
        {
            return this;
        }

        Validate(value, s_keySpecials, nameof(value));

        if (_tagCount == _tags.Length)
        {
            Array.Resize(ref _tags, _tags.Length * 2);
        }

        var keyStart = _tagBytesLength;
        var keyLength = AppendUtf8(ref _tagBytes, ref _tagBytesLength, key);
        var valueStart = _tagBytesLength;
        var valueLength = AppendUtf8(ref _tagBytes, ref _tagBytesLength, value);
        _tags[_tagCount++] = new TagEntry(keyStart, keyLength, valueStart, valueLength);
        return this;
    }

    /// <summary>An integer field, written <c>123i</c>.</summary>
    public LineProtocolWriter Field(ReadOnlySpan<char> key, long value)
    {
        BeginField(key);
        EnsureLine(MaxNumberLength + 1);
        Utf8Formatter.TryFormat(value, _line.AsSpan(_lineLength), out var written);
        _lineLength += written;
        _line[_lineLength++] = (byte)'i';
        return this;
    }

    /// <summary>A float field in the shortest form that reads back as the same double; NaN and infinities are a
    /// programming error (line protocol cannot carry them).</summary>
    public LineProtocolWriter Field(ReadOnlySpan<char> key, double value)
    {
        if (!double.IsFinite(value))
        {
            ThrowHelper.ThrowArgument("A float field must be finite: line protocol has no NaN or infinity.", nameof(value));
        }

        BeginField(key);
        EnsureLine(MaxNumberLength);
        value.TryFormat(_line.AsSpan(_lineLength), out var written, "R", CultureInfo.InvariantCulture);
        _lineLength += written;
        return this;
    }

    /// <summary>A boolean field, written <c>true</c> or <c>false</c>.</summary>
    public LineProtocolWriter Field(ReadOnlySpan<char> key, bool value)
    {
        BeginField(key);
        var text = value ? "true"u8 : "false"u8;
        EnsureLine(text.Length);
        text.CopyTo(_line.AsSpan(_lineLength));
        _lineLength += text.Length;
        return this;
    }

    /// <summary>A string field, quoted, with double quotes and backslashes escaped.</summary>
    public LineProtocolWriter Field(ReadOnlySpan<char> key, ReadOnlySpan<char> value)
    {
        if (value.ContainsAny('\n', '\r'))
        {
            ThrowHelper.ThrowArgument("Line protocol cannot represent a line break.", nameof(value));
        }

        BeginField(key);
        EnsureLine(1);
        _line[_lineLength++] = Quote;
        AppendEscaped(value, s_stringSpecials);
        EnsureLine(1);
        _line[_lineLength++] = Quote;
        return this;
    }

    /// <summary>
    /// Ends the line with its timestamp: <paramref name="unixMilliseconds"/> (Core's unit) converted to
    /// <paramref name="precision"/>, which must be the precision the lines are sent with (a batch checks it).
    /// </summary>
    public void Timestamp(long unixMilliseconds, TimestampPrecision precision)
    {
        if (_batch is not null && precision != _batch.Precision)
        {
            ThrowHelper.ThrowArgument("The timestamp precision differs from the batch's precision.", nameof(precision));
        }

        RequireField();
        var value = precision.FromUnixMilliseconds(unixMilliseconds);
        EnsureLine(MaxNumberLength + 1);
        _line[_lineLength++] = Space;
        Utf8Formatter.TryFormat(value, _line.AsSpan(_lineLength), out var written);
        _lineLength += written;
        Commit();
    }

    /// <summary>Ends the line without a timestamp: the server stamps it with its own clock on arrival.</summary>
    public void EndLine()
    {
        RequireField();
        Commit();
    }

    private void BeginField(ReadOnlySpan<char> key)
    {
        if (key.IsEmpty)
        {
            ThrowHelper.ThrowArgument("A field key cannot be empty.", nameof(key));
        }

        Validate(key, s_keySpecials, nameof(key));
        switch (_state)
        {
            case LineState.Tags:
                AppendSortedTags();
                EnsureLine(1);
                _line[_lineLength++] = Space;
                _state = LineState.Fields;
                break;
            case LineState.Fields:
                EnsureLine(1);
                _line[_lineLength++] = Comma;
                break;
            default:
                ThrowHelper.ThrowInvalidOperation("Call Measurement before Field.");
                break;
        }

        AppendEscaped(key, s_keySpecials);
        EnsureLine(1);
        _line[_lineLength++] = EqualsSign;
    }

    private void RequireField()
    {
        if (_state != LineState.Fields)
        {
            ThrowHelper.ThrowInvalidOperation("A point needs at least one field.");
        }
    }

    private void Commit()
    {
        var destination = _output.GetSpan(_lineLength + 1);
        _line.AsSpan(0, _lineLength).CopyTo(destination);
        destination[_lineLength] = LineFeed;
        _output.Advance(_lineLength + 1);
        _state = LineState.None;
        _lineLength = 0;
        LineCount++;
        _batch?.OnLineCommitted();
    }

    private void AppendSortedTags()
    {
        var tags = _tags.AsSpan(0, _tagCount);
        var bytes = _tagBytes;

        // Insertion sort: a point has a handful of tags, often already in order.
        for (var i = 1; i < tags.Length; i++)
        {
            var current = tags[i];
            var j = i - 1;
            while (j >= 0 && Compare(bytes, tags[j], current) > 0)
            {
                tags[j + 1] = tags[j];
                j--;
            }

            tags[j + 1] = current;
        }

        for (var i = 0; i < tags.Length; i++)
        {
            if (i > 0 && Compare(bytes, tags[i - 1], tags[i]) == 0)
            {
                ThrowHelper.ThrowArgument("The same tag key was added twice.", "key");
            }

            EnsureLine(1);
            _line[_lineLength++] = Comma;
            AppendEscaped(bytes.AsSpan(tags[i].KeyStart, tags[i].KeyLength));
            EnsureLine(1);
            _line[_lineLength++] = EqualsSign;
            AppendEscaped(bytes.AsSpan(tags[i].ValueStart, tags[i].ValueLength));
        }

        static int Compare(byte[] bytes, TagEntry a, TagEntry b) =>
            bytes.AsSpan(a.KeyStart, a.KeyLength).SequenceCompareTo(bytes.AsSpan(b.KeyStart, b.KeyLength));
    }

    /// <summary>Escapes UTF-8 tag text; the specials are ASCII, which never occurs inside a multi-byte sequence.</summary>
    private void AppendEscaped(ReadOnlySpan<byte> text)
    {
        while (true)
        {
            var index = text.IndexOfAny(s_keySpecialBytes);
            var run = index < 0 ? text : text[..index];
            EnsureLine(run.Length + 2);
            run.CopyTo(_line.AsSpan(_lineLength));
            _lineLength += run.Length;
            if (index < 0)
            {
                return;
            }

            _line[_lineLength++] = Backslash;
            _line[_lineLength++] = text[index];
            text = text[(index + 1)..];
        }
    }

    private void AppendEscaped(ReadOnlySpan<char> text, SearchValues<char> specials)
    {
        while (true)
        {
            var index = text.IndexOfAny(specials);
            var run = index < 0 ? text : text[..index];
            EnsureLine(Encoding.UTF8.GetMaxByteCount(run.Length) + 2);
            _lineLength += Encoding.UTF8.GetBytes(run, _line.AsSpan(_lineLength));
            if (index < 0)
            {
                return;
            }

            _line[_lineLength++] = Backslash;
            _line[_lineLength++] = (byte)text[index];
            text = text[(index + 1)..];
        }
    }

    /// <summary>
    /// Rejects what no escaping can carry: a line break, and a backslash that the server would read as escaping the
    /// separator after it (InfluxDB unescapes only <c>\,</c> <c>\=</c> and <c>\ </c>, so any other backslash is
    /// literal — except at the end or before an escaped character).
    /// </summary>
    private static void Validate(ReadOnlySpan<char> text, SearchValues<char> specials, string paramName)
    {
        var index = text.IndexOfAny(s_needsAttention);
        while (index >= 0)
        {
            var c = text[index];
            if (c is '\n' or '\r')
            {
                ThrowHelper.ThrowArgument("Line protocol cannot represent a line break.", paramName);
            }

            if (c == '\\' && (index == text.Length - 1 || specials.Contains(text[index + 1])))
            {
                ThrowHelper.ThrowArgument(
                    "Line protocol cannot represent a backslash at the end or before a comma, equals sign or space.",
                    paramName);
            }

            var next = text[(index + 1)..].IndexOfAny(s_needsAttention);
            index = next < 0 ? -1 : index + 1 + next;
        }
    }

    private static int AppendUtf8(ref byte[] buffer, ref int length, ReadOnlySpan<char> text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (buffer.Length - length < max)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + max));
        }

        var written = Encoding.UTF8.GetBytes(text, buffer.AsSpan(length));
        length += written;
        return written;
    }

    private void EnsureLine(int additional)
    {
        if (_line.Length - _lineLength < additional)
        {
            Array.Resize(ref _line, Math.Max(_line.Length * 2, _lineLength + additional));
        }
    }

    private enum LineState : byte
    {
        None,
        Tags,
        Fields,
    }

    private readonly record struct TagEntry(int KeyStart, int KeyLength, int ValueStart, int ValueLength);
}
