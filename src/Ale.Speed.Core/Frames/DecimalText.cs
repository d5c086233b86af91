namespace Ale.Speed.Core.Frames;

/// <summary>Numbers from exported files, where a decimal comma (<c>52,4</c>) is as common as a point.</summary>
internal static class DecimalText
{
    /// <summary>Longer than any number a log writes; a longer token is parsed as is (and rejected).</summary>
    private const int MaxCommaNumberLength = 64;

    /// <summary>
    /// <see cref="FrameSyntax.ParseNumber"/>, except that with <paramref name="decimalComma"/> one comma stands for the
    /// point (a point is accepted too; the separator between fields is never a comma then).
    /// </summary>
    public static RejectReason ParseNumber(ReadOnlySpan<byte> token, bool decimalComma, out double value)
    {
        int comma;
        if (decimalComma && (comma = token.IndexOf((byte)',')) >= 0 && token.Length <= MaxCommaNumberLength)
        {
            Span<byte> copy = stackalloc byte[MaxCommaNumberLength];
            copy = copy[..token.Length];
            token.CopyTo(copy);
            copy[comma] = (byte)'.';
            return FrameSyntax.ParseNumber(copy, out value);
        }

        return FrameSyntax.ParseNumber(token, out value);
    }
}
