using System.Globalization;
using System.Net;
using System.Text;
using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.Notes;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;

namespace Ale.Speed.Analysis.FollowUp;

/// <summary>
/// The follow-up as a terminal table, as CSV (one line per site and display mode), and as a printable Swedish page
/// (the report's print styles).
/// </summary>
public static class FollowUpRenderer
{
    /// <summary>A missing value in a terminal table, as the other commands' tables write it.</summary>
    private const string Missing = "-";

    /// <summary>The CSV columns, in order (docs/analysis.md).</summary>
    public static readonly string[] CsvColumns = ["site", "name", "controls", "controlHours", "checked", "reported", "licences", "controlsWithoutCounts",
        "concerns", "concernsSpeeding", "concernsMoped", "concernsAtraktor", "display", "vehicles", "meanKmh", "v85Kmh", "shareOverLimit", "belowMinimumSample",
        "hoursWithData", "hoursInPeriod", "effectBeforeFrom", "effectBeforeTo", "effectAfterFrom", "effectAfterTo", "effectMeanBeforeKmh", "effectMeanAfterKmh",
        "effectMeanChangeKmh", "effectLowerKmh", "effectUpperKmh", "effectVerdict"];

    /// <summary>
    /// One line per site and display mode (a site without measurements: one line with an empty display). A site's
    /// controls, reports and effect repeat on each of its lines: sum them over sites, not over lines.
    /// </summary>
    public static void WriteCsv(FollowUpDocument d, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(output);
        var csv = new CsvWriter(output);
        foreach (string column in CsvColumns)
        {
            csv.Field(column);
        }

        csv.EndLine();
        foreach (FollowUpSiteDto s in d.Sites)
        {
            FigureChangeDto? mean = s.Effect?.Changes[0];
            MeasuredDto?[] measured = s.Measured.Length == 0 ? [null] : [.. s.Measured];
            foreach (MeasuredDto? m in measured)
            {
                csv.Field(s.Site).Field(s.Name).Field(s.Controls).Field(s.ControlHours).Field(s.Checked).Field(s.Reported).Field(s.Licences).Field(s.ControlsWithoutCounts)
                    .Field(s.Concerns).Field(s.ConcernsByKind.Speeding).Field(s.ConcernsByKind.Moped).Field(s.ConcernsByKind.Atraktor)
                    .Field(m?.Display).Field(m?.Vehicles).Field(m?.MeanKmh).Field(m?.V85Kmh).Field(m?.ShareOverLimit).Field(m is null ? "" : m.BelowMinimumSample ? "true" : "false")
                    .Field(m?.HoursWithData).Field(m?.HoursInPeriod)
                    .Field(Iso(s.Effect?.Before.From)).Field(Iso(s.Effect?.Before.To)).Field(Iso(s.Effect?.After.From)).Field(Iso(s.Effect?.After.To))
                    .Field(mean?.Before).Field(mean?.After).Field(mean?.Change).Field(mean?.Lower).Field(mean?.Upper).Field(NoteText.English.Optional(s.Effect?.Verdict));
                csv.EndLine();
            }
        }
    }

    public static void WriteTable(FollowUpDocument d, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"Follow-up{(d.Commitment is null ? "" : " of " + d.Commitment.Title)}, {Short(d.Period.From)} – {Short(d.Period.To)}");
        output.WriteLine();
        if (d.Commitment is { } c)
        {
            output.WriteLine($"Promised against done (the commitment's period {Short(c.Period.From)} – {Short(c.Period.To)}):");
            var targets = new TextTable("kind", "promised", "done", "promise");
            foreach (TargetDto t in c.Targets)
            {
                targets.Add(t.Kind, Format.Integer(t.Promised), Format.Integer(t.Done), t.Text ?? "");
            }

            targets.WriteTo(output);
            output.WriteLine();
        }

