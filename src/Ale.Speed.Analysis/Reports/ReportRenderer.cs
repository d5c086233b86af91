using System.Globalization;
using System.Text.Json;
using Ale.Speed.Analysis.Notes;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Core.Statistics;

namespace Ale.Speed.Analysis.Reports;

/// <summary>Writes a <see cref="Report"/> as a terminal table, CSV or JSON. (HTML: <see cref="HtmlReportRenderer"/>.)</summary>
public static class ReportRenderer
{
    /// <summary>The JSON document, written as it is serialised (a year by day over 50 sites is ~250 MB of text: never one string).</summary>
    public static void WriteJson(Report report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        using (var stream = new TextWriterStream(output))
        {
            JsonSerializer.Serialize(stream, ReportJson.ToStreamingDocument(report), AnalysisJsonContext.Default.ReportDocument);
        }

        output.WriteLine();
    }

    /// <summary>One CSV record per row; band columns named after the schedule's bands (fine_11_15, licence30_21_30, licence40_25_30…).</summary>
    public static void WriteCsv(Report report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var csv = new CsvWriter(output);
        string[] fixedColumns =
        [
            "site", "name", "direction", "display", "group", "groupFrom", "groupTo", "hourOfWeek", "limitKmh", "limitsKmh",
            "vehicles", "meanKmh", "sdKmh", "v50Kmh", "v85Kmh", "v95Kmh", "maxKmh", "overLimit", "shareOverLimit",
            "shareWithinLimit", "shareWithinLimitPlus5", "shareMoreThan30Over", "paceFromKmh", "paceVehicles",
        ];
        foreach (string column in fixedColumns)
        {
            csv.Field(column);
        }

        ReportRow? first = report.Rows.FirstOrDefault();
        if (first is not null)
        {
            foreach (FineBandCount f in first.Summary.FineBands)
            {
                csv.Field("fine_" + Column(f.Label));
            }

            foreach (LicenceBandCount l in first.Summary.LicenceBandsLimitAtMost30)
            {
                csv.Field("licence30_" + Column(l.Label));
            }

            foreach (LicenceBandCount l in first.Summary.LicenceBandsLimitFrom40)
            {
                csv.Field("licence40_" + Column(l.Label));
            }
        }

        csv.Field("hoursWithData").Field("hoursInPeriod").Field("belowMinimumSample");
        csv.EndLine();

        foreach (ReportRow row in report.Rows)
        {
            SpeedSummary s = row.Summary;
            csv.Field(row.SiteId).Field(row.SiteName).Field(row.Direction).Field(row.Display).Field(row.Group.Label)
                .Field(Format.LocalIso(row.Group.FromMs)).Field(Format.LocalIso(row.Group.ToMs)).Field(row.Group.HourOfWeek)
                .Field(row.LimitKmh).Field(string.Join(';', row.LimitsKmh.Select(l => l.ToString(CultureInfo.InvariantCulture))))
                .Field(s.Count).Field(s.MeanKmh).Field(s.StandardDeviationKmh).Field(s.V50Kmh).Field(s.V85Kmh).Field(s.V95Kmh).Field(s.MaxKmh)
                .Field(s.CountOverLimit).Field(s.ShareOverLimit)
                .Field(s.SpeedIndex.ShareWithinLimit).Field(s.SpeedIndex.ShareWithinLimitPlus5).Field(s.SpeedIndex.ShareMoreThan30Over)
                .Field(s.Pace?.LowerKmh).Field(s.Pace?.Count);
            foreach (FineBandCount f in s.FineBands)
            {
                csv.Field(f.Count);
            }

            foreach (LicenceBandCount l in s.LicenceBandsLimitAtMost30)
            {
                csv.Field(l.Count);
            }

            foreach (LicenceBandCount l in s.LicenceBandsLimitFrom40)
            {
                csv.Field(l.Count);
            }

            csv.Field(row.HoursWithData).Field(row.HoursInGroup).Field(s.IsBelowMinimumSample);
            csv.EndLine();
        }
    }

