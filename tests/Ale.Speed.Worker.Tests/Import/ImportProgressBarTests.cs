using Ale.Speed.Worker.Import;
using Microsoft.Extensions.Time.Testing;

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
        var time = new FakeTimeProvider();
        var bar = new ImportProgressBar(terminal, time);
        for (int done = 0; done < 1000; done++)
        {
            bar.Report(new ImportProgress("reading", done, 1000, done));
            time.Advance(TimeSpan.FromMilliseconds(1)); // a second in all: ten redraws
        }

        bar.Report(new ImportProgress("reading", 1000, 1000, 1000));
        bar.Finish();

        string output = terminal.ToString();
        Assert.Equal(11, output.Count(c => c == '\r')); // every 100 ms, and the end at once
        Assert.EndsWith("100%  1,000 lines" + Environment.NewLine, output.Replace(" %", "%", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