        FollowUpTotalsDto n = d.Totals;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Done: {n.Controls} controls, {n.ControlHours:0.#} hours, {n.Checked} vehicles checked, {n.Reported} drivers reported, {n.Licences} licences withdrawn. Felt: {n.Concerns} residents' reports, {n.ConcernsWithoutSite} at places without a sign."));
        output.WriteLine();
        var sites = new TextTable("site", "controls", "hours", "checked", "reported", "licences", "reports", "display", "vehicles", "mean", "V85", "over limit",
            $"effect: mean change ({d.EffectDays}+{d.EffectDays} days)", "verdict");
        foreach (FollowUpSiteDto s in d.Sites)
        {
            MeasuredDto[] measured = s.Measured.Length == 0 ? [new MeasuredDto(Missing, 0, null, null, null, true, 0, 0)] : s.Measured;
            for (int i = 0; i < measured.Length; i++)
            {
                MeasuredDto m = measured[i];
                bool first = i == 0;
                FigureChangeDto? mean = first ? s.Effect?.Changes[0] : null;
                sites.Add(first ? s.Site : "", first ? Format.Integer(s.Controls) : "", first ? Format.Number(s.ControlHours) : "",
                    first ? Format.Integer(s.Checked) : "", first ? Format.Integer(s.Reported) : "", first ? Format.Integer(s.Licences) : "", first ? Format.Integer(s.Concerns) : "",
                    m.Display, Format.Integer(m.Vehicles) + (m.BelowMinimumSample && m.Vehicles > 0 ? "*" : ""), Cell(m.MeanKmh), Cell(m.V85Kmh),
                    m.ShareOverLimit is double share ? Format.Percent(share) : Missing,
                    mean is null ? "" : mean.Change is double change ? $"{Format.Signed(change)} km/h" : Missing, first ? NoteText.English.Optional(s.Effect?.Verdict) ?? "" : "");
            }
        }

        sites.WriteTo(output);
        output.WriteLine("(* below the minimum sample: shown, not to be concluded from)");
        foreach (FollowUpSiteDto s in d.Sites.Where(s => s.Effect is not null))
        {
            output.WriteLine($"  {s.Site}: {NoteText.English.Text(s.Effect!.Summary)}");
        }

        output.WriteLine();
        output.WriteLine("Places with residents' reports but no sign (where to measure next):");
        if (d.PlacesWithoutSite.Length == 0)
        {
            output.WriteLine("  none");
        }
        else
        {
            var places = new TextTable("place", "reports", "speeding", "moped", "atraktor", "nearest site");
            foreach (PlaceWithoutSiteDto p in d.PlacesWithoutSite)
            {
                places.Add(p.Place, Format.Integer(p.Concerns), Format.Integer(p.ConcernsByKind.Speeding), Format.Integer(p.ConcernsByKind.Moped),
                    Format.Integer(p.ConcernsByKind.Atraktor), p.NearestSite is null ? Missing : string.Create(CultureInfo.InvariantCulture, $"{p.NearestSite} ({p.NearestSiteMetres:0} m)"));
            }

            places.WriteTo(output);
        }

        output.WriteLine();
        foreach (string note in NoteText.English.Texts(d.Notes))
        {
            output.WriteLine("note: " + note);
        }
    }

    public static void WriteHtml(FollowUpDocument d, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(output);
        string title = d.Commitment?.Title ?? "Uppföljning av medborgarlöftet";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\" />\n<title>").Append(E($"Uppföljning: {title}, {Short(d.Period.From)} – {Short(d.Period.To)}"))
            .Append("</title>\n<style>\n").Append(HtmlReportRenderer.Css).Append("</style>\n</head>\n<body>\n");
        html.Append("<header>\n<h1>Uppföljning: ").Append(E(title)).Append("</h1>\n<p>Polisens och kommunens insatser, invånarnas synpunkter och radarskyltarnas mätningar, Ale kommun. Period: ")
            .Append(E(Short(d.Period.From))).Append(" – ").Append(E(Short(d.Period.To))).Append(" (svensk tid).</p>\n</header>\n");

