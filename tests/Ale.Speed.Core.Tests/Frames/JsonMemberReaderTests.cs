using Ale.Speed.Core.Frames;
using static Ale.Speed.Core.Tests.Frames.FrameTestKit;

namespace Ale.Speed.Core.Tests.Frames;

/// <summary>The one-object-per-line walk over Utf8JsonReader: what it yields, and that it is as strict as RFC 8259.</summary>
public sealed class JsonMemberReaderTests
{
    [Fact]
    public void TryNextPlainMember_ObjectWithEveryKindOfValue_YieldsMembersInOrderAndSkipsEscapedKeys()
    {
        byte[] json = Ascii("""  { "s" : "a\"b\\c\u00e9" ,"n":-1.5e3,"t":true,"f":false,"z":null,"k\u0065y":1,"o":{"x":[1,{"y":"}"}]},"a":[ ] }  """);
        var reader = new JsonMemberReader(json);
        var members = new List<(string Key, JsonKind Kind, string Raw, bool Escapes)>();
        while (reader.TryNextPlainMember(out ReadOnlySpan<byte> key, out JsonValue value))
        {
            members.Add((System.Text.Encoding.ASCII.GetString(key), value.Kind, System.Text.Encoding.ASCII.GetString(value.Raw), value.HasEscapes));
        }

        Assert.False(reader.IsMalformed);
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
        Assert.False(reader.TryNextPlainMember(out _, out _));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData(" {\t}\r")]
    [InlineData("""{"a":[[[[1]]]]}""")]
    [InlineData("""{"a":"\/\b\f\n\r\t"}""")]
    [InlineData("""{"a":0,"b":-0,"c":0.5e-10,"d":1E+2}""")]
    public void TryNextPlainMember_WellFormedObject_EndsCleanly(string json)
        => Assert.False(ReadToEndIsMalformed(json));

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
    public void TryNextPlainMember_MalformedText_IsMalformed(string json)
        => Assert.True(ReadToEndIsMalformed(json));

    [Fact]
    public void TryNextPlainMember_NestingBeyondMaxDepth_IsMalformed()
    {
        string within = "{\"a\":" + new string('[', JsonMemberReader.MaxDepth - 1) + new string(']', JsonMemberReader.MaxDepth - 1) + "}";
        string beyond = "{\"a\":" + new string('[', JsonMemberReader.MaxDepth) + new string(']', JsonMemberReader.MaxDepth) + "}";

        Assert.False(ReadToEndIsMalformed(within));
        Assert.True(ReadToEndIsMalformed(beyond));
    }

    [Fact]
    public void TryNextPlainMember_BytesAboveAsciiInAString_ArePassedThroughUnchecked()
    {
        // Utf8JsonReader validates UTF-8 only when a string is decoded, which the parsers never do.
        Assert.False(ReadToEndIsMalformed("{\"a\":\"\u00ff\"}"));
        var reader = new JsonMemberReader(System.Text.Encoding.UTF8.GetBytes("{\"site\":\"Nödinge\"}"));
        Assert.True(reader.TryNextPlainMember(out _, out JsonValue value));
        Assert.Equal("Nödinge", System.Text.Encoding.UTF8.GetString(value.Raw));
    }

    [Fact]
    public void ElementReader_Elements_YieldsEachValue()
    {
        var elements = new JsonElementReader("""[ 1 , "2" ,[3], {"4":4} ]"""u8);
        var kinds = new List<JsonKind>();
        while (elements.TryNext(out JsonValue value))
        {
            kinds.Add(value.Kind);
        }

        Assert.False(elements.IsMalformed);
        Assert.Equal([JsonKind.Number, JsonKind.String, JsonKind.Array, JsonKind.Object], kinds);
    }

    private static bool ReadToEndIsMalformed(string json)
    {
        var reader = new JsonMemberReader(Ascii(json));
        while (reader.TryNextPlainMember(out _, out _))
        {
        }

        return reader.IsMalformed;
    }
}
