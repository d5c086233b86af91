using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ale.Speed.Analysis.Notes;

/// <summary>
/// Something the analysis says about its figures (an explanation, a caveat, a reason), kept as its kind and values rather
/// than as a sentence: <see cref="NoteText.English"/> writes it for the CLI, its CSV and JSON (and so the API),
/// <see cref="NoteText.Swedish"/> for the dashboard's Swedish pages. In JSON a note is its English sentence.
/// </summary>
[JsonConverter(typeof(EnglishNoteConverter))]
public abstract record Note
{
    /// <summary>The English sentence, as the CLI writes it.</summary>
    public sealed override string ToString() => NoteText.English.Text(this);
}

/// <summary>Writes a note as its English sentence: the documents' JSON is what it was when notes were strings.</summary>
internal sealed class EnglishNoteConverter : JsonConverter<Note>
{
    public override Note Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => throw new NotSupportedException("Notes are written, never read back.");

    public override void Write(Utf8JsonWriter writer, Note value, JsonSerializerOptions options) => writer.WriteStringValue(NoteText.English.Text(value));
}
