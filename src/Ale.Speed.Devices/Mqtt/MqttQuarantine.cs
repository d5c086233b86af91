using System.Buffers;
using System.Text.Json;
using MQTTnet;

namespace Ale.Speed.Devices.Mqtt;

/// <summary>
/// The opt-in quarantine of messages from units a worker is not configured for: one JSON line per message
/// (<c>receivedAt</c>, <c>topic</c>, <c>payload</c> in base64), flushed to disk before the message is acknowledged, so
/// an operator can add the unit and publish the messages again.
/// </summary>
internal static class MqttQuarantine
{
    public static async Task AppendAsync(string path, MqttApplicationMessage message, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var line = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(line))
        {
            json.WriteStartObject();
            json.WriteString("receivedAt", receivedAt);
            json.WriteString("topic", message.Topic);
            json.WriteBase64String("payload", message.Payload.ToArray());
            json.WriteEndObject();
        }

        line.Write("\n"u8);
        await using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1, FileOptions.Asynchronous);
        await file.WriteAsync(line.WrittenMemory, cancellationToken).ConfigureAwait(false);
        file.Flush(flushToDisk: true);
    }
}
