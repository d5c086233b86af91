using System.Buffers;
using Ale.Speed.Core.Frames;
using MQTTnet;
using MQTTnet.Protocol;

namespace Ale.Speed.Devices.Simulation;

/// <summary>How simulated frames are paced on the wire.</summary>
/// <param name="Speed">1 = real time, 10 = ten times faster, 0 = as fast as possible.</param>
/// <param name="MaxIdle">Longest wait between two lines (quiet hours compressed); null keeps every gap.</param>
public readonly record struct SimulationPacing(double Speed = 0, TimeSpan? MaxIdle = null)
{
    public static SimulationPacing AsFastAsPossible => new(0);

    public static SimulationPacing RealTime => new(1);
}

/// <summary>Where simulated units send their traffic: an MQTT broker or a serial device (a pty in demos and tests).</summary>
public static class SimulationPublisher
{
    /// <summary>A unit's frames for a stretch of simulated traffic: deterministic for the seed.</summary>
    public static IEnumerable<FrameChunk> Frames(SiteProfile site, FrameFormat format, ulong seed, long startMs, long durationMs, FrameEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        var simulator = new TrafficSimulator(site, seed);
        FrameEncoder encoder = FrameEncoder.Create(format, (options ?? new FrameEncoderOptions()) with { Seed = seed });
        return encoder.Encode(simulator.Simulate(startMs, durationMs));
    }

    /// <summary>The topic a unit publishes to: <c>&lt;prefix&gt;/&lt;unit&gt;/vehicle</c> (canonical) or <c>…/raw</c> (native).</summary>
    public static string TopicFor(string unitId, bool raw, string prefix = Mqtt.MqttSourceOptions.DefaultTopicPrefix)
        => $"{prefix}/{unitId}/{(raw ? "raw" : "vehicle")}";

    /// <summary>Connects an MQTT 5 client as a unit would (clean session; units do not need a persistent one).</summary>
    public static async Task<IMqttClient> ConnectAsync(Uri broker, string clientId, string? userName = null, string? password = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(broker);
        IMqttClient client = new MqttClientFactory().CreateMqttClient();
        MqttClientOptionsBuilder options = new MqttClientFactory().CreateClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port < 0 ? 1883 : broker.Port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart(true)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (userName is not null)
        {
            options.WithCredentials(userName, password);
        }

        if (string.Equals(broker.Scheme, "mqtts", StringComparison.OrdinalIgnoreCase))
        {
            options.WithTlsOptions(tls => tls.UseTls(true).WithTargetHost(broker.Host));
        }

        try
        {
            await client.ConnectAsync(options.Build(), cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Publishes the frames at QoS 1, <paramref name="linesPerMessage"/> lines per message, awaiting every PUBACK.
    /// Throws <see cref="InvalidOperationException"/> when the broker refuses a message (e.g. not authorised).
    /// Returns the number of messages published.
    /// </summary>
    public static async Task<long> PublishAsync(IMqttClient client, string topic, IEnumerable<FrameChunk> frames, int linesPerMessage = 1, SimulationPacing pacing = default, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(linesPerMessage);
        var pacer = new Pacer(pacing, timeProvider ?? TimeProvider.System);
        var payload = new ArrayBufferWriter<byte>(4096);
        int lines = 0;
        long messages = 0;
        foreach (FrameChunk chunk in frames)
        {
            if (lines == 0)
            {
                await pacer.WaitForAsync(chunk.ArrivalMs, cancellationToken).ConfigureAwait(false);
            }

            payload.Write(chunk.Bytes.Span);
            if (++lines == linesPerMessage)
            {
                await PublishOneAsync(client, topic, payload.WrittenMemory, cancellationToken).ConfigureAwait(false);
                messages++;
                payload.ResetWrittenCount();
                lines = 0;
            }
        }

        if (lines > 0)
        {
            await PublishOneAsync(client, topic, payload.WrittenMemory, cancellationToken).ConfigureAwait(false);
            messages++;
        }

        return messages;
    }

    /// <summary>Publishes one message at QoS 1 and returns the broker's answer (the PUBACK).</summary>
    public static async Task<MqttClientPublishResult> TryPublishOneAsync(IMqttClient client, string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        MqttApplicationMessage message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(new ReadOnlySequence<byte>(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        return await client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the frames to a serial device (or any stream), paced as asked. Returns the bytes written.</summary>
    public static async Task<long> WriteSerialAsync(Stream device, IEnumerable<FrameChunk> frames, SimulationPacing pacing = default, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(frames);
        var pacer = new Pacer(pacing, timeProvider ?? TimeProvider.System);
        long written = 0;
        foreach (FrameChunk chunk in frames)
        {
            await pacer.WaitForAsync(chunk.ArrivalMs, cancellationToken).ConfigureAwait(false);
            await device.WriteAsync(chunk.Bytes, cancellationToken).ConfigureAwait(false);
            if (pacing.Speed > 0)
            {
                // Paced lines must leave now, not when a buffer fills.
                await device.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            written += chunk.Bytes.Length;
        }

        await device.FlushAsync(cancellationToken).ConfigureAwait(false);
        return written;
    }

    private static async Task PublishOneAsync(IMqttClient client, string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        // The payload buffer is reused for the next message, so the message gets its own copy.
        MqttClientPublishResult result = await TryPublishOneAsync(client, topic, payload.ToArray(), cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"The broker refused a message on {topic}: {result.ReasonCode} {result.ReasonString}");
        }
    }

    /// <summary>Maps simulated arrival times onto the wall clock at the chosen speed.</summary>
    private sealed class Pacer(SimulationPacing pacing, TimeProvider timeProvider)
    {
        private long _previousSimulatedMs = long.MinValue;
        private double _dueMs;

        public async ValueTask WaitForAsync(long simulatedMs, CancellationToken cancellationToken)
        {
            if (pacing.Speed <= 0)
            {
                return;
            }

            double nowMs = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            if (_previousSimulatedMs == long.MinValue)
            {
                _previousSimulatedMs = simulatedMs;
                _dueMs = nowMs;
                return;
            }

            double gapMs = Math.Max(0, simulatedMs - _previousSimulatedMs) / pacing.Speed;
            if (pacing.MaxIdle is { } maxIdle)
            {
                gapMs = Math.Min(gapMs, maxIdle.TotalMilliseconds);
            }

            _previousSimulatedMs = simulatedMs;
            _dueMs += gapMs;
            double waitMs = _dueMs - nowMs;
            if (waitMs >= 1)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(waitMs), timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
