using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Time;
using Ale.Speed.Dashboard.Caching;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Ale.Speed.Dashboard.Pages;

/// <summary>
/// The overview and the site page. Their reports are <c>ale-speed report</c>'s, built by
/// <see cref="ReportCommand.BuildAsync"/> and kept a while (<see cref="AnalysisAnswers"/>), and rendered through
/// <see cref="ReportJson"/> as the CLI's JSON is — so a number on a page is the CLI's number.
/// </summary>
internal static class ReportPages
{
    /// <summary>The site page charts days up to this many days (one bar each), weeks beyond.</summary>
    public const int MaxDaysByDay = 62;

    public static async Task OverviewAsync(HttpContext context, DashboardData data, DashboardOptions options)
    {
        var page = new Page(context, "/", "from", "to");
        Language l = page.L;
        Period period = Api.AnalysisQuery.Period(page.Query, Now(data), options.DefaultDays);
        var previous = new Period(period.FromMs - (period.ToMs - period.FromMs), period.FromMs);
        AnalysisAnswers reports = Answers(context);
        Answer<Report> current = await reports.ReportAsync(context, new ReportQuery(period, null, ReportGrouping.Total)).ConfigureAwait(false);
        Answer<Report> before = await reports.ReportAsync(context, new ReportQuery(previous, null, ReportGrouping.Total)).ConfigureAwait(false);
        ReportDocument now = ReportJson.ToDocument(current.Value);
        ReportDocument then = ReportJson.ToDocument(before.Value);

        Layout.Begin(page, l.T("Översikt", "Overview"), "overview");
        page.Append("<h1>").Text(l.T("Alla mätplatser", "All measuring sites")).Append("</h1>\n");
        Layout.PeriodForm(page, period);
        page.Append("<p>").Text(l.T($"Period {PeriodLabel(period)}; jämförs med perioden lika lång närmast före ({PeriodLabel(previous)}).",
            $"Period {PeriodLabel(period)}; compared with the period of the same length just before ({PeriodLabel(previous)}).")).Append("</p>\n");
        Layout.AsOf(page, reports.MaxAge, current, before);

        string caption = l.T("Nyckeltal per plats och skyltläge, båda riktningarna", "Key figures per site and display mode, both directions");
        Layout.BeginTable(page, caption, l.T("Plats", "Site"), l.T("Skylt", "Display"), l.T("Gräns km/h", "Limit km/h"), l.T("Fordon", "Vehicles"),
            l.T("Medel km/h", "Mean km/h"), "V85 km/h", l.T("Andel över gränsen", "Share over the limit"), l.T("V85 mot förra perioden", "V85 vs previous period"),
            l.T("Andel över, förändring", "Share over, change"), l.T("Timmar med data", "Hours with data"), l.T("Troliga avbrott", "Likely outages"), l.T("Tysta enheter", "Silent units"));
        foreach (ReportRowDto row in now.Sites.Where(r => r.Direction == ReportBuilder.AllDirections))
        {
            ReportRowDto? old = then.Sites.FirstOrDefault(r => r.Site == row.Site && r.Display == row.Display && r.Direction == row.Direction);
            SiteCoverageDto coverage = now.Coverage.First(c => c.Site == row.Site);
            double? v85Change = row.V85Kmh - old?.V85Kmh;
            double? shareChange = (row.ShareOverLimit - old?.ShareOverLimit) * 100;
            string[] silent = [.. coverage.SilentUnits.Where(s => s.Display == row.Display).SelectMany(s => s.Units).Distinct()];
            page.Append("<tr data-site=\"").Text(row.Site).Append("\" data-display=\"").Text(row.Display).Append("\"><th scope=\"row\"><a href=\"")
                .Text(page.Nav("/site/" + Uri.EscapeDataString(row.Site), ("display", row.Display))).Append("\">").Text(row.Name).Append("</a></th><td>")
                .Text(l.Display(row.Display)).Append("</td>");
            Cell(page, "limit", row.LimitKmh is int limit ? l.Integer(limit) : string.Join("/", row.LimitsKmh));
            Cell(page, "vehicles", l.Integer(row.Vehicles) + (row.BelowMinimumSample ? " *" : ""));
            Cell(page, "mean", l.Number(row.MeanKmh));
            Cell(page, "v85", l.Number(row.V85Kmh));
            Cell(page, "shareOverLimit", l.Percent(row.ShareOverLimit));
            Cell(page, "v85Change", l.Signed(v85Change) + (v85Change is null ? "" : " km/h"));
            Cell(page, "shareChange", l.Signed(shareChange) + (shareChange is null ? "" : l.T(" %-enh.", " pp")));
            Cell(page, "hoursWithData", $"{l.Integer(row.HoursWithData)} / {l.Integer(row.HoursInPeriod)}");
            Cell(page, "outages", l.Integer(coverage.Gaps.Count(g => g.LikelyOutage)));
            page.Append("<td data-figure=\"silentUnits\">").Text(silent.Length == 0 ? "–" : string.Join(", ", silent)).Append("</td></tr>\n");
        }

        Layout.EndTable(page);
        page.Append("<p class=\"muted\">").Text(l.T($"* färre än {now.MinimumSample} fordon: dra inga slutsatser. Ett avbrott är en lucka minst lika lång som enhetens SilentAfter; lagrade data kan inte skilja en timme utan trafik från en timme utan fungerande enhet.",
            $"* fewer than {now.MinimumSample} vehicles: draw no conclusions. An outage is a gap at least as long as the unit's SilentAfter; stored data cannot tell an hour without traffic from an hour without a working unit.")).Append("</p>\n");
        Layout.Downloads(page, (Page.Api("/api/report", period, ("format", "csv")), l.T("Tabellen som CSV (perioden)", "The table as CSV (the period)")),
            (Page.Api("/api/report", previous, ("format", "csv")), l.T("Förra perioden som CSV", "The previous period as CSV")),
            (Page.Api("/api/report", period), "JSON"));

        var located = data.Catalog.Sites.Where(s => data.Locations.ContainsKey(s.Id)).OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => (s.Id, s.Name, data.Locations[s.Id], page.Nav("/site/" + Uri.EscapeDataString(s.Id)))).ToList();
        page.Append("<h2>").Text(l.T("Karta", "Map")).Append("</h2>\n");
        if (located.Count == 0)
        {
            page.Append("<p>").Text(l.T("Inga platser har koordinater (AleSpeed:Sites[].Latitude/Longitude).", "No site has coordinates (AleSpeed:Sites[].Latitude/Longitude).")).Append("</p>\n");
        }
        else
        {
            MunicipalityMap.Write(page, located);
        }

