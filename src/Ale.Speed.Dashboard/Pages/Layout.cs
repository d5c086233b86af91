using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Time;

namespace Ale.Speed.Dashboard.Pages;

/// <summary>What every page has: head, skip link, navigation, language switch, period form, footer.</summary>
internal static class Layout
{
    public static void Begin(Page page, string title, string active)
    {
        Language l = page.L;
        page.Append("<!DOCTYPE html>\n<html lang=\"").Append(l.Code).Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>").Text(title).Text(" – Ale.Speed")
            .Append("</title>\n<link rel=\"stylesheet\" href=\"/assets/dashboard.css\">\n<link rel=\"icon\" href=\"/favicon.ico\" type=\"image/svg+xml\">\n</head>\n<body>\n")
            .Append("<a class=\"skip\" href=\"#main\">").Text(l.T("Till innehållet", "Skip to content")).Append("</a>\n")
            .Append("<header class=\"top\">\n<p class=\"brand\">Ale.Speed <span>").Text(l.T("hastighetsmätningar i Ale kommun", "speed measurements in Ale kommun")).Append("</span></p>\n")
            .Append("<nav aria-label=\"").Text(l.T("Sidor", "Pages")).Append("\">\n<ul>\n");
        NavItem(page, "/", l.T("Översikt", "Overview"), active == "overview");
        NavItem(page, "/hotspots", l.T("Kontrollplatser", "Enforcement"), active == "speeding");
        NavItem(page, page.Nav("/hotspots", ("kind", "atraktor")), l.T("A-traktor/moped", "A-traktor/moped"), active == "atraktor", raw: true);
        NavItem(page, "/compare", l.T("Före/efter", "Before/after"), active == "compare");
        NavItem(page, "/followup", l.T("Uppföljning", "Follow-up"), active == "followup");
        page.Append("</ul>\n</nav>\n");
        string other = page.Self(("lang", l.IsEnglish ? null : "en"));
        page.Append("<p class=\"lang\"><a href=\"").Text(other).Append("\" lang=\"").Append(l.IsEnglish ? "sv" : "en").Append("\">")
            .Text(l.IsEnglish ? "På svenska" : "In English").Append("</a></p>\n</header>\n<main id=\"main\">\n");
    }

    public static void End(Page page)
    {
        Language l = page.L;
        page.Append("</main>\n<footer>\n<p>").Text(l.T(Wording.MeasuredNotFinesSv, Wording.MeasuredNotFines)).Append("</p>\n<p>")
            .Text(l.T("Tider i svensk tid (Europe/Stockholm). En period [från, till) omfattar fönster som börjar från och med från och före till.",
                "Times are Swedish time (Europe/Stockholm). A period [from, to) holds the windows that start at or after from and before to."))
            .Append(" <a href=\"/api\">").Text(l.T("Data som JSON/CSV (API)", "Data as JSON/CSV (API)")).Append("</a></p>\n</footer>\n</body>\n</html>\n");
    }

    /// <summary>A GET form for the period (dates; the end is exclusive), keeping the page's other choices as hidden fields.</summary>
    public static void PeriodForm(Page page, Period period, params (string Name, string? Value)[] keep)
    {
        Language l = page.L;
        page.Append("<form class=\"period\" method=\"get\" action=\"").Text(page.Path).Append("\">\n")
            .Append("<label for=\"from\">").Text(l.T("Från", "From")).Append("</label> <input type=\"date\" id=\"from\" name=\"from\" required value=\"")
            .Text(Language.Date(period.LocalFrom)).Append("\">\n")
            .Append("<label for=\"to\">").Text(l.T("Till (ej med)", "To (exclusive)")).Append("</label> <input type=\"date\" id=\"to\" name=\"to\" required value=\"")
            .Text(Language.Date(period.LocalTo)).Append("\">\n");
        foreach ((string name, string? value) in keep.Append(("lang", page.Value("lang"))))
        {
            if (!string.IsNullOrEmpty(value))
            {
                page.Append("<input type=\"hidden\" name=\"").Text(name).Append("\" value=\"").Text(value).Append("\">\n");
            }
        }

        page.Append("<button type=\"submit\">").Text(l.T("Visa", "Show")).Append("</button>\n</form>\n");
    }

    /// <summary>Links that choose one value of a parameter; the current one is marked for assistive technology too.</summary>
    public static void Choice(Page page, string label, string parameter, string? current, params (string? Value, string Text)[] options)
    {
        page.Append("<p class=\"choice\"><span>").Text(label).Append(":</span> ");
        foreach ((string? value, string text) in options)
        {
            if (value == current)
            {
                page.Append("<a aria-current=\"true\" class=\"current\" href=\"").Text(page.Self((parameter, value))).Append("\">").Text(text).Append("</a> ");
            }
            else
            {
                page.Append("<a href=\"").Text(page.Self((parameter, value))).Append("\">").Text(text).Append("</a> ");
            }
        }

        page.Append("</p>\n");
    }

    /// <summary>
    /// When the page's figures were read (the oldest of its answers; <c>data-as-of</c> holds the ISO time), when answers
    /// are read again, and whether a newer read is under way (an answer served stale).
    /// </summary>
    public static void AsOf<T>(Page page, TimeSpan maxAge, params ReadOnlySpan<Caching.Answer<T>> answers)
    {
        Language l = page.L;
        DateTimeOffset oldest = DateTimeOffset.MaxValue;
        bool stale = false;
        foreach (Caching.Answer<T> answer in answers)
        {
            oldest = answer.AsOf < oldest ? answer.AsOf : oldest;
            stale |= answer.Source == Caching.AnswerSource.Stale;
        }

        DateTimeOffset asOf = Core.Time.StockholmTime.ToLocal(oldest.ToUnixTimeMilliseconds());
        string time = asOf.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        int seconds = (int)maxAge.TotalSeconds;
        page.Append("<p class=\"muted\" data-as-of=\"").Text(asOf.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture)).Append("\">")
            .Text(seconds == 0
                ? l.T($"Uppgifter per kl. {time}.", $"Data as of {time}.")
                : l.T($"Uppgifter per kl. {time} (svar äldre än {seconds} s läses om).", $"Data as of {time} (answers older than {seconds} s are read again)."))
            .Text(stale ? l.T(" Nyare uppgifter läses just nu.", " Newer figures are being read.") : "")
            .Append("</p>\n");
    }

    /// <summary>Download links under a figure.</summary>
    public static void Downloads(Page page, params (string Href, string Text)[] links)
    {
        page.Append("<p class=\"downloads\">");
        foreach ((string href, string text) in links)
        {
            page.Append("<a download href=\"").Text(href).Append("\">").Text(text).Append("</a> ");
        }

        page.Append("</p>\n");
    }

    /// <summary>Opens a scrollable, keyboard-reachable region around a wide table (the page itself never scrolls sideways).</summary>
    public static void BeginTable(Page page, string caption, params string[] headers)
    {
        page.Append("<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"").Text(caption).Append("\">\n<table>\n<caption>").Text(caption).Append("</caption>\n<thead><tr>");
        foreach (string header in headers)
        {
            page.Append("<th scope=\"col\">").Text(header).Append("</th>");
        }

        page.Append("</tr></thead>\n<tbody>\n");
    }

    public static void EndTable(Page page) => page.Append("</tbody>\n</table>\n</div>\n");

    private static void NavItem(Page page, string path, string text, bool active, bool raw = false)
    {
        string href = raw ? path : page.Nav(path);
        page.Append("<li><a href=\"").Text(href).Append('"' + (active ? " aria-current=\"page\"" : "") + ">").Text(text).Append("</a></li>\n");
    }
}
