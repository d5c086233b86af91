using System.Globalization;
using System.Text.Json;
using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.FollowUp;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Dashboard.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Ale.Speed.Dashboard.Pages;

/// <summary>
/// The follow-up of the commitment (<c>/followup</c>): promised against done, per site what was done, felt and
/// measured, the measured effect around the controls with its caveats, and places with reports but no sign. It runs
/// <c>ale-speed followup</c>'s own entry point with <c>--format json</c> and renders that document, so every figure is
/// the CLI's; each table's data is the CSV and JSON of <c>/api/followup</c> for the same query.
/// </summary>
internal static class FollowUpPage
{
    private static readonly string[] s_pageParameters = [.. FollowUpQuery.Parameters.Where(p => p != "format")];

    public static async Task WriteAsync(HttpContext context, DashboardData data, DashboardOptions options)
    {
        var page = new Page(context, "/followup", s_pageParameters);
        Language l = page.L;
        DashboardFollowUp source = FollowUpQuery.Source(data);
        long now = data.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        FollowUpRequest request = FollowUpQuery.Request(page.Query, OutputFormat.Json, source, FollowUpQuery.DefaultPeriod(source, now, options.DefaultDays));
        Caching.AnalysisAnswers answers = context.RequestServices.GetRequiredService<Caching.AnalysisAnswers>();
        Caching.Answer<FollowUpDocument> answer = await answers.FollowUpAsync(context, request, source.Store).ConfigureAwait(false);
        FollowUpDocument d = answer.Value;

        string title = l.T("Uppföljning av medborgarlöftet", "Follow-up of the commitment");
        Layout.Begin(page, title, "followup");
        page.Append("<h1>").Text(d.Commitment is null ? title : l.T("Uppföljning: ", "Follow-up: ") + d.Commitment.Title).Append("</h1>\n");
        Layout.PeriodForm(page, request.Period, ("days", page.Value("days")), ("control", page.Value("control")), ("min-change", page.Value("min-change")));
        page.Append("<p>").Text(l.T(
            $"Vad polis och kommun lovade och gjorde, vad invånarna har rapporterat och vad radarskyltarna mätte, {ReportPages.PeriodLabel(request.Period)}.",
            $"What police and municipality promised and did, what residents reported and what the radar signs measured, {ReportPages.PeriodLabel(request.Period)}.")).Append("</p>\n");
        Layout.AsOf(page, answers.MaxAge, answer);

        (string Name, string? Value)[] query = [("from", Page.PeriodText(request.Period.FromMs)), ("to", Page.PeriodText(request.Period.ToMs)),
            ("days", page.Value("days")), ("control", page.Value("control")), ("min-change", page.Value("min-change"))];
        Promised(page, d);
        Sites(page, d, query);
        Effects(page, d);
        Places(page, d);
        Controls(page, d);
        About(page, d);
        Layout.Downloads(page, (Page.Href("/api/followup", query), l.T("Hela uppföljningen som JSON", "The whole follow-up as JSON")));
        Layout.End(page);
        await page.WriteAsync().ConfigureAwait(false);
    }

