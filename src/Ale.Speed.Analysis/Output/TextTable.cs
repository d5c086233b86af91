using System.Buffers;

namespace Ale.Speed.Analysis.Output;

/// <summary>Formats the cells of one row of a table written by <see cref="TextTable.Write{TState}"/>, left to right.</summary>
public delegate void TextRowFormatter<in TState>(TState state, int row, ref TextTable.Cells cells);

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
        => Write(output, headers, _rows, _rows.Count, static (rows, row, ref cells) =>
        {
            foreach (string cell in rows[row])
            {
                cells.Add(cell);
            }
        });

    /// <summary>
    /// Writes a table whose rows are formatted on demand, twice: once to measure the columns, once to write. No cell is
    /// kept, so a table of a year by day over 50 sites (55,000 rows) holds no string of its own.
    /// </summary>
    public static void Write<TState>(TextWriter output, string[] headers, TState state, int rowCount, TextRowFormatter<TState> formatRow)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(formatRow);
        var columns = new Columns(headers, rowCount);
        for (int row = 0; row < rowCount; row++)
        {
            var measure = new Cells(columns, null);
            formatRow(state, row, ref measure);
            measure.EndRow();
        }

        // Each line is laid out in one buffer and written at once: the CLI's console writer flushes on every write.
        char[] line = new char[columns.LineWidth];
        var header = new Cells(columns, line);
        foreach (string text in headers)
        {
            header.Add(text);
        }

        output.WriteLine(header.EndRow());
        Span<char> rule = line;
        rule.Fill(' ');
        for (int c = 0, at = 0; c < headers.Length; at += columns.Widths[c] + 2, c++)
        {
            rule.Slice(at, columns.Widths[c]).Fill('-');
        }

        output.WriteLine(rule);
        for (int row = 0; row < rowCount; row++)
        {
            var cells = new Cells(columns, line);
            formatRow(state, row, ref cells);
            output.WriteLine(cells.EndRow());
        }
    }

    private static bool IsNumeric(ReadOnlySpan<char> cell)
        => cell.Length > 0 && (char.IsAsciiDigit(cell[0]) || cell[0] is '-' or '+' or '−') && !cell.ContainsAnyExcept(s_numericChars);

    /// <summary>A row's cells as they are formatted: measured into the column widths, or laid out in a line.</summary>
    public ref struct Cells
    {
        private readonly Columns _columns;
        private readonly Span<char> _line;
        private readonly bool _measuring;
        private int _column;
        private int _at;

        internal Cells(Columns columns, char[]? line)
        {
            _columns = columns;
            _measuring = line is null;
            _line = line;
        }

        /// <summary>The next cell (the text is copied at once: the caller may reuse its buffer).</summary>
        public void Add(scoped ReadOnlySpan<char> text)
        {
            if (_column >= _columns.Widths.Length)
            {
                throw new ArgumentException($"A row needs {_columns.Widths.Length} cells.", nameof(text));
            }

            int width = _columns.Widths[_column];
            if (_measuring)
            {
                _columns.Widths[_column] = Math.Max(width, text.Length);
                _columns.Numeric[_column] = _columns.Numeric[_column] && (text.Length == 0 || IsNumeric(text));
            }
            else
            {
                if (_column > 0)
                {
                    _line.Slice(_at, 2).Fill(' ');
                    _at += 2;
                }

                Span<char> field = _line.Slice(_at, width);
                int padding = width - text.Length;
                if (_columns.Numeric[_column])
                {
                    field[..padding].Fill(' ');
                    text.CopyTo(field[padding..]);
                }
                else
                {
                    text.CopyTo(field);
                    field[text.Length..].Fill(' ');
                }

                _at += width;
            }

            _column++;
        }

        /// <summary>The line: the cells padded to their widths, two spaces apart, without trailing white space.</summary>
        internal readonly ReadOnlySpan<char> EndRow()
        {
            if (_column != _columns.Widths.Length)
            {
                throw new ArgumentException($"A row needs {_columns.Widths.Length} cells (was {_column}).");
            }

            return _line[.._at].TrimEnd();
        }
    }

    internal sealed class Columns
    {
        public Columns(string[] headers, int rowCount)
        {
            Widths = [.. headers.Select(h => h.Length)];
            Numeric = new bool[headers.Length];
            Array.Fill(Numeric, rowCount > 0);
        }

        public int[] Widths { get; }

        /// <summary>A column is right-aligned when every cell is a number or empty (and there is at least one row).</summary>
        public bool[] Numeric { get; }

        public int LineWidth => Widths.Sum() + 2 * (Widths.Length - 1);
    }
}
