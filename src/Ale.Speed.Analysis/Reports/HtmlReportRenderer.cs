using System.Globalization;
using System.Net;
using System.Text;
using Ale.Speed.Analysis.Data;
using Ale.Speed.Analysis.Notes;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Statistics;

namespace Ale.Speed.Analysis.Reports;

/// <summary>
/// A printable, self-contained HTML report per site (inline CSS with print styles, inline SVG charts, Swedish headings)
/// for the municipality's written follow-up; print it to PDF from a browser. The markup is well-formed XML (XHTML
/// syntax), so it can also be processed as XML.
/// </summary>
public static class HtmlReportRenderer
{
    internal const string Css = """
        body { font-family: "Segoe UI", Helvetica, Arial, sans-serif; color: #222; margin: 2em; max-width: 60em; }
        h1 { font-size: 1.6em; margin-bottom: 0.2em; }
        h2 { font-size: 1.3em; border-bottom: 2px solid #1f5fa8; padding-bottom: 0.2em; margin-top: 2em; }
        h3 { font-size: 1.05em; margin-top: 1.4em; }
        table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
        th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; }
        th { background: #eef3fa; text-align: left; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        .muted { color: #666; font-size: 0.85em; }
        .note { background: #fff7e0; border-left: 4px solid #e0a800; padding: 0.3em 0.6em; margin: 0.4em 0; }
        svg { max-width: 100%; height: auto; }
        @media print {
          body { margin: 0; max-width: none; }
          section.site { page-break-before: always; break-before: page; }
          section.site:first-of-type { page-break-before: auto; break-before: auto; }
          table, svg, .note { page-break-inside: avoid; break-inside: avoid; }
        }
        @page { size: A4; margin: 15mm; }
        """;

    /// <summary>Writes the page.</summary>
    /// <param name="total">The report by <see cref="ReportGrouping.Total"/>: key figures and the speed distribution.</param>
    /// <param name="series">The same period by <see cref="ReportGrouping.HourOfWeek"/> or <see cref="ReportGrouping.Day"/>: the V85 and volume chart.</param>
    public static void Write(Report total, Report series, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(total);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(output);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\" />\n<title>")
            .Append(E($"Uppföljning av medborgarlöftet – hastighetsmätningar {Format.LocalShort(total.Period.FromMs)} – {Format.LocalShort(total.Period.ToMs)}"))
            .Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        html.Append("<header>\n<h1>Uppföljning av medborgarlöftet</h1>\n<p>Hastighetsmätningar med radarskyltar, Ale kommun. Period: ")
            .Append(E(Format.LocalShort(total.Period.FromMs))).Append(" – ").Append(E(Format.LocalShort(total.Period.ToMs)))
            .Append(" (svensk tid).</p>\n</header>\n");

        foreach (SiteCoverage coverage in total.Coverage)
        {
            WriteSite(html, total, series, coverage);
        }