        html.Append("<section>\n<h2>Utlovat och genomfört</h2>\n");
        if (d.Commitment is { } c)
        {
            html.Append("<p>Löftets period: ").Append(E(Short(c.Period.From))).Append(" – ").Append(E(Short(c.Period.To))).Append(".</p>\n")
                .Append("<table>\n<thead><tr><th>Insats</th><th>Löfte</th><th>Utlovat</th><th>Genomfört</th></tr></thead>\n<tbody>\n");
            foreach (TargetDto t in c.Targets)
            {
                FollowUpNames.TryParse(t.Kind, out ControlKind kind);
                html.Append("<tr><td>").Append(E(FollowUpNames.Swedish(kind))).Append("</td><td>").Append(E(t.Text ?? "")).Append("</td>")
                    .Append(Td(Format.Integer(t.Promised))).Append(Td(Format.Integer(t.Done))).Append("</tr>\n");
            }

            html.Append("</tbody>\n</table>\n");
        }
        else
        {
            html.Append("<p class=\"note\">Inget medborgarlöfte är inlagt i konfigurationen (AleSpeed:Commitment): här visas det som gjorts utan något att jämföra med.</p>\n");
        }

        FollowUpTotalsDto n = d.Totals;
        html.Append("<p>").Append(E(string.Create(CultureInfo.InvariantCulture,
            $"Under perioden: {n.Controls} kontroller, {Format.Number(n.ControlHours)} timmar, {n.Checked} kontrollerade fordon, {n.Reported} rapporterade förare, {n.Licences} körkortsingripanden. {n.Concerns} synpunkter från invånare, varav {n.ConcernsWithoutSite} om platser utan mätplats.")))
            .Append("</p>\n</section>\n");

        html.Append("<section>\n<h2>Per mätplats: gjort, upplevt och uppmätt</h2>\n<table>\n<thead><tr><th>Mätplats</th><th>Kontroller</th><th>Timmar</th><th>Kontrollerade</th><th>Rapporterade</th>")
            .Append("<th>Körkort</th><th>Synpunkter</th><th>Skylt</th><th>Antal fordon</th><th>Medel (km/h)</th><th>V85</th><th>Andel över gränsen</th></tr></thead>\n<tbody>\n");
        foreach (FollowUpSiteDto s in d.Sites)
        {
            MeasuredDto[] measured = s.Measured.Length == 0 ? [new MeasuredDto("", 0, null, null, null, true, 0, 0)] : s.Measured;
            foreach (MeasuredDto m in measured)
            {
                html.Append("<tr><td>").Append(E(s.Name)).Append("</td>").Append(Td(Format.Integer(s.Controls))).Append(Td(Format.Number(s.ControlHours)))
                    .Append(Td(Format.Integer(s.Checked))).Append(Td(Format.Integer(s.Reported))).Append(Td(Format.Integer(s.Licences))).Append(Td(Format.Integer(s.Concerns)))
                    .Append("<td>").Append(E(m.Display switch { "stealth" => "dold", "on" => "visar hastighet", _ => "" })).Append("</td>")
                    .Append(Td(Format.Integer(m.Vehicles) + (m.BelowMinimumSample && m.Vehicles > 0 ? " *" : ""))).Append(Td(Number(m.MeanKmh))).Append(Td(Number(m.V85Kmh)))
                    .Append(Td(m.ShareOverLimit is double share ? Format.Percent(share) : "–")).Append("</tr>\n");
            }
        }

        html.Append("</tbody>\n</table>\n<p class=\"muted\">* färre fordon än minsta underlaget: visas, men ska inte dras slutsatser av. Kontroller utan inlagda antal räknas inte in i summorna.</p>\n</section>\n");

