using System.Diagnostics.CodeAnalysis;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Sites;

namespace Ale.Speed.Worker.Import;

/// <summary>
/// Which logs <c>ale-speed import</c> reads. A log must say when each vehicle passed: a format whose lines carry no time
/// of day (OPS243, DR500, LD2415H, ICOMS TMA-296 serial lines) is read as a timestamped log, each line prefixed by the
/// time the logger received it.
/// </summary>
internal static class ImportFormats
{
    public const string Description = "canonical (NDJSON records).";

    public static bool TryCreateParser(string name, Unit unit, string? columns,
        [NotNullWhen(true)] out FrameParser? parser, [NotNullWhen(true)] out string? formatName, [NotNullWhen(false)] out string? error)
    {
        parser = null;
        formatName = null;
        if (!FrameParsers.TryParseFormat(name, out FrameFormat format))
        {
            error = $"--format '{name}' is not a known format ({Description})";
            return false;
        }

        if (columns is not null)
        {
            error = "--columns applies to --format csv only.";
            return false;
        }

        if (format != FrameFormat.Canonical)
        {
            error = $"'{FrameParsers.NameOf(format)}' lines carry no time of day, so a log of them cannot be placed in time ({Description})";
            return false;
        }

        parser = FrameParsers.Create(format, unit.SpeedUnit);
        formatName = FrameParsers.NameOf(format);
        error = null;
        return true;
    }
}
