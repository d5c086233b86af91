using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.Hotspots;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Ale.Speed.Dashboard.Pages;

/// <summary>
/// The enforcement ranking (and A-traktor/moped page) and the before/after page. Each renders the document the CLI
/// command writes as <c>--format json</c>, from the command's own build (kept a while: <see cref="Caching.AnalysisAnswers"/>),
/// so the page shows the CLI's figures and words.
/// </summary>
internal static class AnalysisPages
{
    public static async Task HotspotsAsync(HttpContext context, DashboardData data, DashboardOptions options)
    {
        var page = new Page(context, "/hotspots", "from", "to", "kind", "top");
        Language l = page.L;
        HotspotRequest request = Api.AnalysisQuery.Hotspots(page.Query, OutputFormat.Json, data.HotspotStatistics, Now(data), options.DefaultDays);
        Caching.AnalysisAnswers answers = Answers(context);
        Caching.Answer<HotspotRanking> ranking = await answers.HotspotsAsync(context, request).ConfigureAwait(false);
        HotspotDocument document = HotspotsCommand.ToDocument(ranking.Value);
        bool atraktor = request.Options.Kind == HotspotKind.ATraktor;

        Layout.Begin(page, atraktor ? l.T("A-traktorer och mopeder", "A-traktors and mopeds") : l.T("Var och när kontroller gör mest nytta", "Where and when enforcement helps most"), atraktor ? "atraktor" : "speeding");
        page.Append("<h1>").Text(atraktor ? l.T("A-traktorer och mopeder: var och när", "A-traktors and mopeds: where and when") : l.T("Kontrollplatser: var och när kontroller gör mest nytta", "Enforcement: where and when a control helps most")).Append("</h1>\n");
        Layout.PeriodForm(page, request.Period, ("kind", page.Value("kind")), ("top", page.Value("top")));
        Layout.AsOf(page, answers.MaxAge, ranking);
        page.Append("<div class=\"explain\">\n");
        if (atraktor)
        {
            page.Append("<p>").Text(l.T(
                "A-traktorer (EPA- och A-traktorer) får köras högst 30 km/h och mopeder klass II högst 25 km/h, klass I högst 45 km/h. Trygg i Ale har lovat att agera mot störande körning. Listan visar platser och timmar i veckan där sådan trafik sannolikt förekommer: antingen rapporterar enheten fordonsslaget, eller så syns en ansamling fordon i 25–35 km/h på kvällen jämfört med samma plats vardagar dagtid.",
                "A-traktors (EPA and A tractors) may drive at most 30 km/h and class II mopeds at most 25 km/h, class I at most 45 km/h. Trygg i Ale promised to act on disturbing driving. The list shows sites and hours of the week where such traffic is likely: either the unit reports the vehicle class, or a cluster of vehicles at 25–35 km/h shows in the evening compared with the same site on weekday daytime.")).Append("</p>\n<p>")
                .Text(l.T("En sannolikhet, inte ett bevis: en ansamling kan också vara cyklister, köbildning eller långsamma bilar. Använd listan för att välja var polis eller fältarbetare ska titta, inte för att dra slutsatser om enskilda fordon.",
                    "A likelihood, not proof: a cluster may also be cyclists, queues or slow cars. Use the list to choose where police or field workers should look, not to draw conclusions about single vehicles.")).Append("</p>\n");
        }
        else
        {
            page.Append("<p>").Text(l.T(
                "Varje timme i veckan på varje plats får en poäng: uppmätta passager i bötesintervallet räknas en gång, i körkortsintervallen (varning, återkallelse) flera gånger, per timme med data. Listan rangordnas på poängens nedre konfidensgräns, så att en plats med få mätningar inte hamnar överst av en slump. Rapporterbar betyder över gränsen med mer än polisens mätavdrag.",
                "Each hour of the week at each site gets a score: measured passages in the fine band count once, in the licence bands (warning, revocation) several times, per observed hour. The list is ranked on the score's lower confidence bound, so a site with few measurements does not top it by chance. Reportable means over the limit by more than the police's measuring tolerance.")).Append("</p>\n");
        }

        page.Append("</div>\n");
        Layout.Choice(page, l.T("Visa", "Show"), "kind", atraktor ? "atraktor" : null, (null, l.T("hastighetsöverträdelser", "speeding")), ("atraktor", l.T("A-traktor/moped", "A-traktor/moped")));

        string caption = l.T($"Rangordnade fönster, {ReportPages.PeriodLabel(request.Period)}", $"Ranked windows, {ReportPages.PeriodLabel(request.Period)}");
        string[] headers = [l.T("Rang", "Rank"), l.T("Plats", "Site"), l.T("Timme i veckan", "Hour of the week"), l.T("Fordon", "Vehicles"), l.T("Timmar med data", "Observed hours"),
            l.T("Andel över gränsen", "Share over the limit"), "V85 km/h", l.T("Bötesintervall", "Fine band"), l.T("Körkort varning", "Licence warning"),
            l.T("Körkort återkallelse", "Licence revocation"), l.T("Poäng", "Score"), l.T("Nedre gräns", "Lower bound"), .. atraktor ? [l.T("Sannolikhet", "Likelihood")] : Array.Empty<string>(),
            l.T("Förklaring", "Explanation")];
        Layout.BeginTable(page, caption, headers);
        foreach (HotspotWindowDto w in document.Ranked)
        {
            WindowRow(page, w, atraktor);
        }

        Layout.EndTable(page);
        if (document.Ranked.Length == 0)
        {
            page.Append("<p>").Text(l.T("Inget fönster har tillräckligt med data för att rangordnas.", "No window has enough data to rank.")).Append("</p>\n");
        }

        if (document.InsufficientData.Length > 0)
        {
            page.Append("<details><summary>").Text(l.T($"För lite data ({document.InsufficientWindowCount} fönster, inte rangordnade: mät längre)", $"Insufficient data ({document.InsufficientWindowCount} windows, not ranked: measure longer)")).Append("</summary>\n");
            Layout.BeginTable(page, l.T("För lite data", "Insufficient data"), headers);
            foreach (HotspotWindowDto w in document.InsufficientData)
            {
                WindowRow(page, w, atraktor);
            }

            Layout.EndTable(page);
            page.Append("</details>\n");
        }

        foreach (NotAssessedDto n in document.NotAssessed)
        {
            page.Append("<p class=\"note\">").Text(l.T("Inte bedömd: ", "Not assessed: ")).Text(n.Name).Append(" – ").Text(l.Note(n.Reason)).Append("</p>\n");
        }

        page.Append("<h2>").Text(l.T("Metod och begränsningar", "Method and limitations")).Append("</h2>\n<p>").Text(l.Note(document.Method)).Append("</p>\n<ul>\n");
        foreach (string limitation in l.Notes.Texts(document.Limitations))
        {
            page.Append("<li>").Text(limitation).Append("</li>\n");
        }

        page.Append("</ul>\n");
        Layout.Downloads(page,
            (Page.Href("/api/hotspots", [("from", Page.PeriodText(request.Period.FromMs)), ("to", Page.PeriodText(request.Period.ToMs)), ("kind", page.Value("kind")), ("top", page.Value("top")), ("format", "csv")]), l.T("Listan som CSV", "The list as CSV")),
            (Page.Href("/api/hotspots", [("from", Page.PeriodText(request.Period.FromMs)), ("to", Page.PeriodText(request.Period.ToMs)), ("kind", page.Value("kind")), ("top", page.Value("top"))]), "JSON"));
        Layout.End(page);
        await page.WriteAsync().ConfigureAwait(false);

        void WindowRow(Page page, HotspotWindowDto w, bool atraktor)
        {
            page.Append("<tr data-site=\"").Text(w.Site).Append("\" data-hour-of-week=\"").Append(w.HourOfWeek.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("\">");
            Cell(page, "rank", w.Rank is int rank ? l.Integer(rank) : "–");
            page.Append("<td><a href=\"").Text(page.Nav("/site/" + Uri.EscapeDataString(w.Site))).Append("\">").Text(w.Name).Append("</a></td><td>")
                .Text($"{l.DayNames[w.HourOfWeek / 24]} {w.HourOfWeek % 24:00}–{(w.HourOfWeek % 24) + 1:00}").Append("</td>");
            Cell(page, "vehicles", l.Integer(w.Vehicles));
            Cell(page, "observedHours", l.Integer(w.ObservedHours));
            Cell(page, "shareOverLimit", l.Percent(w.ShareOverLimit));
            Cell(page, "v85", l.Number(w.V85Kmh));
            Cell(page, "fineOnly", l.Integer(w.FineOnly));
            Cell(page, "licenceWarnings", l.Integer(w.LicenceWarnings));
            Cell(page, "licenceRevocations", l.Integer(w.LicenceRevocations));
            Cell(page, "score", l.Number(w.Score, 2));
            Cell(page, "scoreLowerBound", l.Number(w.ScoreLowerBound, 2));
            if (atraktor)
            {
                page.Append("<td>").Text(l.Notes.Optional(w.Likelihood) ?? "–").Append("</td>");
            }

            page.Append("<td>").Text(w.NotRankedBecause is null ? l.Note(w.Explanation) : l.Note(w.Explanation) + " " + l.Note(w.NotRankedBecause)).Append("</td></tr>\n");
        }
    }

    public static async Task CompareAsync(HttpContext context, DashboardData data)
    {
        var page = new Page(context, "/compare", Api.AnalysisQuery.CompareParameters.Where(p => p != "format").ToArray());
        Language l = page.L;
        Layout.Begin(page, l.T("Före och efter en åtgärd", "Before and after a measure"), "compare");
        page.Append("<h1>").Text(l.T("Före och efter en åtgärd", "Before and after a measure")).Append("</h1>\n<p>")
            .Text(l.T("Jämför en plats före och efter en åtgärd (en skylt, ett farthinder, kontroller). Dagen är enheten för variation; en kontrollplats utan åtgärden tar bort förändringar som gäller båda vägarna. Perioder skrivs FRÅN/TILL, t.ex. 2026-03-01/2026-04-01.",
                "Compare a site before and after a measure (a sign, a speed bump, controls). The day is the unit of variation; a control site without the measure takes out changes common to both roads. Periods are written FROM/TO, e.g. 2026-03-01/2026-04-01."))
            .Append("</p>\n");
        CompareForm(page, data);
        if (page.Value("site") is null)
        {
            Layout.End(page);
            await page.WriteAsync().ConfigureAwait(false);
            return;
        }

        CompareRequest request = Api.AnalysisQuery.Compare(page.Query, OutputFormat.Json);
        Caching.AnalysisAnswers answers = Answers(context);
        Caching.Answer<CompareResult> result = await answers.CompareAsync(context, request).ConfigureAwait(false);
        CompareDocument d = CompareCommand.ToDocument(result.Value);

        page.Append("<h2>").Text(d.Name).Append("</h2>\n<p class=\"verdict\" data-figure=\"verdict\">").Text(l.T("Bedömning: ", "Verdict: ")).Text(l.Note(d.Verdict)).Append("</p>\n")
            .Append("<p data-figure=\"summary\">").Text(l.Note(d.Summary)).Append("</p>\n");
        Layout.AsOf(page, answers.MaxAge, result);
        string interval = l.T($"{d.ConfidenceLevel * 100:F0} %-intervall", $"{d.ConfidenceLevel * 100:F0}% interval");
        Layout.BeginTable(page, l.T("Förändring efter − före", "Change after − before"), l.T("Mått", "Figure"), l.T("Före", "Before"), l.T("Efter", "After"),
            l.T("Förändring", "Change"), interval, l.T("Kontrollplatsens förändring", "Control's change"), l.T("Räknas från", "Matters from"), l.T("Bedömning", "Verdict"));
        foreach (FigureChangeDto c in d.Changes)
        {
            bool share = c.Figure == "shareOverLimit";
            string V(double? v) => share ? l.Percent(v) : l.Number(v);
            string D(double? v) => share ? l.Signed(v * 100) + l.T(" %-enh.", " pp") : l.Signed(v);
            page.Append("<tr data-figure-row=\"").Text(c.Figure).Append("\"><th scope=\"row\">").Text(FigureName(l, c.Figure)).Append("</th>");
            Cell(page, "before", V(c.Before));
            Cell(page, "after", V(c.After));
            Cell(page, "change", D(c.Change));
            Cell(page, "interval", c.Lower is null ? "–" : $"{D(c.Lower)} … {D(c.Upper)}");
            Cell(page, "controlChange", c.ControlChange is null ? "–" : D(c.ControlChange));
            Cell(page, "minimumChange", share ? l.Number(c.MinimumChange * 100) + l.T(" %-enh.", " pp") : l.Number(c.MinimumChange) + " km/h");
            page.Append("<td>").Text(l.Note(c.Verdict)).Append("</td></tr>\n");
        }

        Layout.EndTable(page);
        page.Append("<p>").Text(l.T($"Före: {l.Integer(d.BeforeVehicles)} fordon, {d.BeforeDays.Weekday} vardagar + {d.BeforeDays.Weekend} helgdagar. Efter: {l.Integer(d.AfterVehicles)} fordon, {d.AfterDays.Weekday} vardagar + {d.AfterDays.Weekend} helgdagar.",
            $"Before: {l.Integer(d.BeforeVehicles)} vehicles, {d.BeforeDays.Weekday} weekdays + {d.BeforeDays.Weekend} weekend days. After: {l.Integer(d.AfterVehicles)} vehicles, {d.AfterDays.Weekday} weekdays + {d.AfterDays.Weekend} weekend days.")).Append("</p>\n");
        foreach (string note in l.Notes.Texts(d.Notes))
        {
            page.Append("<p class=\"note\">").Text(note).Append("</p>\n");
        }

        if (d.DaysLeftOut.Length > 0)
        {
            page.Append("<details><summary>").Text(l.T($"Dagar som inte räknats ({d.DaysLeftOut.Length})", $"Days left out ({d.DaysLeftOut.Length})")).Append("</summary>\n<ul>\n");
            foreach (DayLeftOutDto day in d.DaysLeftOut)
            {
                page.Append("<li>").Text($"{day.Date} {day.Site}: ").Text(l.Note(day.Reason)).Append("</li>\n");
            }

            page.Append("</ul>\n</details>\n");
        }

        (string, string?)[] query = [.. Api.AnalysisQuery.CompareParameters.Where(p => p != "format").Select(p => (p, page.Value(p)))];
        Layout.Downloads(page, (Page.Href("/api/compare", query, ("format", "csv")), l.T("Tabellen som CSV", "The table as CSV")), (Page.Href("/api/compare", query), "JSON"));
        Layout.End(page);
        await page.WriteAsync().ConfigureAwait(false);
    }

    private static void CompareForm(Page page, DashboardData data)
    {
        Language l = page.L;
        string? site = page.Value("site");
        string? control = page.Value("control");
        page.Append("<form class=\"choose\" method=\"get\" action=\"/compare\">\n<label for=\"site\">").Text(l.T("Plats", "Site")).Append("</label> <select id=\"site\" name=\"site\" required>\n");
        foreach (Core.Sites.Site s in data.Catalog.Sites.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            page.Append("<option value=\"").Text(s.Id).Append('"' + (s.Id == site ? " selected" : "") + ">").Text(s.Name).Append("</option>\n");
        }

        page.Append("</select>\n<label for=\"before\">").Text(l.T("Före", "Before")).Append("</label> <input id=\"before\" name=\"before\" required placeholder=\"2026-03-01/2026-04-01\" value=\"").Text(page.Value("before")).Append("\">\n")
            .Append("<label for=\"after\">").Text(l.T("Efter", "After")).Append("</label> <input id=\"after\" name=\"after\" required placeholder=\"2026-05-01/2026-06-01\" value=\"").Text(page.Value("after")).Append("\">\n")
            .Append("<label for=\"control\">").Text(l.T("Kontrollplats", "Control site")).Append("</label> <select id=\"control\" name=\"control\">\n<option value=\"\">").Text(l.T("ingen", "none")).Append("</option>\n");
        foreach (Core.Sites.Site s in data.Catalog.Sites.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            page.Append("<option value=\"").Text(s.Id).Append('"' + (s.Id == control ? " selected" : "") + ">").Text(s.Name).Append("</option>\n");
        }

        page.Append("</select>\n<label for=\"min-change\">").Text(l.T("Minsta förändring som räknas (km/h)", "Smallest change that counts (km/h)")).Append("</label> <input id=\"min-change\" name=\"min-change\" inputmode=\"decimal\" size=\"4\" value=\"")
            .Text(page.Value("min-change") ?? "1").Append("\">\n<label><input type=\"checkbox\" name=\"selected-by-ranking\" value=\"true\"")
            .Append(page.Value("selected-by-ranking") is "true" or "" ? " checked" : "").Append("> ").Text(l.T("Platsen valdes för att den låg högt i en rangordning", "The site was chosen because it ranked high")).Append("</label>\n");
        if (page.Value("lang") is { } lang)
        {
            page.Append("<input type=\"hidden\" name=\"lang\" value=\"").Text(lang).Append("\">\n");
        }

        page.Append("<button type=\"submit\">").Text(l.T("Jämför", "Compare")).Append("</button>\n</form>\n");
    }

    private static string FigureName(Language l, string figure) => figure switch
    {
        "mean" => l.T("Medelhastighet (km/h)", "Mean speed (km/h)"),
        "v85" => "V85 (km/h)",
        "shareOverLimit" => l.T("Andel över gränsen", "Share over the limit"),
        _ => figure,
    };

    private static Caching.AnalysisAnswers Answers(HttpContext context) => context.RequestServices.GetRequiredService<Caching.AnalysisAnswers>();

    private static long Now(DashboardData data) => data.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private static void Cell(Page page, string figure, string text)
        => page.Append("<td class=\"n\" data-figure=\"").Append(figure).Append("\">").Text(text).Append("</td>");
}