    private static void Promised(Page page, FollowUpDocument d)
    {
        Language l = page.L;
        page.Append("<h2>").Text(l.T("Utlovat och genomfört", "Promised against done")).Append("</h2>\n");
        if (d.Commitment is { } c)
        {
            string period = $"{Language.Date(c.Period.From)} – {Language.Date(c.Period.To)}";
            Layout.BeginTable(page, l.T($"Löftet för {period}", $"The commitment for {period}"),
                l.T("Insats", "Effort"), l.T("Löftet", "The promise"), l.T("Utlovat", "Promised"), l.T("Genomfört", "Done"), l.T("Andel av det utlovade", "Share of the promise"));
            foreach (TargetDto t in c.Targets)
            {
                page.Append("<tr data-kind=\"").Text(t.Kind).Append("\"><th scope=\"row\">").Text(KindName(l, t.Kind)).Append("</th><td>").Text(t.Text ?? "–").Append("</td>");
                Cell(page, "promised", l.Integer(t.Promised));
                Cell(page, "done", l.Integer(t.Done));
                Cell(page, "shareDone", t.Promised > 0 ? l.Percent((double)t.Done / t.Promised, 0) : "–");
                page.Append("</tr>\n");
            }

            Layout.EndTable(page);
            if (c.Period.From != d.Period.From || c.Period.To != d.Period.To)
            {
                page.Append("<p class=\"note\">").Text(l.T(
                    $"Det utlovade gäller hela löftets period ({period}); som genomfört räknas kontrollerna i den visade perioden som också ligger inom löftets period.",
                    $"The promise is for the commitment's whole period ({period}); done counts the controls of the period shown that also fall within the commitment's period.")).Append("</p>\n");
            }
        }
        else
        {
            page.Append("<p class=\"note\">").Text(l.T(
                "Inget medborgarlöfte är inlagt i konfigurationen (AleSpeed:Commitment): här visas det som gjorts utan något löfte att jämföra med.",
                "No commitment is configured (AleSpeed:Commitment): what was done is shown without a promise to compare with.")).Append("</p>\n");
        }

        FollowUpTotalsDto n = d.Totals;
        Layout.BeginTable(page, l.T("Totalt under perioden", "In total in the period"), l.T("Kontroller", "Controls"), l.T("Timmar", "Hours"),
            l.T("Kontrollerade fordon", "Vehicles checked"), l.T("Rapporterade förare", "Drivers reported"), l.T("Körkortsingripanden", "Licences withdrawn"),
            l.T("Synpunkter från invånare", "Residents' reports"), l.T("varav utan mätplats", "of which without a sign"));
        page.Append("<tr data-totals=\"\">");
        Cell(page, "controls", l.Integer(n.Controls));
        Cell(page, "controlHours", l.Number(n.ControlHours));
        Cell(page, "checked", l.Integer(n.Checked));
        Cell(page, "reported", l.Integer(n.Reported));
        Cell(page, "licences", l.Integer(n.Licences));
        Cell(page, "concerns", l.Integer(n.Concerns));
        Cell(page, "concernsWithoutSite", l.Integer(n.ConcernsWithoutSite));
        page.Append("</tr>\n");
        Layout.EndTable(page);
    }

    private static void Sites(Page page, FollowUpDocument d, (string Name, string? Value)[] query)
    {
        Language l = page.L;
        page.Append("<h2>").Text(l.T("Per mätplats: gjort, upplevt och uppmätt", "Per site: done, felt and measured")).Append("</h2>\n<p>")
            .Text(l.T("Kontrollerna som började under perioden, invånarnas synpunkter som räknas till platsen och skyltens mätningar för samma period (båda riktningarna, per skyltläge). Kontroller utan inlagda antal räknas inte in i summorna av kontrollerade och rapporterade.",
                "The controls that started in the period, the residents' reports counted at the site, and the sign's measurements for the same period (both directions, per display mode). Controls registered without counts are left out of the sums of checked and reported."))
            .Append("</p>\n");
        Layout.BeginTable(page, l.T("Gjort per mätplats", "Done per site"), l.T("Plats", "Site"), l.T("Kontroller", "Controls"), l.T("Timmar", "Hours"),
            l.T("Kontrollerade", "Checked"), l.T("Rapporterade", "Reported"), l.T("Körkort", "Licences"));
        foreach (FollowUpSiteDto s in d.Sites)
        {
            page.Append("<tr data-site=\"").Text(s.Site).Append("\"><th scope=\"row\"><a href=\"").Text(page.Nav("/site/" + Uri.EscapeDataString(s.Site))).Append("\">")
                .Text(s.Name).Append("</a></th>");
            Cell(page, "controls", l.Integer(s.Controls));
            Cell(page, "controlHours", l.Number(s.ControlHours));
            Cell(page, "checked", l.Integer(s.Checked) + (s.ControlsWithoutCounts > 0 && s.Controls > 0 ? " †" : ""));
            Cell(page, "reported", l.Integer(s.Reported));
            Cell(page, "licences", l.Integer(s.Licences));
            page.Append("</tr>\n");
        }

        Layout.EndTable(page);
        Layout.BeginTable(page, l.T("Upplevt och uppmätt per mätplats", "Felt and measured per site"), l.T("Plats", "Site"), l.T("Synpunkter", "Reports"),
            l.T("Synpunkter per slag", "Reports by kind"), l.T("Skylt", "Display"), l.T("Fordon", "Vehicles"), l.T("Medel km/h", "Mean km/h"), "V85 km/h",
            l.T("Andel över gränsen", "Share over the limit"), l.T("Timmar med data", "Hours with data"));
        foreach (FollowUpSiteDto s in d.Sites)
        {
            MeasuredDto?[] measured = s.Measured.Length == 0 ? [null] : [.. s.Measured];
            int span = measured.Length;
            for (int i = 0; i < measured.Length; i++)
            {
                MeasuredDto? m = measured[i];
                page.Append("<tr data-felt=\"").Text(s.Site).Append("\" data-display=\"").Text(m?.Display ?? "").Append("\">");
                if (i == 0)
                {
                    page.Append("<th scope=\"row\" rowspan=\"").Append(span.ToString(CultureInfo.InvariantCulture)).Append("\">").Text(s.Name).Append("</th>");
                    Cell(page, "concerns", l.Integer(s.Concerns), span);
                    page.Append("<td rowspan=\"").Append(span.ToString(CultureInfo.InvariantCulture)).Append("\" data-figure=\"concernsByKind\">").Text(ByKind(l, s.ConcernsByKind)).Append("</td>");
                }

                if (m is null)
                {
                    page.Append("<td>–</td>");
                    Cell(page, "vehicles", l.Integer(0));
                    Cell(page, "mean", "–");
                    Cell(page, "v85", "–");
                    Cell(page, "shareOverLimit", "–");
                    Cell(page, "hoursWithData", "–");
                }
                else
                {
                    page.Append("<td>").Text(l.Display(m.Display)).Append("</td>");
                    Cell(page, "vehicles", l.Integer(m.Vehicles) + (m.BelowMinimumSample && m.Vehicles > 0 ? " *" : ""));
                    Cell(page, "mean", l.Number(m.MeanKmh));
                    Cell(page, "v85", l.Number(m.V85Kmh));
                    Cell(page, "shareOverLimit", l.Percent(m.ShareOverLimit));
                    Cell(page, "hoursWithData", $"{l.Integer(m.HoursWithData)} / {l.Integer(m.HoursInPeriod)}");
                }

                page.Append("</tr>\n");
            }
        }

        Layout.EndTable(page);
        page.Append("<p class=\"muted\">").Text(l.T(
            "* för få fordon för att dra slutsatser. † några kontroller saknar inlagda antal; deras kontrollerade och rapporterade är okända, inte noll.",
            "* too few vehicles to draw conclusions. † some controls have no counts registered; their checked and reported are unknown, not zero.")).Append("</p>\n");
        Layout.Downloads(page, (Page.Href("/api/followup", query, ("format", "csv")), l.T("Tabellerna som CSV (en rad per plats och skyltläge)", "The tables as CSV (a line per site and display mode)")));
    }

