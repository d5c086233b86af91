using System.Globalization;
using System.Net;
using System.Text;
using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Statistics;

namespace Ale.Speed.Analysis.Reports;

/// <summary>The words a chart writes into its SVG (its accessible name, the limit's label, the unit of a count).</summary>
public sealed record ChartWords(string Histogram, string Limit, string Series, string Vehicles, string HeatMap);

/// <summary>
/// SVG charts drawn in C#, shared by the printable report and the dashboard, so both draw the same figure from the
/// same merged bins. Well-formed XML; sized by a viewBox so they scale down on narrow screens.
/// </summary>
public static class SvgCharts
{
    public static readonly ChartWords Swedish = new("Hastighetsfördelning", "gräns", "V85 och antal fordon", "fordon", "Andel över gränsen per timme i veckan");

    public static readonly ChartWords English = new("Speed distribution", "limit", "V85 and vehicles", "vehicles", "Share over the limit by hour of the week");

    /// <summary>Bars per 1 km/h bucket, the limit as a dashed red line with its value written beside it.</summary>
    public static void Histogram(StringBuilder html, Bin bin, IReadOnlyList<int> limits, ChartWords words)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(bin);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(words);
        ReadOnlySpan<long> counts = bin.Histogram.Counts;
        int lo = 0;
        int hi = counts.Length - 1;
        while (lo < hi && counts[lo] == 0)
        {
            lo++;
        }

        while (hi > lo && counts[hi] == 0)
        {
            hi--;
        }

        foreach (int limit in limits)
        {
            lo = Math.Min(lo, limit);
            hi = Math.Max(hi, limit);
        }

        lo = Math.Max(0, lo / 10 * 10);
        hi = Math.Min(counts.Length - 1, (hi / 10 + 1) * 10);
        long max = 1;
        for (int k = lo; k <= hi; k++)
        {
            max = Math.Max(max, counts[k]);
        }

