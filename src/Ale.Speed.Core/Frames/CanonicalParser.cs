using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Frames;

/// <summary>
/// The project's own vehicle record, one JSON object per line:
/// <c>{"ts":"2026-11-25T18:03:12.345Z","kmh":57.3,"dir":"in","len":4.2,"seq":1234,"class":"car"}</c>.
/// See docs/device-formats.md, "Device contract: the canonical vehicle record".
/// </summary>
/// <remarks>
/// The object must be well-formed JSON (anything else is <see cref="RejectReason.Malformed"/>); then the fields are
/// checked in the order ts, kmh, dir, len, seq, class and the first problem is the reject. Unknown keys are skipped,
/// a repeated key's last value wins, keys written with escapes count as unknown, and string values are compared as
/// written (an escaped <c>"\u0069n"</c> is not <c>"in"</c>). <c>null</c> is the same as an absent key.
/// </remarks>
public sealed class CanonicalParser()
    : FrameParser(FrameFormat.Canonical, reportsVehicles: true, SpeedUnit.KilometresPerHour, DefaultMaxFrameLength)
{
    public const int DefaultMaxFrameLength = 512;

    /// <summary>Longer than any road vehicle combination; a bigger value is garbage.</summary>
    public const double MaxLengthMetres = 100;

    /// <summary>Epoch milliseconds of 9999-12-31T23:59:59.999Z, the end of what ISO 8601 text can say too.</summary>
    private const long MaxEpochMilliseconds = 253_402_300_799_999;

    private HourCachedTimestamps _timestamps;

    /// <summary>Measurement switch (benchmarks): false sends every line down the general path.</summary>
    internal bool UseCompactPath { get; init; } = true;

    protected override RejectReason ParseFrame(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        if (UseCompactPath && !destination.IsEmpty && TryParseCompact(frame, out destination[0]))
        {
            count = 1;
            return RejectReason.None;
        }

        return ParseGeneral(frame, destination, out count);
    }

    /// <summary>
    /// The shape our own units and simulator write, read in one pass: <c>{"ts":"…","kmh":…,"dir":"in"|"out"</c>, then
    /// optionally <c>,"seq":…</c>, <c>,"class":"…"</c>, <c>,"len":…</c> (each at most once, in any order), then <c>}</c>,
    /// no whitespace, no escapes. Returns false on ANY deviation or problem, and the caller falls back to
    /// <see cref="ParseGeneral"/>; when it returns true, the reading is exactly the one the general path gives (a test
    /// feeds both the same inputs), because it accepts only well-formed JSON and validates with the same methods.
    /// </summary>
    internal bool TryParseCompact(ReadOnlySpan<byte> frame, out Reading reading)
    {
        reading = default;
        if (!frame.StartsWith("{\"ts\":\""u8))
        {
            return false;
        }

        ReadOnlySpan<byte> rest = frame[7..];
        int quote = rest.IndexOf((byte)'"');

        // A timestamp that IsoTimestamp accepts holds only digits and -:.+TZ, so it is a well-formed JSON string.
        if (quote < 0 || !_timestamps.TryParseUnixMs(rest[..quote], out long timestampMs))
        {
            return false;
        }

        rest = rest[(quote + 1)..];
        // The number checks are ReadSpeed's, ReadSequence's and ReadLength's; the number parsers give what theirs give.
        int position = 7;
        if (!rest.StartsWith(",\"kmh\":"u8) || !AsciiNumber.TryParseCompactJsonDecimal(rest, ref position, out double kmh)
            || kmh is < 0 or > FrameSyntax.MaxSpeedKmh)
        {
            return false;
        }

        double speedKmh = kmh + 0.0;
        rest = rest[position..];

        Direction direction;
        if (rest.StartsWith(",\"dir\":\"in\""u8))
        {
            direction = Direction.Approaching;
            rest = rest[11..];
        }
        else if (rest.StartsWith(",\"dir\":\"out\""u8))
        {
            direction = Direction.Receding;
            rest = rest[12..];
        }
        else
        {
            return false;
        }

        long sequence = -1;
        double lengthMetres = double.NaN;
        VehicleClass vehicleClass = VehicleClass.Unknown;
        bool hasSequence = false, hasLength = false, hasClass = false;
        while (rest.Length > 1)
        {
            if (!hasSequence && rest.StartsWith(",\"seq\":"u8))
            {
                hasSequence = true;
                position = 7;
                if (!AsciiNumber.TryParseCompactJsonInteger(rest, ref position, out sequence))
                {
                    return false;
                }

                rest = rest[position..];
            }
            else if (!hasClass && rest.StartsWith(",\"class\":\""u8))
            {
                hasClass = true;
                rest = rest[10..];
                quote = rest.IndexOf((byte)'"');

                // ReadClass accepts only plain lower-case names, so an accepted name is a well-formed JSON string.
                if (quote < 0 || ReadClass(new JsonValue(JsonKind.String, rest[..quote], false), out vehicleClass) != RejectReason.None)
                {
                    return false;
                }

                rest = rest[(quote + 1)..];
            }
            else if (!hasLength && rest.StartsWith(",\"len\":"u8))
            {
                hasLength = true;
                position = 7;
                if (!AsciiNumber.TryParseCompactJsonDecimal(rest, ref position, out double length) || length is < 0 or > MaxLengthMetres)
                {
                    return false;
                }

                lengthMetres = length + 0.0;
                rest = rest[position..];
            }
            else
            {
                return false;
            }
        }

        if (rest.Length != 1 || rest[0] != (byte)'}')
        {
            return false;
        }

        reading = FrameSyntax.VehicleReading(timestampMs, speedKmh, direction, lengthMetres, sequence, vehicleClass);
        return true;
    }

    /// <summary>
    /// The strict general path: any well-formed JSON object (read by <see cref="System.Text.Json.Utf8JsonReader"/>), fields
    /// checked in the documented order.
    /// </summary>
    internal static RejectReason ParseGeneral(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        count = 0;
        if (FrameSyntax.Trim(frame).IsEmpty)
        {
            return RejectReason.None;
        }

        var members = new Members();
        var reader = new JsonMemberReader(frame);
        while (reader.TryNextPlainMember(out ReadOnlySpan<byte> key, out JsonValue value))
        {
            members.Take(key, value);
        }

        if (reader.IsMalformed)
        {
            return RejectReason.Malformed;
        }

        JsonValue ts = members.Ts, kmh = members.Kmh, dir = members.Dir, len = members.Len, seq = members.Seq, vehicleClass = members.Class;
        RejectReason reject;
        if ((reject = ReadTimestamp(ts, out long timestampMs)) != RejectReason.None
            || (reject = ReadSpeed(kmh, out double speedKmh)) != RejectReason.None
            || (reject = ReadDirection(dir, out Direction direction)) != RejectReason.None
            || (reject = ReadLength(len, out double lengthMetres)) != RejectReason.None
            || (reject = ReadSequence(seq, out long sequence)) != RejectReason.None
            || (reject = ReadClass(vehicleClass, out VehicleClass parsedClass)) != RejectReason.None)
        {
            return reject;
        }

        return FrameSyntax.WriteVehicle(destination, timestampMs, speedKmh, direction, lengthMetres, sequence, parsedClass, out count);
    }

    /// <summary>The known keys of one record; a repeated key's last value wins.</summary>
    private ref struct Members
    {
        public JsonValue Ts, Kmh, Dir, Len, Seq, Class;

        public void Take(ReadOnlySpan<byte> key, JsonValue value)
        {
            // By length first: one comparison for most keys instead of a chain of them.
            switch (key.Length)
            {
                case 2 when key.SequenceEqual("ts"u8):
                    Ts = value;
                    break;
                case 3 when key.SequenceEqual("kmh"u8):
                    Kmh = value;
                    break;
                case 3 when key.SequenceEqual("dir"u8):
                    Dir = value;
                    break;
                case 3 when key.SequenceEqual("len"u8):
                    Len = value;
                    break;
                case 3 when key.SequenceEqual("seq"u8):
                    Seq = value;
                    break;
                case 5 when key.SequenceEqual("class"u8):
                    Class = value;
                    break;
            }
        }
    }

    private static RejectReason ReadTimestamp(JsonValue value, out long timestampMs)
    {
        timestampMs = Reading.NoTimestamp;
        switch (value.Kind)
        {
            case JsonKind.None or JsonKind.Null:
                return RejectReason.MissingTimestamp;
            case JsonKind.String when !value.HasEscapes && IsoTimestamp.TryParseUnixMs(value.Raw, out long parsed):
                timestampMs = parsed;
                return RejectReason.None;
            case JsonKind.Number when AsciiNumber.TryParseNonNegativeInteger(value.Raw, 15, out long epochMs)
                                      && epochMs <= MaxEpochMilliseconds:
                timestampMs = epochMs;
                return RejectReason.None;
            default:
                return RejectReason.InvalidTimestamp;
        }
    }

    private static RejectReason ReadSpeed(JsonValue value, out double speedKmh)
    {
        speedKmh = 0;
        switch (value.Kind)
        {
            case JsonKind.None or JsonKind.Null:
                return RejectReason.MissingSpeed;
            case JsonKind.Number:
                if (!AsciiNumber.TryParse(value.Raw, out double parsed) || parsed > FrameSyntax.MaxSpeedKmh)
                {
                    return RejectReason.InvalidNumber;
                }

                if (parsed < 0)
                {
                    return RejectReason.InvalidField;
                }

                // + 0.0 turns -0 into 0.
                speedKmh = parsed + 0.0;
                return RejectReason.None;
            default:
                return RejectReason.InvalidField;
        }
    }

    private static RejectReason ReadDirection(JsonValue value, out Direction direction)
    {
        direction = Direction.Unknown;
        if (value.IsAbsentOrNull)
        {
            return RejectReason.None;
        }

        if (value.IsString("in"u8))
        {
            direction = Direction.Approaching;
            return RejectReason.None;
        }

        if (value.IsString("out"u8))
        {
            direction = Direction.Receding;
            return RejectReason.None;
        }

        return RejectReason.InvalidDirection;
    }

    private static RejectReason ReadLength(JsonValue value, out double lengthMetres)
    {
        lengthMetres = double.NaN;
        if (value.IsAbsentOrNull)
        {
            return RejectReason.None;
        }

        if (value.Kind != JsonKind.Number)
        {
            return RejectReason.InvalidField;
        }

        if (!AsciiNumber.TryParse(value.Raw, out double parsed))
        {
            return RejectReason.InvalidNumber;
        }

        if (parsed is < 0 or > MaxLengthMetres)
        {
            return RejectReason.InvalidField;
        }

        lengthMetres = parsed + 0.0;
        return RejectReason.None;
    }

    private static RejectReason ReadSequence(JsonValue value, out long sequence)
    {
        sequence = -1;
        if (value.IsAbsentOrNull)
        {
            return RejectReason.None;
        }

        return value.Kind == JsonKind.Number && AsciiNumber.TryParseNonNegativeInteger(value.Raw, 18, out sequence)
            ? RejectReason.None
            : RejectReason.InvalidField;
    }

    private static RejectReason ReadClass(JsonValue value, out VehicleClass vehicleClass)
    {
        vehicleClass = VehicleClass.Unknown;
        if (value.IsAbsentOrNull)
        {
            return RejectReason.None;
        }

        if (value.Kind != JsonKind.String || value.HasEscapes)
        {
            return RejectReason.InvalidField;
        }

        return VehicleClassNames.TryParse(value.Raw, out vehicleClass) ? RejectReason.None : RejectReason.InvalidField;
    }
}
