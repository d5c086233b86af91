using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Devices.Simulation;
using Ale.Speed.Devices.Tests.Support;
using MQTTnet;
using static Ale.Speed.Devices.Tests.Support.TestUnits;

namespace Ale.Speed.Devices.Tests.Mqtt;

/// <summary>The shipped ACL example (firmware-config/mosquitto/acl.example) in a real Mosquitto.</summary>
public sealed class MosquittoAclTests
{
    [Fact]
    public async Task AclExample_UnitPublishesToAnotherUnitsTopic_BrokerRefusesIt()
    {
        string acl = await File.ReadAllTextAsync(RepositoryFile("firmware-config/mosquitto/acl.example"));
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync(
            new Dictionary<string, string> { ["u1"] = "pw-u1", ["u2"] = "pw-u2", ["ale-speed-worker"] = "pw-worker" }, acl);
        var sink = new RecordingSink();
        await using var worker = await RunningSource.StartAsync(broker, new UnitRouter([Unit("u1"), Unit("u2")], TimeProvider.System), sink, "worker-acl", user: "ale-speed-worker", password: "pw-worker");
        using IMqttClient u1 = await SimulationPublisher.ConnectAsync(broker.Uri, "unit-u1", "u1", "pw-u1");

        MqttClientPublishResult own = await SimulationPublisher.TryPublishOneAsync(u1, "ale/speed/u1/vehicle", CanonicalLines(1, 1));
        MqttClientPublishResult other = await SimulationPublisher.TryPublishOneAsync(u1, "ale/speed/u2/vehicle", CanonicalLines(2, 1));

        Assert.True(own.IsSuccess, own.ReasonCode.ToString());
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, other.ReasonCode);
        // A second vehicle of u1's own after the refused one (on a new connection: the broker may close the offending
        // one): had the broker passed the refused one on, it would come first.
        using IMqttClient again = await SimulationPublisher.ConnectAsync(broker.Uri, "unit-u1-again", "u1", "pw-u1");
        MqttClientPublishResult marker = await SimulationPublisher.TryPublishOneAsync(again, "ale/speed/u1/vehicle", CanonicalLines(3, 1));
        Assert.True(marker.IsSuccess, marker.ReasonCode.ToString());
        await WaitUntilAsync(() => sink.Count >= 2, TimeSpan.FromSeconds(10), () => "u1's own two vehicles");
        Assert.Equal([1L, 3], sink.Vehicles.Select(v => v.Sequence));
        Assert.Equal("u1", sink.Vehicles[0].Unit.Id);
    }

    internal static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
