using System.Buffers;

namespace Ale.Speed.Core.Frames;

/// <summary>The kind of a JSON value as the scanner saw it; <see cref="None"/> means "key absent".</summary>
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

/// <summary>What one step of a scanner found.</summary>
internal enum JsonStep : byte
{
    /// <summary>A member (object) or an element (array) was read.</summary>
    Item,
    /// <summary>The closing bracket was read (and, for the top-level object, nothing but whitespace follows).</summary>
    End,
    /// <summary>The text is not well-formed JSON; the scanner stays failed.</summary>
    Malformed,
}

/// <summary>
/// One scanned value: for a string its contents without the quotes (escapes left as they are), for a number or
/// literal its token, for an object or array the whole text including the brackets.
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
/// Walks the members of one JSON object on one line, validating strictly as it goes and allocating nothing.
/// Nested values are validated and skipped; nesting deeper than <see cref="MaxDepth"/> is treated as malformed.
/// Strings are not decoded: escapes are validated, and UTF-8 beyond ASCII is passed through unchecked.
/// </summary>
internal ref struct JsonObjectScanner
{
    /// <summary>Deep enough for any device record, shallow enough that hostile input cannot exhaust the stack.</summary>
    public const int MaxDepth = 32;

    private readonly ReadOnlySpan<byte> _json;
    private int _position;
    private State _state;

    public JsonObjectScanner(ReadOnlySpan<byte> json)
    {
        _json = json;
    }

    private enum State : byte
    {
        BeforeObject,
        AfterMember,
        Finished,
        Failed,
    }

    /// <summary>True once the text turned out not to be one well-formed object.</summary>
    public readonly bool IsMalformed => _state == State.Failed;

    /// <summary>
    /// The next member whose key is written without escapes (an escaped key counts as unknown and is skipped). False at
    /// the end of the object, or when the text is malformed (<see cref="IsMalformed"/>).
    /// </summary>
    public bool TryNextPlainMember(out ReadOnlySpan<byte> key, out JsonValue value)
    {
        while (true)
        {
            JsonStep step = Next(out key, out bool keyHasEscapes, out value);
            if (step != JsonStep.Item)
            {
                return false;
            }

            if (!keyHasEscapes)
            {
                return true;
            }
        }
    }

    /// <summary>Reads the next member. <see cref="JsonStep.End"/> only when the whole text was one well-formed object.</summary>
    public JsonStep Next(out ReadOnlySpan<byte> key, out bool keyHasEscapes, out JsonValue value)
    {
        key = default;
        keyHasEscapes = false;
        value = default;
        switch (_state)
        {
            case State.BeforeObject:
                JsonSyntax.SkipWhitespace(_json, ref _position);
                if (!JsonSyntax.TryConsume(_json, ref _position, (byte)'{'))
                {
                    return Fail();
                }

                JsonSyntax.SkipWhitespace(_json, ref _position);
                if (JsonSyntax.TryConsume(_json, ref _position, (byte)'}'))
                {
                    return Finish();
                }

                break;
            case State.AfterMember:
                JsonSyntax.SkipWhitespace(_json, ref _position);
                if (JsonSyntax.TryConsume(_json, ref _position, (byte)'}'))
                {
                    return Finish();
                }

                if (!JsonSyntax.TryConsume(_json, ref _position, (byte)','))
                {
                    return Fail();
                }

                JsonSyntax.SkipWhitespace(_json, ref _position);
                break;
            case State.Finished:
                return JsonStep.End;
            default:
                return JsonStep.Malformed;
        }

        if (!JsonSyntax.TryScanString(_json, ref _position, out key, out keyHasEscapes))
        {
            return Fail();
        }

        JsonSyntax.SkipWhitespace(_json, ref _position);
        if (!JsonSyntax.TryConsume(_json, ref _position, (byte)':'))
        {
            return Fail();
        }

        JsonSyntax.SkipWhitespace(_json, ref _position);
        if (!JsonSyntax.TryScanValue(_json, ref _position, 1, out value))
        {
            return Fail();
        }

        _state = State.AfterMember;
        return JsonStep.Item;
    }

    private JsonStep Finish()
    {
        JsonSyntax.SkipWhitespace(_json, ref _position);
        if (_position != _json.Length)
        {
            return Fail();
        }

        _state = State.Finished;
        return JsonStep.End;
    }

    private JsonStep Fail()
    {
        _state = State.Failed;
        return JsonStep.Malformed;
    }
}

