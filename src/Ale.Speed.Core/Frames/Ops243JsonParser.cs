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
/// "no target" and produce no reading. A <c>unit</c> naming a speed unit (<c>"mps"</c>) wins over the configured one.
/// An object without <c>speed</c> is a range report when it has <c>range</c> (<see cref="FrameKind.RangeReport"/>), else a
/// settings answer such as <c>{"Units":"km-per-hr"}</c> (<see cref="FrameKind.DeviceMessage"/>); neither is a reject.
/// The general path is <see cref="Ops243Parser"/>'s JSON reading. JSON rules as in
/// <see cref="CanonicalParser"/>: strict syntax, unknown keys skipped, last duplicate wins, <c>null</c> = absent.
/// </remarks>
public sealed class Ops243JsonParser(SpeedUnit speedUnit)
    : FrameParser(FrameFormat.Ops243Json, reportsVehicles: false, speedUnit, DefaultMaxFrameLength)
{
    public const int DefaultMaxFrameLength = 256;

    /// <summary>Measurement switch (benchmarks): false sends every line down the general path.</summary>
    internal bool UseCompactPath { get; init; } = true;

    protected override RejectReason ParseFrame(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        if (UseCompactPath && !destination.IsEmpty && TryParseCompact(frame, destination, out count))
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

        if (rest.Length != 1 || rest[0] != (byte)'}' || !FrameSyntax.TryToKmh(speed, KmhFactor, out double kmh))
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
        RejectReason reject = Ops243Parser.ParseJson(frame, KmhFactor, destination, out count, out FrameKind kind);
        ReportKind(kind);
        return reject;
    }
}