    private static void Effects(Page page, FollowUpDocument d)
    {
        Language l = page.L;
        page.Append("<h2>").Text(l.T("Uppmätt effekt runt kontrollerna", "Measured effect around the controls")).Append("</h2>\n<p>")
            .Text(l.T($"För varje mätplats med kontroller jämförs de {d.EffectDays} dagarna före dagen för periodens första kontroll med de {d.EffectDays} dagarna från den dagen, med samma metod som Före/efter: varje dag är en observation, och intervallet bygger på variationen mellan dagar.",
                $"For each site with controls, the {d.EffectDays} days before the day of the period's first control are compared with the {d.EffectDays} days from that day on, with the method of Before/after: each day is one observation, and the interval rests on the variation between days."))
            .Append("</p>\n");
        FollowUpSiteDto[] withEffect = [.. d.Sites.Where(s => s.Effect is not null)];
        if (withEffect.Length == 0)
        {
            page.Append("<p>").Text(l.T("Inga kontroller under perioden, så ingen effekt att mäta.", "No controls in the period, so no effect to measure.")).Append("</p>\n");
            return;
        }

        double level = withEffect[0].Effect!.ConfidenceLevel * 100;
        Layout.BeginTable(page, l.T("Medelhastighet före och efter den första kontrollen", "Mean speed before and after the first control"), l.T("Plats", "Site"),
            l.T("Före", "Before"), l.T("Efter", "After"), l.T("Medel före km/h", "Mean before km/h"), l.T("Medel efter km/h", "Mean after km/h"),
            l.T("Förändring km/h", "Change km/h"), l.T($"{level:F0} %-intervall", $"{level:F0}% interval"), l.T("Bedömning", "Verdict"), l.T("Hela jämförelsen", "The whole comparison"));
        foreach (FollowUpSiteDto s in withEffect)
        {
            CompareDocument e = s.Effect!;
            FigureChangeDto mean = e.Changes[0];
            page.Append("<tr data-effect=\"").Text(s.Site).Append("\"><th scope=\"row\">").Text(s.Name).Append("</th><td>").Text(Days(e.Before)).Append("</td><td>").Text(Days(e.After)).Append("</td>");
            Cell(page, "before", l.Number(mean.Before));
            Cell(page, "after", l.Number(mean.After));
            Cell(page, "change", l.Signed(mean.Change));
            Cell(page, "interval", mean.Lower is double lo && mean.Upper is double hi ? $"{l.Signed(lo)} … {l.Signed(hi)}" : "–");
            page.Append("<td data-figure=\"verdict\">").Text(l.Note(mean.Verdict)).Append("</td>");

            (string, string?)[] compare = [("site", s.Site), ("before", Range(e.Before)), ("after", Range(e.After)), ("control", e.ControlSite),
                ("min-change", e.MinimumChangeKmh.ToString(CultureInfo.InvariantCulture)), ("selected-by-ranking", "true"), ("lang", page.Value("lang"))];
            page.Append("<td><a href=\"").Text(Page.Href("/compare", compare)).Append("\">").Text(l.T($"Före/efter vid {s.Name}", $"Before/after at {s.Name}")).Append("</a></td></tr>\n");
        }

        Layout.EndTable(page);
        page.Append("<div class=\"note\">\n<p>").Text(l.T(
            "En jämförelse före och efter visar om hastigheterna skiljer sig, inte varför: årstid, väder, vägarbeten, skollov och omledd trafik påverkar också.",
            "A before/after comparison shows whether speeds differ, not why: season, weather, road works, school holidays and diverted traffic matter too.")).Append("</p>\n<p>")
            .Text(l.T(
                "Kontroller läggs där problem rapporteras eller mäts, och en sådan plats brukar mäta lägre nästa gång även utan åtgärd (regression mot medelvärdet).",
                "Controls are placed where problems are reported or measured, and such a site tends to measure lower next time even without a measure (regression to the mean).")).Append("</p>\n<p>")
            .Text(l.T(
                $"En förändring räknas först när intervallet utesluter 0 och förändringen är minst {l.Number(withEffect[0].Effect!.MinimumChangeKmh)} km/h. Perioden efter börjar på kontrollens dag, så timmarna med polis på plats ingår; en nyss hållen kontroll ger för få dagar tills fler dagar har mätts.",
                $"A change counts only when the interval excludes 0 and the change is at least {l.Number(withEffect[0].Effect!.MinimumChangeKmh)} km/h. The after period starts on the control's day, so the hours with police present are in it; a recent control gives too few days until more days are measured.")).Append("</p>\n</div>\n");
        string[] notes = [.. withEffect.SelectMany(s => s.Effect!.Notes.Select(n => $"{s.Name}: {l.Note(n)}"))];
        if (notes.Length > 0)
        {
            page.Append("<details><summary>").Text(l.T($"Anteckningar till jämförelserna ({notes.Length})", $"Notes on the comparisons ({notes.Length})")).Append("</summary>\n<ul>\n");
            foreach (string note in notes)
            {
                page.Append("<li>").Text(note).Append("</li>\n");
            }

            page.Append("</ul>\n</details>\n");
        }
    }

