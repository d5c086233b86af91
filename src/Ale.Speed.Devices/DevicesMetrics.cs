using System.Diagnostics.Metrics;

namespace Ale.Speed.Devices;

/// <summary>
/// The instruments of the device sources (Meter <see cref="MeterName"/>). Each measurement carries a <c>source</c> tag:
/// the MQTT client id or the serial unit id, so several sources in one process stay apart.
/// </summary>
public static class DevicesMetrics
{
    public const string MeterName = "Ale.Speed.Devices";

    public const string MqttMessagesReceived = "ale.speed.devices.mqtt.messages.received";
    public const string MqttMessagesAcknowledged = "ale.speed.devices.mqtt.messages.acknowledged";
    public const string MqttMessagesUnknownUnit = "ale.speed.devices.mqtt.messages.unknown_unit";
    public const string MqttMessagesQuarantined = "ale.speed.devices.mqtt.messages.quarantined";
    public const string MqttSessionTakeovers = "ale.speed.devices.mqtt.session_takeovers";
    public const string MqttAcknowledgementsSkipped = "ale.speed.devices.mqtt.acknowledgements.skipped";
    public const string MqttReconnects = "ale.speed.devices.mqtt.reconnects";
    public const string MqttConnected = "ale.speed.devices.mqtt.connected";
    public const string SerialBytesRead = "ale.speed.devices.serial.bytes_read";
    public const string SerialReopenAttempts = "ale.speed.devices.serial.reopen_attempts";
    public const string SerialOpen = "ale.speed.devices.serial.open";

    private static readonly Meter s_meter = new(MeterName);

    internal static readonly Counter<long> MessagesReceived = s_meter.CreateCounter<long>(MqttMessagesReceived, "{message}", "MQTT messages received on the vehicle and raw topics.");
    internal static readonly Counter<long> MessagesAcknowledged = s_meter.CreateCounter<long>(MqttMessagesAcknowledged, "{message}", "MQTT messages acknowledged (PUBACK) after their vehicles were durable.");
    internal static readonly Counter<long> MessagesUnknownUnit = s_meter.CreateCounter<long>(MqttMessagesUnknownUnit, "{message}", "MQTT messages from a unit this worker is not configured for (quarantined, or left unacknowledged with the broker).");
    internal static readonly Counter<long> MessagesQuarantined = s_meter.CreateCounter<long>(MqttMessagesQuarantined, "{message}", "MQTT messages of unconfigured units kept in the quarantine file and acknowledged.");
    internal static readonly Counter<long> SessionTakeovers = s_meter.CreateCounter<long>(MqttSessionTakeovers, "{takeover}", "Times another client with the same client id took the MQTT session over.");
    internal static readonly Counter<long> AcknowledgementsSkipped = s_meter.CreateCounter<long>(MqttAcknowledgementsSkipped, "{message}", "Durable MQTT messages not acknowledged because their connection had ended (redelivered and recognised).");
    internal static readonly Counter<long> Reconnects = s_meter.CreateCounter<long>(MqttReconnects, "{connection}", "MQTT connections made after the first one.");
    internal static readonly UpDownCounter<int> Connected = s_meter.CreateUpDownCounter<int>(MqttConnected, "{connection}", "1 while the MQTT source is connected and subscribed.");
    internal static readonly Counter<long> BytesRead = s_meter.CreateCounter<long>(SerialBytesRead, "By", "Bytes read from serial ports.");
    internal static readonly Counter<long> ReopenAttempts = s_meter.CreateCounter<long>(SerialReopenAttempts, "{attempt}", "Attempts to reopen a serial port after it failed or disappeared.");
    internal static readonly UpDownCounter<int> Open = s_meter.CreateUpDownCounter<int>(SerialOpen, "{port}", "1 while a serial port is open.");

    internal static KeyValuePair<string, object?> Source(string name) => new("source", name);
}
