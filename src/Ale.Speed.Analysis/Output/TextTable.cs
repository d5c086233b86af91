using System.Text;

namespace Ale.Speed.Analysis.Output;

/// <summary>Plain-text columns aligned for a terminal: text left, numbers right.</summary>
public sealed class TextTable(params string[] headers)
{
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
        int[] widths = [.. headers.Select(h => h.Length)];
        bool[] numeric = new bool[headers.Length];
        for (int c = 0; c < headers.Length; c++)
        {
            numeric[c] = _rows.Count > 0 && _rows.All(r => r[c].Length == 0 || IsNumeric(r[c]));
            foreach (string[] row in _rows)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        WriteLine(output, headers, widths, numeric);
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (string[] row in _rows)
        {
            WriteLine(output, row, widths, numeric);
        }
    }

    private static void WriteLine(TextWriter output, string[] cells, int[] widths, bool[] numeric)
    {
        var line = new StringBuilder();
        for (int c = 0; c < cells.Length; c++)
        {
            if (c > 0)
            {
                line.Append("  ");
            }

            line.Append(numeric[c] ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c]));
        }

        output.WriteLine(line.ToString().TrimEnd());
    }

    private static bool IsNumeric(string cell)
        => cell.Length > 0 && (char.IsAsciiDigit(cell[0]) || cell[0] is '-' or '+' or '−') && cell.All(ch => char.IsAsciiDigit(ch) || ch is '.' or '-' or '+' or '%' or '/' or '−' or '*');
}