    private static void Places(Page page, FollowUpDocument d)
    {
        Language l = page.L;
        page.Append("<h2>").Text(l.T("Platser med synpunkter men utan mätplats", "Places with reports but no sign")).Append("</h2>\n");
        if (d.PlacesWithoutSite.Length == 0)
        {
            page.Append("<p>").Text(l.T("Inga: alla synpunkter under perioden gäller en mätplats.", "None: every report in the period is about a site.")).Append("</p>\n");
            return;
        }

        page.Append("<p>").Text(l.T("Här kan en radarskylt sättas upp härnäst. Flest synpunkter först.", "Where a radar sign could go next. Most reports first.")).Append("</p>\n");
        Layout.BeginTable(page, l.T("Platser utan mätplats", "Places without a sign"), l.T("Plats", "Place"), l.T("Synpunkter", "Reports"),
            l.T("Fortkörning", "Speeding"), l.T("Mopeder", "Mopeds"), l.T("A-traktorer", "A-traktors"), l.T("Närmaste mätplats", "Nearest site"));
        foreach (PlaceWithoutSiteDto p in d.PlacesWithoutSite)
        {
            page.Append("<tr data-place=\"").Text(p.Place).Append("\"><th scope=\"row\">").Text(p.Place).Append("</th>");
            Cell(page, "concerns", l.Integer(p.Concerns));
            Cell(page, "speeding", l.Integer(p.ConcernsByKind.Speeding));
            Cell(page, "moped", l.Integer(p.ConcernsByKind.Moped));
            Cell(page, "atraktor", l.Integer(p.ConcernsByKind.Atraktor));
            page.Append("<td data-figure=\"nearestSite\">").Text(p.NearestSite is null ? "–" : $"{d.Sites.FirstOrDefault(s => s.Site == p.NearestSite)?.Name ?? p.NearestSite} ({l.Integer((long)(p.NearestSiteMetres ?? 0))} m)").Append("</td></tr>\n");
        }

        Layout.EndTable(page);
    }

