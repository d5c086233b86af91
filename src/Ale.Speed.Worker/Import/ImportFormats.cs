using System.Diagnostics.CodeAnalysis;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Sites;
using Ale.Speed.Worker.Configuration;

namespace Ale.Speed.Worker.Import;

/// <summary>
/// Which logs <c>ale-speed import</c> reads. A log must say when each vehicle passed: the canonical record, the ICOMS
/// TMA-3B3 export and a column-mapped CSV carry their own time; a format whose lines carry none (OPS243, DR500, LD2415H,
/// ICOMS TMA-296 serial lines) is read as a timestamped log, each line prefixed by the time the logger received it.
/// </summary>
internal static class ImportFormats
{
    public const string Description =
        "canonical, icoms-tma3b3, csv (with --columns), or a timestamped log of ops243, ops243-plain, ops243-json, ops243-csv, icoms, dr500, ld2415h";

    public static bool TryCreateParser(string name, Unit unit, string? columns,
        [NotNullWhen(true)] out FrameParser? parser, [NotNullWhen(true)] out string? formatName, [NotNullWhen(false)] out string? error)
    {
        parser = null;
        formatName = null;
        if (!FrameParsers.TryParseFormat(name, out FrameFormat format))
        {
            error = $"--format '{name}' is not a known format ({Description}).";
            return false;
        }

        if (columns is not null && format != FrameFormat.Csv)
        {
            error = "--columns applies to --format csv only.";
            return false;
        }

        formatName = FrameParsers.NameOf(format);
        switch (format)
        {
            case FrameFormat.Csv:
                if (columns is null)
                {
                    error = "--format csv needs --columns, e.g. --columns 'ts=Time,speed=Speed,dir=Direction' (or date=…,time=… for two columns; #n for a column number).";
                    return false;
                }

                if (!CsvColumnMap.TryParse(columns, out CsvColumnMap? map, out string? mapError))
                {
                    error = $"--columns '{columns}': {mapError}";
                    return false;
                }

                // Spreadsheet exports are local time; Europe/Stockholm unless a value carries its offset.
                parser = FrameParsers.Create(map!, new CsvOptions(LocalTime.Stockholm) { SpeedUnit = unit.SpeedUnit });
                break;
            case FrameFormat.Canonical or FrameFormat.IcomsTma3b3:
                parser = FrameParsers.Create(format, unit.SpeedUnit);
                break;
            default:
                parser = FrameParsers.CreateLogParser(format, unit.SpeedUnit);
                formatName += " (timestamped log)";
                break;
        }

        error = null;
        return true;
    }

    /// <summary>The error a parser found in the file as a whole (a CSV header without the mapped columns), or null.</summary>
    public static string? FileError(FrameParser parser)
        => parser is CsvParser csv && csv.TryGetHeaderError(out string? headerError) ? headerError : null;
}
