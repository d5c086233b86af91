using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.FollowUp;
using Ale.Speed.Analysis.Hotspots;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Tests.Compare;
using Ale.Speed.Analysis.Tests.Support;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Coverage;
using static Ale.Speed.Analysis.Tests.Support.HourlyTraffic;

namespace Ale.Speed.Analysis.Tests.Output;

/// <summary>
/// The JSON the CLI (and so the API) writes for constructed traffic that reaches every explanation, note and reason the
/// analysis writes, pinned byte for byte in english-sentences.golden.txt: the English wording may only change on
/// purpose. After a deliberate change, run with <c>ALE_SPEED_UPDATE_GOLDEN=1</c> and review the diff.
/// </summary>
public sealed class EnglishSentencesTests
{
    private const string GoldenFile = "english-sentences.golden.txt";

    private static readonly Period s_weeks = new(Traffic.Local(2026, 3, 2), Traffic.Local(2026, 3, 23));
    private static readonly Period s_before = new(Traffic.Local(2026, 4, 6), Traffic.Local(2026, 4, 20));
    private static readonly Period s_after = new(Traffic.Local(2026, 5, 4), Traffic.Local(2026, 5, 18));

    [Fact]
    public void TheCliJsonOfEveryNoteKind_IsUnchanged()
    {
        string actual = string.Join("\n", Scenarios().Select(s => $"### {s.Name}\n{s.Json}"));
        string path = Path.Combine(SourceFolder(), GoldenFile);
        if (Environment.GetEnvironmentVariable("ALE_SPEED_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }

        string expected = File.ReadAllText(path);
        if (expected != actual)
        {
            File.WriteAllText(path + ".received", actual);
        }

        Assert.True(expected == actual, $"The English output changed; the new output is in {path}.received (diff it against {GoldenFile}).");
    }

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;

    private static IEnumerable<(string Name, string Json)> Scenarios()
    {
        foreach ((string name, HotspotRanking ranking) in Hotspots())
        {
            yield return (name, Written(o => HotspotsCommand.Write(ranking, OutputFormat.Json, o)));
        }

        foreach ((string name, CompareResult result) in Comparisons())
        {
            yield return (name, Written(o => CompareCommand.Write(result, OutputFormat.Json, o)));
        }

        foreach ((string name, Report report) in Reports())
        {
            yield return (name, Written(o => ReportRenderer.WriteJson(report, o)));
        }

        foreach ((string name, FollowUpDocument document) in FollowUps())
        {
            yield return (name, Written(o => FollowUpCommand.Write(document, OutputFormat.Json, o)));
        }
    }

    private static string Written(Action<TextWriter> write)
    {
        var output = new StringWriter { NewLine = "\n" };
        write(output);
        return output.ToString().ReplaceLineEndings("\n");
    }

    private const int Fri = 4 * 24;
    private const int Sat = 5 * 24;

    private static IEnumerable<(string, HotspotRanking)> Hotspots()
    {
        var a = UnitAt("hs-a", 40);
        var b = UnitAt("hs-b", 50);
        List<StoredBin> speeding = Traffic.Bin(Hours((hour, how, r) =>
        {
            IEnumerable<Vehicle> vehicles = Many(a.Unit, hour, r, 10, () => Traffic.Normal(r, 36, 2));
            if (how == Fri + 22)
            {
                vehicles = vehicles.Concat(Many(a.Unit, hour, r, 8, () => 55 + r.NextDouble()));
            }

            if (how == Sat + 3)
            {
                return hour < s_weeks.FromMs + 7 * 24 * Traffic.HourMs ? vehicles.Concat(Many(b.Unit, hour, r, 3, () => 150)) : vehicles;
            }

            return vehicles.Concat(Many(b.Unit, hour, r, 10, () => Traffic.Normal(r, 42, 2)));
        }, seed: 1));
        yield return ("hotspots speeding", HotspotRanker.Rank(speeding, s_weeks, CatalogOf(a, b), new HotspotOptions { Top = 5 }));

        var rural = UnitAt("at-rural", 70);
        var slow = UnitAt("at-slow", 30);
        var weekend = UnitAt("at-weekend", 70);
        int[] cluster = [Fri + 19, Fri + 20, Sat + 20];
        List<StoredBin> pattern = Traffic.Bin(Hours((hour, how, r) =>
        {
            IEnumerable<Vehicle> vehicles = Many(rural.Unit, hour, r, 20, () => Traffic.Normal(r, 72, 8))
                .Concat(Many(slow.Unit, hour, r, 15, () => Traffic.Normal(r, 30, 3)))
                .Concat(how >= Sat ? Many(weekend.Unit, hour, r, 3, () => Traffic.Normal(r, 70, 8)) : []);
            return cluster.Contains(how) ? vehicles.Concat(Many(rural.Unit, hour, r, 6, () => 26 + r.NextDouble() * 8))
                : how == Sat + 22 ? vehicles.Concat(Many(rural.Unit, hour, r, 2, () => 26 + r.NextDouble() * 8)) : vehicles;
        }, seed: 4));
        yield return ("hotspots atraktor pattern", HotspotRanker.Rank(pattern, s_weeks, CatalogOf(rural, slow, weekend), new HotspotOptions { Kind = HotspotKind.ATraktor, Top = 6 }));

        var measured = UnitAt("at-length", 70);
        List<StoredBin> lengths = Traffic.Bin(Hours((hour, how, r) =>
        {
            IEnumerable<Vehicle> vehicles = Many(measured.Unit, hour, r, 20, () => Traffic.Normal(r, 72, 8)).Select(v => v with { LengthMetres = 4.5 });
            return how is Fri + 19 or Sat + 20
                ? vehicles.Concat(Many(measured.Unit, hour, r, 6, () => 26 + r.NextDouble() * 8).Select(v => v with { LengthMetres = v.SpeedKmh > 30 ? 4.2 : 1.8 }))
                : vehicles;
        }, seed: 6));
        yield return ("hotspots atraktor length", HotspotRanker.Rank(lengths, s_weeks, CatalogOf(measured), new HotspotOptions { Kind = HotspotKind.ATraktor, Top = 3 }));

        var classed = UnitAt("at-class", 40);
        List<StoredBin> classes = Traffic.Bin(Hours((hour, how, r) =>
        {
            IEnumerable<Vehicle> vehicles = Many(classed.Unit, hour, r, 15, () => Traffic.Normal(r, 40, 5), VehicleClass.Car);
            return how == Sat + 22 ? vehicles.Concat(Many(classed.Unit, hour, r, 4, () => 45, VehicleClass.ATraktor)) : vehicles;
        }, seed: 5));
        yield return ("hotspots atraktor class", HotspotRanker.Rank(classes, s_weeks, CatalogOf(classed), new HotspotOptions { Kind = HotspotKind.ATraktor, Top = 2 }));
    }

    private static IEnumerable<(string, CompareResult)> Comparisons()
    {
        Site site = new("cmp-site", "Skepplanda, väg 1960", 50);
        Site control = new("cmp-control", "Alafors, control", 60);
        var unit = new Unit { Id = "u-site", Site = site };
        var stealth = new Unit { Id = "u-site", Site = site, DisplayMode = DisplayMode.Stealth };
        var controlUnit = new Unit { Id = "u-control", Site = control };
        SiteCatalog catalog = new([site, control], [new CatalogUnit("u-site", site.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1)),
            new CatalogUnit("u-control", control.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1))]);
        CompareResult Run(IEnumerable<Vehicle> before, IEnumerable<Vehicle> after, CompareOptions? options = null, StoredCoverage? coverage = null)
            => BeforeAfterComparer.Compare(Traffic.Bin(before), Traffic.Bin(after), site.Id, s_before, s_after, catalog, options, coverage);

        var random = new Random(77);
        var offsets = new Dictionary<DateOnly, double>();
        double Shared(DateOnly d) => offsets.TryGetValue(d, out double o) ? o : offsets[d] = Traffic.Normal(random, d.Month == 5 ? 2 : 0, 3);
        List<Vehicle> before = [.. DailyTraffic.Days(unit, s_before, random, 0, sharedOffsets: Shared), .. DailyTraffic.Days(controlUnit, s_before, random, 0, sharedOffsets: Shared)];
        // The control misses one day; the site has a thin day.
        List<Vehicle> after = [.. DailyTraffic.Days(unit, s_after, random, 0, change: -2, sharedOffsets: Shared).Where((v, i) => Traffic.ToLocal(v.TimestampMs).Day != 6 || i % 40 == 0),
            .. DailyTraffic.Days(controlUnit, s_after, random, 0, sharedOffsets: Shared).Where(v => Traffic.ToLocal(v.TimestampMs).Day != 12)];
        yield return ("compare decrease with control", Run(before, after, new CompareOptions { ControlSiteId = control.Id }));
        yield return ("compare increase alone", Run(DailyTraffic.Days(unit, s_before, random, 0.3), DailyTraffic.Days(unit, s_after, random, 0.3, change: 3),
            new CompareOptions { Primary = PrimaryFigure.V85 }));

        random = new Random(5);
        yield return ("compare below minimum, share", Run(DailyTraffic.Days(unit, s_before, random, 0.05, perDay: 3000), DailyTraffic.Days(unit, s_after, random, 0.05, change: -0.6, perDay: 3000),
            new CompareOptions { Primary = PrimaryFigure.ShareOverLimit, MinimumShareChange = 0.5 }));
        yield return ("compare no change, selected, both displays", Run([.. DailyTraffic.Days(unit, s_before, random, 1), .. DailyTraffic.Days(stealth, s_before, random, 1, perDay: 50)],
            [.. DailyTraffic.Days(unit, s_after, random, 1), .. DailyTraffic.Days(stealth, s_after, random, 1, perDay: 50)], new CompareOptions { SelectedByRanking = true }));
        yield return ("compare display changed", Run(DailyTraffic.Days(unit, s_before, random, 0.5), DailyTraffic.Days(stealth, s_after, random, 0.5)));
        yield return ("compare weekdays only", Run(DailyTraffic.Days(unit, s_before, random, 0.5).Where(v => !DailyTraffic.IsWeekend(DateOnly.FromDateTime(Traffic.ToLocal(v.TimestampMs).DateTime))),
            DailyTraffic.Days(unit, s_after, random, 0.5)));
        yield return ("compare too few days", Run(DailyTraffic.Days(unit, s_before, random, 1, perDay: 3000).Where(v => Traffic.ToLocal(v.TimestampMs).Day is 7 or 8),
            DailyTraffic.Days(unit, s_after, random, 1, change: -8, perDay: 3000)));

        var limits = new Site(site.Id, "Surte", [new SpeedLimitPeriod(long.MinValue, 50), new SpeedLimitPeriod(s_after.FromMs - 86_400_000, 40)]);
        var limited = new Unit { Id = "u-site", Site = limits };
        yield return ("compare limit changed between", Run(DailyTraffic.Days(limited, s_before, random, 0.5), DailyTraffic.Days(limited, s_after, random, 0.5, change: -3)));
        var within = new Site(site.Id, "Surte", [new SpeedLimitPeriod(long.MinValue, 50), new SpeedLimitPeriod(s_before.FromMs + 5 * 86_400_000, 40),
            new SpeedLimitPeriod(s_after.FromMs + 5 * 86_400_000, 50)]);
        yield return ("compare limit changed within", Run(DailyTraffic.Days(new Unit { Id = "u-site", Site = within }, s_before, random, 0.5),
            DailyTraffic.Days(new Unit { Id = "u-site", Site = within }, s_after, random, 0.5)));

        static bool Dead(DateOnly d, int h) => d == new DateOnly(2026, 5, 12) && h is (>= 7 and < 9) or (>= 10 and < 15) or (>= 16 and < 18) or (>= 19 and < 22);
        var coverage = new StoredCoverage();
        foreach (Period period in (Period[])[s_before, s_after])
        {
            foreach (long hour in period.HourStarts().Where(h => h >= s_before.FromMs + 3 * 86_400_000))
            {
                DateTimeOffset local = Traffic.ToLocal(hour);
                if (!Dead(DateOnly.FromDateTime(local.DateTime), local.Hour))
                {
                    coverage.Add(site.Id, DisplayMode.DisplayOn, hour);
                }
            }
        }

        random = new Random(4242);
        yield return ("compare stored coverage", Run(DailyTraffic.Days(unit, s_before, random, 1, hourMissing: (d, h) => d.Day is 7 or 14 && h is >= 6 and < 19),
            DailyTraffic.Days(unit, s_after, random, 1, hourMissing: Dead), coverage: coverage));
    }