    private static void Controls(Page page, FollowUpDocument d)
    {
        Language l = page.L;
        page.Append("<h2>").Text(l.T("Kontrollerna under perioden", "The controls in the period")).Append("</h2>\n");
        if (d.Controls.Length == 0)
        {
            page.Append("<p>").Text(l.T("Inga kontroller är inlagda för perioden (ale-speed controls add).", "No controls are registered for the period (ale-speed controls add).")).Append("</p>\n");
            return;
        }

        Layout.BeginTable(page, l.T("Inlagda kontroller", "Registered controls"), l.T("Start", "Start"), l.T("Slut", "End"), l.T("Plats", "Site"), l.T("Insats", "Effort"),
            l.T("Timmar", "Hours"), l.T("Kontrollerade", "Checked"), l.T("Rapporterade", "Reported"), l.T("Körkort", "Licences"), l.T("Anteckning", "Note"));
        foreach (ControlDto c in d.Controls)
        {
            page.Append("<tr data-control=\"").Text(c.Id).Append("\"><td>").Text(Language.DateTime(c.From)).Append("</td><td>").Text(Language.DateTime(c.To)).Append("</td><td>")
                .Text(c.Name).Append("</td><td>").Text(KindName(l, c.Kind)).Append("</td>");
            Cell(page, "hours", l.Number(c.Hours));
            Cell(page, "checked", c.Checked is int ch ? l.Integer(ch) : "–");
            Cell(page, "reported", c.Reported is int r ? l.Integer(r) : "–");
            Cell(page, "licences", c.Licences is int li ? l.Integer(li) : "–");
            page.Append("<td>").Text(c.Note ?? "").Append("</td></tr>\n");
        }

        Layout.EndTable(page);
    }

    private static void About(Page page, FollowUpDocument d)
    {
        Language l = page.L;
        page.Append("<h2>").Text(l.T("Om siffrorna", "About the figures")).Append("</h2>\n<p>")
            .Text(l.T("Antal kontroller, kontrollerade och rapporterade är polisens egna uppgifter så som de lagts in i registret. Invånarnas synpunkter räknas på den mätplats de anger, eller den närmaste mätplatsen inom det inställda avståndet; de säger var människor känner sig otrygga och vägs aldrig mot mätningarna.",
                "The numbers of controls, checked and reported are the police's own figures as registered. Residents' reports are counted at the site they name, or the nearest site within the configured distance; they say where people feel unsafe and are never weighed against the measurements."))
            .Append("</p>\n<details><summary>").Text(l.T("Analysens anteckningar", "The analysis's notes")).Append("</summary>\n<ul>\n");
        foreach (string note in l.Notes.Texts(d.Notes))
        {
            page.Append("<li>").Text(note).Append("</li>\n");
        }

        page.Append("</ul>\n</details>\n");
    }

    private static string KindName(Language l, string kind) => kind == "moped-atraktor"
        ? l.T("Insatser mot mopeder och A-traktorer", "Efforts against mopeds and A-traktors")
        : l.T("Hastighetskontroller", "Speed controls");

    private static string ByKind(Language l, ConcernCountsDto counts)
    {
        string[] parts = [.. new (int Count, string Name)[] { (counts.Speeding, l.T("fortkörning", "speeding")), (counts.Moped, "moped"), (counts.Atraktor, "A-traktor") }
            .Where(p => p.Count > 0).Select(p => $"{p.Name} {l.Integer(p.Count)}")];
        return parts.Length == 0 ? "–" : string.Join(", ", parts);
    }

    private static string Days(Analysis.Reports.PeriodDto period) => $"{Language.Date(period.From)} – {Language.Date(period.To)}";

    /// <summary>A period as <c>compare</c>'s FROM/TO.</summary>
    private static string Range(Analysis.Reports.PeriodDto period) => Page.PeriodText(period.From.ToUnixTimeMilliseconds()) + "/" + Page.PeriodText(period.To.ToUnixTimeMilliseconds());

    /// <summary>A figure's cell; <paramref name="rowSpan"/> &gt; 1 for a site's figures beside its display modes' rows.</summary>
    private static void Cell(Page page, string figure, string text, int rowSpan = 1)
        => page.Append(rowSpan > 1 ? $"<td class=\"n\" rowspan=\"{rowSpan}\" data-figure=\"" : "<td class=\"n\" data-figure=\"").Append(figure).Append("\">").Text(text).Append("</td>");
}
