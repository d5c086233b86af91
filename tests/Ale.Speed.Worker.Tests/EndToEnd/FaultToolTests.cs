using Ale.Speed.FaultTool;
using Ale.Speed.Worker.Tests.Support;

namespace Ale.Speed.Worker.Tests.EndToEnd;

/// <summary>The fault-injection tool at reduced size: two workers, ten units, every kind of fault, exact totals.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class FaultToolTests
{
    [Fact]
    public async Task ReducedRun_WorkerKilledBrokerAndInfluxDbRestartedSerialUnplugged_StoredEqualsSentExactly()
    {
        var options = new FaultRunOptions
        {
            Workers = 2,
            Units = 10,
            Vehicles = 3_000,
            Rate = 120,
            MaxFaults = 4,
            FaultInterval = TimeSpan.FromSeconds(1.5),
            MaxDuration = TimeSpan.FromMinutes(3),
            SerialVehicles = 200,
            MemorySampleInterval = TimeSpan.Zero,
        };
        var log = new StringWriter();

        FaultRunResult result;
        await using (var run = new FaultRun(options, log))
        {
            result = await run.RunAsync(CancellationToken.None);
        }

        FaultReport.Print(result, options, log);
        Assert.True(result.Exact, log.ToString());
        Assert.Equal(3_000 + 200, result.Sent);
        foreach (string fault in new[] { "SIGKILL worker", "InfluxDB stopped", "Mosquitto stopped", "serial device unplugged" })
        {
            Assert.True(result.Faults.Any(f => f.What.StartsWith(fault, StringComparison.Ordinal)), $"no '{fault}' fault:{Environment.NewLine}{log}");
        }

        Assert.Equal(0, result.SessionTakeovers);
    }
}
