using Ale.Speed.Core.Frames;
using static Ale.Speed.Core.Tests.Frames.FrameTestKit;

namespace Ale.Speed.Core.Tests.Frames;

public sealed class JsonScannerTests
{
    [Fact]
    public void Next_ObjectWithEveryKindOfValue_YieldsMembersInOrder()
    {
        byte[] json = Ascii("""  { "s" : "a\"b\\c\u00e9" ,"n":-1.5e3,"t":true,"f":false,"z":null,"o":{"x":[1,{"y":"}"}]},"a":[ ] }  """);
        var scanner = new JsonObjectScanner(json);
        var members = new List<(string Key, JsonKind Kind, string Raw, bool Escapes)>();
        JsonStep step;
        while ((step = scanner.Next(out ReadOnlySpan<byte> key, out _, out JsonValue value)) == JsonStep.Item)
        {
            members.Add((System.Text.Encoding.ASCII.GetString(key), value.Kind, System.Text.Encoding.ASCII.GetString(value.Raw), value.HasEscapes));
        }

        Assert.Equal(JsonStep.End, step);
        Assert.Equal(
        [
            ("s", JsonKind.String, """a\"b\\c\u00e9""", true),
            ("n", JsonKind.Number, "-1.5e3", false),
            ("t", JsonKind.True, "true", false),
            ("f", JsonKind.False, "false", false),
            ("z", JsonKind.Null, "null", false),
            ("o", JsonKind.Object, """{"x":[1,{"y":"}"}]}""", false),
            ("a", JsonKind.Array, "[ ]", false),
        ],
        members);
        Assert.Equal(JsonStep.End, scanner.Next(out _, out _, out _));
    }

    [Fact]
    public void Next_EscapedKey_ReportsTheEscape()
    {
        var scanner = new JsonObjectScanner("""{"k\u0065y":1}"""u8);

        Assert.Equal(JsonStep.Item, scanner.Next(out ReadOnlySpan<byte> key, out bool escaped, out _));
        Assert.True(escaped);
        Assert.True(key.SequenceEqual("""k\u0065y"""u8));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData(" {\t}\r")]
    [InlineData("""{"a":[[[[1]]]]}""")]
    [InlineData("""{"a":"\/\b\f\n\r\t"}""")]
    [InlineData("""{"a":0,"b":-0,"c":0.5e-10,"d":1E+2}""")]
    public void Next_WellFormedObject_EndsCleanly(string json)
    {
        Assert.False(ReadToEndIsMalformed(json), "JsonMemberReader");
        Next_WellFormedObject_EndsCleanlyInTheScanner(json);
    }

