namespace Ale.Speed.Core.Frames;

/// <summary>The format registry: configuration names to <see cref="FrameFormat"/>, and a parser per format.</summary>
public static class FrameParsers
{
    private static readonly (string Name, FrameFormat Format)[] s_aliases =
    [
        ("ops243", FrameFormat.Ops243),
        ("ops243-plain", FrameFormat.Ops243Plain),
        ("ops243-json", FrameFormat.Ops243Json),
        ("ops243-csv", FrameFormat.Ops243Csv),
        ("icoms", FrameFormat.IcomsTma296),
        ("icoms-tma296", FrameFormat.IcomsTma296),
        ("tma296", FrameFormat.IcomsTma296),
        ("dr500", FrameFormat.HoustonDr500),
        ("houston-dr500", FrameFormat.HoustonDr500),
        ("ld2415h", FrameFormat.HlkLd2415h),
        ("hlk-ld2415h", FrameFormat.HlkLd2415h),
        ("icoms-tma3b3", FrameFormat.IcomsTma3b3),
        ("tma3b3", FrameFormat.IcomsTma3b3),
        ("csv", FrameFormat.Csv),
    ];

    /// <summary>The names configuration accepts, one per format (for messages; enum names work too).</summary>
    public static IReadOnlyList<string> FormatNames { get; } =
        ["canonical", "ops243", "ops243-plain", "ops243-json", "ops243-csv", "icoms", "dr500", "ld2415h", "icoms-tma3b3", "csv"];

    /// <summary>The preferred configuration name of <paramref name="format"/>.</summary>
    public static string NameOf(FrameFormat format) => format switch
    {
        FrameFormat.Canonical => "canonical",
        FrameFormat.Ops243 => "ops243",
        FrameFormat.Ops243Plain => "ops243-plain",
        FrameFormat.Ops243Json => "ops243-json",
        FrameFormat.Ops243Csv => "ops243-csv",
        FrameFormat.IcomsTma296 => "icoms",
        FrameFormat.HoustonDr500 => "dr500",
        FrameFormat.HlkLd2415h => "ld2415h",
        FrameFormat.IcomsTma3b3 => "icoms-tma3b3",
        FrameFormat.Csv => "csv",
        _ => format.ToString(),
    };

    /// <summary>A new parser (one per stream: it keeps framing state) for the format.</summary>
    /// <param name="speedUnit">The unit the device is set to; ignored by formats that name their unit on the wire.</param>
    /// <exception cref="ArgumentException"><see cref="FrameFormat.Csv"/>, which needs a column map: use <see cref="Create(CsvColumnMap, CsvOptions)"/>.</exception>
    public static FrameParser Create(FrameFormat format, SpeedUnit speedUnit = SpeedUnit.KilometresPerHour) => format switch
    {
        FrameFormat.Canonical => new CanonicalParser(),
        FrameFormat.Ops243 => new Ops243Parser(speedUnit),
        FrameFormat.Ops243Plain => new Ops243PlainParser(speedUnit),
        FrameFormat.Ops243Json => new Ops243JsonParser(speedUnit),
        FrameFormat.Ops243Csv => new Ops243CsvParser(speedUnit),
        FrameFormat.IcomsTma296 => new IcomsTma296Parser(speedUnit),
        FrameFormat.HoustonDr500 => new HoustonDr500Parser(speedUnit),
        FrameFormat.HlkLd2415h => new HlkLd2415hParser(speedUnit),
        FrameFormat.IcomsTma3b3 => new IcomsTma3b3Parser(speedUnit),
        FrameFormat.Csv => throw new ArgumentException(
            "The csv format needs a column map: use FrameParsers.Create(CsvColumnMap, CsvOptions).", nameof(format)),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown frame format."),
    };

    /// <summary>A new parser for a CSV export whose columns <paramref name="map"/> names (<see cref="FrameFormat.Csv"/>).</summary>
    public static CsvParser Create(CsvColumnMap map, CsvOptions options) => new(map, options);

    /// <summary>
    /// A new parser for a log that has a timestamp before each line (<see cref="TimestampPrefixedParser"/>), with
    /// <paramref name="inner"/> the format of what the unit sent.
    /// </summary>
    public static TimestampPrefixedParser CreateLogParser(FrameFormat inner, SpeedUnit speedUnit = SpeedUnit.KilometresPerHour)
        => new(Create(inner, speedUnit));

    /// <summary>True when <paramref name="format"/> can be created from its name and speed unit alone (a live unit's format).</summary>
    public static bool IsSelfContained(FrameFormat format) => Enum.IsDefined(format) && format != FrameFormat.Csv;

    /// <summary>
    /// Parses a configuration name: an enum name (<c>Ops243Json</c>, any case) or an alias (<c>ops243-json</c>,
    /// <c>icoms</c>, <c>dr500</c>, <c>ld2415h</c>, …). Numbers and comma lists, which <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/>
    /// would accept, are rejected.
    /// </summary>
    public static bool TryParseFormat(string? name, out FrameFormat format)
    {
        format = default;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        ReadOnlySpan<char> trimmed = name.AsSpan().Trim();
        foreach (FrameFormat candidate in Enum.GetValues<FrameFormat>())
        {
            if (trimmed.Equals(candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                format = candidate;
                return true;
            }
        }

        foreach ((string alias, FrameFormat aliased) in s_aliases)
        {
            if (trimmed.Equals(alias, StringComparison.OrdinalIgnoreCase))
            {
                format = aliased;
                return true;
            }
        }

        return false;
    }

    /// <summary>The speed-unit names configuration and <c>--speed-unit</c> accept, for messages.</summary>
    public const string SpeedUnitNames = "kmh, mps, mph";

    /// <summary>Parses a speed-unit name: <c>kmh</c> (<c>km/h</c>), <c>mps</c> (<c>m/s</c>) or <c>mph</c>, any case.</summary>
    public static bool TryParseSpeedUnit(string? name, out SpeedUnit unit)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "kmh" or "km/h": unit = SpeedUnit.KilometresPerHour; return true;
            case "mps" or "m/s": unit = SpeedUnit.MetresPerSecond; return true;
            case "mph": unit = SpeedUnit.MilesPerHour; return true;
            default: unit = default; return false;
        }
    }
}
