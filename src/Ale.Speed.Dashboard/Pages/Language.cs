using System.Globalization;
using Ale.Speed.Analysis.Notes;

namespace Ale.Speed.Dashboard.Pages;

/// <summary>
/// The page language: Swedish by default, English with <c>?lang=en</c>. Numbers are written the Swedish way
/// (12 345,6 and 12,3 %) or the English way (12,345.6 and 12.3%); dates as ISO 8601 in both (the Swedish standard form).
/// The process runs with invariant globalization, so the Swedish number format is spelled out here rather than looked up.
/// </summary>
internal sealed class Language
{
    public static readonly Language Swedish = new("sv", SwedishNotes.Numbers, SwedishNotes.PercentSuffix);
    public static readonly Language English = new("en", CultureInfo.InvariantCulture.NumberFormat, "%");

    private readonly string _percentSuffix;

    private Language(string code, NumberFormatInfo numbers, string percentSuffix)
    {
        Code = code;
        Numbers = numbers;
        _percentSuffix = percentSuffix;
    }

    public string Code { get; }

    public bool IsEnglish => Code == "en";

    public NumberFormatInfo Numbers { get; }

    /// <summary>The text in this language.</summary>
    public string T(string swedish, string english) => IsEnglish ? english : swedish;

    /// <summary>The analysis's notes in this language: in English the CLI's (and the API's) sentences.</summary>
    public NoteText Notes => IsEnglish ? NoteText.English : NoteText.Swedish;

    /// <summary>An analysis note (explanation, caveat, reason, verdict) in this language.</summary>
    public string Note(Note note) => Notes.Text(note);

    public string Number(double? value, int decimals = 1)
        => value is double v && double.IsFinite(v) ? v.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), Numbers) : "–";

    public string Integer(long value) => value.ToString("N0", Numbers);

    public string Percent(double? share, int decimals = 1)
        => share is double s && double.IsFinite(s) ? (s * 100).ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), Numbers) + _percentSuffix : "–";

    /// <summary>With a sign: +1,2 or −1,2 (a true minus sign).</summary>
    public string Signed(double? value, int decimals = 1)
        => value is double v && double.IsFinite(v) ? (v > 0 ? "+" : "") + Number(v, decimals) : "–";

    public static string Date(DateTimeOffset time) => time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string DateTime(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public string[] DayNames => IsEnglish ? ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] : ["mån", "tis", "ons", "tor", "fre", "lör", "sön"];

    public string Direction(string direction) => direction switch
    {
        "in" => T("mot skylten", "approaching"),
        "out" => T("från skylten", "receding"),
        "unknown" => T("okänd", "unknown"),
        _ => T("båda", "both"),
    };

    public string Display(string display) => display == "stealth" ? T("dold (visar inte hastigheten)", "stealth (speed not shown)") : T("visar hastigheten", "shows the speed");

}
