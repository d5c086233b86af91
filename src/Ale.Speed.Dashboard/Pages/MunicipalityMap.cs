using System.Globalization;
using System.Text;

namespace Ale.Speed.Dashboard.Pages;

/// <summary>
/// The sites on a simplified outline of Ale kommun, drawn as SVG. The outline is an approximation traced by hand from
/// the municipality's rough shape (the Göta älv as the western edge, from the Göteborg border at Surte to the Lilla
/// Edet border, east to Hålanda) — about a kilometre off in places, good for orientation and not for measuring.
/// </summary>
internal static class MunicipalityMap
{
    /// <summary>(latitude, longitude), clockwise from the southern tip at Surte.</summary>
    private static readonly (double Lat, double Lon)[] s_outline =
    [
        (57.800, 11.995), (57.830, 12.003), (57.860, 12.015), (57.893, 12.040), (57.925, 12.065), (57.955, 12.090), (57.985, 12.108),
        (58.020, 12.125), (58.050, 12.140), (58.065, 12.200), (58.060, 12.290), (58.040, 12.380), (58.005, 12.440), (57.965, 12.445),
        (57.930, 12.400), (57.900, 12.340), (57.870, 12.270), (57.845, 12.200), (57.825, 12.130), (57.808, 12.060),
    ];

    public static void Write(Page page, IReadOnlyList<(string Id, string Name, SiteLocation Location, string Href)> sites)
    {
        Language l = page.L;
        double latMin = Math.Min(s_outline.Min(p => p.Lat), sites.Select(s => s.Location.Latitude).DefaultIfEmpty(90).Min()) - 0.01;
        double latMax = Math.Max(s_outline.Max(p => p.Lat), sites.Select(s => s.Location.Latitude).DefaultIfEmpty(-90).Max()) + 0.01;
        double lonMin = Math.Min(s_outline.Min(p => p.Lon), sites.Select(s => s.Location.Longitude).DefaultIfEmpty(180).Min()) - 0.01;
        double lonMax = Math.Max(s_outline.Max(p => p.Lon), sites.Select(s => s.Location.Longitude).DefaultIfEmpty(-180).Max()) + 0.01;
        double cos = Math.Cos((latMin + latMax) / 2 * Math.PI / 180);
        const double Height = 420;
        double scale = Height / (latMax - latMin);
        double width = Math.Round((lonMax - lonMin) * cos * scale);
        (double X, double Y) P(double lat, double lon) => ((lon - lonMin) * cos * scale, (latMax - lat) * scale);

        var svg = new StringBuilder();
        svg.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {Height}\" width=\"{width}\" height=\"{Height}\" role=\"group\" aria-labelledby=\"map-title\">\n"));
        svg.Append("<title id=\"map-title\">").Append(Page.E(l.T("Karta över mätplatserna i Ale kommun (förenklad kontur)", "Map of the measuring sites in Ale kommun (simplified outline)"))).Append("</title>\n");
        svg.Append("<path d=\"");
        for (int i = 0; i < s_outline.Length; i++)
        {
            (double x, double y) = P(s_outline[i].Lat, s_outline[i].Lon);
            svg.Append(i == 0 ? 'M' : 'L').Append(Inv($"{x:F1} {y:F1} "));
        }

        svg.Append("Z\" fill=\"#eef3e8\" stroke=\"#4d6b3a\" stroke-width=\"2\" />\n");
        (double rx, double ry) = P(57.83, 12.0);
        svg.Append(Inv($"<text x=\"{rx + 6:F1}\" y=\"{ry + 40:F1}\" font-size=\"12\" fill=\"#1d4f91\" transform=\"rotate(-60 {rx + 6:F1} {ry + 40:F1})\">Göta älv</text>\n"));
        int n = 0;
        foreach ((string id, string name, SiteLocation location, string href) in sites)
        {
            n++;
            (double x, double y) = P(location.Latitude, location.Longitude);
            svg.Append("<a href=\"").Append(Page.E(href)).Append("\"><title>").Append(Page.E($"{n}. {name}")).Append("</title>")
                .Append(Inv($"<circle cx=\"{x:F1}\" cy=\"{y:F1}\" r=\"9\" fill=\"#0d3b70\" stroke=\"#fff\" stroke-width=\"2\" />"))
                .Append(Inv($"<text x=\"{x:F1}\" y=\"{y + 4:F1}\" font-size=\"11\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#fff\">{n}</text></a>\n"));
        }

        svg.Append("</svg>\n");
        page.Append("<figure class=\"map\">\n").Append(svg.ToString()).Append("<figcaption>");
        page.Text(l.T("Förenklad kontur av Ale kommun, ungefärlig. Numren hänvisar till listan: ", "Simplified, approximate outline of Ale kommun. The numbers refer to the list: "));
        page.Text(string.Join("; ", sites.Select((s, i) => $"{i + 1}. {s.Name} ({s.Location.Latitude.ToString("F4", CultureInfo.InvariantCulture)}, {s.Location.Longitude.ToString("F4", CultureInfo.InvariantCulture)})")));
        page.Append("</figcaption>\n</figure>\n");
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
