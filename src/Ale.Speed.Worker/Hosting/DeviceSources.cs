using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Devices.Mqtt;
using Ale.Speed.Devices.Serial;
using Ale.Speed.Worker.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Worker.Hosting;

/// <summary>The MQTT source: one persistent session for every unit with Transport <c>mqtt</c>.</summary>
internal sealed class MqttSourceService(MqttVehicleSource source) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => source.RunAsync(stoppingToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await source.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>One long-lived reader per serial unit; each reopens its port by itself when the device goes away.</summary>
internal sealed class SerialSourcesService(IReadOnlyList<SerialVehicleSource> sources) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(sources.Select(s => s.RunAsync(stoppingToken)));
}

internal static class DeviceSources
{
    public static List<SerialVehicleSource> Serial(WorkerSettings settings, UnitRouter router, IDurableVehicleSink sink, TimeProvider timeProvider, ILoggerFactory loggers)
    {
        var sources = new List<SerialVehicleSource>();
        foreach (UnitRegistration unit in settings.Units.Where(u => u.Transport == Transport.Serial))
        {
            router.TryGetRoute(unit.Unit.Id, out UnitRoute route);
            sources.Add(new SerialVehicleSource(unit.Serial!, route, sink, timeProvider, loggers.CreateLogger<SerialVehicleSource>()));
        }

        return sources;
    }
}
