using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;

namespace Ale.Speed.Analysis.Tests.Reports;

/// <summary>
/// <c>report --by week</c>: local ISO weeks from Monday 00:00 Europe/Stockholm; a week holding a daylight-saving shift
/// has 167 or 169 hours; the ISO week-numbering year at New Year; weeks the period cuts are partial.
/// </summary>
public sealed class WeekGroupingTests
{
    private const long Hour = Traffic.HourMs;

    [Fact]
    public void Groups_WeekOfTheSpringShift_Has167Hours()
    {
        ReportGroup week = Assert.Single(ReportBuilder.Groups(new Period(Traffic.Local(2025, 3, 24), Traffic.Local(2025, 3, 31)), ReportGrouping.Week));
        Assert.Equal("2025-W13", week.Label);
        Assert.Equal(Traffic.Local(2025, 3, 24), week.FromMs);
        Assert.Equal(Traffic.Local(2025, 3, 31), week.ToMs);
        Assert.Equal(167, (week.ToMs - week.FromMs) / Hour);
        Assert.False(week.Partial);
    }

    [Fact]
    public void Groups_WeekOfTheAutumnShift_Has169Hours()
    {
        ReportGroup week = Assert.Single(ReportBuilder.Groups(new Period(Traffic.Local(2025, 10, 20), Traffic.Local(2025, 10, 27)), ReportGrouping.Week));
        Assert.Equal("2025-W43", week.Label);
        Assert.Equal(169, (week.ToMs - week.FromMs) / Hour);
        Assert.False(week.Partial);
    }

    [Fact]
    public void Groups_AcrossNewYearOfA53WeekYear_NumbersWeek53ThenWeek1AndCutsTheEdges()
    {
        // 2020 has an ISO week 53 (Mon 28 Dec – Sun 3 Jan); the period starts on a Sunday and ends on a Tuesday.
        List<ReportGroup> weeks = ReportBuilder.Groups(new Period(Traffic.Local(2020, 12, 20), Traffic.Local(2021, 1, 12)), ReportGrouping.Week);
        Assert.Equal(["2020-W51", "2020-W52", "2020-W53", "2021-W01", "2021-W02"], weeks.Select(w => w.Label));
        Assert.Equal([true, false, false, false, true], weeks.Select(w => w.Partial));
        Assert.Equal(Traffic.Local(2020, 12, 20), weeks[0].FromMs);
        Assert.Equal(Traffic.Local(2020, 12, 21), weeks[0].ToMs);
        Assert.Equal(Traffic.Local(2020, 12, 28), weeks[2].FromMs);
        Assert.Equal(Traffic.Local(2021, 1, 4), weeks[2].ToMs);
        Assert.Equal(Traffic.Local(2021, 1, 11), weeks[4].FromMs);
        Assert.Equal(Traffic.Local(2021, 1, 12), weeks[4].ToMs);
        for (int i = 1; i < weeks.Count; i++)
        {
            Assert.Equal(weeks[i - 1].ToMs, weeks[i].FromMs);
        }
    }

    [Fact]
    public void Groups_NewYearInsideAWeek_BelongsToTheWeekOfItsThursday()
    {
        // Mon 30 Dec 2024 – Sun 5 Jan 2025 is 2025-W01; Mon 28 Dec 2026 – Sun 3 Jan 2027 is 2026-W53.
        Assert.Equal(["2024-W52", "2025-W01"],
            ReportBuilder.Groups(new Period(Traffic.Local(2024, 12, 23), Traffic.Local(2025, 1, 6)), ReportGrouping.Week).Select(w => w.Label));
        Assert.Equal(["2026-W53", "2027-W01"],
            ReportBuilder.Groups(new Period(Traffic.Local(2026, 12, 31), Traffic.Local(2027, 1, 5)), ReportGrouping.Week).Select(w => w.Label));
    }

    [Fact]
    public void Groups_PeriodStartingAndEndingMidWeekAtAnHour_GivesPartialFirstAndLastWeeks()
    {
        var period = new Period(Traffic.Local(2026, 11, 4, 6), Traffic.Local(2026, 11, 20, 12));
        List<ReportGroup> weeks = ReportBuilder.Groups(period, ReportGrouping.Week);
        Assert.Equal(["2026-W45", "2026-W46", "2026-W47"], weeks.Select(w => w.Label));
        Assert.Equal((period.FromMs, Traffic.Local(2026, 11, 9)), (weeks[0].FromMs, weeks[0].ToMs));
        Assert.Equal((Traffic.Local(2026, 11, 16), period.ToMs), (weeks[2].FromMs, weeks[2].ToMs));
        Assert.Equal([true, false, true], weeks.Select(w => w.Partial));
    }

    [Fact]
    public void Groups_ByDay_MarksTheDaysThePeriodCuts()
    {
        List<ReportGroup> days = ReportBuilder.Groups(new Period(Traffic.Local(2026, 11, 4, 6), Traffic.Local(2026, 11, 6, 12)), ReportGrouping.Day);
        Assert.Equal([true, false, true], days.Select(d => d.Partial));
    }

    [Fact]
    public void Build_ByWeek_PutsEachVehicleInItsLocalWeekAndCountsTheWeeksHours()
    {
        var site = new Site("wk-site", "Nol", 50);
        var unit = new Unit { Id = "u-wk", Site = site };
        var catalog = new SiteCatalog([site], [new CatalogUnit(unit.Id, site.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(4))]);
        // Sunday 30 March 2025 23:30 local is in W13 (the spring week); Monday 31 March 00:10 in W14. Both are Sunday UTC.
        var vehicles = new List<Vehicle>
        {
            Traffic.Vehicle(unit, Traffic.Local(2025, 3, 30, 23, 30), 55),
            Traffic.Vehicle(unit, Traffic.Local(2025, 4, 1, 0, 10), 45),
            Traffic.Vehicle(unit, Traffic.Local(2025, 3, 31, 0, 10), 48),
            Traffic.Vehicle(unit, Traffic.Local(2025, 3, 26, 12), 60),
        };
        var period = new Period(Traffic.Local(2025, 3, 24), Traffic.Local(2025, 4, 7));
        Report report = ReportBuilder.Build(Traffic.Bin(vehicles), period, catalog, ReportGrouping.Week, siteId: site.Id);

        ReportRow[] all = [.. report.Rows.Where(r => r.Direction == ReportBuilder.AllDirections)];
        Assert.Equal(["2025-W13", "2025-W14"], all.Select(r => r.Group.Label));
        Assert.Equal([2L, 2L], all.Select(r => r.Summary.Count));
        Assert.Equal([167, 168], all.Select(r => r.HoursInGroup));
        Assert.Equal(60, all[0].Summary.MaxKmh, 1);
        Assert.Equal(48, all[1].Summary.MaxKmh, 1);
    }
}
