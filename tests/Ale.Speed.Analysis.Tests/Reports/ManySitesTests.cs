using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Analysis.Tests.Reports;

/// <summary>A report over many sites makes several sites at once; it must be the same report as one site at a time.</summary>
public sealed class ManySitesTests
{
    [Theory]
    [InlineData(ReportGrouping.HourOfWeek)]
    [InlineData(ReportGrouping.Day)]
    [InlineData(ReportGrouping.Total)]
    public void Build_ElevenSites_EqualsEachSiteBuiltAloneInSiteOrder(ReportGrouping grouping)
    {
        var random = new Random(11);
        var sites = Enumerable.Range(1, 11).Select(i => new Site($"s-{i:00}", $"Site {i}", 30 + 10 * (i % 6))).ToArray();
        var units = sites.Select(s => new Unit { Id = "u-" + s.Id, Site = s }).ToArray();
        var catalog = new SiteCatalog(sites, [.. units.Select(u => new CatalogUnit(u.Id, u.Site.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(4)))]);
        var period = new Period(Traffic.Local(2025, 3, 24), Traffic.Local(2025, 4, 7));
        var vehicles = new List<Vehicle>();
        foreach (Unit unit in units.Where((_, i) => i != 4))
        {
            // Site 5 has no data: its empty rows and its coverage must land in its place too.
            for (int v = 0; v < 400; v++)
            {
                long at = period.FromMs + (long)(random.NextDouble() * (period.ToMs - period.FromMs));
                vehicles.Add(Traffic.Vehicle(unit, at, Traffic.Normal(random, 55, 12),
                    random.Next(2) == 0 ? Direction.Approaching : Direction.Receding));
            }
        }

        var bins = Traffic.Bin(vehicles);
        Report together = ReportBuilder.Build(bins, period, catalog, grouping);
        Report[] alone = [.. sites.Select(s => ReportBuilder.Build(bins, period, catalog, grouping, siteId: s.Id))];

        Assert.Equal(alone.SelectMany(r => r.Rows).Select(Describe), together.Rows.Select(Describe));
        Assert.Equal(sites.Select(s => s.Id), together.Coverage.Select(c => c.SiteId));
        Assert.Equal(alone.SelectMany(r => r.Coverage).Select(c => (c.HoursWithData, c.HoursObserved, c.Gaps.Count)),
            together.Coverage.Select(c => (c.HoursWithData, c.HoursObserved, c.Gaps.Count)));
        Assert.Contains(together.Rows, r => r.SiteId == "s-05" && r.Summary.Count == 0);
    }

    private static string Describe(ReportRow row)
        => $"{row.SiteId} {row.Direction} {row.Display} {row.Group.Label} {row.Summary.Count} {row.Summary.MeanKmh:R} {row.Summary.V85Kmh:R} {row.HoursWithData}/{row.HoursInGroup}";
}
