using System.Diagnostics.Metrics;
using Ale.Speed.Worker.Pipeline;
using Ale.Speed.Worker.Status;
using Ale.Speed.Worker.Tests.Support;
using Microsoft.Extensions.Hosting;

namespace Ale.Speed.Worker.Tests.EndToEnd;

/// <summary>Nothing is dropped silently: every reject is counted by unit and reason, in the metrics and in the status file.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class WorkerMetricsTests
{
    [Fact]
    public async Task BadLinesInAUnitsInput_AreCountedByReason_InMetricsAndStatus_AndTheRestIsStored()
    {
        await using WorkerRun run = await WorkerRun.CreateAsync("e2e_metrics");
        SimulatedUnit unit = run.AddUnit("u-1", "nodinge", 40, DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds()).AddDays(-2), TimeSpan.FromHours(3), seed: 9);
        File.AppendAllText(unit.Path, string.Join('\n',
            "not json at all",
            "{\"kmh\":50,\"dir\":\"in\"}",
            "{\"ts\":\"2026-11-20T10:00:00Z\",\"kmh\":50,\"dir\":\"sideways\"}",
            "{\"ts\":\"1970-01-01T00:00:05Z\",\"kmh\":50,\"dir\":\"in\"}",
            "{\"ts\":\"2026-11-20T10:00:00Z\",\"kmh\":999.5,\"dir\":\"in\"}") + "\n");
        run.Configure();

        var rejects = new Dictionary<string, long>();
        long accepted = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WorkerMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            Dictionary<string, object?> t = tags.ToArray().ToDictionary(p => p.Key, p => p.Value);
            if (instrument.Name == "ale.speed.rejects" && (string?)t["unit"] == "u-1")
            {
                rejects[(string)t["reason"]!] = value;
            }
            else if (instrument.Name == "ale.speed.vehicles.accepted" && (string?)t["unit"] == "u-1")
            {
                accepted = value;
            }
        });
        listener.Start();

        using (IHost host = run.BuildHost(exitWhenDone: true))
        {
            // Not RunAsync: it disposes the host, and with it the meters, before they could be read.
            await host.StartAsync();
            await host.WaitForShutdownAsync().WaitAsync(TimeSpan.FromSeconds(60));
            listener.RecordObservableInstruments();
        }

        var expected = new Dictionary<string, long>
        {
            ["Malformed"] = 1,
            ["MissingTimestamp"] = 1,
            ["InvalidDirection"] = 1,
            ["TimestampClockReset"] = 1,
            ["SpeedOutOfRange"] = 1,
        };
        Assert.Equal(expected.OrderBy(p => p.Key), rejects.OrderBy(p => p.Key));
        Assert.Equal(unit.Vehicles.Count, accepted);

        UnitStatus status = Assert.Single(WorkerStatus.Read(Path.Combine(run.DataDirectory, WorkerStatus.FileName))!.Units);
        Assert.Equal(expected.OrderBy(p => p.Key), status.Rejects.OrderBy(p => p.Key));
        Assert.Equal(unit.Vehicles.Count + 5, status.Frames);
        Assert.Equal(unit.Vehicles.Count, await run.StoredVehiclesAsync());
    }
}
