using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Vehicles;
using static Ale.Speed.Core.Tests.Frames.FrameTestKit;

namespace Ale.Speed.Core.Tests.Frames;

/// <summary>A line of a format (without its line end) and what it must give: readings, or one reject.</summary>
public sealed record FrameCase(FrameFormat Format, SpeedUnit Unit, string Line, RejectReason Reject, Reading[] Readings, FrameKind Kind = FrameKind.Measurement)
{
    public bool IsValid => Reject == RejectReason.None;

    /// <summary>The result the parser must give for the line.</summary>
    public FrameResult ExpectedResult => IsValid ? new FrameResult(Readings.Length, RejectReason.None, Kind) : FrameResult.Rejected(Reject);

    public FrameParser CreateParser() => FrameCases.CreateParser(Format, Unit);

    public override string ToString() => $"{Format}/{Unit}: {Line}";
}

/// <summary>The tables of valid and invalid frames, per format.</summary>
public static class FrameCases
{
    private const Direction In = Direction.Approaching;
    private const Direction Out = Direction.Receding;
    private const Direction None = Direction.Unknown;
    private const SpeedUnit Kmh = SpeedUnit.KilometresPerHour;
    private const SpeedUnit Mps = SpeedUnit.MetresPerSecond;
    private const SpeedUnit Mph = SpeedUnit.MilesPerHour;
    private const double Mile = 1.609344;

