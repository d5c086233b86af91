using Ale.Speed.Core.Frames;

namespace Ale.Speed.Devices.Provisioning;

/// <summary>One step of a profile: a command with the answer it must get and an optional query verifying the setting, or a listen step.</summary>
public sealed record ProfileStep
{
    /// <summary>Line of the profile file where the step starts (for messages).</summary>
    public int Line { get; init; }

    /// <summary>What to send (without the line ending), or null for a listen step.</summary>
    public string? Command { get; init; }

    /// <summary>Text the answer must contain (whitespace and case ignored); null accepts any answer or none.</summary>
    public string? Answer { get; init; }

    /// <summary>Query that reads the setting back, e.g. <c>U?</c>.</summary>
    public string? Verify { get; init; }

    /// <summary>Text the query's answer must contain.</summary>
    public string? VerifyAnswer { get; init; }

    /// <summary>For a listen step: how long to listen to the unit's output.</summary>
    public TimeSpan? Listen { get; init; }

    /// <summary>For a listen step: the format every line must parse as.</summary>
    public FrameFormat? ListenFormat { get; init; }

    public string Describe() => Command is not null ? Command : $"listen {Listen?.TotalSeconds:0.#} s";
}

/// <summary>
/// A unit configuration profile (<c>firmware-config/*.profile</c>): a plain text file, one <c>keyword value</c> per line,
/// <c>#</c> starting a comment line. Header keywords: <c>device</c>, <c>baud</c>, <c>timeout-ms</c>, <c>line-ending</c>
/// (<c>CR</c>, <c>LF</c>, <c>CRLF</c>), <c>error-answer</c>. Steps: <c>command</c> starts one, followed by
/// <c>answer</c>, <c>verify</c>, <c>verify-answer</c>; <c>listen SECONDS</c> with <c>format NAME</c> checks the unit's output.
/// </summary>
public sealed record ProvisioningProfile
{
    public string Name { get; init; } = "profile";

    public string Device { get; init; } = "unknown";

    public int BaudRate { get; init; } = 9600;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    public string LineEnding { get; init; } = "\r\n";

    /// <summary>An answer containing this text (case ignored) means the unit rejected the command.</summary>
    public string? ErrorAnswer { get; init; }

    public IReadOnlyList<ProfileStep> Steps { get; init; } = [];

    public static ProvisioningProfile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Parses a profile; throws <see cref="FormatException"/> naming the line of the first problem.</summary>
    public static ProvisioningProfile Parse(string text, string name = "profile")
    {
        ArgumentNullException.ThrowIfNull(text);
        var profile = new ProvisioningProfile { Name = name };
        var steps = new List<ProfileStep>();
        ProfileStep? step = null;
        string[] lines = text.ReplaceLineEndings("\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            int space = line.IndexOfAny([' ', '\t']);
            string keyword = (space < 0 ? line : line[..space]).ToLowerInvariant();
            string value = space < 0 ? "" : line[(space + 1)..].Trim();
            if (value.Length == 0)
            {
                throw new FormatException($"{name}:{lineNumber}: '{keyword}' needs a value.");
            }

            switch (keyword)
            {
                case "device":
                    profile = profile with { Device = value };
                    break;
                case "baud":
                    profile = profile with { BaudRate = ParseInt(value, name, lineNumber, keyword) };
                    break;
                case "timeout-ms":
                    profile = profile with { Timeout = TimeSpan.FromMilliseconds(ParseInt(value, name, lineNumber, keyword)) };
                    break;
                case "line-ending":
                    profile = profile with
                    {
                        LineEnding = value.ToUpperInvariant() switch
                        {
                            "CR" => "\r",
                            "LF" => "\n",
                            "CRLF" => "\r\n",
                            _ => throw new FormatException($"{name}:{lineNumber}: line-ending must be CR, LF or CRLF."),
                        },
                    };
                    break;
                case "error-answer":
                    profile = profile with { ErrorAnswer = value };
                    break;
                case "command":
                    Flush();
                    step = new ProfileStep { Line = lineNumber, Command = value };
                    break;
                case "listen":
                    Flush();
                    if (!double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out double seconds) || seconds <= 0 || seconds > 600)
                    {
                        throw new FormatException($"{name}:{lineNumber}: listen needs a number of seconds (0–600).");
                    }

                    step = new ProfileStep { Line = lineNumber, Listen = TimeSpan.FromSeconds(seconds) };
                    break;
                case "answer":
                    step = RequireStep(step, keyword, name, lineNumber, command: true) with { Answer = value };
                    break;
                case "verify":
                    step = RequireStep(step, keyword, name, lineNumber, command: true) with { Verify = value };
                    break;
                case "verify-answer":
                    step = RequireStep(step, keyword, name, lineNumber, command: true) with { VerifyAnswer = value };
                    break;
                case "format":
                    if (!FrameParsers.TryParseFormat(value, out FrameFormat format))
                    {
                        throw new FormatException($"{name}:{lineNumber}: unknown format '{value}' (known: {string.Join(", ", FrameParsers.FormatNames)}).");
                    }

                    if (!FrameParsers.IsSelfContained(format))
                    {
                        throw new FormatException($"{name}:{lineNumber}: format '{value}' needs a column map; a unit cannot be listened to in it.");
                    }

                    step = RequireStep(step, keyword, name, lineNumber, command: false) with { ListenFormat = format };
                    break;
                default:
                    throw new FormatException($"{name}:{lineNumber}: unknown keyword '{keyword}'.");
            }
        }

        Flush();
        if (steps.Count == 0)
        {
            throw new FormatException($"{name}: the profile has no steps.");
        }

        foreach (ProfileStep s in steps)
        {
            if (s.Verify is not null && s.VerifyAnswer is null)
            {
                throw new FormatException($"{name}:{s.Line}: 'verify {s.Verify}' needs a 'verify-answer'.");
            }

            if (s.Listen is not null && s.ListenFormat is null)
            {
                throw new FormatException($"{name}:{s.Line}: a listen step needs a 'format'.");
            }
        }

        return profile with { Steps = steps };

        void Flush()
        {
            if (step is not null)
            {
                steps.Add(step);
                step = null;
            }
        }
    }

    private static ProfileStep RequireStep(ProfileStep? step, string keyword, string name, int line, bool command)
    {
        if (step is null || (command ? step.Command is null : step.Listen is null))
        {
            throw new FormatException($"{name}:{line}: '{keyword}' must follow a '{(command ? "command" : "listen")}' line.");
        }

        return step;
    }

    private static int ParseInt(string value, string name, int line, string keyword)
        => int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int result) && result > 0
            ? result
            : throw new FormatException($"{name}:{line}: '{keyword}' needs a positive whole number.");
}
