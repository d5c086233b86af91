using System.Text.Json;

namespace Ale.Speed.Core.Frames;

/// <summary>The kind of a JSON value as read; <see cref="None"/> means "key absent".</summary>
internal enum JsonKind : byte
{
    None,
    String,
    Number,
    True,
    False,
    Null,
    Object,
    Array,
}

/// <summary>
/// One value: for a string its contents without the quotes (escapes left as they are), for a number or literal its
/// token, for an object or array the whole text including the brackets.
/// </summary>
internal readonly ref struct JsonValue
{
    public JsonValue(JsonKind kind, ReadOnlySpan<byte> raw, bool hasEscapes)
    {
        Kind = kind;
        Raw = raw;
        HasEscapes = hasEscapes;
    }

    public JsonKind Kind { get; }

    public ReadOnlySpan<byte> Raw { get; }

    /// <summary>A string that contains backslash escapes; its <see cref="Raw"/> is not its decoded value.</summary>
    public bool HasEscapes { get; }

    /// <summary>Absent or <c>null</c>.</summary>
    public bool IsAbsentOrNull => Kind is JsonKind.None or JsonKind.Null;

    /// <summary>A plain (escape-free) string equal to <paramref name="ascii"/>.</summary>
    public bool IsString(ReadOnlySpan<byte> ascii) => Kind == JsonKind.String && !HasEscapes && Raw.SequenceEqual(ascii);
}

/// <summary>
/// Walks the members of one JSON object on one line with the framework's <see cref="Utf8JsonReader"/>: strict RFC 8259,
/// nothing but whitespace after the object, nesting up to <see cref="MaxDepth"/>, keys written with escapes skipped,
/// values given raw (escapes left as they are). Allocates nothing on well-formed text.
/// </summary>
/// <remarks>The reader throws on malformed text; the exception is caught here and the walk ends as malformed.</remarks>
internal ref struct JsonMemberReader
{
    /// <summary>Deep enough for any device record, shallow enough that hostile input cannot exhaust the stack.</summary>
    public const int MaxDepth = 32;

    private static readonly JsonReaderOptions s_options = new() { MaxDepth = MaxDepth };

    private readonly ReadOnlySpan<byte> _json;
    private Utf8JsonReader _reader;
    private bool _started;
    private bool _done;

    public JsonMemberReader(ReadOnlySpan<byte> json)
    {
        _json = json;
        _reader = new Utf8JsonReader(json, s_options);
    }

    /// <summary>True once the text turned out not to be one well-formed object.</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>The next member whose key has no escapes. False at the end of the object or when the text is malformed.</summary>
    public bool TryNextPlainMember(out ReadOnlySpan<byte> key, out JsonValue value)
    {
        key = default;
        value = default;
        if (_done)
        {
            return false;
        }

        try
        {
            if (!_started)
            {
                _started = true;
                if (!_reader.Read() || _reader.TokenType != JsonTokenType.StartObject)
                {
                    return Fail();
                }
            }

            while (true)
            {
                if (!_reader.Read())
                {
                    return Fail();
                }

                if (_reader.TokenType == JsonTokenType.EndObject)
                {
                    // Reading on must find the end of the text: a second value or other text throws.
                    _done = true;
                    return _reader.Read() ? Fail() : false;
                }

                bool escapedKey = _reader.ValueIsEscaped;
                key = _reader.ValueSpan;
                if (!_reader.Read() || !JsonValues.TryTake(ref _reader, _json, out value))
                {
                    return Fail();
                }

                if (!escapedKey)
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            return Fail();
        }
    }

    private bool Fail()
    {
        _done = true;
        IsMalformed = true;
        return false;
    }
}

/// <summary>The elements of an array that <see cref="JsonMemberReader"/> has read (and so validated).</summary>
internal ref struct JsonElementReader
{
    private readonly ReadOnlySpan<byte> _array;
    private Utf8JsonReader _reader;
    private bool _done;

    /// <param name="array">The <see cref="JsonValue.Raw"/> of a <see cref="JsonKind.Array"/> value.</param>
    public JsonElementReader(ReadOnlySpan<byte> array)
    {
        _array = array;
        _reader = new Utf8JsonReader(array, new JsonReaderOptions { MaxDepth = JsonMemberReader.MaxDepth });
    }

    /// <summary>The next element; false at the end of the array, or when the text is not an array (<see cref="IsMalformed"/>).</summary>
    public bool TryNext(out JsonValue value)
    {
        value = default;
        if (_done)
        {
            return false;
        }

        try
        {
            if (_reader.TokenType == JsonTokenType.None && (!_reader.Read() || _reader.TokenType != JsonTokenType.StartArray))
            {
                return Fail();
            }

            if (!_reader.Read())
            {
                return Fail();
            }

            if (_reader.TokenType == JsonTokenType.EndArray)
            {
                _done = true;
                return false;
            }

            return JsonValues.TryTake(ref _reader, _array, out value) || Fail();
        }
        catch (JsonException)
        {
            return Fail();
        }
    }

    public bool IsMalformed { get; private set; }

    private bool Fail()
    {
        _done = true;
        IsMalformed = true;
        return false;
    }
}

internal static class JsonValues
{
    /// <summary>The value at the reader's current token; an object or array is skipped and given as its whole text.</summary>
    public static bool TryTake(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> json, out JsonValue value)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                value = new JsonValue(JsonKind.String, reader.ValueSpan, reader.ValueIsEscaped);
                return true;
            case JsonTokenType.Number:
                value = new JsonValue(JsonKind.Number, reader.ValueSpan, false);
                return true;
            case JsonTokenType.True:
                value = new JsonValue(JsonKind.True, reader.ValueSpan, false);
                return true;
            case JsonTokenType.False:
                value = new JsonValue(JsonKind.False, reader.ValueSpan, false);
                return true;
            case JsonTokenType.Null:
                value = new JsonValue(JsonKind.Null, reader.ValueSpan, false);
                return true;
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                JsonKind kind = reader.TokenType == JsonTokenType.StartObject ? JsonKind.Object : JsonKind.Array;
                int start = (int)reader.TokenStartIndex;
                if (!reader.TrySkip())
                {
                    value = default;
                    return false;
                }

                value = new JsonValue(kind, json[start..(int)reader.BytesConsumed], false);
                return true;
            default:
                value = default;
                return false;
        }
    }
}
