using System.Globalization;
using System.Text.Json;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Tests.Support;
using Microsoft.Extensions.Hosting;

namespace Ale.Speed.Worker.Tests.EndToEnd;

/// <summary>The report on data written through the worker into a real InfluxDB equals what the test computes from the raw vehicles.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ReportThroughWorkerTests
{
    [Fact]
    public async Task Report_OnWorkerWrittenBins_EqualsFiguresFromTheRawVehicles()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("e2e_report");
        DateTimeOffset start = DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / 86_400_000 * 86_400_000).AddDays(-3);
        run.AddUnit("u-1", "nodinge-ale-torg", 40, start, TimeSpan.FromDays(1), seed: 21);
        run.AddUnit("u-2", "nol-vag-45", 70, start, TimeSpan.FromDays(1), seed: 22);
        run.Configure();
        using (IHost host = run.BuildHost(exitWhenDone: true))
        {
            await host.RunAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }

        WorkerSettings settings = run.Settings();
        var catalog = new SiteCatalog(settings.Sites, settings.Units.Select(u => new CatalogUnit(u.Unit.Id, u.Unit.Site.Id, u.Unit.DisplayMode, u.SilentAfter)));
        Assert.True(PeriodParser.TryParse(start.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            start.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), out Period period, out string? error), error);
        var output = new StringWriter();
        int exit = await ReportCommand.RunAsync(new ReportRequest { Period = period, Format = OutputFormat.Json },
            new BinReader(new InfluxQueryClient(run.Influx.Http, run.Influx.Options())), catalog, output, CancellationToken.None);
        Assert.Equal(0, exit);

        using JsonDocument report = JsonDocument.Parse(output.ToString());
        foreach (SimulatedUnit unit in run.Units)
        {
            JsonElement all = report.RootElement.GetProperty("sites").EnumerateArray()
                .Single(s => s.GetProperty("site").GetString() == unit.SiteId && s.GetProperty("direction").GetString() == "all");
            double[] raw = [.. unit.Vehicles.Select(v => v.SpeedKmh).Order()];
            Assert.Equal(raw.Length, all.GetProperty("vehicles").GetInt64());
            Assert.Equal(unit.LimitKmh, all.GetProperty("limitKmh").GetInt32());
            Assert.Equal(raw.Average(), all.GetProperty("meanKmh").GetDouble(), 1e-6);
            Assert.Equal(raw.Count(s => s > unit.LimitKmh) / (double)raw.Length, all.GetProperty("shareOverLimit").GetDouble(), 1e-12);
            double empiricalV85 = raw[(int)Math.Ceiling(0.85 * raw.Length) - 1];
            Assert.InRange(all.GetProperty("v85Kmh").GetDouble(), empiricalV85 - 1, empiricalV85 + 1);
        }
    }
}
