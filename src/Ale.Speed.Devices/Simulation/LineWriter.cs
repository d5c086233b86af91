using System.Globalization;

namespace Ale.Speed.Devices.Simulation;

/// <summary>Builds one line of a frame in a reused buffer.</summary>
internal sealed class LineWriter
{
    // The longest line any encoder writes (a canonical record) is about 110 bytes.
    private readonly byte[] _buffer = new byte[256];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void Append(ReadOnlySpan<byte> utf8)
    {
        utf8.CopyTo(_buffer.AsSpan(Length));
        Length += utf8.Length;
    }

    public void Append(byte value) => _buffer[Length++] = value;

    public void Append<T>(T value, ReadOnlySpan<char> format)
        where T : IUtf8SpanFormattable
    {
        if (!value.TryFormat(_buffer.AsSpan(Length), out int written, format, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A simulated frame line does not fit the line buffer.");
        }

        Length += written;
    }
}
