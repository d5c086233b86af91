using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Hotspots;
using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using static Ale.Speed.Analysis.Tests.Support.HourlyTraffic;

namespace Ale.Speed.Analysis.Tests.Hotspots;

/// <summary>Rankings on constructed traffic whose right answer is known.</summary>
public sealed class HotspotRankerTests
{
    // Three whole weeks, Monday to Monday, before the spring DST change.
    private static readonly Period s_period = new(Traffic.Local(2026, 3, 2), Traffic.Local(2026, 3, 23));

    private const int Fri = 4 * 24;
    private const int Sat = 5 * 24;

    private static IEnumerable<Vehicle> Hours(Func<long, int, Random, IEnumerable<Vehicle>> perHour, int seed) => HourlyTraffic.Hours(s_period, perHour, seed);

    [Fact]
    public void Rank_Speeding_TopsTheWindowWithMostOffencesPerHour_NotAThreeVehicleWindow()
    {
        var a = UnitAt("hs-a", 40);
        var b = UnitAt("hs-b", 50);
        List<StoredBin> bins = Traffic.Bin(Hours((hour, how, r) =>
        {
            IEnumerable<Vehicle> vehicles = Many(a.Unit, hour, r, 10, () => Traffic.Normal(r, 36, 2));
            if (how == Fri + 22)
            {
                vehicles = vehicles.Concat(Many(a.Unit, hour, r, 8, () => 55 + r.NextDouble()));
            }

            // Site B: calm, except three vehicles at 150 km/h in one Saturday 03 hour, and no traffic in that hour of the other weeks.
            if (how == Sat + 3)
            {
                return hour < s_period.FromMs + 7 * 24 * Traffic.HourMs ? vehicles.Concat(Many(b.Unit, hour, r, 3, () => 150)) : vehicles;
            }

            return vehicles.Concat(Many(b.Unit, hour, r, 10, () => Traffic.Normal(r, 42, 2)));
        }, seed: 1));

        HotspotRanking ranking = HotspotRanker.Rank(bins, s_period, CatalogOf(a, b), new HotspotOptions { Top = 5 });

        HotspotWindow top = ranking.Ranked[0];
        Assert.Equal(("hs-a", Fri + 22), (top.SiteId, top.HourOfWeek));
        Assert.Equal(1, top.Rank);
        Assert.Equal(3, top.ObservedHours);
        Assert.Contains("weighted measured passages over the limit per hour", top.Explanation?.ToString(), StringComparison.Ordinal);
        // Only windows with at least 5 passages over the limit are ranked (most hours here have fewer).
        Assert.All(ranking.Ranked, w => Assert.True(w.Offences >= 5));
        Assert.True(ranking.Ranked.Zip(ranking.Ranked.Skip(1)).All(p => p.First.ScoreLowerBound >= p.Second.ScoreLowerBound));

        // The three-vehicle window scores higher (15 weighted offences in its one observed hour) but is not ranked.
        Assert.DoesNotContain(ranking.Ranked, w => w.SiteId == "hs-b" && w.HourOfWeek == Sat + 3);
        HotspotWindow thin = Assert.Single(ranking.InsufficientData, w => w.SiteId == "hs-b" && w.HourOfWeek == Sat + 3);
        Assert.Equal(3, thin.Vehicles);
        Assert.Equal(1, thin.ObservedHours);
        Assert.True(thin.Score > top.Score);
        Assert.Null(thin.Rank);
        Assert.Contains("3 vehicles, fewer than 30", thin.NotRankedBecause?.ToString(), StringComparison.Ordinal);
        Assert.Contains("1 observed hours, fewer than 3", thin.NotRankedBecause?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Rank_Speeding_LicenceBandsWeighMoreThanFineBands_AndTheWeightsAreOptions()
    {
        var c = UnitAt("hs-c", 40);
        // Monday 08: 20 vehicles/h at 45 (fine band only). Monday 09: 10 vehicles/h at 75 (35 over: licence revocation on a 40 road).
        List<StoredBin> bins = Traffic.Bin(Hours((hour, how, r) => how switch
        {
            8 => Many(c.Unit, hour, r, 20, () => 45),
            9 => Many(c.Unit, hour, r, 10, () => 75),
            _ => Many(c.Unit, hour, r, 12, () => 30),
        }, seed: 2));
        SiteCatalog catalog = CatalogOf(c);

        HotspotRanking byDefault = HotspotRanker.Rank(bins, s_period, catalog, new HotspotOptions { Top = 2 });
        Assert.Equal([9, 8], byDefault.Ranked.Select(w => w.HourOfWeek));
        Assert.Equal(50, byDefault.Ranked[0].Score, 9);   // 10/h x 5
        Assert.Equal(20, byDefault.Ranked[1].Score, 9);   // 20/h x 1
        Assert.Equal(30, byDefault.Ranked[0].LicenceRevocations);
        Assert.Equal(60, byDefault.Ranked[1].FineOnly);

        HotspotRanking flat = HotspotRanker.Rank(bins, s_period, catalog, new HotspotOptions { Top = 2, LicenceRevocationWeight = 1 });
        Assert.Equal([8, 9], flat.Ranked.Select(w => w.HourOfWeek));
    }

    [Fact]
    public void Rank_Speeding_MinimumVehiclesIsAnOption()
    {
        var c = UnitAt("hs-d", 40);
        List<StoredBin> bins = Traffic.Bin(Hours((hour, how, r) => how == 8 ? Many(c.Unit, hour, r, 4, () => 90) : Many(c.Unit, hour, r, 12, () => 45), seed: 3));

        Assert.NotEqual(8, HotspotRanker.Rank(bins, s_period, CatalogOf(c), new HotspotOptions { Top = 1 }).Ranked[0].HourOfWeek);
        Assert.Equal(8, HotspotRanker.Rank(bins, s_period, CatalogOf(c), new HotspotOptions { Top = 1, MinimumVehicles = 12 }).Ranked[0].HourOfWeek);
    }

    [Fact]
    public void Rank_Speeding_OnTheLowerBound_ManyModerateOffencesBeatAFewSevereOnes()
    {
        var c = UnitAt("hs-lb", 40);
        // Monday 08: 2/h at 75 (6 revocations in 3 hours: score 10, but from 6 passages). Monday 09: 9/h at 45 (27 fine-only: score 9).
        List<StoredBin> bins = Traffic.Bin(Hours((hour, how, r) => how switch
        {
            8 => Many(c.Unit, hour, r, 10, () => 36).Concat(Many(c.Unit, hour, r, 2, () => 75)),
            9 => Many(c.Unit, hour, r, 10, () => 36).Concat(Many(c.Unit, hour, r, 9, () => 45)),
            _ => Many(c.Unit, hour, r, 12, () => 36),
        }, seed: 6));

        HotspotRanking ranking = HotspotRanker.Rank(bins, s_period, CatalogOf(c), new HotspotOptions { Top = 2 });

        Assert.Equal([9, 8], ranking.Ranked.Select(w => w.HourOfWeek));
        Assert.Equal(10, ranking.Ranked[1].Score, 9);
        Assert.Equal(9, ranking.Ranked[0].Score, 9);
        Assert.True(ranking.Ranked[0].ScoreLowerBound > ranking.Ranked[1].ScoreLowerBound);
    }

    [Fact]
    public void Rank_Speeding_MinimumObservedHoursAndOffencesAreOptions()
    {
        var c = UnitAt("hs-min", 40);
        List<StoredBin> bins = Traffic.Bin(Hours((hour, how, r) => how == 8 ? Many(c.Unit, hour, r, 20, () => 45) : Many(c.Unit, hour, r, 20, () => 36), seed: 7));

        HotspotRanking fourHours = HotspotRanker.Rank(bins, s_period, CatalogOf(c), new HotspotOptions { MinimumObservedHours = 4 });
        HotspotRanking manyOffences = HotspotRanker.Rank(bins, s_period, CatalogOf(c), new HotspotOptions { MinimumOffences = 61 });
        HotspotRanking enough = HotspotRanker.Rank(bins, s_period, CatalogOf(c), new HotspotOptions { MinimumOffences = 60 });

        Assert.Empty(fourHours.Ranked);
        Assert.Contains("3 observed hours, fewer than 4", Assert.Single(fourHours.InsufficientData).NotRankedBecause?.ToString(), StringComparison.Ordinal);
        Assert.Empty(manyOffences.Ranked);
        Assert.Equal(8, Assert.Single(enough.Ranked).HourOfWeek);
    }

    [Theory]
    [InlineData(10, 5.4254)]   // exact: chi2(0.05; 20) / 2
    [InlineData(30, 21.5940)]  // exact: chi2(0.05; 60) / 2
    [InlineData(100, 84.1394)] // exact: chi2(0.05; 200) / 2
    public void PoissonLowerBound_MatchesTheExactChiSquareLimit(int count, double exact)
        => Assert.InRange(HotspotRanker.PoissonLowerBound(count, count, 1, 1.6448536), exact - 0.02, exact + 0.02);

    [Fact]
    public void Rank_ATraktor_FlagsAnEveningClusterOnAFastRoad_NotASlowRoadOrAnOrdinaryFastRoad()
    {
        var rural = UnitAt("at-rural", 70);
        var quiet = UnitAt("at-quiet", 70);
        var slow = UnitAt("at-slow", 30);
        int[] cluster = [Fri + 19, Fri + 20, Fri + 21, Sat + 19, Sat + 20, Sat + 21];
        List<StoredBin> bins = Traffic.Bin(Hours((hour, how, r) =>
        {
            IEnumerable<Vehicle> vehicles = Many(rural.Unit, hour, r, 20, () => Traffic.Normal(r, 72, 8))
                .Concat(Many(quiet.Unit, hour, r, 20, () => Traffic.Normal(r, 72, 8)))
                // Everyone drives about 30 here, evenings included, plus a few more in the evenings than by day.
                .Concat(Many(slow.Unit, hour, r, how % 24 is >= 18 and < 23 ? 25 : 15, () => Traffic.Normal(r, 30, 3)));
            return cluster.Contains(how) ? vehicles.Concat(Many(rural.Unit, hour, r, 6, () => 26 + r.NextDouble() * 8)) : vehicles;
        }, seed: 4));

        HotspotRanking ranking = HotspotRanker.Rank(bins, s_period, CatalogOf(rural, quiet, slow), new HotspotOptions { Kind = HotspotKind.ATraktor, Top = 10 });

        Assert.Equal(cluster.Order(), ranking.Ranked.Where(w => w.SiteId == "at-rural").Select(w => w.HourOfWeek).Order());
        Assert.Equal(6, ranking.Ranked.Count);
        Assert.All(ranking.Ranked, w =>
        {
            Assert.Equal("speed pattern", w.Basis);
            Assert.StartsWith("possible A-traktor/moped activity", w.Likelihood?.ToString(), StringComparison.Ordinal);
            Assert.Contains("excess passages at 25-35 km/h", w.Likelihood?.ToString(), StringComparison.Ordinal);
            Assert.InRange(w.Score, 4, 8); // about 6 extra vehicles per hour
        });
        Assert.Contains(ranking.Limitations, l => l.ToString().Contains("class I mopeds at 45 km/h", StringComparison.Ordinal));
        SiteNotAssessed notAssessed = Assert.Single(ranking.NotAssessed);
        Assert.Equal("at-slow", notAssessed.SiteId);
        Assert.Contains("not much faster", notAssessed.Reason?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Rank_ATraktor_WhereUnitsReportLength_CountsCarAndTwoWheelerLengthsOnly_NotSlowTractors()
    {
        var rural = UnitAt("at-length", 70);
        int[] atraktors = [Fri + 19, Fri + 20, Sat + 20];
        int[] tractors = [Sat + 12, Sat + 13]; // farm tractors with implements, 12 m long, at the same speeds
        Func<bool, List<StoredBin>> traffic = withLength => Traffic.Bin(Hours((hour, how, r) =>
        {
            double Length(double metres) => withLength ? metres : double.NaN;
            IEnumerable<Vehicle> vehicles = Many(rural.Unit, hour, r, 20, () => Traffic.Normal(r, 72, 8)).Select(v => v with { LengthMetres = Length(4.5) });
            if (atraktors.Contains(how))
            {
                vehicles = vehicles.Concat(Many(rural.Unit, hour, r, 6, () => 26 + r.NextDouble() * 8).Select(v => v with { LengthMetres = Length(4.2) }));
            }

            if (tractors.Contains(how))
            {
                vehicles = vehicles.Concat(Many(rural.Unit, hour, r, 6, () => 26 + r.NextDouble() * 8).Select(v => v with { LengthMetres = Length(12) }));
            }

            return vehicles;
        }, seed: 6));
        var options = new HotspotOptions { Kind = HotspotKind.ATraktor, Top = 10 };

        HotspotRanking withLength = HotspotRanker.Rank(traffic(true), s_period, CatalogOf(rural), options);
        HotspotRanking speedOnly = HotspotRanker.Rank(traffic(false), s_period, CatalogOf(rural), options);

        Assert.Equal(atraktors.Order(), withLength.Ranked.Select(w => w.HourOfWeek).Order());
        Assert.All(withLength.Ranked, w =>
        {
            Assert.Equal("speed pattern and reported length", w.Basis);
            Assert.Contains("had a car length", w.Explanation?.ToString(), StringComparison.Ordinal);
        });
        // Speed alone cannot tell the tractors from A-traktors.
        Assert.Equal(atraktors.Concat(tractors).Order(), speedOnly.Ranked.Select(w => w.HourOfWeek).Order());
        Assert.All(speedOnly.Ranked, w => Assert.Equal("speed pattern", w.Basis));
        Assert.Contains(withLength.Limitations, l => l.ToString().Contains("cannot tell a legal A-traktor from a slow car", StringComparison.Ordinal));
    }

    [Fact]
    public void Rank_ATraktor_UsesTheReportedClassWhereUnitsReportIt()
    {
        var classed = UnitAt("at-class", 40);
        List<StoredBin> bins = Traffic.Bin(Hours((hour, how, r) =>
        {
            IEnumerable<Vehicle> vehicles = Many(classed.Unit, hour, r, 15, () => Traffic.Normal(r, 40, 5), VehicleClass.Car);
            return how == Sat + 22 ? vehicles.Concat(Many(classed.Unit, hour, r, 4, () => 45, VehicleClass.ATraktor)) : vehicles;
        }, seed: 5));

        HotspotRanking ranking = HotspotRanker.Rank(bins, s_period, CatalogOf(classed), new HotspotOptions { Kind = HotspotKind.ATraktor });

        HotspotWindow window = Assert.Single(ranking.Ranked);
        Assert.Equal(Sat + 22, window.HourOfWeek);
        Assert.Equal("reported class", window.Basis);
        Assert.Equal(12, window.ClusterVehicles);
        Assert.Equal(4, window.Score, 9);
        Assert.Empty(ranking.NotAssessed);
    }

    [Fact]
    public void Options_RejectNonsense()
    {
        Assert.False(new HotspotOptions { Top = 0 }.TryValidate(out _));
        Assert.False(new HotspotOptions { LicenceWarningWeight = -1 }.TryValidate(out _));
        Assert.False(new HotspotOptions { ClusterFromKmh = 35, ClusterToKmh = 25 }.TryValidate(out _));
        Assert.True(new HotspotOptions().TryValidate(out string? error), error);
    }
}
