using System.Buffers.Text;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Core.Tests.Ingest;

/// <summary>
/// A test-only format: targets separated by ';', each <c>speed[,in|out|?][,unixMs][,seq]</c> in km/h; <c>-</c> is a
/// "no target" frame. Just enough to drive the ingest path without a real device format.
/// </summary>
public sealed class TestLineParser(bool reportsVehicles) : FrameParser(FrameFormat.Canonical, reportsVehicles, SpeedUnit.KilometresPerHour, 64)
{
    protected override RejectReason ParseFrame(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        count = 0;
        if (frame.SequenceEqual("-"u8))
        {
            return RejectReason.None;
        }

        while (true)
        {
            int end = frame.IndexOf((byte)';');
            ReadOnlySpan<byte> target = end < 0 ? frame : frame[..end];
            if (count == destination.Length)
            {
                return RejectReason.TooManyTargets;
            }

            RejectReason reason = ParseTarget(target, out destination[count]);
            if (reason != RejectReason.None)
            {
                count = 0;
                return reason;
            }

            count++;
            if (end < 0)
            {
                return RejectReason.None;
            }

            frame = frame[(end + 1)..];
        }
    }

    private static RejectReason ParseTarget(ReadOnlySpan<byte> target, out Reading reading)
    {
        reading = default;
        int comma = target.IndexOf((byte)',');
        ReadOnlySpan<byte> speedText = comma < 0 ? target : target[..comma];
        if (!Utf8Parser.TryParse(speedText, out double speed, out int used) || used != speedText.Length || !double.IsFinite(speed))
        {
            return RejectReason.InvalidNumber;
        }

        Direction direction = Direction.Unknown;
        long timestamp = Reading.NoTimestamp;
        long sequence = -1;
        if (comma >= 0)
        {
            ReadOnlySpan<byte> rest = target[(comma + 1)..];
            comma = rest.IndexOf((byte)',');
            ReadOnlySpan<byte> dir = comma < 0 ? rest : rest[..comma];
            if (dir.SequenceEqual("in"u8))
            {
                direction = Direction.Approaching;
            }
            else if (dir.SequenceEqual("out"u8))
            {
                direction = Direction.Receding;
            }
            else if (!dir.SequenceEqual("?"u8))
            {
                return RejectReason.InvalidDirection;
            }

            if (comma >= 0)
            {
                rest = rest[(comma + 1)..];
                comma = rest.IndexOf((byte)',');
                ReadOnlySpan<byte> ms = comma < 0 ? rest : rest[..comma];
                if (!Utf8Parser.TryParse(ms, out timestamp, out used) || used != ms.Length)
                {
                    return RejectReason.InvalidTimestamp;
                }

                if (comma >= 0 && (!Utf8Parser.TryParse(rest[(comma + 1)..], out sequence, out used) || used != rest.Length - comma - 1))
                {
                    return RejectReason.InvalidField;
                }
            }
        }

        reading = new Reading { SpeedKmh = speed, Direction = direction, TimestampMs = timestamp, Sequence = sequence };
        return RejectReason.None;
    }
}