    public static void WriteTable(Report report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"Speed report {Format.LocalShort(report.Period.FromMs)} – {Format.LocalShort(report.Period.ToMs)} (Europe/Stockholm), by {OutputNames.Name(report.Grouping)}");
        output.WriteLine();
        // Rows are formatted as they are written (twice: to measure, to write), never kept as strings: a year by day over
        // 50 sites is 55,000 rows of 15 cells here and 26 below.
        string[] figures = ["site", "dir", "display", "group", "limit", "vehicles", "mean", "V50", "V85", "V95", ">limit", "<=lim+5", ">lim+30", "hours", ""];
        TextTable.Write(output, figures, report.Rows, report.Rows.Count, static (rows, r, ref cells) =>
        {
            ReportRow row = rows[r];
            SpeedSummary s = row.Summary;
            Span<char> buffer = stackalloc char[32];
            cells.Add(row.SiteId);
            cells.Add(row.Direction);
            cells.Add(row.Display);
            cells.Add(row.Group.Label);
            cells.Add(row.LimitKmh is int limit ? Format.Integer(buffer, limit) : string.Join('/', row.LimitsKmh));
            cells.Add(Format.Integer(buffer, s.Count));
            cells.Add(Format.Number(buffer, s.MeanKmh));
            cells.Add(Format.Number(buffer, s.V50Kmh));
            cells.Add(Format.Number(buffer, s.V85Kmh));
            cells.Add(Format.Number(buffer, s.V95Kmh));
            cells.Add(Format.Percent(buffer, s.ShareOverLimit));
            cells.Add(Format.Percent(buffer, s.SpeedIndex.ShareWithinLimitPlus5));
            cells.Add(Format.Percent(buffer, s.SpeedIndex.ShareMoreThan30Over));
            cells.Add(buffer.TryWrite(CultureInfo.InvariantCulture, $"{row.HoursWithData}/{row.HoursInGroup}", out int length) ? buffer[..length] : $"{row.HoursWithData}/{row.HoursInGroup}");
            cells.Add(s.IsBelowMinimumSample ? "*" : "");
        });
        output.WriteLine();
        output.WriteLine($"* fewer than {report.MinimumSample} vehicles: shown, but too few to conclude from. hours = hours with data / hours in the group.");
        output.WriteLine(Wording.MeasuredNotFines);
        output.WriteLine(Wording.SpeedIndexMeasures);
        output.WriteLine();

        ReportRow? first = report.Rows.FirstOrDefault();
        if (first is not null)
        {
            output.WriteLine("Measured passages per fine band (km/h over) and licence band (limit <=30 | >=40), not fines issued:");
            string[] headers =
            [
                "site", "dir", "display", "group",
                .. first.Summary.FineBands.Select(f => f.Label),
                .. first.Summary.LicenceBandsLimitAtMost30.Select(l => "L30:" + l.Label),
                .. first.Summary.LicenceBandsLimitFrom40.Select(l => "L40:" + l.Label),
            ];
            TextTable.Write(output, headers, report.Rows, report.Rows.Count, static (rows, r, ref cells) =>
            {
                ReportRow row = rows[r];
                SpeedSummary s = row.Summary;
                Span<char> buffer = stackalloc char[32];
                cells.Add(row.SiteId);
                cells.Add(row.Direction);
                cells.Add(row.Display);
                cells.Add(row.Group.Label);
                for (int i = 0; i < s.FineBands.Count; i++)
                {
                    cells.Add(Format.Integer(buffer, s.FineBands[i].Count));
                }

                for (int i = 0; i < s.LicenceBandsLimitAtMost30.Count; i++)
                {
                    cells.Add(Format.Integer(buffer, s.LicenceBandsLimitAtMost30[i].Count));
                }

                for (int i = 0; i < s.LicenceBandsLimitFrom40.Count; i++)
                {
                    cells.Add(Format.Integer(buffer, s.LicenceBandsLimitFrom40[i].Count));
                }
            });
            output.WriteLine();
        }

        output.WriteLine("Coverage:");
        foreach (SiteCoverage c in report.Coverage)
        {
            string basis = c.CoverageFromMs is null ? "outages inferred from hours without data" : "outages from stored unit coverage";
            output.WriteLine($"  {c.SiteId} ({c.SiteName}): {c.HoursWithData} of {c.HoursInPeriod} hours with data, {c.HoursObserved} observed ({basis}); {c.Gaps.Count} gap(s), {c.Gaps.Count(g => g.LikelyOutage)} likely outage(s)");
            foreach (var gap in c.Gaps.Where(g => g.LikelyOutage))
            {
                output.WriteLine($"    {(gap.FromCoverage ? "no working unit" : "no data")} {Format.LocalShort(gap.FromMs)} – {Format.LocalShort(gap.ToMs)} ({gap.Hours} h)");
            }

            foreach (SilentStretch s in c.SilentUnits)
            {
                output.WriteLine($"    silent: {string.Join(", ", s.UnitIds)} ({s.Display}) {Format.LocalShort(s.FromMs)} – {Format.LocalShort(s.ToMs)}");
            }

            foreach (string note in NoteText.English.Texts(c.Notes))
            {
                output.WriteLine($"    note: {note}");
            }
        }
    }

    private static string Column(string label) => label.Replace('-', '_').Replace(' ', '_');
}
