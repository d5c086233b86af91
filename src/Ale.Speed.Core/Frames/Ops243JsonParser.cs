using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Frames;

/// <summary>
/// OPS243 with JSON output (<c>OJ</c>): <c>{"speed":0.58,"direction":"inbound","time":105,"tick":135}</c>, and with
/// <c>On</c> (several reports) arrays: <c>{"speed":[1.2,-3.4],"magnitude":[980,455]}</c>. Numbers may be quoted.
/// </summary>
/// <remarks>
/// <c>direction</c> ("inbound" approaching, "outbound" receding; a string for all targets or a parallel array) wins
/// over the sign of <c>speed</c>, whose magnitude is then used. <c>time</c> (seconds since power-on) becomes
/// <see cref="Reading.DeviceClockSeconds"/>, <c>magnitude</c> <see cref="Reading.Magnitude"/>. Zero speeds are
/// "no target" and produce no reading. An object without <c>speed</c> (a settings answer such as
/// <c>{"Units":"km-per-hr"}</c>) is <see cref="RejectReason.MissingSpeed"/>. JSON rules as in
/// <see cref="CanonicalParser"/>: strict syntax, unknown keys skipped, last duplicate wins, <c>null</c> = absent.
/// </remarks>
public sealed class Ops243JsonParser : FrameParser
{
    public const int DefaultMaxFrameLength = 256;

    private readonly double _factor;

    public Ops243JsonParser(SpeedUnit speedUnit)
        : base(speedUnit, DefaultMaxFrameLength)
    {
        _factor = FrameSyntax.KmhFactor(speedUnit);
    }

    public override FrameFormat Format => FrameFormat.Ops243Json;

    public override bool ReportsVehicles => false;

    protected override RejectReason ParseFrame(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        if (!destination.IsEmpty && TryParseCompact(frame, destination, out count))
        {
            return RejectReason.None;
        }

        return ParseGeneral(frame, destination, out count);
    }