    private static IEnumerable<(string, Report)> Reports()
    {
        var site = new Site("rp-a", "Göteborgsvägen, Nödinge", [new SpeedLimitPeriod(long.MinValue, 50), new SpeedLimitPeriod(s_weeks.FromMs + 10 * 86_400_000, 40)]);
        Site empty = new("rp-b", "Kvarnbacken", 30);
        var on = new Unit { Id = "u-a", Site = site };
        var stealth = new Unit { Id = "u-a", Site = site, DisplayMode = DisplayMode.Stealth };
        var stranger = new Unit { Id = "u-x", Site = new Site("rp-x", "rp-x", 50) };
        SiteCatalog catalog = new([site, empty], [new CatalogUnit("u-a", site.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1)),
            new CatalogUnit("u-b", empty.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1))]);
        var random = new Random(11);
        List<StoredBin> bins = Traffic.Bin([.. DailyTraffic.Days(on, s_weeks, random, 1, perDay: 200), .. DailyTraffic.Days(stealth, s_weeks, random, 1, perDay: 100),
            .. DailyTraffic.Days(stranger, s_weeks, random, 1, perDay: 50)]);
        yield return ("report without coverage", ReportBuilder.Build(bins, s_weeks, catalog, ReportGrouping.Total));

        var fromStart = new StoredCoverage();
        var fromMiddle = new StoredCoverage();
        foreach (long hour in s_weeks.HourStarts())
        {
            fromStart.Add(site.Id, DisplayMode.DisplayOn, hour);
            if (hour >= s_weeks.FromMs + 7 * 86_400_000)
            {
                fromMiddle.Add(site.Id, DisplayMode.DisplayOn, hour);
            }
        }

        yield return ("report coverage from the start", ReportBuilder.Build(bins, s_weeks, catalog, ReportGrouping.Total, siteId: site.Id, coverage: fromStart));
        yield return ("report coverage from the middle", ReportBuilder.Build(bins, s_weeks, catalog, ReportGrouping.Total, siteId: site.Id, coverage: fromMiddle));
    }

    private static IEnumerable<(string, FollowUpDocument)> FollowUps()
    {
        Site nol = new("fu-nol", "Nolvägen, Nol", 50);
        SiteCatalog catalog = new([nol], [new CatalogUnit("u-nol", nol.Id, DisplayMode.DisplayOn, TimeSpan.FromHours(1))]);
        Period period = PeriodParser.Parse("2026-10-05", "2026-11-02");
        long controlMs = Traffic.Local(2026, 10, 19, 7);
        var control = new PoliceControl("k-1", nol.Id, controlMs, controlMs + 2 * 3_600_000, ControlKind.Speed, null, null, null, null);
        Report report = ReportBuilder.Build(Array.Empty<StoredBin>(), period, catalog, ReportGrouping.Total);
        CompareResult effect = BeforeAfterComparer.Compare([], [], nol.Id, FollowUpCommand.BeforePeriod(controlMs, 7), FollowUpCommand.AfterPeriod(controlMs, 7), catalog,
            new CompareOptions { SelectedByRanking = true });
        var effects = new Dictionary<string, CompareDocument> { [nol.Id] = CompareCommand.ToDocument(effect) };
        yield return ("followup without commitment", FollowUpCommand.Build(new FollowUpRequest { Period = period, EffectDays = 7 }, [control], [], report, effects, catalog));
        var commitment = new Commitment("Medborgarlöfte 2026", PeriodParser.Parse("2026-01-01", "2027-01-01"), [new CommitmentTarget(ControlKind.Speed, 10, "Tio hastighetskontroller")]);
        yield return ("followup with a commitment", FollowUpCommand.Build(new FollowUpRequest { Period = period, EffectDays = 7, Commitment = commitment }, [control], [], report, effects, catalog));
    }

    private static IEnumerable<Vehicle> Hours(Func<long, int, Random, IEnumerable<Vehicle>> perHour, int seed) => HourlyTraffic.Hours(s_weeks, perHour, seed);
}
