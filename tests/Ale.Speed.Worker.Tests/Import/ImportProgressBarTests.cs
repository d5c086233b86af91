using Ale.Speed.Worker.Import;

namespace Ale.Speed.Worker.Tests.Import;

public sealed class ImportProgressBarTests
{
    [Fact]
    public void Render_HalfWay_FillsHalfTheBarAndCountsLines()
    {
        string line = ImportProgressBar.Render(new ImportProgress("reading", 50, 100, 1_234_567));

        Assert.Contains("[" + new string('#', 15) + new string('-', 15) + "]", line, StringComparison.Ordinal);
        Assert.Contains("50", line, StringComparison.Ordinal);
        Assert.EndsWith("1,234,567 lines", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_RedrawsAtMostTenTimesASecond_ButAlwaysDrawsTheEnd()
    {
        var terminal = new StringWriter();
        var bar = new ImportProgressBar(terminal);
        for (int done = 0; done < 1000; done++)
        {
            bar.Report(new ImportProgress("reading", done, 1000, done));
        }

        bar.Report(new ImportProgress("reading", 1000, 1000, 1000));
        bar.Finish();

        string output = terminal.ToString();
        int draws = output.Count(c => c == '\r');
        Assert.InRange(draws, 2, 20); // the first, the finished one, and any a slow machine let through
        Assert.EndsWith("100%  1,000 lines" + Environment.NewLine, output.Replace(" %", "%", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