    private static readonly long s_ts = new DateTimeOffset(2026, 11, 25, 18, 3, 12, 345, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public static IReadOnlyList<FrameCase> Valid { get; } =
    [
        // OPS243 plain: m/s is the factory default.
        V(FrameFormat.Ops243Plain, Mps, "-12.3", Expect(12.3 * 3.6, Out)),
        V(FrameFormat.Ops243Plain, Mps, "4.56", Expect(4.56 * 3.6, In)),
        V(FrameFormat.Ops243Plain, Mps, "12", Expect(43.2, In)),
        V(FrameFormat.Ops243Plain, Mps, "  3.5\t ", Expect(12.6, In)),
        V(FrameFormat.Ops243Plain, Mps, "+2.5", Expect(9, In)),
        V(FrameFormat.Ops243Plain, Mps, "007.25", Expect(7.25 * 3.6, In)),
        V(FrameFormat.Ops243Plain, Mps, "0"),
        V(FrameFormat.Ops243Plain, Mps, "-0.00"),
        V(FrameFormat.Ops243Plain, Mps, ""),
        V(FrameFormat.Ops243Plain, Mps, " "),
        V(FrameFormat.Ops243Plain, Mps, "1.2,-3.4", Expect(1.2 * 3.6, In), Expect(3.4 * 3.6, Out)),
        V(FrameFormat.Ops243Plain, Mps, "1.2, 0, -3.4", Expect(1.2 * 3.6, In), Expect(3.4 * 3.6, Out)),
        V(FrameFormat.Ops243Plain, Mps, "1,2,3,4,5,6,7,8,9",
            Expect(3.6, In), Expect(7.2, In), Expect(10.8, In), Expect(14.4, In), Expect(18, In), Expect(21.6, In),
            Expect(25.2, In), Expect(28.8, In), Expect(32.4, In)),
        V(FrameFormat.Ops243Plain, Kmh, "-57.3", Expect(57.3, Out)),
        V(FrameFormat.Ops243Plain, Mph, "10", Expect(10 * Mile, In)),
        V(FrameFormat.Ops243Plain, Mps, "2.5e1", Expect(90, In)),

        // OPS243, every shape on one stream: a bench capture of an OPS243-C (firmware 1.2.x, unit report on) and the
        // examples of OmniPreSense's API documents (AN-010, UM-003-A).
        V(FrameFormat.Ops243, Kmh, "\"mps\",-1.0", Expect(3.6, Out)),
        V(FrameFormat.Ops243, Kmh, "\"mps\",2.5", Expect(9, In)),
        V(FrameFormat.Ops243, Mps, "\"kmph\",57.3", Expect(57.3, In)),
        V(FrameFormat.Ops243, Mps, "\"mph\",-10", Expect(10 * Mile, Out)),
        V(FrameFormat.Ops243, Mps, "\"MPS\", 1.0", Expect(3.6, In)),
        V(FrameFormat.Ops243, Mps, "\"mps\",0.0"),
        V(FrameFormat.Ops243, Mps, "96.226,\"mps\",45,0.6", Expect(0.6 * 3.6, In, clock: 96.226, magnitude: 45)),
        V(FrameFormat.Ops243, Mps, "96.226,\"mps\",-0.6", Expect(0.6 * 3.6, Out, clock: 96.226)),
        V(FrameFormat.Ops243, Mps, "\"mps\",45,-0.6", Expect(0.6 * 3.6, Out, magnitude: 45)),
        V(FrameFormat.Ops243, Mps, "1.5,\"mps\",100,200,1.0,-2.0", Expect(3.6, In, clock: 1.5, magnitude: 100), Expect(7.2, Out, clock: 1.5, magnitude: 200)),
        V(FrameFormat.Ops243, Mps, "\"mps\",1.0,-2.0,3.0", Expect(3.6, In), Expect(7.2, Out), Expect(10.8, In)),
        V(FrameFormat.Ops243, Mps, "-12.3", Expect(12.3 * 3.6, Out)),
        V(FrameFormat.Ops243, Mps, "137.429, 3.6", Expect(12.96, In, clock: 137.429)),
        V(FrameFormat.Ops243, Mps, "137.429,1234.5,-3.6", Expect(12.96, Out, clock: 137.429, magnitude: 1234.5)),
        V(FrameFormat.Ops243, Mps, "1.5,100,200,1.0,-2.0", Expect(3.6, In, clock: 1.5, magnitude: 100), Expect(7.2, Out, clock: 1.5, magnitude: 200)),
        V(FrameFormat.Ops243, Mps, ""),
        V(FrameFormat.Ops243, Mps, "0"),
        V(FrameFormat.Ops243, Kmh, """{"time" : "105.122", "unit" : "mps", "magnitude" : "23", "speed" : "1.0"}""", Expect(3.6, In, clock: 105.122, magnitude: 23)),
        V(FrameFormat.Ops243, Kmh, """{"time" : "105.190", "unit" : "mps", "magnitude" : "683", "speed" : "-1.3"}""", Expect(1.3 * 3.6, Out, clock: 105.19, magnitude: 683)),
        V(FrameFormat.Ops243, Kmh, """{"unit" : "mph", "speed" : "10"}""", Expect(10 * Mile, In)),
        V(FrameFormat.Ops243, Mps, """{"speed":0.58, "direction":"inbound", "time":105, "tick":135}""", Expect(0.58 * 3.6, In, clock: 105)),
        V(FrameFormat.Ops243, Mps, """{"speed":[1.2,-3.4],"magnitude":[980,455]}""", Expect(1.2 * 3.6, In, magnitude: 980), Expect(3.4 * 3.6, Out, magnitude: 455)),
        V(FrameFormat.Ops243, Mps, """{"time" : "105.258", "unit" : "mps", "magnitude" : "77", "speed" : "0.0"}"""),
        R(FrameFormat.Ops243, Mps, "\"m\",2.1"),
        R(FrameFormat.Ops243, Mps, "94.816,\"m\",10927,2.1"),
        R(FrameFormat.Ops243, Mps, "\"ft\",7.5,12.0,20.1"),
        R(FrameFormat.Ops243, Mps, """{"time" : "104.438", "unit" : "m", "magnitude" : "10874", "range" : "2.1"}"""),
        D(FrameFormat.Ops243, Mps, """{"PowerMode" : "Idle or Pulse"}"""),
        D(FrameFormat.Ops243, Mps, """{"SpeedOutputFeature" : "J"}"""),
        D(FrameFormat.Ops243, Mps, """{"Product" : "OPS243-C", "Version" : "1.2.3"}"""),
        D(FrameFormat.Ops243, Mps, """{"Units":"km-per-hr"}"""),
        D(FrameFormat.Ops243, Mps, """{ "ResetReason": "Status from bitmask", "Power On" : true, "Supply Watchdog" : true }"""),

        // OPS243 JSON.
        V(FrameFormat.Ops243Json, Mps, """{"speed":0.58, "direction":"inbound", "time":105, "tick":135}""", Expect(0.58 * 3.6, In, clock: 105)),
        V(FrameFormat.Ops243Json, Mps, """{"speed":-1.5}""", Expect(5.4, Out)),
        V(FrameFormat.Ops243Json, Mps, """{"speed":"-1.2"}""", Expect(1.2 * 3.6, Out)),
        V(FrameFormat.Ops243Json, Mps, """{"speed":1.5,"direction":"outbound"}""", Expect(5.4, Out)),
        V(FrameFormat.Ops243Json, Mps, """{"speed":-1.5,"direction":"inbound"}""", Expect(5.4, In)),
        V(FrameFormat.Ops243Json, Mps, """{"time":"137.429","speed":"3.6","magnitude":"1234.5"}""", Expect(12.96, In, clock: 137.429, magnitude: 1234.5)),
        V(FrameFormat.Ops243Json, Mps, """{"speed":[1.2,-3.4],"magnitude":[980,455],"time":12.5}""",
            Expect(1.2 * 3.6, In, clock: 12.5, magnitude: 980), Expect(3.4 * 3.6, Out, clock: 12.5, magnitude: 455)),
        V(FrameFormat.Ops243Json, Mps, """{"speed":["1.2","-3.4"],"magnitude":["980","455"]}""",
            Expect(1.2 * 3.6, In, magnitude: 980), Expect(3.4 * 3.6, Out, magnitude: 455)),
        V(FrameFormat.Ops243Json, Mps, """{"speed":[1.2,3.4],"direction":["inbound","outbound"]}""", Expect(1.2 * 3.6, In), Expect(3.4 * 3.6, Out)),
        V(FrameFormat.Ops243Json, Mps, """{"speed":[1.2,-3.4],"direction":"outbound"}""", Expect(1.2 * 3.6, Out), Expect(3.4 * 3.6, Out)),
        V(FrameFormat.Ops243Json, Mps, """{"speed":[]}"""),
        V(FrameFormat.Ops243Json, Mps, """{"speed":0,"direction":"inbound"}"""),
        V(FrameFormat.Ops243Json, Mps, """{"speed":[0,2],"magnitude":[5,6]}""", Expect(7.2, In, magnitude: 6)),
        V(FrameFormat.Ops243Json, Mps, """ { "unknown" : {"a":[1,{"b":"x\"y"}],"c":[]}, "speed" : 2 , "flag":true, "n":null, "f":false } """, Expect(7.2, In)),
        V(FrameFormat.Ops243Json, Mps, """{"speed":1,"speed":2}""", Expect(7.2, In)),
        V(FrameFormat.Ops243Json, Mps, """{"sp\u0065ed":5,"speed":1}""", Expect(3.6, In)),
        V(FrameFormat.Ops243Json, Mps, """{"speed":1,"time":null,"magnitude":null,"direction":null}""", Expect(3.6, In)),
        V(FrameFormat.Ops243Json, Kmh, """{"speed":57.3}""", Expect(57.3, In)),
        V(FrameFormat.Ops243Json, Mps, ""),
        R(FrameFormat.Ops243Json, Mps, """{"time" : "104.438", "unit" : "m", "magnitude" : "10874", "range" : "2.1"}"""),
        D(FrameFormat.Ops243Json, Mps, """{"Units":"km-per-hr"}"""),
        D(FrameFormat.Ops243Json, Mps, """{}"""),
        D(FrameFormat.Ops243Json, Mps, """{"speed":null}"""),
        V(FrameFormat.Ops243Json, Kmh, """{"time" : "105.122", "unit" : "mps", "magnitude" : "23", "speed" : "1.0"}""", Expect(3.6, In, clock: 105.122, magnitude: 23)),

        // OPS243 CSV: time, magnitudes, speeds.
        V(FrameFormat.Ops243Csv, Mps, "137.429,1234.5,-3.6", Expect(12.96, Out, clock: 137.429, magnitude: 1234.5)),
        V(FrameFormat.Ops243Csv, Mps, "137.429, 1234.5, 3.6", Expect(12.96, In, clock: 137.429, magnitude: 1234.5)),
        V(FrameFormat.Ops243Csv, Mps, "1.5,100,200,1.0,-2.0", Expect(3.6, In, clock: 1.5, magnitude: 100), Expect(7.2, Out, clock: 1.5, magnitude: 200)),
        V(FrameFormat.Ops243Csv, Mps, "1.5,100,200,0,-2.0", Expect(7.2, Out, clock: 1.5, magnitude: 200)),
        V(FrameFormat.Ops243Csv, Mps, "1.5,100,0"),
        V(FrameFormat.Ops243Csv, Kmh, "0.000,12,-50", Expect(50, Out, clock: 0, magnitude: 12)),
        V(FrameFormat.Ops243Csv, Mps, ""),

        // ICOMS TMA-296: configured unit matters only for types 3, 4 and 5.
        V(FrameFormat.IcomsTma296, Kmh, "+057 km/h", Expect(57, In)),
        V(FrameFormat.IcomsTma296, Mph, "-057 km/h", Expect(57, Out)),
        V(FrameFormat.IcomsTma296, Kmh, "+057 mph", Expect(57 * Mile, In)),
        V(FrameFormat.IcomsTma296, Kmh, "+057  mph", Expect(57 * Mile, In)),
        V(FrameFormat.IcomsTma296, Kmh, "057KI", Expect(57, In)),
        V(FrameFormat.IcomsTma296, Kmh, "057MO", Expect(57 * Mile, Out)),
        V(FrameFormat.IcomsTma296, Kmh, "-057", Expect(57, Out)),
        V(FrameFormat.IcomsTma296, Mph, "+031", Expect(31 * Mile, In)),
        V(FrameFormat.IcomsTma296, Kmh, "+057 km/h 012 m", Expect(57, In)),
        V(FrameFormat.IcomsTma296, Kmh, "-120 mph 150 m", Expect(120 * Mile, Out)),
        V(FrameFormat.IcomsTma296, Kmh, "+057 mph  012 m", Expect(57 * Mile, In)),
        V(FrameFormat.IcomsTma296, Kmh, "*S057", Expect(57, None)),
        V(FrameFormat.IcomsTma296, Kmh, "s045", Expect(45, None)),
        V(FrameFormat.IcomsTma296, Kmh, "+000 km/h", Expect(0, In)),
        V(FrameFormat.IcomsTma296, Kmh, ""),

        // Houston Radar DR500.
        V(FrameFormat.HoustonDr500, Mph, "057", Expect(57 * Mile, None)),
        V(FrameFormat.HoustonDr500, Kmh, "057", Expect(57, None)),
        V(FrameFormat.HoustonDr500, Kmh, "+102", Expect(102, None)),
        V(FrameFormat.HoustonDr500, Kmh, " 030 ", Expect(30, None)),
        V(FrameFormat.HoustonDr500, Mph, "000"),
        V(FrameFormat.HoustonDr500, Mph, "?000"),
        V(FrameFormat.HoustonDr500, Mph, ""),

        // HLK-LD2415H.
        V(FrameFormat.HlkLd2415h, Kmh, "V+002.6", Expect(2.6, In)),
        V(FrameFormat.HlkLd2415h, Kmh, "V-012.3", Expect(12.3, Out)),
        V(FrameFormat.HlkLd2415h, Kmh, "V+240.0", Expect(240, In)),
        V(FrameFormat.HlkLd2415h, Mph, "V+010.0", Expect(10 * Mile, In)),
        V(FrameFormat.HlkLd2415h, Mps, "V-010.0", Expect(36, Out)),
        V(FrameFormat.HlkLd2415h, Kmh, "V+000.0"),
        V(FrameFormat.HlkLd2415h, Kmh, ""),

        // Canonical record.
        V(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":57.3,"dir":"in"}""", Expect(57.3, In, s_ts)),
        V(FrameFormat.Canonical, Kmh, """{"ts":1795629792345,"kmh":57.3,"dir":"out","len":4.2,"seq":17,"class":"atraktor"}""",
            Expect(57.3, Out, s_ts, length: 4.2, sequence: 17, vehicleClass: VehicleClass.ATraktor)),
        V(FrameFormat.Canonical, Mph, """{"kmh":30,"ts":"2026-11-25T19:03:12.345+01:00"}""", Expect(30, None, s_ts)),
        V(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T13:33:12.345-0430","kmh":30}""", Expect(30, None, s_ts)),
        V(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-26T00:30:00.5+02:00","kmh":0}""",
            Expect(0, None, new DateTimeOffset(2026, 11, 25, 22, 30, 0, 500, TimeSpan.Zero).ToUnixTimeMilliseconds())),
        V(FrameFormat.Canonical, Kmh, """ {"ts":"2026-11-25T18:03:12.345987Z", "kmh":4.5e1, "extra":{"a":[1,2,{"b":null}]}, "class":"unknown", "len":null, "seq":0} """,
            Expect(45, None, s_ts, sequence: 0)),
        V(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"class":"car"}""", Expect(50, None, s_ts, vehicleClass: VehicleClass.Car)),
        V(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"class":"heavy"}""", Expect(50, None, s_ts, vehicleClass: VehicleClass.Heavy)),
        V(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"class":"moped"}""", Expect(50, None, s_ts, vehicleClass: VehicleClass.Moped)),
        V(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"class":"motorcycle"}""", Expect(50, None, s_ts, vehicleClass: VehicleClass.Motorcycle)),
        V(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"class":"bicycle"}""", Expect(50, None, s_ts, vehicleClass: VehicleClass.Bicycle)),
        V(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"class":"other"}""", Expect(50, None, s_ts, vehicleClass: VehicleClass.Other)),
        V(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"kmh":60,"dir":"out"}""", Expect(60, Out, s_ts)),
        V(FrameFormat.Canonical, Kmh, """{"ts":"2024-02-29T23:59:59.999Z","kmh":-0}""", Expect(0, None, 1_709_251_199_999)),
        V(FrameFormat.Canonical, Kmh, """{"ts":0,"kmh":1}""", Expect(1, None, 0)),
        V(FrameFormat.Canonical, Kmh, ""),

        // ICOMS TMA-3B3 logs: UTC, decimal commas, fields padded with spaces.
        V(FrameFormat.IcomsTma3b3, Kmh, "001; 2019/01/24 16:21:05,450; 52,4; 4,5; ; ", Expect(52.4, In, Utc(2019, 1, 24, 16, 21, 5, 450), length: 4.5)),
        V(FrameFormat.IcomsTma3b3, Kmh, "001; 2019/01/24 16:21:07,010; -48,0; 4,5; ; ", Expect(48, Out, Utc(2019, 1, 24, 16, 21, 7, 10), length: 4.5)),
        V(FrameFormat.IcomsTma3b3, Kmh, "002;2019-01-24 16:21:07.010;48;;;", Expect(48, In, Utc(2019, 1, 24, 16, 21, 7, 10))),
        V(FrameFormat.IcomsTma3b3, Kmh, "030; 2019/01/24 16:21:07; 30,5; 12", Expect(30.5, In, Utc(2019, 1, 24, 16, 21, 7, 0), length: 12)),
        V(FrameFormat.IcomsTma3b3, Kmh, "003; 2019/01/24 16:21:07,010; 0,0; ; ; ", Expect(0, None, Utc(2019, 1, 24, 16, 21, 7, 10))),
        V(FrameFormat.IcomsTma3b3, Kmh, "001; 2019/01/24 16:21:05,450; 52,4; 4,5; 12,0; Lane = 1; x", Expect(52.4, In, Utc(2019, 1, 24, 16, 21, 5, 450), length: 4.5)),
        V(FrameFormat.IcomsTma3b3, Mph, "001; 2019/01/24 16:21:05,450; 10; ; ; ", Expect(10 * Mile, In, Utc(2019, 1, 24, 16, 21, 5, 450))),
        V(FrameFormat.IcomsTma3b3, Kmh, "100; 2019/01/24 16:20:03,120; ; ; ; Serial Number = 1234567"),
        V(FrameFormat.IcomsTma3b3, Kmh, "201; 2019/01/24 17:00:00,000; ; ; ; Battery = 12,6"),
        V(FrameFormat.IcomsTma3b3, Kmh, "typ;date and time [UTC];speed [km/h];length [m];range [m];notes"),
        V(FrameFormat.IcomsTma3b3, Kmh, "  "),
        V(FrameFormat.IcomsTma3b3, Kmh, ""),

        // Column-mapped CSV behind CsvHeader (Europe/Stockholm, separator detected as ';', decimal comma).
        V(FrameFormat.Csv, Kmh, "2026-11-25 19:03:12,345;57,3;in;4,2;17;car", Expect(57.3, In, s_ts, length: 4.2, sequence: 17, vehicleClass: VehicleClass.Car)),
        V(FrameFormat.Csv, Kmh, "2026-11-25T18:03:12.345Z;-57,3;;;;", Expect(57.3, Out, s_ts)),
        V(FrameFormat.Csv, Kmh, "1795629792345;57.3;OUT", Expect(57.3, Out, s_ts)),
        V(FrameFormat.Csv, Kmh, "\"2026-11-25 19:03:12.345\"; \"57,3\" ;\"Inbound\";\"4,2\";\"17\";\"ATraktor\"",
            Expect(57.3, In, s_ts, length: 4.2, sequence: 17, vehicleClass: VehicleClass.ATraktor)),
        V(FrameFormat.Csv, Kmh, "2026/11/25 19:03:12;30;;;;", Expect(30, In, s_ts - 345)),
        V(FrameFormat.Csv, Kmh, "2026-11-25 20:03:12.345+02:00;0;;;;", Expect(0, None, s_ts)),
        V(FrameFormat.Csv, Kmh, "2026-07-01 12:00:00;50;2;;;", Expect(50, Out, Utc(2026, 7, 1, 10, 0, 0, 0))),
        V(FrameFormat.Csv, Kmh, "2026-11-25 19:03:12.345;-57,3;+;;;moped", Expect(57.3, In, s_ts, vehicleClass: VehicleClass.Moped)),
        V(FrameFormat.Csv, Mps, "2026-11-25 19:03:12.345;10;receding;;0;", Expect(36, Out, s_ts, sequence: 0)),
        V(FrameFormat.Csv, Kmh, ""),
    ];

    public static IReadOnlyList<FrameCase> Invalid { get; } =
    [
        I(FrameFormat.Ops243Plain, Mps, "abc", RejectReason.Malformed),
        I(FrameFormat.Ops243Plain, Mps, "1.2.3", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243Plain, Mps, "--1", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243Plain, Mps, ".5", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243Plain, Mps, "1e999", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243Plain, Mps, "NaN", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243Plain, Mps, "-inf", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243Plain, Mps, "300", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243Plain, Mph, "700", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243Plain, Mps, "1,2,3,4,5,6,7,8,9,10", RejectReason.TooManyTargets),
        I(FrameFormat.Ops243Plain, Mps, "1.2,", RejectReason.Malformed),
        I(FrameFormat.Ops243Plain, Mps, ",1.2", RejectReason.Malformed),
        I(FrameFormat.Ops243Plain, Mps, "1.2 3.4", RejectReason.Malformed),
        I(FrameFormat.Ops243Plain, Mps, "\"mps\",1.2", RejectReason.Malformed),
        I(FrameFormat.Ops243Plain, Mps, """{"speed":1.2}""", RejectReason.Malformed),

        I(FrameFormat.Ops243, Mps, "\"kmh\",57.3", RejectReason.InvalidSpeedUnit),
        I(FrameFormat.Ops243, Mps, "\"\",57.3", RejectReason.InvalidSpeedUnit),
        I(FrameFormat.Ops243, Mps, "\"mps,57.3", RejectReason.Malformed),
        I(FrameFormat.Ops243, Mps, "\"mps\"", RejectReason.Malformed),
        I(FrameFormat.Ops243, Mps, "\"mps\",", RejectReason.Malformed),
        I(FrameFormat.Ops243, Mps, "\"mps\",abc", RejectReason.Malformed),
        I(FrameFormat.Ops243, Mps, "\"mps\",300", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243, Mps, "1,2,3,\"mps\",4", RejectReason.Malformed),
        I(FrameFormat.Ops243, Mps, "-1.0,\"mps\",45,0.6", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243, Mps, "\"m\",abc", RejectReason.Malformed),
        I(FrameFormat.Ops243, Mps, "1,2,3,4", RejectReason.Malformed),
        I(FrameFormat.Ops243, Mps, "\"mps\"," + string.Join(",", Enumerable.Repeat("5", 11)), RejectReason.TooManyTargets),
        I(FrameFormat.Ops243, Mps, "1," + string.Join(',', Enumerable.Repeat("5", 20)), RejectReason.TooManyTargets),
        I(FrameFormat.Ops243, Mps, "abc", RejectReason.Malformed),
        I(FrameFormat.Ops243, Mps, """{"unit" : "m", "speed" : "1.0"}""", RejectReason.InvalidSpeedUnit),
        I(FrameFormat.Ops243, Mps, """{"unit" : "furlongs", "speed" : "1.0"}""", RejectReason.InvalidSpeedUnit),
        I(FrameFormat.Ops243, Mps, """{"unit" : 3, "speed" : "1.0"}""", RejectReason.InvalidSpeedUnit),
        I(FrameFormat.Ops243, Mps, """{"time" : "104.438", "unit" : "m", "range" : "far"}""", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243, Mps, "{\"time\" : \"105.122\", \"speed\" : \"1.0\"", RejectReason.Malformed),
        I(FrameFormat.Ops243, Mps, """{"time" : "105.122" "speed" : "1.0"}""", RejectReason.Malformed),
        I(FrameFormat.Ops243, Mps, """{"speed" : "x"}""", RejectReason.InvalidNumber),

        I(FrameFormat.Ops243Json, Mps, """{"speed":true}""", RejectReason.InvalidField),
        I(FrameFormat.Ops243Json, Mps, """{"speed":{"v":1}}""", RejectReason.InvalidField),
        I(FrameFormat.Ops243Json, Mps, """{"speed":"abc"}""", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243Json, Mps, """{"speed":"1\u0030"}""", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243Json, Mps, """{"speed":1e999}""", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243Json, Mps, """{"speed":400}""", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243Json, Mps, """{"speed":1,"direction":"up"}""", RejectReason.InvalidDirection),
        I(FrameFormat.Ops243Json, Mps, """{"speed":1,"direction":5}""", RejectReason.InvalidDirection),
        I(FrameFormat.Ops243Json, Mps, """{"speed":[1,2],"direction":["inbound"]}""", RejectReason.Malformed),
        I(FrameFormat.Ops243Json, Mps, """{"speed":1,"direction":["inbound"]}""", RejectReason.Malformed),
        I(FrameFormat.Ops243Json, Mps, """{"speed":[1,2],"magnitude":[1]}""", RejectReason.Malformed),
        I(FrameFormat.Ops243Json, Mps, """{"speed":1,"magnitude":[1]}""", RejectReason.Malformed),
        I(FrameFormat.Ops243Json, Mps, """{"speed":[1,2,3,4,5,6,7,8,9,10]}""", RejectReason.TooManyTargets),
        I(FrameFormat.Ops243Json, Mps, """{"speed":1,"time":-1}""", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243Json, Mps, """{"speed":1,"time":[1]}""", RejectReason.InvalidField),
        I(FrameFormat.Ops243Json, Mps, """{"speed":1}x""", RejectReason.Malformed),
        I(FrameFormat.Ops243Json, Mps, """{"speed" 1}""", RejectReason.Malformed),
        I(FrameFormat.Ops243Json, Mps, """{"speed":1 "time":2}""", RejectReason.Malformed),
        I(FrameFormat.Ops243Json, Mps, """{"speed":"1}""", RejectReason.Malformed),
        I(FrameFormat.Ops243Json, Mps, """{"speed":tru}""", RejectReason.Malformed),
        I(FrameFormat.Ops243Json, Mps, """{"speed":01}""", RejectReason.Malformed),
        I(FrameFormat.Ops243Json, Mps, """{"speed":1,}""", RejectReason.Malformed),
        I(FrameFormat.Ops243Json, Mps, """{"speed":1""", RejectReason.Malformed),
        I(FrameFormat.Ops243Json, Mps, """{"speed":[1,2}""", RejectReason.Malformed),
        I(FrameFormat.Ops243Json, Mps, """[1]""", RejectReason.Malformed),
        I(FrameFormat.Ops243Json, Mps, "-1.2", RejectReason.Malformed),

        I(FrameFormat.Ops243Csv, Mps, "1.5,100", RejectReason.Malformed),
        I(FrameFormat.Ops243Csv, Mps, "3.6", RejectReason.Malformed),
        I(FrameFormat.Ops243Csv, Mps, "1,2,3,4", RejectReason.Malformed),
        I(FrameFormat.Ops243Csv, Mps, "a,b,c", RejectReason.Malformed),
        I(FrameFormat.Ops243Csv, Mps, "1,,2", RejectReason.Malformed),
        I(FrameFormat.Ops243Csv, Mps, "-1,100,2", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243Csv, Mps, "1,100,1e999", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243Csv, Mps, "1,100,300", RejectReason.InvalidNumber),
        I(FrameFormat.Ops243Csv, Mps, "1," + string.Join(',', Enumerable.Repeat("5", 20)), RejectReason.TooManyTargets),

        I(FrameFormat.IcomsTma296, Kmh, "+57 km/h", RejectReason.Malformed),
        I(FrameFormat.IcomsTma296, Kmh, "+057 kmh", RejectReason.InvalidSpeedUnit),
        I(FrameFormat.IcomsTma296, Kmh, "+057 km/hx", RejectReason.InvalidSpeedUnit),
        I(FrameFormat.IcomsTma296, Kmh, "+057km/h", RejectReason.Malformed),
        I(FrameFormat.IcomsTma296, Kmh, "+057   km/h", RejectReason.Malformed),
        I(FrameFormat.IcomsTma296, Kmh, "057XI", RejectReason.InvalidSpeedUnit),
        I(FrameFormat.IcomsTma296, Kmh, "057KX", RejectReason.InvalidDirection),
        I(FrameFormat.IcomsTma296, Kmh, "057K", RejectReason.Malformed),
        I(FrameFormat.IcomsTma296, Kmh, "+057 km/h 12 m", RejectReason.Malformed),
        I(FrameFormat.IcomsTma296, Kmh, "+057 km/h 012", RejectReason.Malformed),
        I(FrameFormat.IcomsTma296, Kmh, "+057 km/h 012 ft", RejectReason.Malformed),
        I(FrameFormat.IcomsTma296, Kmh, "+05a", RejectReason.Malformed),
        I(FrameFormat.IcomsTma296, Kmh, "*S57", RejectReason.Malformed),
        I(FrameFormat.IcomsTma296, Kmh, "hello", RejectReason.Malformed),

        I(FrameFormat.HoustonDr500, Mph, "57", RejectReason.Malformed),
        I(FrameFormat.HoustonDr500, Mph, "0570", RejectReason.Malformed),
        I(FrameFormat.HoustonDr500, Mph, "?057", RejectReason.Malformed),
        I(FrameFormat.HoustonDr500, Mph, "-057", RejectReason.Malformed),
        I(FrameFormat.HoustonDr500, Mph, "05.7", RejectReason.Malformed),
        I(FrameFormat.HoustonDr500, Mph, "abc", RejectReason.Malformed),
        I(FrameFormat.HoustonDr500, Mph, "OK", RejectReason.Malformed),

        I(FrameFormat.HlkLd2415h, Kmh, "V+02.6", RejectReason.Malformed),
        I(FrameFormat.HlkLd2415h, Kmh, "V*002.6", RejectReason.Malformed),
        I(FrameFormat.HlkLd2415h, Kmh, "v+002.6", RejectReason.Malformed),
        I(FrameFormat.HlkLd2415h, Kmh, "V+002,6", RejectReason.Malformed),
        I(FrameFormat.HlkLd2415h, Kmh, "V+002.6x", RejectReason.Malformed),
        I(FrameFormat.HlkLd2415h, Kmh, "+002.6", RejectReason.Malformed),
        I(FrameFormat.HlkLd2415h, Kmh, "V+0a2.6", RejectReason.Malformed),

        I(FrameFormat.Canonical, Kmh, """{"kmh":57.3,"dir":"in"}""", RejectReason.MissingTimestamp),
        I(FrameFormat.Canonical, Kmh, """{"x":1}""", RejectReason.MissingTimestamp),
        I(FrameFormat.Canonical, Kmh, """{"ts":null,"kmh":57.3}""", RejectReason.MissingTimestamp),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","dir":"in"}""", RejectReason.MissingSpeed),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":-1}""", RejectReason.InvalidField),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":"57"}""", RejectReason.InvalidField),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":1e999}""", RejectReason.InvalidNumber),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":1000.5}""", RejectReason.InvalidNumber),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"dir":"up"}""", RejectReason.InvalidDirection),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"dir":1}""", RejectReason.InvalidDirection),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"dir":"IN"}""", RejectReason.InvalidDirection),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"class":"truck"}""", RejectReason.InvalidField),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"class":1}""", RejectReason.InvalidField),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"len":-1}""", RejectReason.InvalidField),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"len":"4"}""", RejectReason.InvalidField),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"len":500}""", RejectReason.InvalidField),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"seq":-1}""", RejectReason.InvalidField),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"seq":1.5}""", RejectReason.InvalidField),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-02-29T00:00:00Z","kmh":50}""", RejectReason.InvalidTimestamp),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12","kmh":50}""", RejectReason.InvalidTimestamp),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T24:00:00Z","kmh":50}""", RejectReason.InvalidTimestamp),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:60Z","kmh":50}""", RejectReason.InvalidTimestamp),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25 18:03:12Z","kmh":50}""", RejectReason.InvalidTimestamp),
        I(FrameFormat.Canonical, Kmh, """{"ts":-5,"kmh":50}""", RejectReason.InvalidTimestamp),
        I(FrameFormat.Canonical, Kmh, """{"ts":1.5,"kmh":50}""", RejectReason.InvalidTimestamp),
        I(FrameFormat.Canonical, Kmh, """{"ts":1e12,"kmh":50}""", RejectReason.InvalidTimestamp),
        I(FrameFormat.Canonical, Kmh, """{"ts":true,"kmh":50}""", RejectReason.InvalidTimestamp),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50}{}""", RejectReason.Malformed),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":50,"dir":"in\}""", RejectReason.Malformed),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z" "kmh":50}""", RejectReason.Malformed),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":nul}""", RejectReason.Malformed),
        I(FrameFormat.Canonical, Kmh, """{"ts":"2026-11-25T18:03:12.345Z","kmh":+5}""", RejectReason.Malformed),
        I(FrameFormat.Canonical, Kmh, """{ts:"2026-11-25T18:03:12.345Z","kmh":5}""", RejectReason.Malformed),
        I(FrameFormat.Canonical, Kmh, "57.3", RejectReason.Malformed),

        I(FrameFormat.IcomsTma3b3, Kmh, "001; 2019/01/24 16:21:05,450; abc; ; ; ", RejectReason.Malformed),
        I(FrameFormat.IcomsTma3b3, Kmh, "001; 2019/01/24 16:21:05,450; ; ; ; ", RejectReason.MissingSpeed),
        I(FrameFormat.IcomsTma3b3, Kmh, "001; 2019/01/24 16:21:05,450", RejectReason.MissingSpeed),
        I(FrameFormat.IcomsTma3b3, Kmh, "001; ; 52,4; ; ; ", RejectReason.MissingTimestamp),
        I(FrameFormat.IcomsTma3b3, Kmh, "001; 2019/01/24 25:21:05,450; 52,4; ; ; ", RejectReason.InvalidTimestamp),
        I(FrameFormat.IcomsTma3b3, Kmh, "001; 24.01.2019 16:21:05; 52,4", RejectReason.InvalidTimestamp),
        I(FrameFormat.IcomsTma3b3, Kmh, "001; 2019/02/29 16:21:05,450; 52,4; ; ; ", RejectReason.InvalidTimestamp),
        I(FrameFormat.IcomsTma3b3, Kmh, "001; 2019/01/24 16:21:05,450; 1e999; ; ; ", RejectReason.InvalidNumber),
        I(FrameFormat.IcomsTma3b3, Kmh, "001; 2019/01/24 16:21:05,450; 1200; ; ; ", RejectReason.InvalidNumber),
        I(FrameFormat.IcomsTma3b3, Kmh, "001; 2019/01/24 16:21:05,450; 52,4; -1; ; ", RejectReason.InvalidField),
        I(FrameFormat.IcomsTma3b3, Kmh, "001; 2019/01/24 16:21:05,450; 52,4; x; ; ", RejectReason.Malformed),
        I(FrameFormat.IcomsTma3b3, Kmh, "1; 2019/01/24 16:21:05,450; 52,4; ; ; ", RejectReason.Malformed),
        I(FrameFormat.IcomsTma3b3, Kmh, "000; 2019/01/24 16:21:05,450; 52,4; ; ; ", RejectReason.InvalidField),
        I(FrameFormat.IcomsTma3b3, Kmh, "300; 2019/01/24 16:21:05,450; 52,4; ; ; ", RejectReason.InvalidField),
        I(FrameFormat.IcomsTma3b3, Kmh, " ; ; ", RejectReason.Malformed),
        I(FrameFormat.IcomsTma3b3, Kmh, "+057 km/h", RejectReason.Malformed),

        I(FrameFormat.Csv, Kmh, "2026-11-25 19:03:12;abc;;;;", RejectReason.Malformed),
        I(FrameFormat.Csv, Kmh, ";57;;;;", RejectReason.MissingTimestamp),
        I(FrameFormat.Csv, Kmh, "2026-11-25 19:03:12;;in;;;", RejectReason.MissingSpeed),
        I(FrameFormat.Csv, Kmh, "2026-11-25 19:03:12", RejectReason.MissingSpeed),
        I(FrameFormat.Csv, Kmh, "2026-13-25 19:03:12;57;;;;", RejectReason.InvalidTimestamp),
        I(FrameFormat.Csv, Kmh, "25.11.2026 19:03;57;;;;", RejectReason.InvalidTimestamp),
        I(FrameFormat.Csv, Kmh, "2026-03-29 02:30:00;57;;;;", RejectReason.InvalidTimestamp),
        I(FrameFormat.Csv, Kmh, "2026-11-25 19:03:12;1e999;;;;", RejectReason.InvalidNumber),
        I(FrameFormat.Csv, Kmh, "2026-11-25 19:03:12;57;up;;;", RejectReason.InvalidDirection),
        I(FrameFormat.Csv, Kmh, "2026-11-25 19:03:12;57;;-1;;", RejectReason.InvalidField),
        I(FrameFormat.Csv, Kmh, "2026-11-25 19:03:12;57;;;x;", RejectReason.InvalidField),
        I(FrameFormat.Csv, Kmh, "2026-11-25 19:03:12;57;;;;truck", RejectReason.InvalidField),
        I(FrameFormat.Csv, Kmh, "\"2026-11-25 19:03:12;57;;;;", RejectReason.Malformed),
        I(FrameFormat.Csv, Kmh, "\"2026-11-25 19:03:12\"x;57;;;;", RejectReason.Malformed),
    ];

    public static IEnumerable<FrameCase> All => Valid.Concat(Invalid);

    /// <summary>The header the <see cref="FrameFormat.Csv"/> cases are read under, and its map.</summary>
    public const string CsvHeader = "time;speed;direction;length;id;type";

    public const string CsvMap = "ts=Time,speed=Speed,dir=Direction,len=Length,seq=Id,class=Type";

    public static TimeZoneInfo Stockholm { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    /// <summary>
    /// A new parser for the format. A <see cref="FrameFormat.Csv"/> parser is built from <see cref="CsvMap"/> and has read
    /// <see cref="CsvHeader"/> already, so that every test sees data lines only.
    /// </summary>
    public static FrameParser CreateParser(FrameFormat format, SpeedUnit unit)
    {
        if (format != FrameFormat.Csv)
        {
            return FrameParsers.Create(format, unit);
        }

        CsvParser parser = FrameParsers.Create(CsvColumnMap.Parse(CsvMap), new CsvOptions(Stockholm) { SpeedUnit = unit });
        var reader = new System.Buffers.SequenceReader<byte>(new System.Buffers.ReadOnlySequence<byte>(Ascii(CsvHeader + "\r\n")));
        if (!parser.TryReadFrame(ref reader, new Reading[FrameParser.MaxReadingsPerFrame], out FrameResult result) || result != default || !parser.IsHeaderRead || parser.HeaderError is not null)
        {
            throw new InvalidOperationException($"The test header was not accepted: {result}, {parser.HeaderError}");
        }

        return parser;
    }

    public static TheoryData<int> ValidIndexes() => Indexes(Valid.Count);

    public static TheoryData<int> InvalidIndexes() => Indexes(Invalid.Count);

    /// <summary>A representative non-empty valid line per format, for the stream and allocation tests.</summary>
    public static FrameCase Representative(FrameFormat format) =>
        Valid.First(c => c.Format == format && c.Readings.Length > 0);

    private static long Utc(int year, int month, int day, int hour, int minute, int second, int millisecond)
        => new DateTimeOffset(year, month, day, hour, minute, second, millisecond, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static TheoryData<int> Indexes(int count)
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    private static FrameCase V(FrameFormat format, SpeedUnit unit, string line, params Reading[] readings)
        => new(format, unit, line, RejectReason.None, readings);

    /// <summary>A range report: no readings, no reject.</summary>
    private static FrameCase R(FrameFormat format, SpeedUnit unit, string line)
        => new(format, unit, line, RejectReason.None, [], FrameKind.RangeReport);

    /// <summary>A device message (settings answer, product information): no readings, no reject.</summary>
    private static FrameCase D(FrameFormat format, SpeedUnit unit, string line)
        => new(format, unit, line, RejectReason.None, [], FrameKind.DeviceMessage);

    private static FrameCase I(FrameFormat format, SpeedUnit unit, string line, RejectReason reject)
        => new(format, unit, line, reject, []);
}
