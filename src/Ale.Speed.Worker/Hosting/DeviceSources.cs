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
    public static MqttSourceOptions MqttOptions(WorkerSettings settings)
    {
        MqttSettings mqtt = settings.Options.Mqtt;
        return new MqttSourceOptions
        {
            BrokerUri = new Uri(mqtt.Url!),
            ClientId = string.IsNullOrWhiteSpace(mqtt.ClientId) ? MqttSourceOptions.ClientIdFor(settings.WriterId) : mqtt.ClientId,
            UserName = mqtt.User,
            Password = settings.MqttPassword,
            CaFile = mqtt.CaFile,
            ClientCertificateFile = mqtt.ClientCertificateFile,
            ClientKeyFile = mqtt.ClientKeyFile,
            SessionExpiry = mqtt.SessionExpiry,
            SharedSubscriptionGroup = mqtt.SharedGroup,
            TopicPrefix = mqtt.TopicPrefix,
            UnitIds = [.. settings.Units.Where(u => u.Transport == Transport.Mqtt).Select(u => u.Unit.Id)],
            QuarantinePath = mqtt.QuarantineUnknownUnits ? Path.Combine(settings.DataDirectory, "mqtt-quarantine.ndjson") : null,
        };
    }

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
