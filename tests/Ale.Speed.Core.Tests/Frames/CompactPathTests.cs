using System.Buffers;
using System.Text;
using Ale.Speed.Core.Frames;

namespace Ale.Speed.Core.Tests.Frames;

/// <summary>
/// The one-pass fast paths (canonical, OPS243 JSON, CSV and plain) must never change a result: whatever they accept, the strict general
/// path accepts with the same readings, and the parser as a whole answers exactly as the general path does. Inputs:
/// the valid and invalid tables, typical device lines, and deterministic mutations of those lines.
/// </summary>
public sealed class CompactPathTests
{
    // One parser for every line, so that its remembered date and hour carry over from line to line (hits and misses).
    private static readonly CanonicalParser s_canonical = new();

    private static readonly string[] s_canonicalLines =
    [
        """{"ts":"2026-11-25T18:03:12.345Z","kmh":57.3,"dir":"in"}""",
        """{"ts":"2026-11-25T18:03:12.345Z","kmh":57.3,"dir":"out","seq":17,"class":"car","len":4.5}""",
        """{"ts":"2026-11-25T18:03:12.345Z","kmh":0.0,"dir":"in","seq":0}""",
        """{"ts":"2026-11-25T18:03:12.345Z","kmh":112.0,"dir":"out","seq":123456789,"class":"heavy","len":18.5}""",
        """{"ts":"2026-11-25T18:03:12.345Z","kmh":31.4,"dir":"in","seq":5,"len":1.9,"class":"moped"}""",
        """{"ts":"2026-11-25T19:03:12.345+01:00","kmh":42,"dir":"in","class":"atraktor"}""",
    ];

    private static readonly string[] s_ops243Lines =
    [
        """{"speed":-12.34,"direction":"outbound","time":105.250,"tick":135}""",
        """{"speed":3.42,"direction":"inbound","time":0.000,"tick":0}""",
        """{"speed":0.00,"direction":"inbound","time":1.5,"tick":2}""",
        """{"speed":-1.5}""",
        """{"speed":2.5e1,"magnitude":980,"time":12.5}""",
        """{"speed":1.5,"direction":"outbound"}""",
    ];

    private static readonly string[] s_ops243CsvLines =
    [
        "105.250,1234.5,-12.34",
        "0.000,980.0,3.42",
        "7.5,455,0.00",
        "1.000,12.0,-0.5",
        "00.5,0012.50,-007.25",
        "12345.678,99999.9,50.1",
    ];

    private static readonly string[] s_ops243PlainLines = ["-3.42", "12.5", "0.00", "-0", "007.25", "123456.789"];

    // Bytes that break or bend JSON: structure, escapes, control characters, whitespace, digits and signs.
    private static readonly byte[] s_mutations = Encoding.Latin1.GetBytes("\"\\{}[],: \t\x01\x7f0-9.eE+ntfaZTx");

    public static TheoryData<FrameFormat> Formats() => [FrameFormat.Canonical, FrameFormat.Ops243Json, FrameFormat.Ops243Csv, FrameFormat.Ops243Plain];

    [Theory]
    [MemberData(nameof(Formats))]
    public void CompactPath_TablesTypicalLinesAndMutations_SameResultAsGeneralPath(FrameFormat format)
    {
        List<byte[]> inputs = [.. Inputs(format)];
        int compactAccepted = 0;
        foreach (SpeedUnit unit in Enum.GetValues<SpeedUnit>())
        {
            foreach (byte[] line in inputs)
            {
                compactAccepted += CheckSame(format, unit, line);
            }
        }

        // The fast path must actually be taken for the shapes devices send, or this test proves nothing.
        Assert.True(compactAccepted >= TypicalLines(format).Length * 3);
    }

    [Fact]
    public void PlainDecimal_RandomNumbers_SameValueAsTryParseOrDeclines()
    {
        var random = new Random(78);
        const string Digits = "0123456789";
        int accepted = 0;
        for (int n = 0; n < 50_000; n++)
        {
            var text = new StringBuilder();
            if (random.Next(3) == 0)
            {
                text.Append(random.Next(5) == 0 ? '+' : '-');
            }

            int integerDigits = random.Next(0, 19);
            for (int i = 0; i < integerDigits; i++)
            {
                text.Append(random.Next(4) == 0 ? '0' : Digits[random.Next(10)]);
            }

            if (random.Next(2) == 0)
            {
                text.Append('.');
                int fractionDigits = random.Next(0, 25);
                for (int i = 0; i < fractionDigits; i++)
                {
                    text.Append(random.Next(4) == 0 ? '0' : Digits[random.Next(10)]);
                }
            }

            byte[] token = Encoding.ASCII.GetBytes(text.ToString());
            int position = 0;
            if (AsciiNumber.TryParsePlainDecimal(token, ref position, out double plain))
            {
                accepted++;
                Assert.Equal(token.Length, position);
                Assert.True(AsciiNumber.TryParse(token, out double general), text.ToString());
                Assert.Equal(BitConverter.DoubleToInt64Bits(general), BitConverter.DoubleToInt64Bits(plain));
            }
        }

        Assert.True(accepted > 5_000);
    }

