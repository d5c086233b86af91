namespace Ale.Speed.Analysis.Notes;

/// <summary>
/// Writes notes as sentences in one language. English is what the CLI, its CSV and JSON (and so the API) write; Swedish
/// is for the dashboard's Swedish pages. Each language writes every kind of note (a test checks it).
/// </summary>
public abstract class NoteText
{
    public static NoteText English { get; } = new EnglishNotes();

    public static NoteText Swedish { get; } = new SwedishNotes();

    /// <summary>The note as a sentence (or a few).</summary>
    public abstract string Text(Note note);

    /// <summary>The note as a sentence; null for none.</summary>
    public string? Optional(Note? note) => note is null ? null : Text(note);

    /// <summary>A comparison's verdict in words.</summary>
    public string Text(Compare.Verdict verdict) => Text(new VerdictNote(verdict));

    /// <summary>Each note as a sentence.</summary>
    public string[] Texts(IEnumerable<Note> notes) => [.. notes.Select(Text)];
}
