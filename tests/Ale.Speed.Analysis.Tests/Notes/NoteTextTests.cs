using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.Hotspots;
using Ale.Speed.Analysis.Notes;
using Ale.Speed.Analysis.Tests.Support;

namespace Ale.Speed.Analysis.Tests.Notes;

/// <summary>
/// Every kind of note in Swedish: a Swedish sentence carrying the note's values in Swedish number format (decimal comma,
/// no-break spaces, a true minus sign), never the English sentence; and no kind without both languages.
/// </summary>
public sealed class NoteTextTests
{
    private static readonly long s_march2 = Traffic.Local(2026, 3, 2, 7);
    private static readonly long s_april1 = Traffic.Local(2026, 4, 1);

    /// <summary>One note of every kind, with what its Swedish sentence must hold.</summary>
    public static TheoryData<Note, string[]> Swedish => new()
    {
        { new SpeedingMethod(new HotspotOptions { LicenceWarningWeight = 2.5 }), ["Poäng = uppmätta passager över gränsen per kontrolltimme", "körkortsvarning ×2,5", "mätavdrag på 0 km/h", "färre än 30 fordon, 3 observerade timmar eller 5 passager"] },
        { new ATraktorMethod(new HotspotOptions { ClusterFromKmh = 24 }), ["passager klassade som A-traktor eller moped per observerad timme", "i 24–35 km/h", "minst 50 km/h", "minst 5\u00a0%", "z ≥ 3"] },
        { new PassagesNotOffences(4), ["minus ett mätavdrag på 4 km/h: inte brott och inte utfärdade böter"] },
        { new RadarCannotSee(25, 35), ["mopeder klass I i 45 km/h", "överskottet av passager i 25–35 km/h, inte fordon"] },
        { new ClassAndLengthAreEstimates(), ["enhetens uppskattning", "en laglig A-traktor från en långsam bil"] },
        { new NotRanked([new Short(Shortfall.Vehicles, 3, 30), new Short(Shortfall.ObservedHours, 1, 3), new Short(Shortfall.Passages, 2, 5)]), ["3 fordon, färre än 30; 1 observerad timme, färre än 3; 2 passager som räknas, färre än 5"] },
        { new SpeedingExplanation(12.345, 8.5, 0.95, 1.5, 1, 2.25, 3, 0.5, 5, 1234.5, 21, 0.123, 52.34), ["12,35 viktade uppmätta passager över gränsen per kontrolltimme (minst 8,50 med 95\u00a0% konfidens)", "1,50/h enbart i bötesintervall (×1)", "2,25/h i intervall för körkortsvarning (×3)", "1\u00a0234,5 fordon/h under 21 observerade timmar", "12\u00a0% över gränsen, V85 52,3 km/h"] },
        { new ClassifiedExplanation(12, 57, 4, 2.25, 0.9, 3), ["Enheterna klassar 12 av 57 passager som A-traktor eller moped (4,00 per observerad timme, minst 2,25 med 90\u00a0% konfidens, 3 timmar)"] },
        { new PatternExplanation(0.231, 78, new ClusterBand(25, 35, false), 0.012, 72.4, 17.6, 5.87, 3.1, 0.95, 7.26, null), ["23\u00a0% av 78 passager var i 25–35 km/h mot 1,2\u00a0% vardagar dagtid (medianhastighet då 72 km/h)", "ett överskott på omkring 18 passager, 5,87 per observerad timme", "z = 7,3"] },
        { new PatternExplanation(0.231, 78, new ClusterBand(25, 35, true), 0, 72, 18, 6, 3, 0.95, 7, new LengthCounts(11, 7, 2, 45)), ["25–35 km/h med bil- eller tvåhjulingslängd", "Av dessa hade 11 billängd", "7 var korta", "2 korta passager var över 45 km/h"] },
        { new ClassifiedLikelihood(), ["möjlig trafik med A-traktorer eller mopeder (passager som enheten klassat)"] },
        { new PatternLikelihood(false, new ClusterBand(25, 35, false)), ["möjlig trafik med A-traktorer eller mopeder (måttligt mönster): ett överskott av passager i 25–35 km/h"] },
        { new NoBaseline(120, 200), ["För lite trafik vardagar dagtid att jämföra med (120 fordon, minst 200 behövs)"] },
        { new SlowBaseline(25, 35, 31.26, 50), ["inte mycket snabbare än 35 km/h här (medianhastighet 31,3 km/h, minst 50 behövs)", "fordon i 25–35 km/h säger ingenting om A-traktorer"] },
        { new VerdictNote(Verdict.Decrease), ["lägre efter, mer än variationen mellan dagar förklarar"] },
        { new InsufficientSummary(2, 10, 3), ["För lite data: 2 användbara dagar före och 10 efter; minst 3 av vardera behövs"] },
        { new ChangeSummary(PrimaryFigure.Mean, -2.24, -2.61, -1.83, 0.95, Verdict.Decrease, 1, "Alafors"), ["Medelhastigheten var 2,2 km/h lägre efter än före, jämfört med kontrollplatsen Alafors (95\u00a0%-intervall \u22122,6 till \u22121,8 km/h)", "minst de 1,0 km/h som spelar roll"] },
        { new TooFewDays(2, 10, 3), ["För få dagar för att bedöma en förändring: 2 användbara dagar före och 10 efter", "minst 3 av vardera"] },
        { new DayIsTheUnit(0.79, 0.21, 24), ["Dagen är enheten för variation", "vägs 79\u00a0% / 21\u00a0%", "(24 frihetsgrader)"] },
        { new NoControlSite(), ["visar om hastigheterna skiljer sig, inte varför", "Utan kontrollplats (--control) går det inte att skilja förändringar som gäller alla vägar från åtgärdens effekt."] },
        { new WithControlSite("Alafors, kontroll", "cmp-control"), ["Jämfört dag för dag med kontrollplatsen Alafors, kontroll (cmp-control)"] },
        { new MeasuredNotFines(), ["utan polisens mätavdrag", "inte brott och inte utfärdade böter"] },
        { new RegressionToTheMean(), ["Regression mot medelvärdet: platsen valdes för att den låg högt i en rangordning"] },
        { new OutagesFromCoverage(s_march2), ["Avbrott avgörs av den lagrade enhetstäckningen (från 2026-03-02 07:00)"] },
        { new LeftOutDays([new DayLeftOut("cmp-site", new DateOnly(2026, 5, 6), new DayTooFewVehicles(11, 30))]), ["Dagar som inte räknats (1): cmp-site 2026-05-06 (11 fordon, färre än 30)."] },
        { new OnlyDayTypes([0]), ["Bara vardagar jämförs: den andra dagtypen saknas i en av perioderna."] },
        { new LimitChangedBetween([50], [40]), ["Hastighetsgränsen ändrades mellan perioderna (före 50 km/h, efter 40 km/h)", "mäter efterlevnad, inte hastighet"] },
        { new LimitChangedWithin(), ["Hastighetsgränsen ändrades under en period"] },
        { new DisplayChangedBetween(["on"], ["on", "stealth"]), ["Skyltens läge ändrades mellan perioderna (före: visar hastigheten, efter: visar hastigheten + dold)"] },
        { new DisplaysMixed(), ["En period har data från båda skyltlägena"] },
        { new DayTooFewVehicles(11, 30), ["11 fordon, färre än 30"] },
        { new DayWithoutControl("cmp-control"), ["ingen användbar dag vid kontrollplatsen cmp-control"] },
        { new DayPartlyCovered(0.34, ["06-09", "09-15"], 12), ["dagens timmar har 34\u00a0% av den vanliga trafiken; inga fordon kl. 06–09, 09–15; ingen fungerande enhet under 12 av dagens timmar (lagrad täckning)"] },
        { new SiteNotConfigured(), ["Platsen finns inte i konfigurationen"] },
        { new NoData(), ["Inga data under perioden."] },
        { new BothDisplayModes(), ["Båda skyltlägena (visar hastigheten och dold) har data under perioden"] },
        { new CoverageStoredFrom(s_march2), ["Enhetstäckning finns lagrad från 2026-03-02 07:00"] },
        { new CoverageStored(), ["Enhetstäckning finns lagrad: en timme med fungerande enhet och inga fordon räknas som observerad med noll fordon"] },
        { new NoCoverageStored(), ["Ingen enhetstäckning finns lagrad för perioden"] },
        { new LimitChangedInPeriod([40, 50]), ["Hastighetsgränsen ändrades under perioden (40, 50 km/h)"] },
        { new TargetsForCommitmentPeriod(s_march2, s_april1), ["Målen gäller löftets hela period (2026-03-02 07:00 – 2026-04-01 00:00)"] },
        { new NoCommitment(), ["Inget medborgarlöfte är inlagt i konfigurationen"] },
        { new EffectMethod(14), ["jämför de 14 dagarna (svensk tid) före dagen för platsens första kontroll", "de 14 dagarna från och med den dagen"] },
        { new ControlsRegressToTheMean(), ["Kontroller läggs där problem rapporteras eller mäts", "(regression mot medelvärdet)"] },
        { new ReportsAreFelt(), ["Invånarnas synpunkter visar var människor känner sig otrygga"] },
    };

