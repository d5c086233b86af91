namespace Ale.Speed.Core.Frames;

/// <summary>
/// OmniPreSense OPS243-A/-C, every output shape of its firmware on one line stream (format <c>ops243</c>), whatever the
/// unit's <c>O…</c> settings: plain speeds (<c>-1.0</c>), lines with the unit report (<c>"mps",-1.0</c>; the stated unit
/// wins over <see cref="FrameParser.SpeedUnit"/>), time and magnitude reports (<c>96.226,"mps",45,0.6</c>), JSON
/// (<c>{"time" : "105.122", "unit" : "mps", "magnitude" : "23", "speed" : "1.0"}</c>), range reports of the -C
/// (<c>"m",2.1</c>, JSON with <c>"range"</c>) and settings answers (<c>{"PowerMode" : "Idle or Pulse"}</c>).
/// </summary>
/// <remarks>
/// Range reports are <see cref="FrameKind.RangeReport"/> and settings answers <see cref="FrameKind.DeviceMessage"/>:
/// counted, never rejects. Comma lines: a quoted unit is the first field, or the second after the time. After it, one
/// value is a speed (or range); an even number 2n is n magnitudes then n values (<c>OM</c> reports magnitudes first);
/// an odd number above one is that many values. Without a unit: one field is a speed, two are time and speed, 2n + 1
/// are time, n magnitudes, n speeds (the manual's <c>OT</c>/<c>OM</c> examples); other counts are
/// <see cref="RejectReason.Malformed"/>. docs/device-formats.md has the table and the sources.
/// </remarks>
public sealed partial class Ops243Parser(SpeedUnit speedUnit)
    : FrameParser(FrameFormat.Ops243, reportsVehicles: false, speedUnit, DefaultMaxFrameLength)
{
    public const int DefaultMaxFrameLength = 256;

    private const byte Comma = (byte)',';
    private const byte Quote = (byte)'"';

    /// <summary>Time, unit, nine magnitudes and nine values.</summary>
    private const int MaxFields = 2 + (2 * MaxReadingsPerFrame);

    protected override RejectReason ParseFrame(ReadOnlySpan<byte> frame, Span<Reading> destination, out int count)
    {
        count = 0;
        ReadOnlySpan<byte> text = FrameSyntax.Trim(frame);
        if (text.IsEmpty)
        {
            return RejectReason.None;
        }

        RejectReason reject = text[0] == (byte)'{'
            ? ParseJson(text, KmhFactor, destination, out count, out FrameKind kind)
            : ParseFields(text, destination, out count, out kind);
        ReportKind(kind);
        return reject;
    }

    /// <summary>A comma line: <c>[time,]["unit",][magnitudes…,]values…</c>.</summary>
    private RejectReason ParseFields(ReadOnlySpan<byte> text, Span<Reading> destination, out int count, out FrameKind kind)
    {
        count = 0;
        kind = FrameKind.Measurement;
        Span<Range> fields = stackalloc Range[MaxFields];
        int n = 0;
        foreach (Range field in text.Split(Comma))
        {
            if (n == MaxFields)
            {
                return RejectReason.TooManyTargets;
            }

            fields[n++] = field;
        }

        int unitAt = -1;
        for (int i = 0; i < n && i < 2; i++)
        {
            if (FrameSyntax.Trim(text[fields[i]]) is [Quote, ..])
            {
                unitAt = i;
                break;
            }
        }

        double factor = KmhFactor;
        bool isRange = false;
        int valuesFrom;
        bool hasTime;
        if (unitAt >= 0)
        {
            ReadOnlySpan<byte> quoted = FrameSyntax.Trim(text[fields[unitAt]]);
            if (quoted.Length < 2 || quoted[^1] != Quote || quoted[1..^1].Contains(Quote))
            {
                return RejectReason.Malformed;
            }

            if (!Ops243Units.TryParse(quoted[1..^1], out factor, out isRange))
            {
                return RejectReason.InvalidSpeedUnit;
            }

            hasTime = unitAt == 1;
            valuesFrom = unitAt + 1;
        }
        else
        {
            hasTime = n > 1;
            valuesFrom = hasTime ? 1 : 0;
            if (n > 2 && n % 2 == 0)
            {
                return RejectReason.Malformed;
            }
        }

        int k = n - valuesFrom;
        if (k == 0)
        {
            return RejectReason.Malformed;
        }

        // Without a unit, 2n + 1 fields are time, n magnitudes, n speeds; with one, an even count has magnitudes.
        int targets = unitAt < 0 ? Math.Max(1, k / 2) : k % 2 == 0 ? k / 2 : k;
        bool hasMagnitudes = targets * 2 == k;
        if (targets > MaxReadingsPerFrame)
        {
            return RejectReason.TooManyTargets;
        }

        double time = double.NaN;
        RejectReason reject;
        if (hasTime)
        {
            if ((reject = FrameSyntax.ParseNumber(FrameSyntax.Trim(text[fields[0]]), out time)) != RejectReason.None)
            {
                return reject;
            }

            if (time < 0)
            {
                return RejectReason.InvalidNumber;
            }
        }

        Span<double> magnitudes = stackalloc double[MaxReadingsPerFrame];
        magnitudes.Fill(double.NaN);
        int valueStart = valuesFrom;
        if (hasMagnitudes)
        {
            for (int i = 0; i < targets; i++)
            {
                if ((reject = FrameSyntax.ParseNumber(FrameSyntax.Trim(text[fields[valuesFrom + i]]), out magnitudes[i])) != RejectReason.None)
                {
                    return reject;
                }
            }

            valueStart += targets;
        }

        if (isRange)
        {
            for (int i = 0; i < targets; i++)
            {
                if ((reject = FrameSyntax.ParseNumber(FrameSyntax.Trim(text[fields[valueStart + i]]), out _)) != RejectReason.None)
                {
                    return reject;
                }
            }

            kind = FrameKind.RangeReport;
            return RejectReason.None;
        }

        int written = 0;
        for (int i = 0; i < targets; i++)
        {
            reject = FrameSyntax.ParseSignedSpeed(FrameSyntax.Trim(text[fields[valueStart + i]]), factor, out double kmh, out var direction);
            if (reject != RejectReason.None)
            {
                return reject;
            }

            if (kmh == 0)
            {
                continue;
            }

            if ((uint)written >= (uint)destination.Length)
            {
                return RejectReason.TooManyTargets;
            }

            destination[written++] = new Reading { SpeedKmh = kmh, Direction = direction, DeviceClockSeconds = time, Magnitude = magnitudes[i] };
        }

        count = written;
        return RejectReason.None;
    }
}