    /// <summary>
    /// The shape the sensor writes with <c>OJ</c>, read in one pass: <c>{"speed":…</c> (a scalar), then optionally
    /// <c>,"direction":"inbound"|"outbound"</c>, <c>,"time":…</c>, <c>,"tick":…</c>, <c>,"magnitude":…</c> (plain JSON
    /// numbers, each key at most once, in any order), then <c>}</c>, no whitespace. Returns false on ANY deviation or
    /// problem, and the caller falls back to <see cref="ParseGeneral"/>; when it returns true, the readings are exactly
    /// the ones the general path gives (a test feeds both the same inputs).
    /// </summary>
    internal bool TryParseCompact(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        count = 0;
        ReadOnlySpan<byte> rest = frame;
        if (!rest.StartsWith("{\"speed\":"u8) || !TryCompactNumber(ref rest, 9, out double speed))
        {
            return false;
        }

        Direction direction = Direction.Unknown;
        double deviceClock = double.NaN;
        double magnitude = double.NaN;
        bool hasDirection = false, hasTime = false, hasTick = false, hasMagnitude = false;
        while (rest.Length > 1)
        {
            if (!hasDirection && rest.StartsWith(",\"direction\":\"inbound\""u8))
            {
                hasDirection = true;
                direction = Direction.Approaching;
                rest = rest[22..];
            }
            else if (!hasDirection && rest.StartsWith(",\"direction\":\"outbound\""u8))
            {
                hasDirection = true;
                direction = Direction.Receding;
                rest = rest[23..];
            }
            else if (!hasTime && rest.StartsWith(",\"time\":"u8))
            {
                hasTime = true;
                if (!TryCompactNumber(ref rest, 8, out deviceClock) || deviceClock < 0)
                {
                    return false;
                }
            }
            else if (!hasTick && rest.StartsWith(",\"tick\":"u8))
            {
                // Unknown to us, skipped like any unknown key, but it must still be a well-formed number.
                hasTick = true;
                if (!TryCompactNumber(ref rest, 8, out _))
                {
                    return false;
                }
            }
            else if (!hasMagnitude && rest.StartsWith(",\"magnitude\":"u8))
            {
                hasMagnitude = true;
                if (!TryCompactNumber(ref rest, 13, out magnitude))
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        if (rest.Length != 1 || rest[0] != (byte)'}' || !FrameSyntax.TryToKmh(speed, _factor, out double kmh))
        {
            return false;
        }

        if (kmh != 0)
        {
            destination[0] = new Reading
            {
                SpeedKmh = kmh,
                Direction = hasDirection ? direction : FrameSyntax.DirectionOfSign(speed),
                DeviceClockSeconds = deviceClock,
                Magnitude = magnitude,
            };
            count = 1;
        }

        return true;
    }

    /// <summary>Skips <paramref name="prefix"/> bytes, then reads a JSON number that must be followed by ',' or '}'.</summary>
    private static bool TryCompactNumber(ref ReadOnlySpan<byte> rest, int prefix, out double number)
    {
        int position = prefix;
        if (!AsciiNumber.TryParseCompactJsonDecimal(rest, ref position, out number))
        {
            return false;
        }

        rest = rest[position..];
        return true;
    }

    /// <summary>The strict general path: any well-formed JSON object, scalars or arrays, numbers quoted or not.</summary>
    internal RejectReason ParseGeneral(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        count = 0;
        if (FrameSyntax.Trim(frame).IsEmpty)
        {
            return RejectReason.None;
        }

        JsonValue speed = default, direction = default, time = default, magnitude = default;
        var scanner = new JsonObjectScanner(frame);
        while (scanner.TryNextPlainMember(out ReadOnlySpan<byte> key, out JsonValue value))
        {
            // By length first: one comparison for most keys instead of a chain of them.
            switch (key.Length)
            {
                case 5 when key.SequenceEqual("speed"u8):
                    speed = value;
                    break;
                case 9 when key.SequenceEqual("direction"u8):
                    direction = value;
                    break;
                case 4 when key.SequenceEqual("time"u8):
                    time = value;
                    break;
                case 9 when key.SequenceEqual("magnitude"u8):
                    magnitude = value;
                    break;
            }
        }

        if (scanner.IsMalformed)
        {
            return RejectReason.Malformed;
        }

        if (speed.IsAbsentOrNull)
        {
            return RejectReason.MissingSpeed;
        }

        Span<double> speeds = stackalloc double[MaxReadingsPerFrame];
        RejectReason reject = ReadNumbers(speed, speeds, out int targets);
        if (reject != RejectReason.None)
        {
            return reject;
        }

        Span<Direction> directions = stackalloc Direction[MaxReadingsPerFrame];
        bool hasDirection = !direction.IsAbsentOrNull;
        if (hasDirection && (reject = ReadDirections(direction, speed.Kind == JsonKind.Array, directions[..targets])) != RejectReason.None)
        {
            return reject;
        }

        double deviceClock = double.NaN;
        if (!time.IsAbsentOrNull)
        {
            if (time.Kind == JsonKind.Array)
            {
                return RejectReason.InvalidField;
            }

            if ((reject = ReadNumber(time, out deviceClock)) != RejectReason.None)
            {
                return reject;
            }

            if (deviceClock < 0)
            {
                return RejectReason.InvalidNumber;
            }
        }

        Span<double> magnitudes = stackalloc double[MaxReadingsPerFrame];
        magnitudes.Fill(double.NaN);
        if (!magnitude.IsAbsentOrNull)
        {
            if ((magnitude.Kind == JsonKind.Array) != (speed.Kind == JsonKind.Array))
            {
                return RejectReason.Malformed;
            }

            if ((reject = ReadNumbers(magnitude, magnitudes, out int magnitudeCount)) != RejectReason.None)
            {
                return reject;
            }

            if (magnitudeCount != targets)
            {
                return RejectReason.Malformed;
            }
        }

        int written = 0;
        for (int i = 0; i < targets; i++)
        {
            if (!FrameSyntax.TryToKmh(speeds[i], _factor, out double kmh))
            {
                return RejectReason.InvalidNumber;
            }

            if (kmh == 0)
            {
                continue;
            }

            if ((uint)written >= (uint)destination.Length)
            {
                return RejectReason.TooManyTargets;
            }

            destination[written++] = new Reading
            {
                SpeedKmh = kmh,
                Direction = hasDirection ? directions[i] : FrameSyntax.DirectionOfSign(speeds[i]),
                DeviceClockSeconds = deviceClock,
                Magnitude = magnitudes[i],
            };
        }

        count = written;
        return RejectReason.None;
    }

    /// <summary>A scalar (one value) or an array of at most <see cref="FrameParser.MaxReadingsPerFrame"/> values.</summary>
    private static RejectReason ReadNumbers(JsonValue value, Span<double> numbers, out int count)
    {
        count = 0;
        if (value.Kind != JsonKind.Array)
        {
            count = 1;
            return ReadNumber(value, out numbers[0]);
        }

        var elements = new JsonArrayScanner(value.Raw);
        while (true)
        {
            JsonStep step = elements.Next(out JsonValue element);
            if (step == JsonStep.End)
            {
                return RejectReason.None;
            }

            if (step == JsonStep.Malformed)
            {
                return RejectReason.Malformed;
            }

            if (count == numbers.Length)
            {
                return RejectReason.TooManyTargets;
            }

            RejectReason reject = ReadNumber(element, out numbers[count++]);
            if (reject != RejectReason.None)
            {
                return reject;
            }
        }
    }

    /// <summary>A JSON number, or a number in a string (some firmware quotes its values).</summary>
    private static RejectReason ReadNumber(JsonValue value, out double number)
    {
        number = 0;
        switch (value.Kind)
        {
            case JsonKind.Number:
                return AsciiNumber.TryParse(value.Raw, out number) ? RejectReason.None : RejectReason.InvalidNumber;
            case JsonKind.String:
                return !value.HasEscapes && AsciiNumber.TryParse(value.Raw, out number) ? RejectReason.None : RejectReason.InvalidNumber;
            default:
                return RejectReason.InvalidField;
        }
    }

    private static RejectReason ReadDirections(JsonValue value, bool speedIsArray, Span<Direction> directions)
    {
        if (value.Kind == JsonKind.String)
        {
            if (!TryDirection(value, out Direction single))
            {
                return RejectReason.InvalidDirection;
            }

            directions.Fill(single);
            return RejectReason.None;
        }

        if (value.Kind != JsonKind.Array)
        {
            return RejectReason.InvalidDirection;
        }

        if (!speedIsArray)
        {
            return RejectReason.Malformed;
        }

        var elements = new JsonArrayScanner(value.Raw);
        int count = 0;
        while (true)
        {
            JsonStep step = elements.Next(out JsonValue element);
            if (step == JsonStep.End)
            {
                return count == directions.Length ? RejectReason.None : RejectReason.Malformed;
            }

            if (step == JsonStep.Malformed || count == directions.Length)
            {
                return RejectReason.Malformed;
            }

            if (!TryDirection(element, out directions[count++]))
            {
                return RejectReason.InvalidDirection;
            }
        }
    }

    private static bool TryDirection(JsonValue value, out Direction direction)
    {
        if (value.IsString("inbound"u8))
        {
            direction = Direction.Approaching;
            return true;
        }

        if (value.IsString("outbound"u8))
        {
            direction = Direction.Receding;
            return true;
        }

        direction = Direction.Unknown;
        return false;
    }
}