    [Theory]
    [MemberData(nameof(Swedish))]
    public void Swedish_IsASwedishSentenceWithTheValues_NotTheEnglish(Note note, string[] expected)
    {
        string swedish = NoteText.Swedish.Text(note);
        string english = NoteText.English.Text(note);
        Assert.All(expected, part => Assert.Contains(part, swedish, StringComparison.Ordinal));
        Assert.NotEqual(english, swedish);
        // Swedish numbers: a decimal comma, never a decimal point between digits.
        Assert.DoesNotMatch(@"\d\.\d", swedish);
    }

    [Fact]
    public void EveryKindOfNote_HasBothRenderings_AndASwedishCase()
    {
        Type[] kinds = [.. typeof(Note).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Note)) && !t.IsAbstract)];
        Assert.NotEmpty(kinds);
        Type[] covered = [.. Swedish.Select(row => row[0].GetType()).Distinct()];
        Assert.Empty(kinds.Except(covered).Select(t => t.Name));
        foreach (Note note in Swedish.Select(row => (Note)row[0]))
        {
            Assert.False(string.IsNullOrWhiteSpace(NoteText.English.Text(note)), note.GetType().Name);
            Assert.False(string.IsNullOrWhiteSpace(NoteText.Swedish.Text(note)), note.GetType().Name);
        }

        foreach (Verdict verdict in Enum.GetValues<Verdict>())
        {
            Assert.NotEqual(NoteText.English.Text(verdict), NoteText.Swedish.Text(verdict));
        }
    }

    [Fact]
    public void ANoteKindWithoutWords_IsAnError_NotAnEmptySentence()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NoteText.English.Text(new Unwritten()));
        Assert.Throws<ArgumentOutOfRangeException>(() => NoteText.Swedish.Text(new Unwritten()));
    }

    private sealed record Unwritten : Note;
}
