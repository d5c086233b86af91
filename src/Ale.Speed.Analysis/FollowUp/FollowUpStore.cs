using System.Globalization;
using System.Text.Json;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Influx.LineProtocol;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Analysis.FollowUp;

/// <summary>
/// The registers of police controls and residents' reports, in InfluxDB measurements of their own
/// (<see cref="ControlMeasurement"/>, <see cref="ConcernMeasurement"/>; docs/schema.md), so charts can mark them. One
/// point per entry, named by its start (a control) or its receipt (a report), its id a tag. Removing writes a tombstone
/// (<c>removed=true</c>) onto the same point: InfluxDB 1.x merges the fields of a point written again, the entry's
/// history stays, and it works alike on the 1.x and 2.x write APIs (2.x's InfluxQL endpoint has no DELETE).
/// </summary>
public sealed class FollowUpStore(InfluxWriter writer, InfluxQueryClient query)
{
    public const string ControlMeasurement = "police_control";
    public const string ConcernMeasurement = "resident_concern";

    // Every stored entry lies between these (InfluxQL needs bounds to read future points).
    private const long EarliestMs = 0;
    private const long LatestMs = 4_102_444_800_000; // 2100-01-01

    /// <summary>Stores one control (a single line: stored whole or not at all).</summary>
    public async Task AddAsync(PoliceControl control, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(control);
        using LineBatch batch = writer.CreateBatch();
        LineProtocolWriter line = batch.Writer.Measurement(ControlMeasurement)
            .Tag("id", control.Id).Tag("kind", FollowUpNames.Name(control.Kind)).Tag("site", control.SiteId)
            .Field("end_ms", control.ToMs).Field("hours", control.Hours);
        if (control.Checked is int c)
        {
            line.Field("checked", c);
        }

        if (control.Reported is int r)
        {
            line.Field("reported", r);
        }

        if (control.Licences is int l)
        {
            line.Field("licences", l);
        }

        if (!string.IsNullOrEmpty(control.Note))
        {
            line.Field("note", control.Note);
        }

        line.Field("removed", false).Timestamp(control.FromMs, batch.Precision);
        await WriteAsync(batch, ct).ConfigureAwait(false);
    }

    /// <summary>Stores reports in one request (each a line; written again, a report replaces itself).</summary>
    public async Task AddAsync(IReadOnlyList<ResidentConcern> concerns, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(concerns);
        if (concerns.Count == 0)
        {
            return;
        }

        using LineBatch batch = writer.CreateBatch();
        foreach (ResidentConcern concern in concerns)
        {
            LineProtocolWriter line = batch.Writer.Measurement(ConcernMeasurement)
                .Tag("id", concern.Id).Tag("kind", FollowUpNames.Name(concern.Kind)).Tag("site", concern.SiteId ?? "")
                .Field("place", concern.Place).Field("source", concern.Source);
            if (concern.Position is GeoPoint p)
            {
                line.Field("lat", p.Latitude).Field("lon", p.Longitude);
            }

            line.Field("removed", false).Timestamp(concern.ReceivedMs, batch.Precision);
        }

        await WriteAsync(batch, ct).ConfigureAwait(false);
    }

    /// <summary>The controls that start in <paramref name="period"/> (all when null), removed ones left out, by start.</summary>
    public async Task<IReadOnlyList<PoliceControl>> ControlsAsync(Period? period, CancellationToken ct)
    {
        var controls = new List<PoliceControl>();
        foreach (Row row in await ReadAsync(ControlMeasurement, TimeCondition(period), ct).ConfigureAwait(false))
        {
            if (!row.Bool("removed"))
            {
                controls.Add(ToControl(row));
            }
        }

        return [.. controls.OrderBy(c => c.FromMs).ThenBy(c => c.Id, StringComparer.Ordinal)];
    }

    /// <summary>The reports received in <paramref name="period"/> (all when null), by receipt.</summary>
    public async Task<IReadOnlyList<ResidentConcern>> ConcernsAsync(Period? period, CancellationToken ct)
    {
        var concerns = new List<ResidentConcern>();
        foreach (Row row in await ReadAsync(ConcernMeasurement, TimeCondition(period), ct).ConfigureAwait(false))
        {
            if (!row.Bool("removed"))
            {
                FollowUpNames.TryParse(row.Text("kind"), out ConcernKind kind);
                double? lat = row.Number("lat");
                double? lon = row.Number("lon");
                concerns.Add(new ResidentConcern(row.Text("id") ?? "", row.Time, row.Text("place") ?? "", kind, NullIfEmpty(row.Text("site")),
                    lat is double a && lon is double o ? new GeoPoint(a, o) : null, row.Text("source") ?? ""));
            }
        }

        return [.. concerns.OrderBy(c => c.ReceivedMs).ThenBy(c => c.Id, StringComparer.Ordinal)];
    }