    [Fact]
    public void CompactJsonDecimal_RandomNumbers_SameValueAsTryParseOrDeclines()
    {
        var random = new Random(77);
        const string Digits = "0123456789";
        int accepted = 0;
        for (int n = 0; n < 50_000; n++)
        {
            var text = new StringBuilder();
            if (random.Next(3) == 0)
            {
                text.Append('-');
            }

            int integerDigits = random.Next(0, 19);
            for (int i = 0; i < integerDigits; i++)
            {
                text.Append(Digits[random.Next(10)]);
            }

            if (random.Next(2) == 0)
            {
                text.Append('.');
                int fractionDigits = random.Next(0, 25);
                for (int i = 0; i < fractionDigits; i++)
                {
                    text.Append(random.Next(4) == 0 ? '0' : Digits[random.Next(10)]);
                }
            }

            byte[] json = Encoding.ASCII.GetBytes(text + (random.Next(2) == 0 ? "," : "}"));
            int position = 0;
            if (AsciiNumber.TryParseCompactJsonDecimal(json, ref position, out double compact))
            {
                accepted++;
                ReadOnlySpan<byte> token = json.AsSpan(0, json.Length - 1);
                Assert.True(IsJsonNumber(token), text.ToString());
                Assert.Equal(token.Length, position);
                Assert.True(AsciiNumber.TryParse(token, out double general), text.ToString());
                Assert.Equal(BitConverter.DoubleToInt64Bits(general), BitConverter.DoubleToInt64Bits(compact));
            }
        }

        Assert.True(accepted > 5_000);
    }

    [Fact]
    public void CompactJsonDecimal_EveryShortDecimalUpTo999_SameBitsAsTryParse()
    {
        // Every number of the shape with a fast path of its own (1–3 integer digits, 1–2 fraction digits), leading
        // fraction zeros included, before either delimiter and at the end of a longer line.
        int checkedCount = 0;
        for (int integer = 0; integer <= 999; integer++)
        {
            for (int fraction = 0; fraction < 100; fraction++)
            {
                foreach (string text in new[] { $"{integer}.{fraction / 10}", $"{integer}.{fraction:00}" })
                {
                    Assert.True(AsciiNumber.TryParse(Encoding.ASCII.GetBytes(text), out double general), text);
                    foreach (string json in new[] { text + ",", text + "}", "\"kmh\":" + text + ",\"dir\":\"in\"}" })
                    {
                        byte[] bytes = Encoding.ASCII.GetBytes(json);
                        int position = json.IndexOf(text, StringComparison.Ordinal);
                        Assert.True(AsciiNumber.TryParseCompactJsonDecimal(bytes, ref position, out double compact), json);
                        Assert.Equal(BitConverter.DoubleToInt64Bits(general), BitConverter.DoubleToInt64Bits(compact));
                        Assert.Equal(json.IndexOf(text, StringComparison.Ordinal) + text.Length, position);
                        checkedCount++;
                    }
                }
            }
        }

        Assert.Equal(1000 * 100 * 2 * 3, checkedCount);
    }

    [Theory]
    [InlineData("01.5,")]
    [InlineData("00.5}")]
    [InlineData("5.,")]
    [InlineData(".5,")]
    [InlineData("5.5")]
    [InlineData("5.5 ,")]
    [InlineData("5.5e1,")]
    [InlineData("1234.5,")]
    public void CompactJsonDecimal_NearMissesOfTheShortShape_DeclinedOrAsTryParse(string json)
    {
        // A near miss either is valid compact JSON the general loop takes (1234.5) or is declined; never a wrong value.
        byte[] bytes = Encoding.ASCII.GetBytes(json);
        int position = 0;
        if (AsciiNumber.TryParseCompactJsonDecimal(bytes, ref position, out double compact))
        {
            Assert.True(AsciiNumber.TryParse(bytes.AsSpan(0, position), out double general));
            Assert.Equal(general, compact);
            Assert.Equal("1234.5,", json);
        }
        else
        {
            Assert.Equal(0, position);
        }
    }

