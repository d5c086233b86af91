using Ale.Speed.Devices.Mqtt;

namespace Ale.Speed.Devices.Tests.Mqtt;

public sealed class MqttSourceOptionsTests
{
    private static MqttSourceOptions Valid => new() { BrokerUri = new Uri("mqtt://broker.example:1883"), ClientId = MqttSourceOptions.ClientIdFor("edge-1"), UnitIds = ["u1", "u2"] };

    [Fact]
    public void Defaults_PersistentSessionForDays_TopicsUnderAleSpeed()
    {
        MqttSourceOptions options = Valid;

        Assert.Empty(options.Validate());
        Assert.Equal("ale-speed-edge-1", options.ClientId);
        Assert.Equal(TimeSpan.FromDays(7), options.SessionExpiry);
        Assert.Equal(["ale/speed/u1/vehicle", "ale/speed/u1/raw", "ale/speed/u2/vehicle", "ale/speed/u2/raw"], options.TopicFilters);
    }

    [Fact]
    public void TopicFilters_SharedGroup_UseShareSyntax()
        => Assert.Equal(["$share/workers/ale/speed/u1/vehicle", "$share/workers/ale/speed/u1/raw", "$share/workers/ale/speed/u2/vehicle", "$share/workers/ale/speed/u2/raw"],
            (Valid with { SharedSubscriptionGroup = "workers" }).TopicFilters);

    [Fact]
    public void LegacyWildcardFilters_SharedGroup_BothFormsOfTheOldWildcard()
        => Assert.Equal(["ale/speed/+/vehicle", "ale/speed/+/raw", "$share/workers/ale/speed/+/vehicle", "$share/workers/ale/speed/+/raw"],
            (Valid with { SharedSubscriptionGroup = "workers" }).LegacyWildcardFilters);

    [Theory]
    [InlineData("")]
    [InlineData("u1,a/b")]
    [InlineData("u+")]
    public void Validate_NoUnitsOrAnIdThatCannotBeATopicLevel_NamesMqtt(string unitIds)
        => Assert.Contains((Valid with { UnitIds = unitIds.Split(',', StringSplitOptions.RemoveEmptyEntries) }).Validate(), e => e.StartsWith("Mqtt:", StringComparison.Ordinal));

    [Fact]
    public void ToString_WithPassword_NeverShowsIt()
    {
        string text = (Valid with { UserName = "worker", Password = "s3cret-pw" }).ToString();

        Assert.DoesNotContain("s3cret-pw", text, StringComparison.Ordinal);
        Assert.Contains("Password = ***", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://broker:1883", "Mqtt:BrokerUri")]
    [InlineData("mqtt://broker:1883", "Mqtt:SessionExpiry", 0)]
    [InlineData("mqtt://broker:1883", "Mqtt:CaFile", 7, "/etc/ca.pem")]
    public void Validate_BadValue_NamesTheKey(string uri, string key, int sessionDays = 7, string? caFile = null)
    {
        MqttSourceOptions options = Valid with { BrokerUri = new Uri(uri), SessionExpiry = TimeSpan.FromDays(sessionDays), CaFile = caFile };

        Assert.Contains(options.Validate(), e => e.StartsWith(key, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ale/speed/u1/vehicle", "u1", false)]
    [InlineData("ale/speed/nodinge-2/raw", "nodinge-2", true)]
    public void TryParseTopic_UnitTopics_GiveUnitAndKind(string topic, string unit, bool raw)
    {
        Assert.True(MqttVehicleSource.TryParseTopic(topic, "ale/speed", out ReadOnlySpan<char> id, out bool isRaw));
        Assert.Equal(unit, id.ToString());
        Assert.Equal(raw, isRaw);
    }

    [Theory]
    [InlineData("ale/speed/u1/other")]
    [InlineData("ale/speedy/u1/raw")]
    [InlineData("ale/speed//raw")]
    [InlineData("ale/speed/u1")]
    public void TryParseTopic_OtherTopics_False(string topic)
        => Assert.False(MqttVehicleSource.TryParseTopic(topic, "ale/speed", out _, out _));
}
