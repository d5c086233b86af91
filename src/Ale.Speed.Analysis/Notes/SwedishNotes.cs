using System.Globalization;
using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.Hotspots;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Core.Bins;

namespace Ale.Speed.Analysis.Notes;

/// <summary>
/// The notes in Swedish, for the dashboard's Swedish pages: the domain's words (mätavdrag, V85, observerade timmar,
/// bötes- och körkortsintervall) and Swedish numbers (12 345,6; 12,3 %; a true minus sign).
/// </summary>
internal sealed class SwedishNotes : NoteText
{
    /// <summary>Swedish number formatting, spelled out: the process runs with invariant globalization.</summary>
    public static NumberFormatInfo Numbers { get; } = CreateNumbers();

    /// <summary>What follows a percentage: a no-break space and the sign.</summary>
    public const string PercentSuffix = "\u00a0%";

    public override string Text(Note note) => note switch
    {
        SpeedingMethod n => SpeedingMethodText(n.Options),
        ATraktorMethod n => ATraktorMethodText(n.Options),
        PassagesNotOffences n => $"Antalen gäller uppmätta hastigheter för passager (ett fordon som passerar två gånger räknas två gånger) över skyltad hastighet eller ett rapporterat fordonsslags egen högsta hastighet, minus ett mätavdrag på {I(n.MarginKmh)} km/h: inte brott och inte utfärdade böter. Polisen mäter med sitt eget mätavdrag och kontrollerar fordonet.",
        RadarCannotSee n => $"En hastighetsradar kan inte se mopeder klass I i 45 km/h eller trimmade A-traktorer i bilfart (de ser ut som bilar), och inte heller om en långsam passage är en A-traktor, en moped, en cyklist, en traktor eller en kö. Hastighetsmönstret räknar överskottet av passager i {I(n.ClusterFromKmh)}–{I(n.ClusterToKmh)} km/h, inte fordon.",
        ClassAndLengthAreEstimates => "Där enheterna rapporterar fordonsslag är det enhetens uppskattning. Där de rapporterar längd (men inte fordonsslag) skiljer längden en passage med billängd (en A-traktor är en ombyggd bil, men det är också en bil i kö) från en kort (en moped, men också en cyklist eller en motorcykel) och räknar inte med långa fordon; den kan inte skilja en laglig A-traktor från en långsam bil, och inte heller en trimmad moped från en motorcykel.",
        NotRanked n => string.Join("; ", n.Shortfalls.Select(s => s.Of switch
        {
            Shortfall.Vehicles => $"{I(s.Count)} fordon, färre än {I(s.Minimum)}",
            Shortfall.ObservedHours => $"{I(s.Count)} {(s.Count == 1 ? "observerad timme" : "observerade timmar")}, färre än {I(s.Minimum)}",
            _ => $"{I(s.Count)} {(s.Count == 1 ? "passage" : "passager")} som räknas, färre än {I(s.Minimum)}",
        })),
        SpeedingExplanation n => $"{N(n.Score, 2)} viktade uppmätta passager över gränsen per kontrolltimme (minst {N(n.LowerBound, 2)} med {P(n.ConfidenceLevel, 0)} konfidens): {N(n.FineOnlyPerHour, 2)}/h enbart i bötesintervall (×{G(n.FineWeight)}), {N(n.WarningsPerHour, 2)}/h i intervall för körkortsvarning (×{G(n.WarningWeight)}), {N(n.RevocationsPerHour, 2)}/h i intervall för återkallelse av körkortet (×{G(n.RevocationWeight)}); {N(n.VehiclesPerHour, 1)} fordon/h under {I(n.ObservedHours)} observerade timmar, {P(n.ShareOverLimit, 0)} över gränsen, V85 {N(n.V85Kmh, 1)} km/h.",
        ClassifiedExplanation n => $"Enheterna klassar {I(n.Flagged)} av {I(n.Passages)} passager som A-traktor eller moped ({N(n.Score, 2)} per observerad timme, minst {N(n.LowerBound, 2)} med {P(n.ConfidenceLevel, 0)} konfidens, {I(n.ObservedHours)} timmar); fordonsslaget är enhetens uppskattning, och passager är inte fordon.",
        PatternExplanation n => $"{P(n.Share, 0)} av {I(n.Passages)} passager var i {Band(n.Band)} mot {P(n.BaselineShare, 1)} vardagar dagtid (medianhastighet då {N(n.BaselineMedianKmh, 0)} km/h): ett överskott på omkring {N(n.Excess, 0)} passager, {N(n.Score, 2)} per observerad timme (minst {N(n.LowerBound, 2)} med {P(n.ConfidenceLevel, 0)} konfidens; z = {N(n.Z, 1)}). Ett mönster som är typiskt för lagliga A-traktorer och mopeder; passager, inte fordon, och ingen mätning av något enskilt fordon."
            + (n.Lengths is { } l ? $" Av dessa hade {I(l.CarLength)} billängd (passar en A-traktor, eller en långsam bil) och {I(l.Short)} var korta (passar en moped, eller en cyklist); {I(l.ShortFast)} korta passager var över {N(l.ShortFastAboveKmh, 0)} km/h (en trimmad moped, eller en motorcykel)." : ""),
        ClassifiedLikelihood => "möjlig trafik med A-traktorer eller mopeder (passager som enheten klassat)",
        PatternLikelihood n => $"möjlig trafik med A-traktorer eller mopeder ({(n.Strong ? "starkt" : "måttligt")} mönster): ett överskott av passager i {Band(n.Band)}",
        NoBaseline n => $"För lite trafik vardagar dagtid att jämföra med ({I(n.Vehicles)} fordon, minst {I(n.MinimumVehicles)} behövs), och enheterna rapporterar inte fordonsslag.",
        SlowBaseline n => $"Trafiken vardagar dagtid är inte mycket snabbare än {I(n.ClusterToKmh)} km/h här (medianhastighet {N(n.MedianKmh, 1)} km/h, minst {N(n.MinimumMedianKmh, 0)} behövs), så fordon i {I(n.ClusterFromKmh)}–{I(n.ClusterToKmh)} km/h säger ingenting om A-traktorer eller mopeder; enheterna rapporterar inte fordonsslag.",

        VerdictNote n => n.Verdict switch
        {
            Verdict.Decrease => "lägre efter, mer än variationen mellan dagar förklarar",
            Verdict.Increase => "högre efter, mer än variationen mellan dagar förklarar",
            Verdict.BelowMinimumChange => "en förändring, men mindre än den som spelar roll",
            Verdict.InsufficientData => "för få dagar för en bedömning",
            _ => "ingen förändring utöver variationen mellan dagar",
        },
        InsufficientSummary n => $"För lite data: {I(n.DaysBefore)} användbara dagar före och {I(n.DaysAfter)} efter; minst {I(n.MinimumDays)} av vardera behövs för att skilja en förändring från variationen mellan dagar.",
        ChangeSummary n => Summary(n),
        TooFewDays n => $"För få dagar för att bedöma en förändring: {I(n.DaysBefore)} användbara dagar före och {I(n.DaysAfter)} efter, av de dagtyper som båda perioderna har; minst {I(n.MinimumDays)} av vardera behövs, eftersom trafiken varierar från dag till dag och bara flera dagar visar hur mycket.",
        DayIsTheUnit n => $"Dagen är enheten för variation: varje dags värde (omviktat till föreperiodens fördelning över dygnet) är en observation, och vardagar och helgdagar vägs {P(n.WeekdayWeight, 0)} / {P(n.WeekendWeight, 0)} som föreperiodens fordon; intervallet är ett t-intervall från variationen mellan dagar inom varje dagtyp ({I(n.DegreesOfFreedom)} frihetsgrader). Fordon under samma dag är inte oberoende stickprov.",
        NoControlSite => "En jämförelse före och efter visar om hastigheterna skiljer sig, inte varför: årstid, väder, vägarbeten, skollov eller trafik som leds om påverkar också. Utan kontrollplats (--control) går det inte att skilja förändringar som gäller alla vägar från åtgärdens effekt.",
        WithControlSite n => $"Jämfört dag för dag med kontrollplatsen {n.Name} ({n.Id}): förändringar som gäller båda vägarna (årstid, väder) räknas bort, förändringar vid bara den ena gör det inte. Jämförelsen visar fortfarande om hastigheterna skiljer sig, inte varför.",
        MeasuredNotFines => Wording.MeasuredNotFinesSv,
        RegressionToTheMean => "Regression mot medelvärdet: platsen valdes för att den låg högt i en rangordning. En plats som valts för sina höga hastigheter brukar mäta lägre nästa gång även om ingenting görs, så en del av en minskning kan vara slump. Använd en föreperiod som inte användes för att välja platsen, eller en kontrollplats som valts på samma sätt.",
        OutagesFromCoverage n => $"Avbrott avgörs av den lagrade enhetstäckningen (från {Format.LocalShort(n.FromMs)}): en tid på dygnet utan fungerande enhet räknas som saknad, en lugn tid med fungerande enhet som observerad. Före dess räknas en tid på dygnet utan fordon som saknad.",
        LeftOutDays n => $"Dagar som inte räknats ({I(n.Days.Count)}): {string.Join("; ", n.Days.Take(10).Select(d => $"{d.Site} {d.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} ({Text(d.Reason)})"))}{(n.Days.Count > 10 ? "; …" : "")}.",
        OnlyDayTypes n => $"Bara {string.Join(" och ", n.DayTypes.Select(t => t == 0 ? "vardagar" : "helgdagar"))} jämförs: den andra dagtypen saknas i en av perioderna.",
        LimitChangedBetween n => $"Hastighetsgränsen ändrades mellan perioderna (före {Limits(n.BeforeKmh, "/")} km/h, efter {Limits(n.AfterKmh, "/")} km/h): andelen över gränsen jämför varje fordon med den gräns som gällde när det passerade, så den mäter efterlevnad, inte hastighet.",
        LimitChangedWithin => "Hastighetsgränsen ändrades under en period; varje fordon jämförs med den gräns som gällde när det passerade.",
        DisplayChangedBetween n => $"Skyltens läge ändrades mellan perioderna (före: {Displays(n.Before)}, efter: {Displays(n.After)}): förare som ser sin hastighet saktar in, så en del av en förändring kan komma från skylten själv.",
        DisplaysMixed => "En period har data från båda skyltlägena (visar hastigheten och dold); värdena blandar dem.",
        DayTooFewVehicles n => $"{I(n.Vehicles)} fordon, färre än {I(n.MinimumVehicles)}",
        DayWithoutControl n => $"ingen användbar dag vid kontrollplatsen {n.ControlId}",
        DayPartlyCovered n => $"dagens timmar har {P(n.Covered, 0)} av den vanliga trafiken{(n.EmptyTimesOfDay.Count > 0 ? $"; inga fordon kl. {string.Join(", ", n.EmptyTimesOfDay.Select(t => t.Replace('-', '–')))}" : "")}{(n.UnobservedHours is int u ? $"; ingen fungerande enhet under {I(u)} av dagens timmar (lagrad täckning)" : "")}",

        SiteNotConfigured => "Platsen finns inte i konfigurationen; dess namn är okänt.",
        NoData => "Inga data under perioden.",
        BothDisplayModes => "Båda skyltlägena (visar hastigheten och dold) har data under perioden; de redovisas var för sig, aldrig sammanslagna.",
        CoverageStoredFrom n => $"Enhetstäckning finns lagrad från {Format.LocalShort(n.FromMs)}: från dess räknas en timme med fungerande enhet och inga fordon som observerad med noll fordon, och en timme utan fungerande enhet som ett avbrott; före dess härleds avbrott ur långa följder av timmar utan data.",
        CoverageStored => "Enhetstäckning finns lagrad: en timme med fungerande enhet och inga fordon räknas som observerad med noll fordon, och en timme utan fungerande enhet som ett avbrott.",
        NoCoverageStored => "Ingen enhetstäckning finns lagrad för perioden (data skrivna innan täckningen lagrades, eller importerade): avbrott härleds ur följder av timmar utan data som är minst SilentAfter långa, så en lugn väg och en tyst enhet skiljs åt bara på längden.",
        LimitChangedInPeriod n => $"Hastighetsgränsen ändrades under perioden ({Limits(n.LimitsKmh, ", ")} km/h); varje fordon jämförs med den gräns som gällde när det passerade.",

        TargetsForCommitmentPeriod n => $"Målen gäller löftets hela period ({Format.LocalShort(n.FromMs)} – {Format.LocalShort(n.ToMs)}); ”genomfört” räknar de kontroller under den här uppföljningens period som faller inom den.",
        NoCommitment => "Inget medborgarlöfte är inlagt i konfigurationen (AleSpeed:Commitment): det som gjorts visas utan något löfte att jämföra med.",
        EffectMethod n => $"Den uppmätta effekten vid en mätplats jämför de {I(n.Days)} dagarna (svensk tid) före dagen för platsens första kontroll under perioden med de {I(n.Days)} dagarna från och med den dagen, med samma före/efter-metod som 'compare' (dagen som enhet för variation). Dagar efter den senast lagrade mätningen saknas, så en nyss hållen kontroll kan ge ”för få dagar för en bedömning”.",
        ControlsRegressToTheMean => "Kontroller läggs där problem rapporteras eller mäts, så en plats brukar mäta lägre efteråt även utan effekt (regression mot medelvärdet); en jämförelse före och efter visar om hastigheterna skiljer sig, inte varför.",
        ReportsAreFelt => "Invånarnas synpunkter visar var människor känner sig otrygga; de räknas på den mätplats de anger eller den närmaste mätplatsen inom det inställda avståndet, och vägs aldrig mot mätningarna.",
        _ => throw new ArgumentOutOfRangeException(nameof(note), note.GetType().Name, "A note without Swedish words."),
    };

