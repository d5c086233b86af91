using System.Buffers;

namespace Ale.Speed.Analysis.Output;

/// <summary>Plain-text columns aligned for a terminal: text left, numbers right.</summary>
public sealed class TextTable(params string[] headers)
{
    private static readonly SearchValues<char> s_numericChars = SearchValues.Create("0123456789.-+%/−*");

    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"A row needs {headers.Length} cells.", nameof(cells));
        }

        _rows.Add(cells);
    }

    public int Count => _rows.Count;

    public void WriteTo(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int[] widths = new int[headers.Length];
        bool[] numeric = new bool[headers.Length];
        int lineWidth = 0;
        for (int c = 0; c < headers.Length; c++)
        {
            widths[c] = headers[c].Length;
            numeric[c] = _rows.Count > 0;
            foreach (string[] row in _rows)
            {
                string cell = row[c];
                widths[c] = Math.Max(widths[c], cell.Length);
                numeric[c] = numeric[c] && (cell.Length == 0 || IsNumeric(cell));
            }

            lineWidth += (c > 0 ? 2 : 0) + widths[c];
        }

        // Each line is laid out in one buffer and written at once: the CLI's console writer flushes on every write.
        char[] line = new char[lineWidth];
        WriteLine(output, line, headers, widths, numeric);
        Span<char> rule = line;
        rule.Fill(' ');
        for (int c = 0, at = 0; c < widths.Length; at += widths[c] + 2, c++)
        {
            rule.Slice(at, widths[c]).Fill('-');
        }

        output.WriteLine(rule);
        foreach (string[] row in _rows)
        {
            WriteLine(output, line, row, widths, numeric);
        }
    }

    /// <summary>The cells padded to their widths, two spaces apart, without trailing white space.</summary>
    private static void WriteLine(TextWriter output, Span<char> line, string[] cells, int[] widths, bool[] numeric)
    {
        int at = 0;
        for (int c = 0; c < cells.Length; c++)
        {
            if (c > 0)
            {
                line.Slice(at, 2).Fill(' ');
                at += 2;
            }

            string cell = cells[c];
            int padding = widths[c] - cell.Length;
            Span<char> field = line.Slice(at, widths[c]);
            if (numeric[c])
            {
                field[..padding].Fill(' ');
                cell.CopyTo(field[padding..]);
            }
            else
            {
                cell.CopyTo(field);
                field[cell.Length..].Fill(' ');
            }

            at += widths[c];
        }

        output.WriteLine(line[..at].TrimEnd());
    }

    private static bool IsNumeric(string cell)
        => cell.Length > 0 && (char.IsAsciiDigit(cell[0]) || cell[0] is '-' or '+' or '−') && !cell.AsSpan().ContainsAnyExcept(s_numericChars);
}
