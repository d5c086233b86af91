using System.Runtime.InteropServices;

namespace Ale.Speed.Core.Frames;

/// <summary>
/// <see cref="IsoTimestamp.TryParseUnixMs"/> for one unit's stream of records: they arrive in time order, so consecutive
/// timestamps share date and hour, and only minutes, seconds and milliseconds need parsing. Same results, bit for bit;
/// anything but the shape <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> under a remembered date and hour takes the full parser.
/// </summary>
internal struct HourCachedTimestamps
{
    private const int ShapeLength = 24; // yyyy-MM-ddTHH:mm:ss.fffZ

    // Bytes 0..7 and 5..12 (yyyy-MM-ddTHH) of the last timestamp of the shape, and its hour in Unix ms.
    private ulong _prefixLow;
    private ulong _prefixHigh;
    private long _hourMs;
    private bool _hasHour;

    public bool TryParseUnixMs(ReadOnlySpan<byte> text, out long unixMs)
    {
        bool isShape = text.Length == ShapeLength && text[23] == (byte)'Z' && text[19] == (byte)'.' && text[16] == (byte)':'
            && text[13] == (byte)':';
        if (isShape && _hasHour
            && MemoryMarshal.Read<ulong>(text) == _prefixLow && MemoryMarshal.Read<ulong>(text[5..]) == _prefixHigh
            && TryWithinHour(text, out int withinHourMs))
        {
            unixMs = _hourMs + withinHourMs;
            return true;
        }

        if (!IsoTimestamp.TryParseUnixMs(text, out unixMs))
        {
            return false;
        }

        if (isShape && TryWithinHour(text, out withinHourMs))
        {
            _prefixLow = MemoryMarshal.Read<ulong>(text);
            _prefixHigh = MemoryMarshal.Read<ulong>(text[5..]);
            _hourMs = unixMs - withinHourMs;
            _hasHour = true;
        }

        return true;
    }

    /// <summary>mm:ss.fff at 14..22 as milliseconds into the hour; false unless minutes and seconds are 0–59 and all digits.</summary>
    private static bool TryWithinHour(ReadOnlySpan<byte> text, out int milliseconds)
    {
        uint m1 = (uint)(text[14] - '0'), m2 = (uint)(text[15] - '0');
        uint s1 = (uint)(text[17] - '0'), s2 = (uint)(text[18] - '0');
        uint f1 = (uint)(text[20] - '0'), f2 = (uint)(text[21] - '0'), f3 = (uint)(text[22] - '0');
        milliseconds = (int)((((m1 * 10) + m2) * 60_000) + (((s1 * 10) + s2) * 1000) + (f1 * 100) + (f2 * 10) + f3);
        return m1 <= 5 && m2 <= 9 && s1 <= 5 && s2 <= 9 && f1 <= 9 && f2 <= 9 && f3 <= 9;
    }
}
