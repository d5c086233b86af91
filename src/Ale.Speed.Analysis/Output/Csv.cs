using System.Buffers;
using System.Globalization;
using System.Text;

namespace Ale.Speed.Analysis.Output;

/// <summary>RFC 4180 CSV: comma-separated, CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled; invariant culture.</summary>
/// <remarks>A record is laid out in one buffer and written at <see cref="EndLine"/>: one write per line, however many fields (the CLI's console writer flushes on every write).</remarks>
public sealed class CsvWriter(TextWriter output)
{
    private static readonly SearchValues<char> s_needsQuotes = SearchValues.Create(",\"\r\n");

    private char[] _line = new char[256];
    private int _length;
    private bool _lineStarted;

    public CsvWriter Field(string? value)
    {
        StartField();
        ReadOnlySpan<char> text = value;
        if (text.ContainsAny(s_needsQuotes))
        {
            Append('"');
            foreach (char c in text)
            {
                if (c == '"')
                {
                    Append('"');
                }

                Append(c);
            }

            Append('"');
        }
        else
        {
            Append(text);
        }

        return this;
    }

    public CsvWriter Field(long value) => Formatted(value, default);

    public CsvWriter Field(long? value) => value is long v ? Formatted(v, default) : Field("");

    /// <summary>A number in round-trip form; empty when NaN or null.</summary>
    public CsvWriter Field(double? value) => value is double d && double.IsFinite(d) ? Formatted(d, "R") : Field("");

    public CsvWriter Field(bool value) => Field(value ? "true" : "false");

    public void EndLine()
    {
        Append("\r\n");
        output.Write(_line, 0, _length);
        _length = 0;
        _lineStarted = false;
    }

    private void StartField()
    {
        if (_lineStarted)
        {
            Append(',');
        }

        _lineStarted = true;
    }

    // Invariant numbers hold no comma, quote or line break: never quoted.
    private CsvWriter Formatted<T>(T value, ReadOnlySpan<char> format)
        where T : ISpanFormattable
    {
        StartField();
        int written;
        while (!value.TryFormat(_line.AsSpan(_length), out written, format, CultureInfo.InvariantCulture))
        {
            Array.Resize(ref _line, _line.Length * 2);
        }

        _length += written;
        return this;
    }

    private void Append(char c)
    {
        if (_length == _line.Length)
        {
            Array.Resize(ref _line, _line.Length * 2);
        }

        _line[_length++] = c;
    }

    private void Append(ReadOnlySpan<char> text)
    {
        if (_length + text.Length > _line.Length)
        {
            Array.Resize(ref _line, Math.Max(_line.Length * 2, _length + text.Length));
        }

        text.CopyTo(_line.AsSpan(_length));
        _length += text.Length;
    }

    /// <summary>Splits CSV text back into records (for tests and tools reading what <see cref="CsvWriter"/> wrote).</summary>
    public static List<string[]> Parse(string text) => [.. ParseLines(text).Select(r => r.Fields)];

    /// <summary>RFC 4180 records with the line each starts on (a quoted field may hold line breaks); <paramref name="delimiter"/> ',' or ';'.</summary>
    public static List<(int Line, string[] Fields)> ParseLines(string text, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<(int, string[])>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        int line = 1;
        int start = 1;
        bool any = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            any = true;
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                records.Add((start, [.. fields]));
                fields.Clear();
                line++;
                start = line;
                any = false;
            }
            else
            {
                field.Append(c);
            }
        }

        if (any)
        {
            fields.Add(field.ToString());
            records.Add((start, [.. fields]));
        }

        return records;
    }
}