        html.Append("<section>\n<h2>Uppmätt effekt runt kontrollerna</h2>\n<p>")
            .Append(E(string.Create(CultureInfo.InvariantCulture,
                $"För varje mätplats med kontroll jämförs de {d.EffectDays} dagarna före dagen för periodens första kontroll med de {d.EffectDays} dagarna från den dagen. Varje dag är en observation (dygnets medelhastighet, omviktad till samma fördelning över dygnet); intervallet bygger på variationen mellan dagar.")))
            .Append("</p>\n");
        FollowUpSiteDto[] withEffect = [.. d.Sites.Where(s => s.Effect is not null)];
        if (withEffect.Length == 0)
        {
            html.Append("<p>Inga kontroller under perioden.</p>\n");
        }
        else
        {
            html.Append("<table>\n<thead><tr><th>Mätplats</th><th>Före</th><th>Efter</th><th>Medel före (km/h)</th><th>Medel efter</th><th>Förändring</th><th>95 % intervall</th><th>Bedömning</th></tr></thead>\n<tbody>\n");
            foreach (FollowUpSiteDto s in withEffect)
            {
                CompareDocument e = s.Effect!;
                FigureChangeDto mean = e.Changes[0];
                html.Append("<tr><td>").Append(E(s.Name)).Append("</td><td>").Append(E(Day(e.Before.From) + " – " + Day(e.Before.To))).Append("</td><td>")
                    .Append(E(Day(e.After.From) + " – " + Day(e.After.To))).Append("</td>").Append(Td(Number(mean.Before))).Append(Td(Number(mean.After)))
                    .Append(Td(mean.Change is double change ? Format.Signed(change) : "–"))
                    .Append(Td(mean.Lower is double lo && mean.Upper is double hi ? $"{Format.Signed(lo)} till {Format.Signed(hi)}" : "–"))
                    .Append("<td>").Append(E(NoteText.Swedish.Text(mean.Verdict))).Append("</td></tr>\n");
            }

            html.Append("</tbody>\n</table>\n<p class=\"note\">")
                .Append(E("En jämförelse före och efter visar om hastigheterna skiljer sig, inte varför: årstid, väder, vägarbeten, skollov och omledd trafik påverkar också. "
                    + "Kontroller läggs där problem rapporteras eller mäts, och en sådan plats brukar mäta lägre nästa gång även utan åtgärd (regression mot medelvärdet). "
                    + string.Create(CultureInfo.InvariantCulture, $"En förändring räknas först när intervallet utesluter 0 och förändringen är minst {Format.Number(withEffect[0].Effect!.MinimumChangeKmh)} km/h.")))
                .Append("</p>\n");
        }

        html.Append("</section>\n<section>\n<h2>Platser med synpunkter men utan mätplats</h2>\n");
        if (d.PlacesWithoutSite.Length == 0)
        {
            html.Append("<p>Inga: alla synpunkter under perioden gäller en mätplats.</p>\n");
        }
        else
        {
            html.Append("<p>Här kan en radarskylt sättas upp härnäst.</p>\n<table>\n<thead><tr><th>Plats</th><th>Synpunkter</th><th>Fortkörning</th><th>Mopeder</th><th>A-traktorer</th><th>Närmaste mätplats</th></tr></thead>\n<tbody>\n");
            foreach (PlaceWithoutSiteDto p in d.PlacesWithoutSite)
            {
                html.Append("<tr><td>").Append(E(p.Place)).Append("</td>").Append(Td(Format.Integer(p.Concerns))).Append(Td(Format.Integer(p.ConcernsByKind.Speeding)))
                    .Append(Td(Format.Integer(p.ConcernsByKind.Moped))).Append(Td(Format.Integer(p.ConcernsByKind.Atraktor))).Append("<td>")
                    .Append(E(p.NearestSite is null ? "–" : string.Create(CultureInfo.InvariantCulture, $"{p.NearestSite} ({p.NearestSiteMetres:0} m)"))).Append("</td></tr>\n");
            }

            html.Append("</tbody>\n</table>\n");
        }

        html.Append("</section>\n<footer class=\"muted\">\n<h3>Om siffrorna</h3>\n<p>")
            .Append(E(Wording.MeasuredNotFinesSv + " Antal kontroller, kontrollerade och rapporterade är polisens egna uppgifter som de lagts in i registret. "
                + "Invånarnas synpunkter räknas på den mätplats de anger, eller den närmaste mätplatsen inom det inställda avståndet; de vägs inte mot mätningarna."))
            .Append("</p>\n</footer>\n</body>\n</html>\n");
        output.Write(html.ToString());
    }

    private static string Number(double? value) => value is double v ? Format.Number(v) : "–";

    private static string Cell(double? value) => value is double v ? Format.Number(v) : Missing;

    private static string? Iso(DateTimeOffset? time) => time?.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string Short(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Day(DateTimeOffset time) => time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Td(string text) => "<td class=\"n\">" + E(text) + "</td>";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
