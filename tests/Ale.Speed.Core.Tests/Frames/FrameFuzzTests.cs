using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Tests.Support;
using static Ale.Speed.Core.Tests.Frames.FrameTestKit;

namespace Ale.Speed.Core.Tests.Frames;

/// <summary>
/// Random and mutated input, deterministic seeds: nothing throws, every line ends as exactly one result, and whatever
/// is accepted is a sane reading. 8,000 random and 8,000 mutated lines per format: 144,000 inputs in all (and more in TimestampPrefixedParserTests).
/// </summary>
public sealed class FrameFuzzTests
{
    private const int LinesPerKind = 8_000;

    /// <summary>Bytes that mean something to some parser, so that random lines get past the first check now and then.</summary>
    private static readonly byte[] s_alphabet = Ascii("0123456789+-.,eE {}[]\":ntrufalsVKIMOS*s?kmh/pdirsedtscla;:/TZ\r\n\t\\\x00\xff");

    public static TheoryData<FrameFormat> Formats() => FrameStreamTests.Formats();

    [Theory]
    [MemberData(nameof(Formats))]
    public void Feed_RandomBytes_EveryLineEndsAsExactlyOneResult(FrameFormat format)
    {
        var random = new Random(1000 + (int)format);
        var stream = new List<byte>();
        for (int line = 0; line < LinesPerKind; line++)
        {
            int length = random.Next(0, line % 100 == 0 ? 1500 : 40);
            for (int i = 0; i < length; i++)
            {
                stream.Add(random.Next(4) == 0 ? (byte)random.Next(256) : s_alphabet[random.Next(s_alphabet.Length)]);
            }

            stream.Add((byte)'\n');
        }

        RunAndCheck(format, [.. stream], random);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Feed_MutatedValidFrames_EveryLineEndsAsExactlyOneResult(FrameFormat format)
    {
        var random = new Random(2000 + (int)format);
        FrameCase[] valid = [.. FrameCases.Valid.Where(c => c.Format == format && c.Line.Length > 0)];
        var stream = new List<byte>();
        for (int line = 0; line < LinesPerKind; line++)
        {
            var bytes = new List<byte>(Ascii(valid[random.Next(valid.Length)].Line));
            int mutations = random.Next(1, 4);
            for (int m = 0; m < mutations; m++)
            {
                Mutate(bytes, random);
            }

            stream.AddRange(bytes);
            stream.AddRange(random.Next(2) == 0 ? "\n"u8.ToArray() : "\r\n"u8.ToArray());
        }

        // The stream may end without a line end after all: the final block parses the tail.
        if (random.Next(2) == 0)
        {
            stream.RemoveAt(stream.Count - 1);
        }

        RunAndCheck(format, [.. stream], random);
    }

    private static void Mutate(List<byte> bytes, Random random)
    {
        int at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
        switch (random.Next(6))
        {
            case 0 when bytes.Count > 0:
                bytes[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                bytes.Insert(at, s_alphabet[random.Next(s_alphabet.Length)]);
                break;
            case 2 when bytes.Count > 0:
                bytes.RemoveAt(at);
                break;
            case 3 when bytes.Count > 0:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 4 when bytes.Count > 0:
                bytes[at] = s_alphabet[random.Next(s_alphabet.Length)];
                break;
            default:
                bytes.InsertRange(at, bytes.GetRange(0, Math.Min(bytes.Count, random.Next(1, 8))));
                break;
        }
    }

    private static void RunAndCheck(FrameFormat format, byte[] stream, Random random)
    {
        int expectedResults = ExpectedResultCount(stream);
        foreach (SpeedUnit unit in Enum.GetValues<SpeedUnit>())
        {
            List<ParsedFrame> chunked = Feed(FrameCases.CreateParser(format, unit), RandomChunks(stream, random, 300));
            Assert.Equal(expectedResults, chunked.Count);
            foreach (ParsedFrame frame in chunked)
            {
                Assert.InRange(frame.Result.ReadingCount, 0, FrameParser.MaxReadingsPerFrame);
                Assert.True(!frame.Result.IsRejected || frame.Result.ReadingCount == 0);
                foreach (Reading reading in frame.Readings)
                {
                    Assert.True(double.IsFinite(reading.SpeedKmh) && reading.SpeedKmh is >= 0 and <= 1000, $"speed {reading.SpeedKmh}");
                    Assert.True(Enum.IsDefined(reading.Direction));
                }
            }

            if (unit == SpeedUnit.KilometresPerHour)
            {
                // The same bytes in one segment give the very same results.
                List<ParsedFrame> whole = ReadAll(FrameCases.CreateParser(format, unit), Sequences.OneSegment(stream), isFinalBlock: true);
                AssertSameFrames(whole, chunked, $"{format} whole vs chunked");
            }
        }
    }
}
