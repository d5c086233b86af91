using System.Globalization;

namespace Ale.Speed.Worker.Import;

/// <summary>
/// A one-line progress bar on standard error, redrawn at most ten times a second. Only on a terminal: redirected to a
/// file or a pipe it would fill the log with carriage returns, so it stays silent there.
/// </summary>
internal sealed class ImportProgressBar(TextWriter terminal, TimeProvider timeProvider) : IProgress<ImportProgress>
{
    private const int Width = 30;
    private static readonly TimeSpan s_redrawInterval = TimeSpan.FromMilliseconds(100);
    private long _drawnAt;
    private bool _drawn;

    public static ImportProgressBar? ForStandardError(TimeProvider timeProvider)
        => Console.IsErrorRedirected ? null : new ImportProgressBar(Console.Error, timeProvider);

    public void Report(ImportProgress value)
    {
        bool finished = value.Total > 0 && value.Done >= value.Total;
        if (_drawn && !finished && timeProvider.GetElapsedTime(_drawnAt) < s_redrawInterval)
        {
            return;
        }

        _drawnAt = timeProvider.GetTimestamp();
        _drawn = true;
        terminal.Write('\r');
        terminal.Write(Render(value));
    }

    /// <summary>Ends the bar's line, so what follows starts on a line of its own.</summary>
    public void Finish()
    {
        if (_drawn)
        {
            terminal.WriteLine();
        }
    }

    internal static string Render(ImportProgress value)
    {
        double fraction = value.Total > 0 ? Math.Clamp((double)value.Done / value.Total, 0, 1) : 0;
        int filled = (int)Math.Round(fraction * Width);
        return string.Create(CultureInfo.InvariantCulture,
            $"{value.Phase,-8} [{new string('#', filled)}{new string('-', Width - filled)}] {fraction,4:P0}  {value.Lines:N0} lines");
    }
}