/// <summary>Walks the elements of an array that <see cref="JsonObjectScanner"/> has already validated.</summary>
internal ref struct JsonArrayScanner
{
    private readonly ReadOnlySpan<byte> _array;
    private int _position;
    private bool _started;
    private bool _failed;

    /// <param name="array">The <see cref="JsonValue.Raw"/> of an <see cref="JsonKind.Array"/> value.</param>
    public JsonArrayScanner(ReadOnlySpan<byte> array)
    {
        _array = array;
    }

    public JsonStep Next(out JsonValue value)
    {
        value = default;
        if (_failed)
        {
            return JsonStep.Malformed;
        }

        if (!_started)
        {
            _started = true;
            if (!JsonSyntax.TryConsume(_array, ref _position, (byte)'['))
            {
                return Fail();
            }

            JsonSyntax.SkipWhitespace(_array, ref _position);
            if (JsonSyntax.TryConsume(_array, ref _position, (byte)']'))
            {
                return JsonStep.End;
            }
        }
        else
        {
            JsonSyntax.SkipWhitespace(_array, ref _position);
            if (JsonSyntax.TryConsume(_array, ref _position, (byte)']'))
            {
                return JsonStep.End;
            }

            if (!JsonSyntax.TryConsume(_array, ref _position, (byte)','))
            {
                return Fail();
            }

            JsonSyntax.SkipWhitespace(_array, ref _position);
        }

        return JsonSyntax.TryScanValue(_array, ref _position, 1, out value) ? JsonStep.Item : Fail();
    }

    private JsonStep Fail()
    {
        _failed = true;
        return JsonStep.Malformed;
    }
}

/// <summary>The RFC 8259 grammar, one production per method, over a span and a position.</summary>
internal static class JsonSyntax
{
    private const byte Quote = (byte)'"';
    private const byte Backslash = (byte)'\\';