    private static string[] TypicalLines(FrameFormat format) => format switch
    {
        FrameFormat.Canonical => s_canonicalLines,
        FrameFormat.Ops243Json => s_ops243Lines,
        FrameFormat.Ops243Csv => s_ops243CsvLines,
        _ => s_ops243PlainLines,
    };

    private static IEnumerable<byte[]> Inputs(FrameFormat format)
    {
        foreach (FrameCase c in FrameCases.Valid.Concat(FrameCases.Invalid).Where(c => c.Format == format))
        {
            yield return Encoding.Latin1.GetBytes(c.Line);
        }

        string[] typical = TypicalLines(format);
        var random = new Random(4242 + (int)format);
        foreach (string text in typical)
        {
            byte[] line = Encoding.UTF8.GetBytes(text);
            yield return line;
            for (int i = 0; i <= line.Length; i++)
            {
                yield return line[..i];
                if (i < line.Length)
                {
                    yield return [.. line[..i], .. line[(i + 1)..]];
                    foreach (byte m in s_mutations)
                    {
                        yield return [.. line[..i], m, .. line[(i + 1)..]];
                        yield return [.. line[..i], m, .. line[i..]];
                    }
                }
            }

            for (int n = 0; n < 2_000; n++)
            {
                byte[] mutated = [.. line];
                int changes = random.Next(1, 4);
                for (int k = 0; k < changes; k++)
                {
                    mutated[random.Next(mutated.Length)] = s_mutations[random.Next(s_mutations.Length)];
                }

                yield return mutated;
            }
        }

        // Every pair of typical lines glued together, so keys repeat and the end is not where it should be.
        foreach (string a in typical)
        {
            foreach (string b in typical)
            {
                yield return Encoding.UTF8.GetBytes(a[..^1] + "," + b[1..]);
                yield return Encoding.UTF8.GetBytes(a + b);
            }
        }
    }

    /// <returns>1 when the compact path accepted the line.</returns>
    private static int CheckSame(FrameFormat format, SpeedUnit unit, byte[] line)
    {
        var general = new Reading[FrameParser.MaxReadingsPerFrame];
        var compact = new Reading[FrameParser.MaxReadingsPerFrame];
        RejectReason generalReject;
        int generalCount;
        bool compactAccepted;
        int compactCount;
        if (format == FrameFormat.Canonical)
        {
            generalReject = CanonicalParser.ParseGeneral(line, general, out generalCount);
            compactAccepted = s_canonical.TryParseCompact(line, out compact[0]);
            compactCount = compactAccepted ? 1 : 0;
        }
        else if (format == FrameFormat.Ops243Json)
        {
            var parser = new Ops243JsonParser(unit);
            generalReject = parser.ParseGeneral(line, general, out generalCount);
            compactAccepted = parser.TryParseCompact(line, compact, out compactCount);
        }
        else if (format == FrameFormat.Ops243Plain)
        {
            var parser = new Ops243PlainParser(unit);
            generalReject = parser.ParseGeneral(line, general, out generalCount);
            compactAccepted = parser.TryParseCompact(line, compact, out compactCount);
        }
        else
        {
            var parser = new Ops243CsvParser(unit);
            generalReject = parser.ParseGeneral(line, general, out generalCount);
            compactAccepted = parser.TryParseCompact(line, compact, out compactCount);
        }

        string shown = Encoding.Latin1.GetString(line);
        if (compactAccepted)
        {
            Assert.True(generalReject == RejectReason.None, $"{unit} {shown}: compact accepted, general rejected {generalReject}");
            Assert.Equal(generalCount, compactCount);
            Assert.Equal(general[..generalCount], compact[..compactCount]);
        }

        // And the parser as a whole (compact first, general on any deviation) answers as the general path does.
        if (line.AsSpan().IndexOfAny((byte)'\r', (byte)'\n') < 0)
        {
            List<ParsedFrame> frames = FrameTestKit.ReadAll(FrameParsers.Create(format, unit), new ReadOnlySequence<byte>([.. line, (byte)'\n']));
            ParsedFrame whole = Assert.Single(frames);
            Assert.Equal(generalReject, whole.Result.Reject);
            Assert.Equal(general[..(generalReject == RejectReason.None ? generalCount : 0)], whole.Readings);
        }

        return compactAccepted ? 1 : 0;
    }

    /// <summary>The framework's reader takes the whole token as one JSON number.</summary>
    private static bool IsJsonNumber(ReadOnlySpan<byte> token)
    {
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(token);
            return reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.Number && reader.BytesConsumed == token.Length && !reader.Read();
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
