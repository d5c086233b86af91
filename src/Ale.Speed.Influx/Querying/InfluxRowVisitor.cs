using System.Text.Json;

namespace Ale.Speed.Influx.Querying;

/// <summary>
/// Receives an InfluxQL answer as it streams in (<see cref="InfluxQueryClient.StreamAsync(string, InfluxRowVisitor, CancellationToken)"/>):
/// each series, then its rows one at a time, so that what the caller keeps — not the answer's size — sets the memory used.
/// </summary>
public abstract class InfluxRowVisitor
{
    /// <summary>
    /// A series (or, for a chunked answer, the next chunk of one) begins: its measurement, GROUP BY tags (empty when not
    /// grouped) and columns. <paramref name="continuesPrevious"/> is true when the server split one series and this is
    /// a further part of the series announced last.
    /// </summary>
    public abstract void OnSeries(string name, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> columns, bool continuesPrevious);

    /// <summary>
    /// One row: <paramref name="reader"/> is on the row's <see cref="JsonTokenType.StartArray"/>; read one value per column
    /// and leave it on the matching <see cref="JsonTokenType.EndArray"/>. With <c>epoch=ms</c> the <c>time</c> column
    /// holds Unix milliseconds.
    /// </summary>
    public abstract void OnRow(ref Utf8JsonReader reader);
}