    /// <summary>12 345,6 (a no-break space between thousands, decimal comma, a true minus sign); "–" when not finite.</summary>
    public static string N(double value, int decimals = 1)
        => double.IsFinite(value) ? value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), Numbers) : "–";

    /// <summary>A share 0–1 as 12,3 %.</summary>
    public static string P(double share, int decimals = 1) => double.IsFinite(share) ? N(share * 100, decimals) + PercentSuffix : "–";

    private static string G(double value) => value.ToString(Numbers);

    private static string I(long value) => value.ToString("N0", Numbers);

    private static string Limits(IReadOnlyList<int> limits, string separator) => string.Join(separator, limits.Select(l => I(l)));

    private static string Displays(IReadOnlyList<string> displays)
        => string.Join(" + ", displays.Select(d => d == "stealth" ? "dold" : d == "on" ? "visar hastigheten" : d));

    private static string Band(ClusterBand band) => band.ByLength
        ? $"{N(band.FromKmh, 0)}–{N(band.ToKmh, 0)} km/h med bil- eller tvåhjulingslängd"
        : $"{N(band.FromKmh, 0)}–{N(band.ToKmh, 0)} km/h";

    private static string SpeedingMethodText(HotspotOptions o)
        => $"Poäng = uppmätta passager över gränsen per kontrolltimme, viktade efter allvar: enbart i ett bötesintervall ×{G(o.FineWeight)}, i ett intervall för körkortsvarning ×{G(o.LicenceWarningWeight)}, i ett intervall för återkallelse av körkortet ×{G(o.LicenceRevocationWeight)} (varje passage räknas en gång, i sitt allvarligaste intervall; intervallen gäller uppmätt hastighet minus ett mätavdrag på {I(o.Statistics.Penalties.ReportableMarginKmh)} km/h). Summan över perioden delas med antalet timmar av den timmen i veckan då platsen fungerade (enligt den lagrade enhetstäckningen där den finns; annars räknas timmar inom troliga avbrott bort). Båda riktningarna slås ihop. Listan rangordnas på poängens nedre konfidensgräns ({P(o.ConfidenceLevel, 0)}, Poisson), så att ett fönster som får hög poäng av en slump under få timmar inte hamnar överst. Fönster med färre än {I(o.EffectiveMinimumVehicles)} fordon, {I(o.MinimumObservedHours)} observerade timmar eller {I(o.MinimumOffences)} passager över gränsen rangordnas inte.";

    private static string ATraktorMethodText(HotspotOptions o)
        => $"Där enheterna rapporterar fordonsslag: passager klassade som A-traktor eller moped per observerad timme. Annars en tumregel som bygger på hastighetsmönstret (där enheterna rapporterar längd, bara passager med bil- eller tvåhjulingslängd i {N(LengthPatterns.SlowFromKmh, 0)}–{N(LengthPatterns.SlowToKmh, 0)} km/h): i kvällsfönster ({I(o.EveningFromHour)}–{I(o.EveningToHour)}) och helgfönster, överskottet av passager i {I(o.ClusterFromKmh)}–{I(o.ClusterToKmh)} km/h utöver andelen vardagar dagtid ({I(o.BaselineFromHour)}–{I(o.BaselineToHour)}) på samma plats, per observerad timme; bara på platser där medianhastigheten vardagar dagtid är minst {N(Math.Max(o.MinimumBaselineMedianKmh, o.ClusterToKmh + 15), 0)} km/h, och bara när överskottet är minst {P(o.MinimumExcessShare, 0)}, {G(o.MinimumExcessVehicles)} passager och z ≥ {G(o.MinimumZ)}. Listan rangordnas på den nedre konfidensgränsen ({P(o.ConfidenceLevel, 0)}) för takten. En sannolikhet för sådan trafik, aldrig ett påstående om något enskilt fordon.";

    private static string Summary(ChangeSummary p)
    {
        string what = p.Figure switch { PrimaryFigure.Mean => "Medelhastigheten", PrimaryFigure.V85 => "V85", _ => "Andelen över gränsen" };
        bool share = p.Figure == PrimaryFigure.ShareOverLimit;
        string unit = share ? "procentenheter" : "km/h";
        string Amount(double v) => $"{N(share ? v * 100 : v)} {unit}";
        string Signed(double v) => (share ? v * 100 : v).ToString("+0.0;\u22120.0;0.0", Numbers);
        string direction = p.Change < 0 ? "lägre" : "högre";
        string relative = p.ControlName is null ? "" : $", jämfört med kontrollplatsen {p.ControlName}";
        string head = $"{what} var {Amount(Math.Abs(p.Change))} {direction} efter än före{relative} ({P(p.ConfidenceLevel, 0)}-intervall {Signed(p.Lower)} till {Signed(p.Upper)} {unit})";
        return p.Verdict switch
        {
            Verdict.NoChange => $"{head}: inom vad variationen mellan dagar förklarar, så ingen förändring kan visas.",
            Verdict.BelowMinimumChange => $"{head}: {direction} än variationen mellan dagar förklarar, men mindre än de {Amount(p.MinimumChange)} som satts som minsta förändring som spelar roll.",
            _ => $"{head}: {direction} än variationen mellan dagar förklarar, och minst de {Amount(p.MinimumChange)} som spelar roll. Det visar inte vad som orsakade förändringen.",
        };
    }

    private static NumberFormatInfo CreateNumbers()
    {
        var numbers = (NumberFormatInfo)CultureInfo.InvariantCulture.NumberFormat.Clone();
        numbers.NumberDecimalSeparator = ",";
        numbers.NumberGroupSeparator = "\u00a0";
        numbers.NegativeSign = "\u2212";
        return NumberFormatInfo.ReadOnly(numbers);
    }
}