    /// <summary>Whether an entry (removed or not) with <paramref name="id"/> exists in <paramref name="measurement"/>.</summary>
    public async Task<bool> ExistsAsync(string measurement, string id, CancellationToken ct)
        => (await ReadAsync(measurement, $"{TimeCondition(null)} AND \"id\" = {Literal(id)}", ct).ConfigureAwait(false)).Count > 0;

    /// <summary>
    /// Marks the control removed (a tombstone on its own point). Returns the control, or null when no control has the
    /// id; throws <see cref="Reports.AnalysisRequestException"/> when it was removed already.
    /// </summary>
    public async Task<PoliceControl?> RemoveControlAsync(string id, long nowMs, CancellationToken ct)
    {
        IReadOnlyList<Row> rows = await ReadAsync(ControlMeasurement, $"{TimeCondition(null)} AND \"id\" = {Literal(id)}", ct).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            return null;
        }

        Row row = rows[0];
        if (row.Bool("removed"))
        {
            throw new Reports.AnalysisRequestException($"Control '{id}' was removed already ({Output.Format.LocalShort((long)(row.Number("removed_ms") ?? 0))}).");
        }

        PoliceControl control = ToControl(row);
        using LineBatch batch = writer.CreateBatch();
        batch.Writer.Measurement(ControlMeasurement)
            .Tag("id", control.Id).Tag("kind", row.Text("kind") ?? "").Tag("site", control.SiteId)
            .Field("removed", true).Field("removed_ms", nowMs).Timestamp(control.FromMs, batch.Precision);
        await WriteAsync(batch, ct).ConfigureAwait(false);
        return control;
    }

    private async Task WriteAsync(LineBatch batch, CancellationToken ct)
    {
        InfluxWriteResult result = await writer.WriteAsync(batch, ct).ConfigureAwait(false);
        if (!result.IsComplete || result.QuarantinedLines > 0)
        {
            throw new InfluxQueryException($"InfluxDB did not store the entry ({result.Failure}{(result.StatusCode > 0 ? $", {result.StatusCode}" : "")}): {result.Message}");
        }
    }

    private static PoliceControl ToControl(Row row)
    {
        FollowUpNames.TryParse(row.Text("kind"), out ControlKind kind);
        return new PoliceControl(row.Text("id") ?? "", row.Text("site") ?? "", row.Time, (long)(row.Number("end_ms") ?? row.Time), kind,
            Count(row.Number("checked")), Count(row.Number("reported")), Count(row.Number("licences")), NullIfEmpty(row.Text("note")));
    }

    private static int? Count(double? value) => value is double v ? (int)v : null;

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static string TimeCondition(Period? period)
        => string.Create(CultureInfo.InvariantCulture, $"time >= {period?.FromMs ?? EarliestMs}ms AND time < {period?.ToMs ?? LatestMs}ms");

    /// <summary>An InfluxQL string literal (backslash and single quote escaped).</summary>
    private static string Literal(string text) => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private async Task<IReadOnlyList<Row>> ReadAsync(string measurement, string condition, CancellationToken ct)
    {
        IReadOnlyList<InfluxSeries> answer = await query.QueryAsync($"SELECT * FROM \"{measurement}\" WHERE {condition}", ct).ConfigureAwait(false);
        var rows = new List<Row>();
        foreach (InfluxSeries series in answer)
        {
            foreach (JsonElement[] values in series.Values)
            {
                rows.Add(new Row(series, values));
            }
        }

        return rows;
    }

    private readonly record struct Row(InfluxSeries Series, JsonElement[] Values)
    {
        public long Time => Values[Series.IndexOf("time")].GetInt64();

        private JsonElement? Get(string column)
        {
            int i = Series.IndexOf(column);
            return i < 0 || i >= Values.Length || Values[i].ValueKind == JsonValueKind.Null ? null : Values[i];
        }

        public string? Text(string column) => Get(column) is { ValueKind: JsonValueKind.String } e ? e.GetString() : null;

        public double? Number(string column) => Get(column) is { ValueKind: JsonValueKind.Number } e ? e.GetDouble() : null;

        public bool Bool(string column) => Get(column) is { ValueKind: JsonValueKind.True };
    }
}
