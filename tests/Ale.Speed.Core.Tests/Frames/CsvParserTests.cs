using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Tests.Support;
using Ale.Speed.Core.Vehicles;
using static Ale.Speed.Core.Tests.Frames.FrameTestKit;

namespace Ale.Speed.Core.Tests.Frames;

/// <summary>The column-mapped CSV parser over whole files: header, separators, quotes, time zones.</summary>
public sealed class CsvParserTests
{
    private static readonly TimeZoneInfo s_stockholm = FrameCases.Stockholm;

    private static List<ParsedFrame> ReadFile(string text, string map, CsvOptions? options = null, bool segmentPerByte = false)
    {
        CsvParser parser = FrameParsers.Create(CsvColumnMap.Parse(map), options ?? new CsvOptions(s_stockholm));
        byte[] bytes = Ascii(text);
        return ReadAll(parser, segmentPerByte ? Sequences.SegmentPerByte(bytes) : Sequences.OneSegment(bytes), isFinalBlock: true);
    }

    private static long Utc(int year, int month, int day, int hour, int minute, int second, int millisecond = 0)
        => new DateTimeOffset(year, month, day, hour, minute, second, millisecond, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Fact]
    public void ParseFrame_HeaderThenRecords_HeaderGivesNothingAndRecordsAreRead()
    {
        List<ParsedFrame> frames = ReadFile("\r\nTime;Speed;Direction\r\n2026-11-25 19:03:12,345;57,3;in\r\n\r\n2026-11-25 19:04:00;48;out\r\n", "ts=time,speed=speed,dir=direction");

        Assert.Equal([default, default, new FrameResult(1, RejectReason.None), default, new FrameResult(1, RejectReason.None)], frames.Select(f => f.Result));
        AssertReadings([Expect(57.3, Direction.Approaching, Utc(2026, 11, 25, 18, 3, 12, 345))], frames[2].Readings, "first");
        AssertReadings([Expect(48, Direction.Receding, Utc(2026, 11, 25, 18, 4, 0))], frames[4].Readings, "second");
    }