        html.Append("<footer class=\"muted\">\n<h3>Om siffrorna</h3>\n<p>")
            .Append(E("V85 är den hastighet som 85 % av fordonen inte överskrider (V50, V95 på samma sätt), beräknad ur ett histogram med 1 km/h klasser och linjär interpolation inom klassen. "
                + "Andelar och antal per bötes- och körkortsintervall är exakta: varje fordon jämförs med den hastighetsgräns som gällde när det passerade. "
                + Wording.MeasuredNotFinesSv + " " + Wording.SpeedIndexMeasuresSv + " "
                + "Körkortsintervallen är vägledande och säger inget om ett enskilt fordon. "
                + string.Create(CultureInfo.InvariantCulture, $"Grupper med färre än {total.MinimumSample} fordon är markerade och ska inte dras slutsatser av. ")
                + "Timmar utan data kan vara timmar utan trafik eller avbrott; långa luckor redovisas som troliga avbrott."))
            .Append("</p>\n</footer>\n</body>\n</html>\n");
        output.Write(html.ToString());
    }

    private static void WriteSite(StringBuilder html, Report total, Report series, SiteCoverage coverage)
    {
        ReportRow[] rows = [.. total.Rows.Where(r => r.SiteId == coverage.SiteId)];
        html.Append("<section class=\"site\" id=\"").Append(E("site-" + coverage.SiteId)).Append("\">\n<h2>")
            .Append(E(coverage.SiteName)).Append(" <span class=\"muted\">(").Append(E(coverage.SiteId)).Append(")</span></h2>\n");
        int[] limits = [.. rows.SelectMany(r => r.LimitsKmh).Distinct().Order()];
        html.Append("<p>Hastighetsgräns: ").Append(E(limits.Length == 0 ? "okänd (inga data)" : string.Join(", ", limits) + " km/h"))
            .Append(". Timmar med data: ").Append(coverage.HoursWithData).Append(" av ").Append(coverage.HoursInPeriod)
            .Append("; timmar med fungerande mätning: ").Append(coverage.HoursObserved)
            .Append(coverage.CoverageFromMs is null ? " (avbrott bedömda från timmar utan data)" : " (enligt lagrad täckning per enhet)").Append(".</p>\n");
        foreach (string note in NoteText.Swedish.Texts(coverage.Notes))
        {
            html.Append("<p class=\"note\">").Append(E(note)).Append("</p>\n");
        }

        html.Append("<h3>Nyckeltal</h3>\n<table>\n<thead><tr><th>Riktning</th><th>Skylt</th><th>Antal fordon</th><th>Medel (km/h)</th><th>V50</th><th>V85</th><th>V95</th>")
            .Append("<th>Andel över gränsen</th><th>Inom gräns + 5</th><th>Mer än 30 över</th><th>Timmar med data</th></tr></thead>\n<tbody>\n");
        foreach (ReportRow row in rows)
        {
            SpeedSummary s = row.Summary;
            html.Append("<tr><td>").Append(E(DirectionSv(row.Direction))).Append("</td><td>").Append(E(DisplaySv(row.Display))).Append("</td>")
                .Append(Td(Format.Integer(s.Count) + (s.IsBelowMinimumSample ? " *" : ""))).Append(Td(Format.Number(s.MeanKmh)))
                .Append(Td(Format.Number(s.V50Kmh))).Append(Td(Format.Number(s.V85Kmh))).Append(Td(Format.Number(s.V95Kmh)))
                .Append(Td(Format.Percent(s.ShareOverLimit))).Append(Td(Format.Percent(s.SpeedIndex.ShareWithinLimitPlus5)))
                .Append(Td(Format.Percent(s.SpeedIndex.ShareMoreThan30Over))).Append(Td($"{row.HoursWithData} / {row.HoursInGroup}"))
                .Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n<p class=\"note\">").Append(E(Wording.SpeedIndexMeasuresSv)).Append("</p>\n");

        foreach (ReportRow all in rows.Where(r => r.Direction == ReportBuilder.AllDirections && r.Summary.Count > 0))
        {
            string mode = rows.Select(r => r.Display).Distinct().Count() > 1 ? $" – {DisplaySv(all.Display)}" : "";
            html.Append("<h3>Uppmätta hastigheter i bötes- och körkortsintervallen (antal passager, båda riktningarna").Append(E(mode)).Append(")</h3>\n")
                .Append("<p class=\"note\">").Append(E(Wording.MeasuredNotFinesSv)).Append("</p>\n<table>\n<thead><tr><th>km/h över gränsen</th>");
            foreach (FineBandCount f in all.Summary.FineBands)
            {
                html.Append("<th>").Append(E(BandSv(f.Label))).Append("</th>");
            }

            html.Append("</tr></thead>\n<tbody><tr><td>Passager i ordningsbotens intervall</td>");
            foreach (FineBandCount f in all.Summary.FineBands)
            {
                html.Append(Td(Format.Integer(f.Count)));
            }

            html.Append("</tr></tbody>\n</table>\n<table>\n<thead><tr><th>Körkort (vägledande)</th><th>km/h över</th><th>Följd</th><th>Antal passager</th></tr></thead>\n<tbody>\n");
            foreach (LicenceBandDto l in ReportJson.LicenceBands(all))
            {
                string consequence = l.Months == 0 ? "varning" : $"återkallelse ca {l.Months}{(l.MonthsAtLeast ? "+" : "")} mån";
                html.Append("<tr><td>").Append(E(l.Roads == "limit<=30" ? "gräns 30 eller lägre" : "gräns 40 eller högre")).Append("</td><td>")
                    .Append(E(BandSv(l.Band))).Append("</td><td>").Append(E(consequence)).Append("</td>").Append(Td(Format.Integer(l.Vehicles))).Append("</tr>\n");
            }

            html.Append("</tbody>\n</table>\n");

            html.Append("<h3>Hastighetsfördelning").Append(E(mode)).Append("</h3>\n");
            Histogram(html, all.Bin!, all.LimitsKmh);

            ReportRow[] points = [.. series.Rows.Where(r => r.SiteId == all.SiteId && r.Display == all.Display && r.Direction == ReportBuilder.AllDirections)];
            html.Append("<h3>V85 och antal fordon per ").Append(series.Grouping switch { ReportGrouping.Day => "dag", ReportGrouping.Week => "vecka", _ => "timme i veckan" }).Append(E(mode)).Append("</h3>\n");
            SeriesChart(html, points, series.Grouping, series.MinimumSample);
        }

        if (coverage.Gaps.Any(g => g.LikelyOutage) || coverage.SilentUnits.Count > 0)
        {
            html.Append("<h3>Troliga avbrott</h3>\n<ul>\n");
            foreach (HourGap gap in coverage.Gaps.Where(g => g.LikelyOutage))
            {
                html.Append("<li>Inga data ").Append(E(Format.LocalShort(gap.FromMs))).Append(" – ").Append(E(Format.LocalShort(gap.ToMs)))
                    .Append(" (").Append(gap.Hours).Append(" h)</li>\n");
            }

            foreach (SilentStretch s in coverage.SilentUnits)
            {
                html.Append("<li>Tyst enhet ").Append(E(string.Join(", ", s.UnitIds))).Append(" (").Append(E(DisplaySv(s.Display))).Append("): ")
                    .Append(E(Format.LocalShort(s.FromMs))).Append(" – ").Append(E(Format.LocalShort(s.ToMs))).Append("</li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append("</section>\n");
    }

    private static void Histogram(StringBuilder html, Bin bin, IReadOnlyList<int> limits)
    {
        SvgCharts.Histogram(html, bin, limits, SvgCharts.Swedish);
        html.Append("<p class=\"muted\">Antal fordon per km/h. Streckad linje: hastighetsgränsen.</p>\n");
    }

    private static void SeriesChart(StringBuilder html, ReportRow[] points, ReportGrouping grouping, int minimumSample)
    {
        if (points.Length == 0)
        {
            return;
        }

        SvgCharts.Series(html, points, grouping, minimumSample, SvgCharts.Swedish);
        html.Append("<p class=\"muted\">Staplar: antal fordon (vänster skala). Röd linje: V85 (höger skala); utelämnad där underlaget är för litet.</p>\n");
    }

    private static string DirectionSv(string direction) => direction switch
    {
        "in" => "mot skylten",
        "out" => "från skylten",
        "unknown" => "okänd",
        _ => "båda",
    };

    /// <summary>A band label for a Swedish page: "over 40" reads "över 40".</summary>
    private static string BandSv(string label) => label.StartsWith("over ", StringComparison.Ordinal) ? "över " + label[5..] : label;

    private static string DisplaySv(string display) => display == "stealth" ? "dold (mäter utan att visa)" : "visar hastighet";

    private static string Td(string text) => "<td class=\"n\">" + E(text) + "</td>";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
