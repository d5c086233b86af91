using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Frames;

public sealed partial class Ops243Parser
{
    /// <summary>
    /// One OPS243 JSON object (<c>OJ</c>): a speed report (<c>speed</c>, scalar or array, numbers quoted or not), a range
    /// report (<c>range</c> without <c>speed</c>) or any other object (a settings answer, product information). A
    /// <c>unit</c> that names a speed unit wins over <paramref name="configuredFactor"/>. A blank line gives nothing.
    /// </summary>
    internal static RejectReason ParseJson(ReadOnlySpan<byte> frame, double configuredFactor, Span<Reading> destination, out int count, out FrameKind kind)
    {
        count = 0;
        kind = FrameKind.Measurement;
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

        JsonValue speed = members.Speed, direction = members.Direction, time = members.Time, magnitude = members.Magnitude, range = members.Range, unit = members.Unit;
        Span<double> numbers = stackalloc double[MaxReadingsPerFrame];
        RejectReason reject;
        if (speed.IsAbsentOrNull)
        {
            if (range.IsAbsentOrNull)
            {
                kind = FrameKind.DeviceMessage;
                return RejectReason.None;
            }

            if ((reject = ReadNumbers(range, numbers, out _)) != RejectReason.None)
            {
                return reject;
            }

            kind = FrameKind.RangeReport;
            return RejectReason.None;
        }

        double factor = configuredFactor;
        if (!unit.IsAbsentOrNull
            && (unit.Kind != JsonKind.String || unit.HasEscapes || !Ops243Units.TryParse(unit.Raw, out factor, out bool isRange) || isRange))
        {
            return RejectReason.InvalidSpeedUnit;
        }

        Span<double> speeds = numbers;
        if ((reject = ReadNumbers(speed, speeds, out int targets)) != RejectReason.None)
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
            if (!FrameSyntax.TryToKmh(speeds[i], factor, out double kmh))
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

    /// <summary>The known keys of one report; a repeated key's last value wins.</summary>
    private ref struct Members
    {
        public JsonValue Speed, Direction, Time, Unit, Range, Magnitude;

        public void Take(ReadOnlySpan<byte> key, JsonValue value)
        {
            // By length first: one comparison for most keys instead of a chain of them.
            switch (key.Length)
            {
                case 5 when key.SequenceEqual("speed"u8):
                    Speed = value;
                    break;
                case 9 when key.SequenceEqual("direction"u8):
                    Direction = value;
                    break;
                case 4 when key.SequenceEqual("time"u8):
                    Time = value;
                    break;
                case 4 when key.SequenceEqual("unit"u8):
                    Unit = value;
                    break;
                case 5 when key.SequenceEqual("range"u8):
                    Range = value;
                    break;
                case 9 when key.SequenceEqual("magnitude"u8):
                    Magnitude = value;
                    break;
            }
        }
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

        var elements = new JsonElementReader(value.Raw);
        while (elements.TryNext(out JsonValue element))
        {
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

        return elements.IsMalformed ? RejectReason.Malformed : RejectReason.None;
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

        var elements = new JsonElementReader(value.Raw);
        int count = 0;
        while (elements.TryNext(out JsonValue element))
        {
            if (count == directions.Length)
            {
                return RejectReason.Malformed;
            }

            if (!TryDirection(element, out directions[count++]))
            {
                return RejectReason.InvalidDirection;
            }
        }

        return !elements.IsMalformed && count == directions.Length ? RejectReason.None : RejectReason.Malformed;
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
