using System.Buffers;

namespace Ale.Speed.Analysis.Output;

/// <summary>Formats the cells of one row of a table written by <see cref="TextTable.Write{TState}"/>, left to right.</summary>
public delegate void TextRowFormatter<in TState>(TState state, int row, ref TextTable.Cells cells);

/// <summary>Plain-text columns aligned for a terminal: text left, numbers right.</summary>
public sealed class TextTable(params string[] headers)
{
    // Rows per block a worker lays out at once (a table of fewer than two blocks is written on one thread): large enough
    // that a worker's start costs little, small enough that the blocks of a wave stay a few hundred KB.
    internal const int BlockRows = 1024;
    private const int MaxWorkers = 4;

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
    /// kept, so a table of a year by day over 50 sites (55,000 rows) holds no string of its own. A long table is
    /// formatted on every core, in blocks of rows written in order (<paramref name="formatRow"/> must be safe to call
    /// from several threads: it reads its row and formats into its own buffers).
    /// </summary>
    public static void Write<TState>(TextWriter output, string[] headers, TState state, int rowCount, TextRowFormatter<TState> formatRow)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(formatRow);
        int workers = rowCount >= 2 * BlockRows ? Math.Min(Environment.ProcessorCount, MaxWorkers) : 1;
        Columns columns = Measure(headers, state, rowCount, formatRow, workers);

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

        // Waves of blocks, one per worker, laid out at once and written in order (one block a wave on one thread).
        string newLine = output.NewLine;
        int blockRows = Math.Min(BlockRows, rowCount);
        var blocks = new char[workers][];
        var lengths = new int[workers];
        for (int i = 0; i < workers; i++)
        {
            blocks[i] = new char[blockRows * (columns.LineWidth + newLine.Length)];
        }

        for (int waveStart = 0; waveStart < rowCount; waveStart += workers * blockRows)
        {
            int first = waveStart;
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, i =>
            {
                int from = Math.Min(rowCount, first + i * blockRows), to = Math.Min(rowCount, from + blockRows);
                lengths[i] = LayOut(columns, state, from, to, formatRow, newLine, blocks[i]);
            });

            for (int i = 0; i < workers; i++)
            {
                output.Write(blocks[i].AsSpan(0, lengths[i]));
            }
        }
    }

    /// <summary>The columns' widths and alignment over every row: each worker measures a part, and the parts are combined.</summary>
    private static Columns Measure<TState>(string[] headers, TState state, int rowCount, TextRowFormatter<TState> formatRow, int workers)
    {
        var parts = new Columns[workers];
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, i =>
        {
            var part = new Columns(headers, rowCount);
            for (int row = (int)((long)rowCount * i / workers), end = (int)((long)rowCount * (i + 1) / workers); row < end; row++)
            {
                var measure = new Cells(part, null);
                formatRow(state, row, ref measure);
                measure.EndRow();
            }

            parts[i] = part;
        });

        Columns columns = parts[0];
        foreach (Columns part in parts.AsSpan(1))
        {
            for (int c = 0; c < headers.Length; c++)
            {
                columns.Widths[c] = Math.Max(columns.Widths[c], part.Widths[c]);
                columns.Numeric[c] &= part.Numeric[c];
            }
        }

        return columns;
    }

    /// <summary>Lays out rows [<paramref name="from"/>, <paramref name="to"/>) as lines in <paramref name="block"/>; returns the characters used.</summary>
    private static int LayOut<TState>(Columns columns, TState state, int from, int to, TextRowFormatter<TState> formatRow, string newLine, char[] block)
    {
        char[] line = new char[columns.LineWidth];
        int used = 0;
        for (int row = from; row < to; row++)
        {
            var cells = new Cells(columns, line);
            formatRow(state, row, ref cells);
            ReadOnlySpan<char> text = cells.EndRow();
            text.CopyTo(block.AsSpan(used));
            used += text.Length;
            newLine.CopyTo(block.AsSpan(used));
            used += newLine.Length;
        }

        return used;
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