    private static readonly SearchValues<byte> s_stringSpecials = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, Quote, Backslash]);

    public static void SkipWhitespace(ReadOnlySpan<byte> json, scoped ref int position)
    {
        while ((uint)position < (uint)json.Length && json[position] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            position++;
        }
    }

    public static bool TryConsume(ReadOnlySpan<byte> json, scoped ref int position, byte expected)
    {
        if ((uint)position < (uint)json.Length && json[position] == expected)
        {
            position++;
            return true;
        }

        return false;
    }

    /// <summary>Scans a string starting at its opening quote; <paramref name="contents"/> excludes the quotes.</summary>
    public static bool TryScanString(ReadOnlySpan<byte> json, scoped ref int position, out ReadOnlySpan<byte> contents, out bool hasEscapes)
    {
        contents = default;
        hasEscapes = false;
        if (!TryConsume(json, ref position, Quote))
        {
            return false;
        }

        int start = position;
        while ((uint)position < (uint)json.Length)
        {
            // Vectorised jump to the next byte that matters: a quote, a backslash or a control character.
            int skip = json[position..].IndexOfAny(s_stringSpecials);
            if (skip < 0)
            {
                return false;
            }

            position += skip;
            byte c = json[position];
            if (c == Quote)
            {
                contents = json[start..position];
                position++;
                return true;
            }

            if (c < 0x20)
            {
                // Control characters must be escaped inside JSON strings.
                return false;
            }

            if (c == Backslash)
            {
                hasEscapes = true;
                position++;
                if ((uint)position >= (uint)json.Length)
                {
                    return false;
                }

                switch (json[position])
                {
                    case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                        break;
                    case (byte)'u':
                        if (position + 4 >= json.Length)
                        {
                            return false;
                        }

                        for (int i = 1; i <= 4; i++)
                        {
                            if (!char.IsAsciiHexDigit((char)json[position + i]))
                            {
                                return false;
                            }
                        }

                        position += 4;
                        break;
                    default:
                        return false;
                }
            }

            position++;
        }

        return false;
    }

    public static bool TryScanValue(ReadOnlySpan<byte> json, scoped ref int position, int depth, out JsonValue value)
    {
        value = default;
        if ((uint)position >= (uint)json.Length)
        {
            return false;
        }

        int start = position;
        switch (json[position])
        {
            case Quote:
                if (!TryScanString(json, ref position, out ReadOnlySpan<byte> contents, out bool escapes))
                {
                    return false;
                }

                value = new JsonValue(JsonKind.String, contents, escapes);
                return true;
            case (byte)'{':
                if (!TrySkipObject(json, ref position, depth + 1))
                {
                    return false;
                }

                value = new JsonValue(JsonKind.Object, json[start..position], false);
                return true;
            case (byte)'[':
                if (!TrySkipArray(json, ref position, depth + 1))
                {
                    return false;
                }

                value = new JsonValue(JsonKind.Array, json[start..position], false);
                return true;
            case (byte)'t':
                return TryLiteral(json, ref position, "true"u8, JsonKind.True, out value);
            case (byte)'f':
                return TryLiteral(json, ref position, "false"u8, JsonKind.False, out value);
            case (byte)'n':
                return TryLiteral(json, ref position, "null"u8, JsonKind.Null, out value);
            default:
                if (!TryScanNumber(json, ref position))
                {
                    return false;
                }

                value = new JsonValue(JsonKind.Number, json[start..position], false);
                return true;
        }
    }

    private static bool TryLiteral(ReadOnlySpan<byte> json, scoped ref int position, ReadOnlySpan<byte> literal, JsonKind kind, out JsonValue value)
    {
        value = default;
        if (!json[position..].StartsWith(literal))
        {
            return false;
        }

        value = new JsonValue(kind, json.Slice(position, literal.Length), false);
        position += literal.Length;
        return true;
    }

    /// <summary><c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c></summary>
    internal static bool TryScanNumber(ReadOnlySpan<byte> json, scoped ref int position)
    {
        TryConsume(json, ref position, (byte)'-');
        if ((uint)position >= (uint)json.Length || !AsciiNumber.IsDigit(json[position]))
        {
            return false;
        }

        if (json[position] == '0')
        {
            position++;
        }
        else
        {
            SkipDigits(json, ref position);
        }

        if (TryConsume(json, ref position, (byte)'.') && SkipDigits(json, ref position) == 0)
        {
            return false;
        }

        if ((uint)position < (uint)json.Length && (json[position] | 0x20) == 'e')
        {
            position++;
            if (!TryConsume(json, ref position, (byte)'+'))
            {
                TryConsume(json, ref position, (byte)'-');
            }

            if (SkipDigits(json, ref position) == 0)
            {
                return false;
            }
        }

        return true;
    }

    private static int SkipDigits(ReadOnlySpan<byte> json, scoped ref int position)
    {
        int start = position;
        while ((uint)position < (uint)json.Length && AsciiNumber.IsDigit(json[position]))
        {
            position++;
        }

        return position - start;
    }

    private static bool TrySkipObject(ReadOnlySpan<byte> json, scoped ref int position, int depth)
    {
        if (depth > JsonObjectScanner.MaxDepth)
        {
            return false;
        }

        position++;
        SkipWhitespace(json, ref position);
        if (TryConsume(json, ref position, (byte)'}'))
        {
            return true;
        }

        while (true)
        {
            if (!TryScanString(json, ref position, out _, out _))
            {
                return false;
            }

            SkipWhitespace(json, ref position);
            if (!TryConsume(json, ref position, (byte)':'))
            {
                return false;
            }

            SkipWhitespace(json, ref position);
            if (!TryScanValue(json, ref position, depth, out _))
            {
                return false;
            }

            SkipWhitespace(json, ref position);
            if (TryConsume(json, ref position, (byte)'}'))
            {
                return true;
            }

            if (!TryConsume(json, ref position, (byte)','))
            {
                return false;
            }

            SkipWhitespace(json, ref position);
        }
    }

    private static bool TrySkipArray(ReadOnlySpan<byte> json, scoped ref int position, int depth)
    {
        if (depth > JsonObjectScanner.MaxDepth)
        {
            return false;
        }

        position++;
        SkipWhitespace(json, ref position);
        if (TryConsume(json, ref position, (byte)']'))
        {
            return true;
        }

        while (true)
        {
            if (!TryScanValue(json, ref position, depth, out _))
            {
                return false;
            }

            SkipWhitespace(json, ref position);
            if (TryConsume(json, ref position, (byte)']'))
            {
                return true;
            }

            if (!TryConsume(json, ref position, (byte)','))
            {
                return false;
            }

            SkipWhitespace(json, ref position);
        }
    }
}
