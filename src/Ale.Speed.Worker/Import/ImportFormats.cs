using System.Diagnostics.CodeAnalysis;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Time;
using Ale.Speed.Worker.Configuration;

namespace Ale.Speed.Worker.Import;

/// <summary>The options of <c>ale-speed import</c> that say how to read a file, as typed (checked by <see cref="ImportFormats"/>).</summary>
/// <param name="Columns"><c>--columns</c>: the CSV column map.</param>
/// <param name="Directions"><c>--directions</c>: <c>value=in|out,…</c> for the <c>dir</c> column.</param>
/// <param name="TimeFormats"><c>--time-format</c> (repeatable): .NET custom formats for the time (or date + time) columns.</param>
/// <param name="TimeZone"><c>--time-zone</c>: an IANA zone for CSV times without an offset.</param>
/// <param name="SpeedUnit"><c>--speed-unit</c>: <c>kmh</c>, <c>mph</c> or <c>mps</c>, instead of the unit's.</param>
/// <param name="Classes"><c>--classes</c>: <c>value=class,…</c> for the <c>class</c> column.</param>
internal sealed record ImportFormatOptions(
    string? Columns = null,
    string? Directions = null,
    IReadOnlyList<string>? TimeFormats = null,
    string? TimeZone = null,
    string? SpeedUnit = null,
    string? Classes = null)
{
    public bool HasCsvOptions => Columns is not null || Directions is not null || TimeFormats is { Count: > 0 } || TimeZone is not null || Classes is not null;
}

/// <summary>
/// Which logs <c>ale-speed import</c> reads. A log must say when each vehicle passed: the canonical record, the ICOMS
/// TMA-3B3 export and a column-mapped CSV carry their own time; a format whose lines carry none (OPS243, DR500, LD2415H,
/// ICOMS TMA-296 serial lines) is read as a timestamped log, each line prefixed by the time the logger received it.
/// </summary>
internal static class ImportFormats
{
    public const string Description =
        "canonical, icoms-tma3b3, csv (with --columns), or a timestamped log of ops243, ops243-plain, ops243-json, ops243-csv, icoms, dr500, ld2415h";

    /// <summary>The parser for <paramref name="name"/> and <paramref name="options"/>, or an error that names the option and value at fault.</summary>
    public static bool TryCreateParser(string name, Unit unit, ImportFormatOptions options,
        [NotNullWhen(true)] out FrameParser? parser, [NotNullWhen(true)] out string? formatName, [NotNullWhen(false)] out string? error)
    {
        parser = null;
        formatName = null;
        if (!FrameParsers.TryParseFormat(name, out FrameFormat format))
        {
            error = $"--format '{name}' is not a known format ({Description}).";
            return false;
        }

        if (options.HasCsvOptions && format != FrameFormat.Csv)
        {
            error = "--columns, --directions, --time-format, --time-zone and --classes apply to --format csv only.";
            return false;
        }

        SpeedUnit speedUnit = unit.SpeedUnit;
        if (options.SpeedUnit is { } unitName && !FrameParsers.TryParseSpeedUnit(unitName, out speedUnit))
        {
            error = $"--speed-unit '{unitName}' is not one of {FrameParsers.SpeedUnitNames}.";
            return false;
        }

        formatName = FrameParsers.NameOf(format);
        switch (format)
        {
            case FrameFormat.Csv:
                if (!TryCreateCsvParser(options, speedUnit, out CsvParser? csv, out error))
                {
                    return false;
                }

                parser = csv;
                break;
            case FrameFormat.Canonical or FrameFormat.IcomsTma3b3:
                parser = FrameParsers.Create(format, speedUnit);
                break;
            default:
                parser = FrameParsers.CreateLogParser(format, speedUnit);
                formatName += " (timestamped log)";
                break;
        }

        error = null;
        return true;
    }

    /// <summary>The error a parser found in the file as a whole (no line that fits the CSV column map), or null.</summary>
    public static string? FileError(FrameParser parser)
        => parser is CsvParser csv && csv.TryGetHeaderError(out string? headerError) ? headerError : null;

    /// <summary>Non-blank lines before a CSV header (an export's title, date, site code), or 0.</summary>
    public static int PreambleLines(FrameParser parser) => parser is CsvParser csv ? csv.PreambleLines : 0;

    private static bool TryCreateCsvParser(ImportFormatOptions options, SpeedUnit speedUnit,
        [NotNullWhen(true)] out CsvParser? parser, [NotNullWhen(false)] out string? error)
    {
        parser = null;
        if (options.Columns is not { } columns)
        {
            error = "--format csv needs --columns, e.g. --columns 'ts=Time,speed=Speed,dir=Direction' (or date=…,time=… for two columns; #n for a column number).";
            return false;
        }

        if (!CsvColumnMap.TryParse(columns, out CsvColumnMap? map, out string? mapError))
        {
            error = $"--columns '{columns}': {mapError}";
            return false;
        }

        IReadOnlyDictionary<string, Core.Vehicles.Direction>? directions = null;
        if (options.Directions is { } directionText)
        {
            if (map.Direction is null)
            {
                error = $"--directions '{directionText}' needs a dir column in --columns (dir=…).";
                return false;
            }

            if (!CsvValueMap.TryParseDirections(directionText, out directions, out string? directionError))
            {
                error = $"--directions '{directionText}': {directionError}";
                return false;
            }
        }

        IReadOnlyDictionary<string, Core.Vehicles.VehicleClass>? classes = null;
        if (options.Classes is { } classText)
        {
            if (map.Class is null)
            {
                error = $"--classes '{classText}' needs a class column in --columns (class=…).";
                return false;
            }

            if (!CsvValueMap.TryParseClasses(classText, out classes, out string? classError))
            {
                error = $"--classes '{classText}': {classError}";
                return false;
            }
        }

        if (options.TimeFormats is { Count: > 0 } formats && !CsvValueMap.TryCheckTimeFormats(formats, out string? formatError))
        {
            error = $"--time-format {formatError}";
            return false;
        }

        // Spreadsheet exports are local time; Europe/Stockholm unless --time-zone says otherwise or a value carries its offset.
        TimeZoneInfo zone = StockholmTime.Zone;
        if (options.TimeZone is { } zoneId && !TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out zone!))
        {
            error = $"--time-zone '{zoneId}' is not a known IANA time zone (e.g. Europe/Stockholm, America/New_York, UTC).";
            return false;
        }

        parser = FrameParsers.Create(map, new CsvOptions(zone)
        {
            SpeedUnit = speedUnit,
            TimeFormats = options.TimeFormats is { Count: > 0 } ? options.TimeFormats : null,
            Directions = directions,
            Classes = classes,
        });
        error = null;
        return true;
    }
}