        Layout.End(page);
        await page.WriteAsync().ConfigureAwait(false);
    }

    public static async Task SiteAsync(HttpContext context, DashboardData data, DashboardOptions options, string siteId)
    {
        var page = new Page(context, "/site/" + Uri.EscapeDataString(siteId), "from", "to", "dir", "display", "by");
        Language l = page.L;
        if (!data.Catalog.TryGetSite(siteId, out Core.Sites.Site site))
        {
            throw new AnalysisRequestException($"Unknown site '{siteId}'. Known sites: {string.Join(", ", data.Catalog.Sites.Select(s => s.Id).Order(StringComparer.Ordinal))}.");
        }

        Period period = Api.AnalysisQuery.Period(page.Query, Now(data), options.DefaultDays);
        string by = page.Value("by") ?? DefaultSeries(period);
        if (by is not ("day" or "week" or "hour-of-week"))
        {
            throw new AnalysisRequestException($"by '{by}' is not one of day, week, hour-of-week.");
        }

        string direction = page.Value("dir") ?? ReportBuilder.AllDirections;
        if (direction is not ("all" or "in" or "out" or "unknown"))
        {
            throw new AnalysisRequestException($"dir '{direction}' is not one of all, in, out, unknown.");
        }

        // Three reports as the CLI builds them (each from the coarsest stored level it can use); the direction and display
        // mode are chosen from their rows, so switching them is answered from the cache.
        AnalysisAnswers reports = Answers(context);
        Answer<Report> totalAnswer = await reports.ReportAsync(context, new ReportQuery(period, siteId, ReportGrouping.Total)).ConfigureAwait(false);
        Answer<Report> hoursAnswer = await reports.ReportAsync(context, new ReportQuery(period, siteId, ReportGrouping.HourOfWeek)).ConfigureAwait(false);
        Answer<Report> seriesAnswer = by == "hour-of-week" ? hoursAnswer
            : await reports.ReportAsync(context, new ReportQuery(period, siteId, by == "week" ? ReportGrouping.Week : ReportGrouping.Day)).ConfigureAwait(false);
        Report total = totalAnswer.Value;
        Report series = seriesAnswer.Value;
        Report hours = hoursAnswer.Value;
        ReportDocument document = ReportJson.ToDocument(total);
        string[] displays = [.. total.Rows.Select(r => r.Display).Distinct()];
        string display = page.Value("display") ?? displays.FirstOrDefault() ?? "on";
        if (!displays.Contains(display))
        {
            throw new AnalysisRequestException($"display '{display}' has no data at {siteId} (it has: {string.Join(", ", displays)}).");
        }

        Layout.Begin(page, site.Name, "site");
        page.Append("<h1>").Text(site.Name).Append(" <span class=\"muted\">(").Text(siteId).Append(")</span></h1>\n");
        Layout.PeriodForm(page, period, ("dir", page.Value("dir")), ("display", page.Value("display")), ("by", page.Value("by")));
        Layout.AsOf(page, reports.MaxAge, totalAnswer, hoursAnswer, seriesAnswer);
        SiteCoverageDto coverage = document.Coverage.Single();
        foreach (string note in l.Notes.Texts(coverage.Notes))
        {
            page.Append("<p class=\"note\">").Text(note).Append("</p>\n");
        }

        KeyFigures(page, document, period, siteId);

        page.Append("<h2 id=\"figures\">").Text(l.T("Diagram", "Charts")).Append("</h2>\n");
        if (displays.Length > 1)
        {
            Layout.Choice(page, l.T("Skylt", "Display"), "display", display, [.. displays.Select(d => ((string?)d, l.Display(d)))]);
        }

        string[] directions = [.. total.Rows.Where(r => r.Display == display).Select(r => r.Direction)];
        Layout.Choice(page, l.T("Riktning", "Direction"), "dir", direction == "all" ? null : direction,
            [.. directions.Select(d => (d == "all" ? null : (string?)d, l.Direction(d)))]);
        ReportRow? row = total.Rows.FirstOrDefault(r => r.Display == display && r.Direction == direction);
        if (row is null || row.Summary.Count == 0)
        {
            page.Append("<p>").Text(l.T("Inga fordon i det urvalet.", "No vehicles in that selection.")).Append("</p>\n");
        }
        else
        {
            Histogram(page, row, period, siteId, direction, display);
            Series(page, series, period, siteId, direction, display, by);
            HeatMap(page, hours, period, siteId, direction, display);
        }

        Gaps(page, coverage);
        Layout.End(page);
        await page.WriteAsync().ConfigureAwait(false);
    }

    /// <summary>The histogram of the selection as CSV: one line per 1 km/h class.</summary>
    public static async Task HistogramCsvAsync(HttpContext context, DashboardData data, DashboardOptions options, string siteId)
    {
        var page = new Page(context, "", "from", "to", "dir", "display");
        if (!data.Catalog.TryGetSite(siteId, out _))
        {
            throw new AnalysisRequestException($"Unknown site '{siteId}'.");
        }

        Period period = Api.AnalysisQuery.Period(page.Query, Now(data), options.DefaultDays);
        Report total = (await Answers(context).ReportAsync(context, new ReportQuery(period, siteId, ReportGrouping.Total)).ConfigureAwait(false)).Value;
        string direction = page.Value("dir") ?? ReportBuilder.AllDirections;
        string? display = page.Value("display");
        ReportRow row = total.Rows.FirstOrDefault(r => r.Direction == direction && (display is null || r.Display == display))
            ?? throw new AnalysisRequestException($"No data for dir '{direction}'{(display is null ? "" : $" and display '{display}'")} at {siteId}.");
        using var output = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var csv = new CsvWriter(output);
        csv.Field("site").Field("direction").Field("display").Field("fromKmh").Field("toKmh").Field("vehicles").EndLine();
        ReadOnlySpan<long> counts = row.Bin!.Histogram.Counts;
        for (int k = 0; k < counts.Length; k++)
        {
            if (counts[k] > 0)
            {
                csv.Field(siteId).Field(row.Direction).Field(row.Display).Field(k).Field(k + 1).Field(counts[k]).EndLine();
            }
        }

        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"histogram-{siteId}.csv\"";
        await context.Response.WriteAsync(output.ToString(), context.RequestAborted).ConfigureAwait(false);
    }

    public static string PeriodLabel(Period period) => $"{Page.PeriodText(period.FromMs).Replace('T', ' ')} – {Page.PeriodText(period.ToMs).Replace('T', ' ')}";

    private static long Now(DashboardData data) => data.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private static AnalysisAnswers Answers(HttpContext context) => context.RequestServices.GetRequiredService<AnalysisAnswers>();

    /// <summary>The site page's series when the URL names none: by day up to <see cref="MaxDaysByDay"/> days, else by week.</summary>
    public static string DefaultSeries(Period period) => period.ToMs - period.FromMs <= (MaxDaysByDay * 24 + 1) * StockholmTime.HourMs ? "day" : "week";

    private static void Cell(Page page, string figure, string text)
        => page.Append("<td class=\"n\" data-figure=\"").Append(figure).Append("\">").Text(text).Append("</td>");

    private static void KeyFigures(Page page, ReportDocument document, Period period, string siteId)
    {
        Language l = page.L;
        page.Append("<h2>").Text(l.T("Nyckeltal", "Key figures")).Append("</h2>\n");
        Layout.BeginTable(page, l.T("Nyckeltal per riktning och skyltläge", "Key figures by direction and display mode"), l.T("Riktning", "Direction"), l.T("Skylt", "Display"),
            l.T("Fordon", "Vehicles"), l.T("Medel km/h", "Mean km/h"), "V50", "V85", "V95", l.T("Andel över gränsen", "Share over the limit"),
            l.T("Inom gräns + 5", "Within limit + 5"), l.T("Mer än 30 över", "More than 30 over"), l.T("Timmar med data", "Hours with data"));
        foreach (ReportRowDto row in document.Sites)
        {
            page.Append("<tr data-direction=\"").Text(row.Direction).Append("\" data-display=\"").Text(row.Display).Append("\"><th scope=\"row\">")
                .Text(l.Direction(row.Direction)).Append("</th><td>").Text(l.Display(row.Display)).Append("</td>");
            Cell(page, "vehicles", l.Integer(row.Vehicles) + (row.BelowMinimumSample ? " *" : ""));
            Cell(page, "mean", l.Number(row.MeanKmh));
            Cell(page, "v50", l.Number(row.V50Kmh));
            Cell(page, "v85", l.Number(row.V85Kmh));
            Cell(page, "v95", l.Number(row.V95Kmh));
            Cell(page, "shareOverLimit", l.Percent(row.ShareOverLimit));
            Cell(page, "withinPlus5", l.Percent(row.SpeedIndex.ShareWithinLimitPlus5));
            Cell(page, "moreThan30", l.Percent(row.SpeedIndex.ShareMoreThan30Over));
            Cell(page, "hoursWithData", $"{l.Integer(row.HoursWithData)} / {l.Integer(row.HoursInPeriod)}");
            page.Append("</tr>\n");
        }

        Layout.EndTable(page);
        page.Append("<p class=\"muted\">").Text(l.T(Wording.SpeedIndexMeasuresSv, Wording.SpeedIndexMeasures)).Append("</p>\n");
        Layout.Downloads(page, (Page.Api("/api/report", period, ("site", siteId), ("format", "csv")), l.T("Nyckeltal som CSV", "Key figures as CSV")),
            (Page.Api("/api/report", period, ("site", siteId)), "JSON"));
    }

    private static void Histogram(Page page, ReportRow row, Period period, string siteId, string direction, string display)
    {
        Language l = page.L;
        page.Append("<h3>").Text(l.T("Hastighetsfördelning", "Speed distribution")).Append("</h3>\n<figure>\n");
        var svg = new System.Text.StringBuilder();
        SvgCharts.Histogram(svg, row.Bin!, row.LimitsKmh, l.IsEnglish ? SvgCharts.English : SvgCharts.Swedish);
        page.Append(svg.ToString()).Append("<figcaption>")
            .Text(l.T($"Antal fordon per km/h; streckad linje och text: hastighetsgränsen. V85 {l.Number(row.Summary.V85Kmh)} km/h, {l.Percent(row.Summary.ShareOverLimit)} över gränsen.",
                $"Vehicles per km/h; dashed line and label: the speed limit. V85 {l.Number(row.Summary.V85Kmh)} km/h, {l.Percent(row.Summary.ShareOverLimit)} over the limit."))
            .Append("</figcaption>\n</figure>\n");
        ReadOnlySpan<long> counts = row.Bin!.Histogram.Counts;
        var classes = new List<(int From, long Count)>();
        for (int k = 0; k < counts.Length; k += 5)
        {
            long sum = 0;
            for (int j = k; j < Math.Min(k + 5, counts.Length); j++)
            {
                sum += counts[j];
            }

            if (sum > 0)
            {
                classes.Add((k, sum));
            }
        }

        page.Append("<details><summary>").Text(l.T("Diagrammets data (5 km/h-klasser)", "The chart's data (5 km/h classes)")).Append("</summary>\n");
        Layout.BeginTable(page, l.T("Fordon per hastighetsklass", "Vehicles per speed class"), "km/h", l.T("Fordon", "Vehicles"));
        foreach ((int from, long count) in classes)
        {
            page.Append("<tr><th scope=\"row\">").Text($"{from}–{from + 5}").Append("</th>");
            Cell(page, "vehicles", l.Integer(count));
            page.Append("</tr>\n");
        }

        Layout.EndTable(page);
        page.Append("</details>\n");
        Layout.Downloads(page, (Page.Api("/site/" + Uri.EscapeDataString(siteId) + "/histogram.csv", period, ("dir", direction), ("display", display)),
            l.T("Fördelningen per 1 km/h som CSV", "The distribution per 1 km/h as CSV")));
    }

    private static void Series(Page page, Report series, Period period, string siteId, string direction, string display, string by)
    {
        Language l = page.L;
        ReportRow[] points = [.. series.Rows.Where(r => r.Display == display && r.Direction == direction)];
        (string heading, string caption, string column) = by switch
        {
            "day" => (l.T("V85 och antal fordon per dag", "V85 and vehicles per day"), l.T("Per dag", "Per day"), l.T("Dag", "Day")),
            "week" => (l.T("V85 och antal fordon per vecka", "V85 and vehicles per week"), l.T("Per vecka (ISO, måndag–söndag)", "Per week (ISO, Monday to Sunday)"), l.T("Vecka", "Week")),
            _ => (l.T("V85 och antal fordon per timme i veckan", "V85 and vehicles per hour of the week"), l.T("Per timme i veckan", "Per hour of the week"), l.T("Timme", "Hour")),
        };
        page.Append("<h3>").Text(heading).Append("</h3>\n");
        string standard = DefaultSeries(period);
        Layout.Choice(page, l.T("Per", "By"), "by", by == standard ? null : by,
            (standard == "day" ? null : "day", l.T("dag", "day")), (standard == "week" ? null : "week", l.T("vecka", "week")), ("hour-of-week", l.T("timme i veckan", "hour of the week")));
        page.Append("<p class=\"muted\">").Text(l.T($"Utan val visas dagar för perioder upp till {MaxDaysByDay} dagar och veckor för längre. En dag eller vecka som perioden skär av är markerad (del).",
            $"Unless chosen, days are shown for periods up to {MaxDaysByDay} days and weeks for longer ones. A day or week the period cuts is marked (part).")).Append("</p>\n");
        page.Append("<figure>\n");
        var svg = new System.Text.StringBuilder();
        SvgCharts.Series(svg, points, series.Grouping, series.MinimumSample, l.IsEnglish ? SvgCharts.English : SvgCharts.Swedish);
        page.Append(svg.ToString()).Append("<figcaption>").Text(l.T("Staplar: antal fordon (vänster skala). Röd linje: V85 (höger skala); utelämnad där underlaget är för litet.",
            "Bars: vehicles (left scale). Red line: V85 (right scale); left out where the sample is too small.")).Append("</figcaption>\n</figure>\n");
        page.Append("<details><summary>").Text(l.T("Diagrammets data", "The chart's data")).Append("</summary>\n");
        Layout.BeginTable(page, caption, column, l.T("Fordon", "Vehicles"), "V85 km/h", l.T("Andel över gränsen", "Share over the limit"), l.T("Timmar med data", "Hours with data"));
        foreach (ReportRow p in points)
        {
            string label = p.Group.HourOfWeek is int how ? $"{l.DayNames[how / 24]} {how % 24:00}"
                : p.Group.Partial ? p.Group.Label + l.T(" (del)", " (part)") : p.Group.Label;
            page.Append("<tr data-group=\"").Text(p.Group.Label).Append("\"><th scope=\"row\">").Text(label).Append("</th>");
            Cell(page, "vehicles", l.Integer(p.Summary.Count));
            Cell(page, "v85", p.Summary.IsBelowMinimumSample ? "–" : l.Number(p.Summary.V85Kmh));
            Cell(page, "shareOverLimit", l.Percent(p.Summary.ShareOverLimit));
            Cell(page, "hoursWithData", $"{p.HoursWithData} / {p.HoursInGroup}");
            page.Append("</tr>\n");
        }

        Layout.EndTable(page);
        page.Append("</details>\n");
        Layout.Downloads(page, (Page.Api("/api/report", period, ("site", siteId), ("by", by), ("format", "csv")), l.T("Som CSV", "As CSV")));
    }

    private static void HeatMap(Page page, Report hours, Period period, string siteId, string direction, string display)
    {
        Language l = page.L;
        ReportRow[] cells = [.. hours.Rows.Where(r => r.Display == display && r.Direction == direction && r.Group.HourOfWeek is not null)];
        page.Append("<h3>").Text(l.T("Andel över gränsen per timme i veckan", "Share over the limit by hour of the week")).Append("</h3>\n<figure>\n");
        var svg = new System.Text.StringBuilder();
        SvgCharts.HourOfWeekHeatMap(svg, cells.ToDictionary(c => c.Group.HourOfWeek!.Value, c => (c.Summary.Count, c.Summary.ShareOverLimit)), hours.MinimumSample,
            l.DayNames, l.IsEnglish ? SvgCharts.English : SvgCharts.Swedish);
        page.Append(svg.ToString()).Append("<figcaption>").Text(l.T($"Procent av fordonen över gränsen, skrivet i varje ruta; mörkare ruta = större andel. Randiga rutor: färre än {hours.MinimumSample} fordon.",
            $"Percent of vehicles over the limit, written in each cell; darker = larger share. Hatched cells: fewer than {hours.MinimumSample} vehicles.")).Append("</figcaption>\n</figure>\n");
        page.Append("<details><summary>").Text(l.T("Diagrammets data", "The chart's data")).Append("</summary>\n");
        string[] headers = [l.T("Dag", "Day"), .. Enumerable.Range(0, 24).Select(h => h.ToString("00", System.Globalization.CultureInfo.InvariantCulture))];
        Layout.BeginTable(page, l.T("Andel över gränsen (%), dag × timme", "Share over the limit (%), day × hour"), headers);
        var byHour = cells.ToDictionary(c => c.Group.HourOfWeek!.Value);
        for (int day = 0; day < 7; day++)
        {
            page.Append("<tr><th scope=\"row\">").Text(l.DayNames[day]).Append("</th>");
            for (int hour = 0; hour < 24; hour++)
            {
                string text = byHour.TryGetValue(day * 24 + hour, out ReportRow? c) && c.Summary.Count > 0 ? l.Number(c.Summary.ShareOverLimit * 100, 0) : "–";
                Cell(page, "shareOverLimit", text);
            }

            page.Append("</tr>\n");
        }

        Layout.EndTable(page);
        page.Append("</details>\n");
        Layout.Downloads(page, (Page.Api("/api/report", period, ("site", siteId), ("by", "hour-of-week"), ("format", "csv")), l.T("Som CSV", "As CSV")));
    }

    private static void GapTable(Page page, string caption, GapDto[] gaps)
    {
        Language l = page.L;
        Layout.BeginTable(page, caption, l.T("Från", "From"), l.T("Till", "To"), l.T("Timmar", "Hours"));
        foreach (GapDto gap in gaps)
        {
            page.Append("<tr><td>").Text(Language.DateTime(gap.From)).Append("</td><td>").Text(Language.DateTime(gap.To)).Append("</td>");
            Cell(page, "hours", l.Integer(gap.Hours));
            page.Append("</tr>\n");
        }

        Layout.EndTable(page);
    }

    private static void Gaps(Page page, SiteCoverageDto coverage)
    {
        Language l = page.L;
        page.Append("<h2>").Text(l.T("Täckning och luckor", "Coverage and gaps")).Append("</h2>\n<p>")
            .Text(l.T($"Timmar med data: {l.Integer(coverage.HoursWithData)} av {l.Integer(coverage.HoursInPeriod)}.", $"Hours with data: {l.Integer(coverage.HoursWithData)} of {l.Integer(coverage.HoursInPeriod)}."))
            .Append("</p>\n");
        if (coverage.Gaps.Length == 0 && coverage.SilentUnits.Length == 0)
        {
            page.Append("<p>").Text(l.T("Inga luckor.", "No gaps.")).Append("</p>\n");
            return;
        }

        GapDto[] outages = [.. coverage.Gaps.Where(g => g.LikelyOutage)];
        GapDto[] shorter = [.. coverage.Gaps.Where(g => !g.LikelyOutage)];
        if (outages.Length > 0)
        {
            GapTable(page, l.T("Troliga avbrott (luckor minst lika långa som enhetens SilentAfter)", "Likely outages (gaps at least as long as the unit's SilentAfter)"), outages);
        }

        if (shorter.Length > 0)
        {
            page.Append("<details><summary>").Text(l.T($"{shorter.Length} kortare luckor (oftast timmar utan trafik)", $"{shorter.Length} shorter gaps (mostly hours without traffic)")).Append("</summary>\n");
            GapTable(page, l.T("Kortare luckor", "Shorter gaps"), shorter);
            page.Append("</details>\n");
        }

        foreach (SilentDto silent in coverage.SilentUnits)
        {
            page.Append("<p>").Text(l.T($"Tyst enhet {string.Join(", ", silent.Units)} ({l.Display(silent.Display)}): {Language.DateTime(silent.From)} – {Language.DateTime(silent.To)} ({silent.Hours} h).",
                $"Silent unit {string.Join(", ", silent.Units)} ({l.Display(silent.Display)}): {Language.DateTime(silent.From)} – {Language.DateTime(silent.To)} ({silent.Hours} h).")).Append("</p>\n");
        }
    }
}