        const double Width = 720, Height = 240, Left = 50, Bottom = 30, Top = 10;
        double plotWidth = Width - Left - 10;
        double plotHeight = Height - Bottom - Top;
        double barWidth = plotWidth / (hi - lo + 1);
        var svg = new StringBuilder();
        svg.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"{E(words.Histogram)}\">\n"));
        svg.Append(Inv($"<line x1=\"{Left}\" y1=\"{Top + plotHeight}\" x2=\"{Width - 10}\" y2=\"{Top + plotHeight}\" stroke=\"#444\" />\n"));
        for (int k = lo; k <= hi; k++)
        {
            if (counts[k] > 0)
            {
                double h = counts[k] / (double)max * plotHeight;
                svg.Append(Inv($"<rect x=\"{Left + (k - lo) * barWidth:F1}\" y=\"{Top + plotHeight - h:F1}\" width=\"{Math.Max(barWidth - 0.5, 0.5):F1}\" height=\"{h:F1}\" fill=\"#1f5fa8\"><title>{k}–{k + 1} km/h: {counts[k]}</title></rect>\n"));
            }

            if (k % 10 == 0)
            {
                svg.Append(Inv($"<text x=\"{Left + (k - lo) * barWidth:F1}\" y=\"{Height - 10}\" font-size=\"11\" text-anchor=\"middle\">{k}</text>\n"));
            }
        }

        svg.Append(Inv($"<text x=\"{Left - 5}\" y=\"{Top + 10}\" font-size=\"11\" text-anchor=\"end\">{max}</text>\n"));
        svg.Append(Inv($"<text x=\"{Left - 5}\" y=\"{Top + plotHeight}\" font-size=\"11\" text-anchor=\"end\">0</text>\n"));
        foreach (int limit in limits)
        {
            double x = Left + (limit - lo) * barWidth;
            svg.Append(Inv($"<line x1=\"{x:F1}\" y1=\"{Top}\" x2=\"{x:F1}\" y2=\"{Top + plotHeight}\" stroke=\"#c00\" stroke-width=\"2\" stroke-dasharray=\"6 3\" />\n"));
            svg.Append(Inv($"<text x=\"{x + 4:F1}\" y=\"{Top + 12}\" font-size=\"12\" fill=\"#c00\">{E(words.Limit)} {limit} km/h</text>\n"));
        }

        svg.Append("</svg>\n");
        html.Append(svg);
    }

    /// <summary>Vehicles as bars and V85 as a line, per hour of the week, per day or per week (labelled <c>W10</c>).</summary>
    public static void Series(StringBuilder html, IReadOnlyList<ReportRow> points, ReportGrouping grouping, int minimumSample, ChartWords words)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(words);
        if (points.Count == 0)
        {
            return;
        }

        const double Width = 720, Height = 260, Left = 50, Right = 50, Bottom = 30, Top = 10;
        double plotWidth = Width - Left - Right;
        double plotHeight = Height - Bottom - Top;
        double step = plotWidth / points.Count;
        long maxCount = Math.Max(1, points.Max(p => p.Summary.Count));
        double maxV85 = Math.Max(10, points.Where(p => double.IsFinite(p.Summary.V85Kmh)).Select(p => p.Summary.V85Kmh).DefaultIfEmpty(10).Max());
        maxV85 = Math.Ceiling(maxV85 / 10) * 10;
        var svg = new StringBuilder();
        svg.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"{E(words.Series)}\">\n"));
        svg.Append(Inv($"<line x1=\"{Left}\" y1=\"{Top + plotHeight}\" x2=\"{Width - Right}\" y2=\"{Top + plotHeight}\" stroke=\"#444\" />\n"));
        var line = new StringBuilder();
        for (int i = 0; i < points.Count; i++)
        {
            SpeedSummary s = points[i].Summary;
            double h = s.Count / (double)maxCount * plotHeight;
            svg.Append(Inv($"<rect x=\"{Left + i * step:F1}\" y=\"{Top + plotHeight - h:F1}\" width=\"{Math.Max(step - 0.5, 0.5):F1}\" height=\"{h:F1}\" fill=\"#b9cde5\"><title>{E(points[i].Group.Label)}: {s.Count} {E(words.Vehicles)}</title></rect>\n"));
            if (s.Count >= minimumSample && double.IsFinite(s.V85Kmh))
            {
                double y = Top + plotHeight - s.V85Kmh / maxV85 * plotHeight;
                line.Append(line.Length == 0 ? "M" : " L").Append(Inv($"{Left + (i + 0.5) * step:F1} {y:F1}"));
            }
            else if (line.Length > 0 && line[^1] != 'M')
            {
                // A group below the minimum sample breaks the line rather than drawing a noisy point.
                svg.Append(Inv($"<path d=\"{line}\" fill=\"none\" stroke=\"#c00\" stroke-width=\"1.5\" />\n"));
                line.Clear();
            }

            bool label = grouping switch
            {
                ReportGrouping.HourOfWeek => points[i].Group.HourOfWeek % 24 == 0,
                ReportGrouping.Week => points.Count <= 16 || i % 4 == 0,
                _ => points.Count <= 16 || i % 7 == 0,
            };
            if (label)
            {
                string text = grouping == ReportGrouping.HourOfWeek ? points[i].Group.Label[..3] : points[i].Group.Label[5..];
                svg.Append(Inv($"<text x=\"{Left + i * step:F1}\" y=\"{Height - 10}\" font-size=\"11\">{E(text)}</text>\n"));
            }
        }

        if (line.Length > 0)
        {
            svg.Append(Inv($"<path d=\"{line}\" fill=\"none\" stroke=\"#c00\" stroke-width=\"1.5\" />\n"));
        }

        svg.Append(Inv($"<text x=\"{Left - 5}\" y=\"{Top + 10}\" font-size=\"11\" text-anchor=\"end\">{maxCount}</text>\n"));
        svg.Append(Inv($"<text x=\"{Width - Right + 5}\" y=\"{Top + 10}\" font-size=\"11\" fill=\"#c00\">{maxV85} km/h</text>\n"));
        svg.Append("</svg>\n");
        html.Append(svg);
    }

    /// <summary>
    /// The share over the limit for each hour of the week (rows Monday…Sunday, columns 00…23), darker for a larger
    /// share and the percentage written in each cell, so the figure is not told by colour alone. Hours with fewer
    /// vehicles than <paramref name="minimumSample"/> are hatched grey and carry no figure.
    /// </summary>
    /// <param name="cells">Per hour of the week (0 = Monday 00): vehicles and the share over the limit (NaN without vehicles).</param>
    /// <param name="dayNames">Seven row labels, Monday first.</param>
    public static void HourOfWeekHeatMap(StringBuilder html, IReadOnlyDictionary<int, (long Vehicles, double Share)> cells, int minimumSample,
        IReadOnlyList<string> dayNames, ChartWords words)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(dayNames);
        ArgumentNullException.ThrowIfNull(words);
        const double Left = 40, Top = 20, Cell = 28, RowHeight = 22;
        double width = Left + 24 * Cell + 4;
        double height = Top + 7 * RowHeight + 4;
        double max = Math.Max(0.01, cells.Values.Where(c => c.Vehicles >= minimumSample && double.IsFinite(c.Share)).Select(c => c.Share).DefaultIfEmpty(0).Max());
        var svg = new StringBuilder();
        svg.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{E(words.HeatMap)}\">\n"));
        svg.Append("<defs><pattern id=\"few\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"#eee\" /><path d=\"M0 6 L6 0\" stroke=\"#999\" /></pattern></defs>\n");
        for (int hour = 0; hour < 24; hour += 3)
        {
            svg.Append(Inv($"<text x=\"{Left + hour * Cell + Cell / 2:F1}\" y=\"{Top - 6}\" font-size=\"11\" text-anchor=\"middle\">{hour:00}</text>\n"));
        }

        for (int day = 0; day < 7; day++)
        {
            double y = Top + day * RowHeight;
            svg.Append(Inv($"<text x=\"{Left - 4}\" y=\"{y + RowHeight / 2 + 4:F1}\" font-size=\"11\" text-anchor=\"end\">{E(dayNames[day])}</text>\n"));
            for (int hour = 0; hour < 24; hour++)
            {
                double x = Left + hour * Cell;
                if (!cells.TryGetValue(day * 24 + hour, out (long Vehicles, double Share) c) || c.Vehicles < minimumSample || !double.IsFinite(c.Share))
                {
                    svg.Append(Inv($"<rect x=\"{x:F1}\" y=\"{y:F1}\" width=\"{Cell - 1}\" height=\"{RowHeight - 1}\" fill=\"url(#few)\"><title>{E(dayNames[day])} {hour:00}: {c.Vehicles} {E(words.Vehicles)}</title></rect>\n"));
                    continue;
                }

                // Lightness from 97 % (no share) to 25 % (the largest share): a single-hue scale.
                double t = c.Share / max;
                int lightness = (int)Math.Round(97 - 72 * t);
                string fill = Inv($"hsl(215, 70%, {lightness}%)");
                string ink = lightness < 55 ? "#fff" : "#000";
                string percent = Inv($"{c.Share * 100:F0}");
                svg.Append(Inv($"<rect x=\"{x:F1}\" y=\"{y:F1}\" width=\"{Cell - 1}\" height=\"{RowHeight - 1}\" fill=\"{fill}\"><title>{E(dayNames[day])} {hour:00}: {percent} % ({c.Vehicles} {E(words.Vehicles)})</title></rect>\n"));
                svg.Append(Inv($"<text x=\"{x + Cell / 2 - 0.5:F1}\" y=\"{y + RowHeight / 2 + 3.5:F1}\" font-size=\"10\" text-anchor=\"middle\" fill=\"{ink}\">{percent}</text>\n"));
            }
        }

        svg.Append("</svg>\n");
        html.Append(svg);
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