    private static void Next_WellFormedObject_EndsCleanlyInTheScanner(string json)
        => Assert.Equal(JsonStep.End, ScanToEnd(json));

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("[]")]
    [InlineData("\"a\"")]
    [InlineData("{")]
    [InlineData("}")]
    [InlineData("{}}")]
    [InlineData("{} x")]
    [InlineData("{}{}")]
    [InlineData("""{"a"}""")]
    [InlineData("""{"a":}""")]
    [InlineData("""{"a" 1}""")]
    [InlineData("""{"a":1 "b":2}""")]
    [InlineData("""{"a":1,}""")]
    [InlineData("""{,"a":1}""")]
    [InlineData("""{a:1}""")]
    [InlineData("""{'a':1}""")]
    [InlineData("""{"a":"b}""")]
    [InlineData("""{"a":"\x"}""")]
    [InlineData("""{"a":"\u12"}""")]
    [InlineData("""{"a":"\u12g4"}""")]
    [InlineData("{\"a\":\"tab\there\"}")]
    [InlineData("""{"a":tru}""")]
    [InlineData("""{"a":True}""")]
    [InlineData("""{"a":nul}""")]
    [InlineData("""{"a":01}""")]
    [InlineData("""{"a":+1}""")]
    [InlineData("""{"a":.5}""")]
    [InlineData("""{"a":1.}""")]
    [InlineData("""{"a":1e}""")]
    [InlineData("""{"a":-}""")]
    [InlineData("""{"a":NaN}""")]
    [InlineData("""{"a":[1,]}""")]
    [InlineData("""{"a":[1 2]}""")]
    [InlineData("""{"a":[}""")]
    [InlineData("""{"a":{"b"}}""")]
    [InlineData("""{"a":{"b":1,}}""")]
    [InlineData("""{"a":{"b":1]}""")]
    public void Next_MalformedText_IsMalformed(string json)
    {
        Assert.Equal(JsonStep.Malformed, ScanToEnd(json));
        Assert.True(ReadToEndIsMalformed(json), "JsonMemberReader");
    }

    [Fact]
    public void Next_NestingBeyondMaxDepth_IsMalformed()
    {
        string within = "{\"a\":" + new string('[', JsonObjectScanner.MaxDepth - 1) + new string(']', JsonObjectScanner.MaxDepth - 1) + "}";
        string beyond = "{\"a\":" + new string('[', JsonObjectScanner.MaxDepth) + new string(']', JsonObjectScanner.MaxDepth) + "}";

        Assert.Equal(JsonStep.End, ScanToEnd(within));
        Assert.Equal(JsonStep.Malformed, ScanToEnd(beyond));
        Assert.False(ReadToEndIsMalformed(within));
        Assert.True(ReadToEndIsMalformed(beyond));
    }

    [Fact]
    public void ArrayScanner_Elements_YieldsEachValue()
    {
        var scanner = new JsonArrayScanner(""" [ 1 , "2" ,[3], {"4":4} ] """u8.Trim((byte)' '));
        var kinds = new List<JsonKind>();
        JsonStep step;
        while ((step = scanner.Next(out JsonValue value)) == JsonStep.Item)
        {
            kinds.Add(value.Kind);
        }

        Assert.Equal(JsonStep.End, step);
        Assert.Equal([JsonKind.Number, JsonKind.String, JsonKind.Array, JsonKind.Object], kinds);
    }

    [Fact]
    public void MemberReader_ObjectWithEveryKindOfValue_YieldsWhatTheScannerYields()
    {
        byte[] json = Ascii("""  { "s" : "a\"b\\c\u00e9" ,"n":-1.5e3,"t":true,"f":false,"z":null,"k\u0065y":1,"o":{"x":[1,{"y":"}"}]},"a":[ ] }  """);
        var scanner = new JsonObjectScanner(json);
        var reader = new JsonMemberReader(json);
        var scanned = new List<(string, JsonKind, string, bool)>();
        var read = new List<(string, JsonKind, string, bool)>();
        while (scanner.TryNextPlainMember(out ReadOnlySpan<byte> key, out JsonValue value))
        {
            scanned.Add((System.Text.Encoding.ASCII.GetString(key), value.Kind, System.Text.Encoding.ASCII.GetString(value.Raw), value.HasEscapes));
        }

        while (reader.TryNextPlainMember(out ReadOnlySpan<byte> key, out JsonValue value))
        {
            read.Add((System.Text.Encoding.ASCII.GetString(key), value.Kind, System.Text.Encoding.ASCII.GetString(value.Raw), value.HasEscapes));
        }

        Assert.Equal(7, scanned.Count);
        Assert.Equal(scanned, read);
        Assert.False(reader.IsMalformed);
    }

    private static bool ReadToEndIsMalformed(string json)
    {
        var reader = new JsonMemberReader(Ascii(json));
        while (reader.TryNextPlainMember(out _, out _))
        {
        }

        return reader.IsMalformed;
    }

    private static JsonStep ScanToEnd(string json)
    {
        var scanner = new JsonObjectScanner(Ascii(json));
        JsonStep step;
        do
        {
            step = scanner.Next(out _, out _, out _);
        }
        while (step == JsonStep.Item);

        return step;
    }
}
