using Microsoft.Extensions.Logging;

namespace Ale.Speed.Devices;

/// <summary>Source-generated log messages of the device sources; event ids are stable (4000–4999; 4006 and 4007 were messages never logged, retired).</summary>
internal static partial class Log
{
    [LoggerMessage(4000, LogLevel.Information, "MQTT source {ClientId} connected to {Broker} (session present: {SessionPresent}), subscribed to {Filters}")]
    public static partial void MqttConnected(ILogger logger, string clientId, string broker, bool sessionPresent, string filters);

    [LoggerMessage(4001, LogLevel.Warning, "MQTT source {ClientId} could not connect to {Broker}; next attempt in {DelayMs} ms")]
    public static partial void MqttConnectFailed(ILogger logger, Exception exception, string clientId, string broker, long delayMs);

    [LoggerMessage(4002, LogLevel.Warning, "MQTT source {ClientId} disconnected ({Reason}); the connection loop will reconnect")]
    public static partial void MqttDisconnected(ILogger logger, Exception? exception, string clientId, string reason);

    [LoggerMessage(4003, LogLevel.Error, "MQTT message on {Topic} from unit {UnitId}, which this worker is not configured for (a subscription its session kept): counted, its topics unsubscribed; quarantine: {Quarantine}")]
    public static partial void MqttUnknownUnit(ILogger logger, string topic, string unitId, string quarantine);

    [LoggerMessage(4004, LogLevel.Warning, "MQTT message on unexpected topic {Topic}: acknowledged and dropped")]
    public static partial void MqttUnexpectedTopic(ILogger logger, string topic);

    [LoggerMessage(4005, LogLevel.Warning, "MQTT acknowledgement failed (the broker will redeliver the message)")]
    public static partial void MqttAcknowledgeFailed(ILogger logger, Exception exception);

    [LoggerMessage(4008, LogLevel.Error, "MQTT session of client id {ClientId} on {Broker} was taken over by another client using the same client id ({How}; {Takeovers} times so far); taking it back in {DelayMs} ms. Give each worker its own Mqtt:ClientId (or its own data directory).")]
    public static partial void MqttSessionTakenOver(ILogger logger, string clientId, string broker, string how, long takeovers, long delayMs);

    [LoggerMessage(4009, LogLevel.Information, "MQTT source {ClientId}: acknowledgements skipped because their connection ended ({Total} so far); the broker redelivers those messages and their copies are recognised")]
    public static partial void MqttAcknowledgementsSkipped(ILogger logger, string clientId, long total);

    [LoggerMessage(4010, LogLevel.Information, "Serial unit {UnitId}: opened {Port} at {BaudRate} baud")]
    public static partial void SerialOpened(ILogger logger, string unitId, string port, int baudRate);

    [LoggerMessage(4011, LogLevel.Warning, "Serial unit {UnitId}: cannot open {Port}; next attempt in {DelayMs} ms")]
    public static partial void SerialOpenFailed(ILogger logger, Exception exception, string unitId, string port, long delayMs);

    [LoggerMessage(4012, LogLevel.Warning, "Serial unit {UnitId}: {Port} failed or disappeared; closing and reopening")]
    public static partial void SerialLost(ILogger logger, Exception? exception, string unitId, string port);
}
