using System.Globalization;
using System.Text;

namespace Ale.Speed.Analysis.Output;

/// <summary>RFC 4180 CSV: comma-separated, CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled; invariant culture.</summary>
public sealed class CsvWriter(TextWriter output)
{
    private bool _lineStarted;

    public CsvWriter Field(string? value)
    {
        if (_lineStarted)
        {
            output.Write(',');
        }

        _lineStarted = true;
        value ??= "";
        if (value.AsSpan().IndexOfAny(",\"\r\n") >= 0)
        {
            output.Write('"');
            output.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
            output.Write('"');
        }
        else
        {
            output.Write(value);
        }

        return this;
    }

    public CsvWriter Field(long value) => Field(value.ToString(CultureInfo.InvariantCulture));

    public CsvWriter Field(long? value) => Field(value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>A number in round-trip form; empty when NaN or null.</summary>
    public CsvWriter Field(double? value) => Field(value is double d && double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "");

    public CsvWriter Field(bool value) => Field(value ? "true" : "false");

    public void EndLine()
    {
        output.Write("\r\n");
        _lineStarted = false;
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