    [Fact]
    public void ParseFrame_NoLineHoldsTheMappedColumns_EveryLineIsPreambleAndTheErrorSaysWhatTheFirstLacks()
    {
        CsvParser parser = FrameParsers.Create(CsvColumnMap.Parse("ts=Time,speed=Speed,dir=Riktning"), new CsvOptions(s_stockholm));
        byte[] bytes = Ascii("Time;Speed;Direction\n2026-11-25 19:03:12;57;in\n\n2026-11-25 19:04:00;48;out\n");

        List<ParsedFrame> frames = ReadAll(parser, Sequences.OneSegment(bytes));

        Assert.All(frames, f => Assert.Equal(default, f.Result));
        Assert.Equal(3, parser.PreambleLines);
        Assert.False(parser.IsHeaderRead);
        Assert.True(parser.TryGetHeaderError(out string? error));
        Assert.Contains("'Riktning'", error, StringComparison.Ordinal);
        Assert.Contains("'Direction'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseFrame_NoHeaderWithinTheSearchedLines_RejectsEveryLaterLineAsAMismatch()
    {
        CsvParser parser = FrameParsers.Create(CsvColumnMap.Parse("ts=Time,speed=Speed"), new CsvOptions(s_stockholm));
        string text = string.Concat(Enumerable.Repeat("a;b\n", CsvParser.MaxPreambleLines + 3)) + "Time;Speed\n2026-11-25 19:03:12;57\n";

        List<ParsedFrame> frames = ReadAll(parser, Sequences.OneSegment(Ascii(text)));

        Assert.Equal(CsvParser.MaxPreambleLines, frames.Count(f => f.Result == default));
        Assert.Equal(5, frames.Count(f => f.Result.Reject == RejectReason.CsvHeaderMismatch));
        Assert.Contains($"among the first {CsvParser.MaxPreambleLines + 1}", parser.HeaderError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ts=#4,speed=#2", "a;b;c", "#4")]
    [InlineData("ts=a,speed=b", "a;b;B", "2 times")]
    [InlineData("ts=a,speed=#1", "a;b;c", "both ts and speed")]
    [InlineData("ts=a,speed=b", "a;\"b;c", "quoted")]
    public void ParseFrame_HeaderNotFittingTheMap_IsNotTakenAndSaysWhy(string map, string header, string errorPart)
    {
        CsvParser parser = FrameParsers.Create(CsvColumnMap.Parse(map), new CsvOptions(s_stockholm));

        List<ParsedFrame> frames = ReadAll(parser, Sequences.OneSegment(Ascii(header + "\n1;2\n")));

        Assert.All(frames, f => Assert.Equal(default, f.Result));
        Assert.Contains(errorPart, parser.HeaderError, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseFrame_CounterExportWithPreamble12HourUsTimesMphAndChannels_ReadsEveryVehicle()
    {
        var options = new CsvOptions(TimeZoneInfo.FindSystemTimeZoneById("America/New_York"))
        {
            SpeedUnit = SpeedUnit.MilesPerHour,
            TimeFormats = ["M/d/yyyy h:mm:ss tt"],
            Directions = new Dictionary<string, Direction> { ["1"] = Direction.Approaching, ["2"] = Direction.Receding },
            Classes = new Dictionary<string, VehicleClass> { ["2"] = VehicleClass.Car, ["3"] = VehicleClass.Heavy },
        };
        CsvParser parser = FrameParsers.Create(CsvColumnMap.Parse("date=Date,time=Time,speed=Speed,dir=Channel,class=Class"), options);
        string file = "Date/Time:, 11/6/2023 11:34:00 AM\r\nSite Code:, 165367\r\n\r\nVeh. No., Date, Time, Channel, Class, Speed\r\n"
            + "1, 11/6/2023, 11:54:57 AM, 2, 2, 36.3\r\n"
            + "2, 11/6/2023, 1:05:03 PM, 1, 3, 28\r\n"
            + "3, 11/6/2023, 1:05:04 PM, 3, 2, 30.0\r\n"
            + "4, 11/31/2023, 1:05:04 PM, 1, 2, 30.0\r\n"
            + "5, 11/6/2023, 13:05:04 PM, 1, 2, 30.0\r\n"
            + "6, 11/6/2023, 1:05:05 PM, 1, 4, 30.0\r\n"
            + "7, 11/6/2023, 1:05:06 PM, 1, , abc\r\n";

        List<ParsedFrame> frames = ReadAll(parser, Sequences.OneSegment(Ascii(file)), isFinalBlock: true);

        Assert.Equal(2, parser.PreambleLines);
        Assert.Equal(',', parser.Separator);
        Assert.Equal(
            [RejectReason.None, RejectReason.None, RejectReason.None, RejectReason.None, RejectReason.None, RejectReason.None, RejectReason.InvalidDirection,
             RejectReason.InvalidTimestamp, RejectReason.InvalidTimestamp, RejectReason.InvalidField, RejectReason.Malformed],
            frames.Select(f => f.Result.Reject));
        // 6 November 2023 is after New York's return to standard time (UTC-5).
        AssertReadings([Expect(36.3 * 1.609344, Direction.Receding, Utc(2023, 11, 6, 16, 54, 57), vehicleClass: VehicleClass.Car)], frames[4].Readings, "first");
        AssertReadings([Expect(28 * 1.609344, Direction.Approaching, Utc(2023, 11, 6, 18, 5, 3), vehicleClass: VehicleClass.Heavy)], frames[5].Readings, "second");
    }

    [Theory]
    [InlineData("2023-11-06T11:54:57+01:00", 10)]
    [InlineData("2023-11-06T11:54:57Z", 11)]
    [InlineData("2023-11-06T11:54:57", 10)]
    public void ParseFrame_TimeFormatWithAnOffset_IsAbsoluteAndWithoutOneLocal(string ts, int utcHour)
    {
        var options = new CsvOptions(s_stockholm) { TimeFormats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss"] };

        List<ParsedFrame> frames = ReadFile($"t;v\n{ts};50\n", "ts=t,speed=v", options);

        AssertReadings([Expect(50, Direction.Approaching, Utc(2023, 11, 6, utcHour, 54, 57))], frames[1].Readings, ts);
    }

    [Fact]
    public void ParseFrame_DecimalCommaInACommaFileQuoted_AndInASemicolonFile_AreRead()
    {
        List<ParsedFrame> semicolons = ReadFile("Zeit;km/h\n06.11.2023 11:54:57;36,3\n", "ts=Zeit,speed=km/h",
            new CsvOptions(s_stockholm) { TimeFormats = ["dd.MM.yyyy HH:mm:ss"] });
        List<ParsedFrame> commas = ReadFile("Zeit,km/h\n06.11.2023 11:54:57,\"36,3\"\n", "ts=Zeit,speed=km/h",
            new CsvOptions(s_stockholm) { TimeFormats = ["dd.MM.yyyy HH:mm:ss"], DecimalComma = true });

        AssertReadings([Expect(36.3, Direction.Approaching, Utc(2023, 11, 6, 10, 54, 57))], semicolons[1].Readings, "semicolons");
        AssertReadings([Expect(36.3, Direction.Approaching, Utc(2023, 11, 6, 10, 54, 57))], commas[1].Readings, "commas");
    }

    [Theory]
    [InlineData("1=in,2=out", true, "")]
    [InlineData(" north = IN , south=Out ", true, "")]
    [InlineData("1=in,1=out", false, "'1' is mapped twice")]
    [InlineData("1=up", false, "'up' is not in or out")]
    [InlineData("in", false, "'in' is not value=target")]
    [InlineData("", false, "empty")]
    public void CsvValueMap_TryParseDirections_ReadsPairsOrSaysWhatIsWrong(string text, bool valid, string errorPart)
    {
        Assert.Equal(valid, CsvValueMap.TryParseDirections(text, out IReadOnlyDictionary<string, Direction>? map, out string? error));
        if (valid)
        {
            Assert.Equal(2, map!.Count);
            Assert.Equal(Direction.Receding, map.Values.Last());
        }
        else
        {
            Assert.Contains(errorPart, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CsvValueMap_TryParseClasses_TakesTheCanonicalNamesOnly()
    {
        Assert.True(CsvValueMap.TryParseClasses("2=car,3=Heavy,PKW=car", out IReadOnlyDictionary<string, VehicleClass>? map, out _));
        Assert.Equal(VehicleClass.Heavy, map["3"]);
        Assert.Equal(VehicleClass.Car, map["pkw"]);
        Assert.False(CsvValueMap.TryParseClasses("2=lorry", out _, out string? error));
        Assert.Contains("'lorry'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryGetHeaderError_BeforeTheHeader_IsFalse()
    {
        CsvParser parser = FrameParsers.Create(CsvColumnMap.Parse("ts=a,speed=b"), new CsvOptions(s_stockholm));

        Assert.False(parser.TryGetHeaderError(out _));
        Assert.False(parser.IsHeaderRead);
        Assert.Equal('\0', parser.Separator);
    }

    [Theory]
    [InlineData("Time,Speed\n2026-11-25 19:03:12,57.5\n", ',')]
    [InlineData("Time;Speed\n2026-11-25 19:03:12;57,5\n", ';')]
    [InlineData("Time\tSpeed\n2026-11-25 19:03:12\t57,5\n", '\t')]
    [InlineData("\uFEFFTime;Speed\n2026-11-25 19:03:12;57,5\n", ';')]
    [InlineData("\"Time;x\",Speed\n2026-11-25 19:03:12,57.5\n", ',')]
    public void ParseFrame_SeparatorNotGiven_IsDetectedFromTheHeader(string text, char separator)
    {
        CsvColumnMap map = CsvColumnMap.Parse(text.Contains("x\"", StringComparison.Ordinal) ? "ts=Time;x,speed=Speed" : "ts=Time,speed=Speed");
        CsvParser parser = FrameParsers.Create(map, new CsvOptions(s_stockholm));
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);

        List<ParsedFrame> frames = ReadAll(parser, Sequences.OneSegment(bytes));

        Assert.Equal(separator, parser.Separator);
        AssertReadings([Expect(57.5, Direction.Approaching, Utc(2026, 11, 25, 18, 3, 12))], frames[1].Readings, text);
    }

    [Fact]
    public void ParseFrame_GivenSeparatorAndDecimalComma_OverrideTheDefaults()
    {
        // A comma-separated file with decimal commas needs its numbers quoted.
        List<ParsedFrame> frames = ReadFile("Time;Speed,Other\n2026-11-25 19:03:12,\"57,5\",x\n", "ts=#1,speed=#2",
            new CsvOptions(s_stockholm) { Separator = ',', DecimalComma = true });

        AssertReadings([Expect(57.5, Direction.Approaching, Utc(2026, 11, 25, 18, 3, 12))], frames[1].Readings, "quoted decimal comma");
    }

    [Fact]
    public void ParseFrame_DecimalCommaOffWithSemicolons_RejectsACommaNumber()
    {
        List<ParsedFrame> frames = ReadFile("t;s\n2026-11-25 19:03:12;57,5\n", "ts=t,speed=s", new CsvOptions(s_stockholm) { DecimalComma = false });

        Assert.Equal(RejectReason.Malformed, frames[1].Result.Reject);
    }

    [Fact]
    public void ParseFrame_QuotedFieldsWithSeparatorsAndDoubledQuotes_AreReadAsText()
    {
        string text = "\"Id \"\"nr\"\"\",Time,\"Speed, km/h\",\"Typ\"\n"
            + "\"42\",\"2026-11-25 19:03:12\",\"57.5\",\"Car\"\n"
            + "43,2026-11-25 19:03:13,\" 58 \",\"a \"\"car\"\"\"\n";

        List<ParsedFrame> frames = ReadFile(text, "seq=id \"nr\",ts=time,speed=#3,class=typ");

        Assert.Equal(default, frames[0].Result);
        AssertReadings([Expect(57.5, Direction.Approaching, Utc(2026, 11, 25, 18, 3, 12), sequence: 42, vehicleClass: VehicleClass.Car)], frames[1].Readings, "quoted");
        Assert.Equal(RejectReason.InvalidField, frames[2].Result.Reject);
    }

    [Fact]
    public void ParseFrame_DateAndTimeInTwoColumns_AreCombinedInTheZone()
    {
        List<ParsedFrame> frames = ReadFile(
            "Datum;Tid;Hastighet\n2026-07-01;12:00:00,5;50\n2026/11/25;19:03:12.345;57\n2026-11-25;18:03:12Z;57\n2026-11-25;;57\n2026-11-25;25:00:00;57\n",
            "date=Datum,time=Tid,speed=Hastighet");

        AssertReadings([Expect(50, Direction.Approaching, Utc(2026, 7, 1, 10, 0, 0, 500))], frames[1].Readings, "summer");
        AssertReadings([Expect(57, Direction.Approaching, Utc(2026, 11, 25, 18, 3, 12, 345))], frames[2].Readings, "winter");
        AssertReadings([Expect(57, Direction.Approaching, Utc(2026, 11, 25, 18, 3, 12))], frames[3].Readings, "offset");
        Assert.Equal(RejectReason.MissingTimestamp, frames[4].Result.Reject);
        Assert.Equal(RejectReason.InvalidTimestamp, frames[5].Result.Reject);
    }

    [Theory]
    // Clocks go back at 03:00 CEST on 2026-10-25: 02:00–02:59 happens twice; the first time (CEST, +2) is taken.
    [InlineData("2026-10-25 02:30:00", 2026, 10, 25, 0, 30)]
    [InlineData("2026-10-25 02:30:00+01:00", 2026, 10, 25, 1, 30)]
    [InlineData("2026-10-25 02:30:00+02:00", 2026, 10, 25, 0, 30)]
    [InlineData("2026-10-25 01:59:59", 2026, 10, 24, 23, 59)]
    [InlineData("2026-10-25 03:00:00", 2026, 10, 25, 2, 0)]
    // Clocks go forward at 02:00 CET on 2026-03-29: 01:59 is CET, 03:00 is CEST.
    [InlineData("2026-03-29 01:59:00", 2026, 3, 29, 0, 59)]
    [InlineData("2026-03-29 03:00:00", 2026, 3, 29, 1, 0)]
    [InlineData("2026-03-29 02:30:00Z", 2026, 3, 29, 2, 30)]
    public void ParseFrame_LocalTimesAroundDaylightSaving_FollowEuropeStockholm(string ts, int year, int month, int day, int hour, int minute)
    {
        List<ParsedFrame> frames = ReadFile($"t;s\n{ts};50\n", "ts=t,speed=s");

        ParsedFrame record = frames[1];
        Assert.False(record.Result.IsRejected, record.Result.ToString());
        long expected = Utc(year, month, day, hour, minute, ts.StartsWith("2026-10-25 01:59:59", StringComparison.Ordinal) ? 59 : 0);
        Assert.Equal(expected, record.Readings[0].TimestampMs);
    }

    [Theory]
    [InlineData("2026-03-29 02:00:00")]
    [InlineData("2026-03-29 02:59:59,999")]
    public void ParseFrame_LocalTimeSkippedBySpringForward_IsInvalidTimestamp(string ts)
    {
        List<ParsedFrame> frames = ReadFile($"t;s\n{ts};50\n", "ts=t,speed=s");

        Assert.Equal(RejectReason.InvalidTimestamp, frames[1].Result.Reject);
    }

    [Fact]
    public void ParseFrame_UtcZone_TakesLocalTimesAsUtc()
    {
        List<ParsedFrame> frames = ReadFile("t;s\n2026-03-29 02:30:00;50\n", "ts=t,speed=s", new CsvOptions(TimeZoneInfo.Utc));

        Assert.Equal(Utc(2026, 3, 29, 2, 30, 0), frames[1].Readings[0].TimestampMs);
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1795629792345", 1795629792345L)]
    [InlineData("253402300799999", 253402300799999L)]
    public void ParseFrame_EpochMilliseconds_AreAbsolute(string ts, long expected)
    {
        List<ParsedFrame> frames = ReadFile($"t;s\n{ts};50\n", "ts=t,speed=s");

        Assert.Equal(expected, frames[1].Readings[0].TimestampMs);
    }

    [Theory]
    [InlineData("253402300800000")]
    [InlineData("1234567890123456")]
    [InlineData("-5")]
    [InlineData("1.5")]
    public void ParseFrame_EpochOutOfRangeOrNotAnInteger_IsInvalidTimestamp(string ts)
    {
        List<ParsedFrame> frames = ReadFile($"t;s\n{ts};50\n", "ts=t,speed=s");

        Assert.Equal(RejectReason.InvalidTimestamp, frames[1].Result.Reject);
    }

    [Theory]
    [InlineData("in", Direction.Approaching)]
    [InlineData("INBOUND", Direction.Approaching)]
    [InlineData("Approaching", Direction.Approaching)]
    [InlineData("+", Direction.Approaching)]
    [InlineData("1", Direction.Approaching)]
    [InlineData("Out", Direction.Receding)]
    [InlineData("outbound", Direction.Receding)]
    [InlineData("RECEDING", Direction.Receding)]
    [InlineData("-", Direction.Receding)]
    [InlineData("2", Direction.Receding)]
    [InlineData("", Direction.Receding)]
    public void ParseFrame_DirectionWords_OverrideTheSign(string dir, Direction expected)
    {
        List<ParsedFrame> frames = ReadFile($"t;s;d\n2026-11-25 19:03:12;-50;{dir}\n", "ts=t,speed=s,dir=d");

        Assert.Equal(expected, frames[1].Readings[0].Direction);
        Assert.Equal(50, frames[1].Readings[0].SpeedKmh);
    }

    [Theory]
    [InlineData("50", Direction.Approaching)]
    [InlineData("-50", Direction.Receding)]
    [InlineData("0", Direction.Unknown)]
    public void ParseFrame_NoDirectionColumn_TakesTheSign(string speed, Direction expected)
    {
        List<ParsedFrame> frames = ReadFile($"t;s\n2026-11-25 19:03:12;{speed}\n", "ts=t,speed=s");

        Assert.Equal(expected, frames[1].Readings[0].Direction);
    }

    [Theory]
    [InlineData(SpeedUnit.KilometresPerHour, 36.0)]
    [InlineData(SpeedUnit.MetresPerSecond, 129.6)]
    [InlineData(SpeedUnit.MilesPerHour, 36 * 1.609344)]
    public void ParseFrame_SpeedUnit_ConvertsToKmh(SpeedUnit unit, double expectedKmh)
    {
        List<ParsedFrame> frames = ReadFile("t;s\n2026-11-25 19:03:12;36\n", "ts=t,speed=s", new CsvOptions(s_stockholm) { SpeedUnit = unit });

        Assert.Equal(expectedKmh, frames[1].Readings[0].SpeedKmh, 9);
    }

    [Fact]
    public void ParseFrame_SegmentPerByte_GivesTheSameFramesAsOneSegment()
    {
        string text = "\uFEFF\"Time\";Speed;Dir\r\n\"2026-11-25 19:03:12\";\"57,3\";\"in\"\r\n2026-11-25 19:03:13;-3;\r\nbad;1;\r\n2026-11-25 19:03:14;4";

        AssertSameFrames(ReadFile(text, "ts=time,speed=speed,dir=dir"), ReadFile(text, "ts=time,speed=speed,dir=dir", segmentPerByte: true), "segment per byte");
    }

    [Fact]
    public void Constructor_UnsupportedSeparator_Throws()
        => Assert.Throws<ArgumentException>(() => new CsvParser(CsvColumnMap.Parse("ts=a,speed=b"), new CsvOptions(s_stockholm) { Separator = '|' }));

    [Theory]
    [InlineData("ts=Time,speed=Speed,dir=Direction,seq=Id,class=Type,len=Length", "ts=Time,speed=Speed,dir=Direction,seq=Id,class=Type,len=Length")]
    [InlineData(" SPEED = Hastighet , date=#1,time=#2 ", "date=#1,time=#2,speed=Hastighet")]
    [InlineData("len=L,speed=S,ts=T", "ts=T,speed=S,len=L")]
    public void CsvColumnMap_Parse_ValidText_RoundTrips(string text, string canonical)
    {
        CsvColumnMap map = CsvColumnMap.Parse(text);

        Assert.Equal(canonical, map.ToString());
        Assert.Equal(canonical, CsvColumnMap.Parse(map.ToString()).ToString());
    }

    [Fact]
    public void CsvColumnMap_Parse_Columns_AreNamesOrNumbers()
    {
        CsvColumnMap map = CsvColumnMap.Parse("date=#1,time=Tid,speed=#12");

        Assert.Null(map.Timestamp);
        Assert.Equal(1, map.Date!.Value.Number);
        Assert.Null(map.Date!.Value.Name);
        Assert.Equal("Tid", map.Time!.Value.Name);
        Assert.Equal(12, map.Speed.Number);
        Assert.Null(map.Direction);
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("ts=a", "no speed")]
    [InlineData("speed=a", "either in one column")]
    [InlineData("ts=a,date=b,time=c,speed=d", "either in one column")]
    [InlineData("date=b,speed=d", "either in one column")]
    [InlineData("ts=a,speed=b,kmh=c", "'kmh' is not one of")]
    [InlineData("ts=a,speed=b,speed=c", "given twice")]
    [InlineData("ts=a,speed=A", "name the same column")]
    [InlineData("ts=#1,speed=#0", "column number")]
    [InlineData("ts=#x,speed=b", "column number")]
    [InlineData("ts=a,speed=", "column number")]
    [InlineData("ts=a,speed", "key=column")]
    public void CsvColumnMap_TryParse_InvalidText_SaysWhy(string? text, string errorPart)
    {
        Assert.False(CsvColumnMap.TryParse(text, out CsvColumnMap? map, out string? error));
        Assert.Null(map);
        Assert.Contains(errorPart, error, StringComparison.Ordinal);
        if (text is not null)
        {
            Assert.Equal(error, Assert.Throws<FormatException>(() => CsvColumnMap.Parse(text)).Message);
        }
    }
}
