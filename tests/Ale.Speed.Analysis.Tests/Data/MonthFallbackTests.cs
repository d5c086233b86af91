using Ale.Speed.Analysis.Data;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Time;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Tests.Support;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Analysis.Tests.Data;

/// <summary>
/// The upgrade hazard of month rollups, on a real InfluxDB 1.6: data stored with <c>MonthRollups</c> off (hours and days,
/// no months) and read with it on gives the same figures — a month without its month rollup is read from its days —
/// and the reader says which months, so the user knows to run <c>ale-speed rollup</c>.
/// </summary>
public sealed class MonthFallbackTests
{
    private static readonly string[] s_sites = ["month-a", "month-b"];

    private static long Local(string text) => StockholmTime.FromLocal(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task ReadByTotal_MonthsStoredWithoutMonthRollups_ReadFromTheirDaysAndSaySo()
    {
        await using InfluxDbServer server = await InfluxDbServer.StartNewAsync();
        long fromMs = Local("2025-02-01"), toMs = Local("2025-05-01");
        long april = Local("2025-04-01");
        using var http = new HttpClient();
        using var writer = new InfluxWriter(http, server.Options() with { MaxRetryAttempts = 0, BatchSize = 20_000 });
        var encoder = new BinPointEncoder();
        var hours = new RollupBuilder(RollupLevel.Hour, StockholmTime.Zone);
        var days = new RollupBuilder(RollupLevel.Day, StockholmTime.Zone);
        var months = new RollupBuilder(RollupLevel.Month, StockholmTime.Zone);
        var random = new Random(3);
        foreach (string site in s_sites)
        {
            foreach (Direction direction in (Direction[])[Direction.Approaching, Direction.Receding])
            {
                // One window an hour is enough for the levels; some hours quiet.
                for (long window = fromMs; window < toMs; window += Rollups.HourMs)
                {
                    if (random.Next(4) == 0)
                    {
                        continue;
                    }

                    var bin = new Bin(50);
                    for (int v = random.Next(1, 12); v > 0; v--)
                    {
                        bin.Add(Math.Round(25 + random.NextDouble() * 50, 1), (VehicleClass)random.Next(8));
                    }

                    var key = new BinKey(site, direction, DisplayMode.DisplayOn, window);
                    hours.Add(key, bin);
                    days.Add(key, bin);
                    if (site == s_sites[0] && window >= april)
                    {
                        months.Add(key, bin);
                    }
                }
            }
        }

        // Hours and days of everything (MonthRollups off); a month rollup only for site a's April (written after the upgrade).
        using (LineBatch batch = writer.CreateBatch())
        {
            foreach (Rollup rollup in hours.Built().Concat(days.Built()).Concat(months.Built()))
            {
                encoder.Write(batch.Writer, rollup, "old-worker", batch.Precision);
            }

            Assert.True((await writer.WriteAsync(batch)).IsComplete);
        }

        var fromDays = new BinReader(server.QueryClient()) { UseRollups = true };
        var notices = new List<string>();
        var fromMonths = new BinReader(server.QueryClient()) { UseRollups = true, UseMonthRollups = true, Notice = notices.Add };

        // The hazard itself: April's month level holds site a only.
        var aprilSites = new HashSet<string>();
        await fromMonths.ReadAsync(RollupLevel.Month, april, toMs, siteId: null, stored => aprilSites.Add(stored.Key.SiteId));
        Assert.Equal([s_sites[0]], aprilSites);

        foreach (Period period in (Period[])[new(fromMs, toMs), new(Local("2025-02-10T13:25"), Local("2025-04-20T07:00"))])
        {
            foreach (string? site in (string?[])[null, s_sites[1]])
            {
                notices.Clear();
                IReadOnlyList<StoredBin> expected = await StoredBins.ReadMergedAsync(fromDays, period, site, BinGrain.Period, CancellationToken.None);
                IReadOnlyList<StoredBin> actual = await StoredBins.ReadMergedAsync(fromMonths, period, site, BinGrain.Period, CancellationToken.None);
                Assert.Equal(site is null ? 4 : 2, expected.Count);
                Assert.Equal(expected.Count, actual.Count);
                for (int i = 0; i < expected.Count; i++)
                {
                    Assert.Equal((expected[i].Key, expected[i].WriterId), (actual[i].Key, actual[i].WriterId));
                    Assert.Equal(expected[i].Hours, actual[i].Hours);
                    BinAssert.Same(expected[i].Bin, actual[i].Bin);
                }

                // Told which months came from days: every whole month of the range, April for site b only.
                string[] whole = period.FromMs == fromMs ? ["2025-02", "2025-03", "2025-04"] : ["2025-03"];
                Assert.Equal(whole.Length, notices.Count);
                foreach (string month in whole)
                {
                    string sites = month == "2025-04" || site is not null ? s_sites[1] : $"{s_sites[0]}, {s_sites[1]}";
                    Assert.Contains($"month rollups missing for {month} (site {sites}): read from day rollups; run ale-speed rollup", notices);
                }
            }
        }
    }
}
