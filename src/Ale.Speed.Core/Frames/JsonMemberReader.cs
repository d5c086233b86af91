using System.Text.Json;

namespace Ale.Speed.Core.Frames;

/// <summary>
/// Walks the members of one JSON object on one line with the framework's <see cref="Utf8JsonReader"/>, with the same
/// contract as <see cref="JsonObjectScanner"/>: strict RFC 8259, nothing but whitespace after the object, nesting up to
/// <see cref="JsonObjectScanner.MaxDepth"/>, keys written with escapes skipped, values given raw (escapes left as they are).
/// </summary>
/// <remarks>The reader throws on malformed text; the exception is caught here and the walk ends as malformed.</remarks>
internal ref struct JsonMemberReader
{
    private readonly ReadOnlySpan<byte> _json;
    private Utf8JsonReader _reader;
    private bool _started;
    private bool _done;

    public JsonMemberReader(ReadOnlySpan<byte> json)
    {
        _json = json;
        _reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = JsonObjectScanner.MaxDepth });
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
                if (!_reader.Read() || !TryValue(out value))
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

    private bool TryValue(out JsonValue value)
    {
        switch (_reader.TokenType)
        {
            case JsonTokenType.String:
                value = new JsonValue(JsonKind.String, _reader.ValueSpan, _reader.ValueIsEscaped);
                return true;
            case JsonTokenType.Number:
                value = new JsonValue(JsonKind.Number, _reader.ValueSpan, false);
                return true;
            case JsonTokenType.True:
                value = new JsonValue(JsonKind.True, _reader.ValueSpan, false);
                return true;
            case JsonTokenType.False:
                value = new JsonValue(JsonKind.False, _reader.ValueSpan, false);
                return true;
            case JsonTokenType.Null:
                value = new JsonValue(JsonKind.Null, _reader.ValueSpan, false);
                return true;
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                JsonKind kind = _reader.TokenType == JsonTokenType.StartObject ? JsonKind.Object : JsonKind.Array;
                int start = (int)_reader.TokenStartIndex;
                if (!_reader.TrySkip())
                {
                    value = default;
                    return false;
                }

                value = new JsonValue(kind, _json[start..(int)_reader.BytesConsumed], false);
                return true;
            default:
                value = default;
                return false;
        }
    }

    private bool Fail()
    {
        _done = true;
        IsMalformed = true;
        return false;
    }
}