/// <summary>The unit names OPS243 firmware prints with its unit report (<c>OU</c>) and in JSON <c>"unit"</c>.</summary>
internal static class Ops243Units
{
    /// <summary>km/h per ft/s: 0.3048 m × 3.6.</summary>
    private const double KmhPerFootPerSecond = 1.09728;

    /// <summary>
    /// A speed unit gives its km/h factor; a range unit (<c>m</c>, <c>cm</c>, <c>ft</c>, <c>in</c>, <c>yd</c>, the -C's
    /// <c>u</c> settings) gives <paramref name="isRange"/>. Case is ignored. False for anything else.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> name, out double kmhFactor, out bool isRange)
    {
        isRange = false;
        kmhFactor = 0;
        if (name.Length > 4)
        {
            return false;
        }

        Span<byte> unit = stackalloc byte[4];
        if (System.Text.Ascii.ToLower(name, unit, out int written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        unit = unit[..written];
        switch (unit)
        {
            case [(byte)'m', (byte)'p', (byte)'s']:
                kmhFactor = FrameSyntax.KmhPerMetrePerSecond;
                return true;
            case [(byte)'k', (byte)'m', (byte)'p', (byte)'h'] or [(byte)'k', (byte)'p', (byte)'h']:
                kmhFactor = 1.0;
                return true;
            case [(byte)'m', (byte)'p', (byte)'h']:
                kmhFactor = FrameSyntax.KmhPerMilePerHour;
                return true;
            case [(byte)'c', (byte)'m', (byte)'p', (byte)'s']:
                kmhFactor = FrameSyntax.KmhPerMetrePerSecond / 100;
                return true;
            case [(byte)'f', (byte)'p', (byte)'s']:
                kmhFactor = KmhPerFootPerSecond;
                return true;
            case [(byte)'m'] or [(byte)'c', (byte)'m'] or [(byte)'f', (byte)'t'] or [(byte)'i', (byte)'n'] or [(byte)'y', (byte)'d']:
                isRange = true;
                return true;
            default:
                return false;
        }
    }
}
