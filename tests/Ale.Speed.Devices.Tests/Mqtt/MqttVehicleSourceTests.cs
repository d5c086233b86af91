using System.Text;
using Ale.Speed.Core.Frames;
using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Devices.Mqtt;
using Ale.Speed.Devices.Simulation;
using Ale.Speed.Devices.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using static Ale.Speed.Devices.Tests.Support.TestUnits;

namespace Ale.Speed.Devices.Tests.Mqtt;

/// <summary>The MQTT source against a real Mosquitto on loopback.</summary>
public sealed class MqttVehicleSourceTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private MosquittoBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await MosquittoBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task RunAsync_MessagesWithSeveralLines_EachLineOnItsOwnAndABadLineCostsOnlyItself()
    {
        var router = new UnitRouter([Unit("u1")], TimeProvider.System);
        var sink = new RecordingSink();
        await using var running = await RunningSource.StartAsync(_broker, router, sink);
        using IMqttClient unit = await SimulationPublisher.ConnectAsync(_broker.Uri, "unit-u1");

        await Publish(unit, "ale/speed/u1/vehicle", CanonicalLines(1, 3));
        await Publish(unit, "ale/speed/u1/vehicle", Encoding.UTF8.GetBytes(CanonicalLine(4) + "{\"ts\":\"not a time\",\"kmh\":50}\n" + CanonicalLine(5)));

        await WaitUntilAsync(() => running.Source.MessagesAcknowledged == 2, s_wait, () => $"2 acks, have {running.Source.MessagesAcknowledged}");
        Assert.Equal([1L, 2, 3, 4, 5], sink.Vehicles.Select(v => v.Sequence));
        UnitRoute route = Route(router, "u1");
        Assert.Equal(6, route.Canonical.Counters.Frames);
        Assert.Equal(1, route.Canonical.Counters.TotalRejects);
    }

    [Fact]
    public async Task RunAsync_AnotherWorkersUnit_IsNotSubscribedSoNeverArrives()
    {
        var sinkA = new RecordingSink();
        var sinkB = new RecordingSink();
        await using var a = await RunningSource.StartAsync(_broker, new UnitRouter([Unit("u1")], TimeProvider.System), sinkA, "worker-a");
        await using var b = await RunningSource.StartAsync(_broker, new UnitRouter([Unit("u2")], TimeProvider.System), sinkB, "worker-b");
        using IMqttClient units = await SimulationPublisher.ConnectAsync(_broker.Uri, "units");

        await Publish(units, "ale/speed/u2/vehicle", CanonicalLines(1, 2));
        await Publish(units, "ale/speed/u1/vehicle", CanonicalLines(7, 1));

        // Delivered in publishing order: once u1's message is in, u2's would have come before it.
        await WaitUntilAsync(() => a.Source.MessagesAcknowledged == 1 && b.Source.MessagesAcknowledged == 1, s_wait, () => "each worker's own message");
        Assert.Equal(1, a.Source.MessagesReceived);
        Assert.Equal(0, a.Source.UnknownUnitMessages);
        Assert.Equal([7L], sinkA.Vehicles.Select(v => v.Sequence));
        Assert.Equal([1L, 2], sinkB.Vehicles.Select(v => v.Sequence));
        Assert.Equal(["ale/speed/u1/vehicle", "ale/speed/u1/raw"], a.Source.Options.TopicFilters);
    }

    [Fact]
    public async Task RunAsync_UnitDroppedFromTheConfiguration_ItsQueuedMessageIsNeverAcknowledgedAndStaysWithTheBroker()
    {
        const string clientId = "worker-reconfigured";
        await (await RunningSource.StartAsync(_broker, new UnitRouter([Unit("u1"), Unit("u2")], TimeProvider.System), new RecordingSink(), clientId)).DisposeAsync();
        using IMqttClient units = await SimulationPublisher.ConnectAsync(_broker.Uri, "units");
        await Publish(units, "ale/speed/u2/vehicle", CanonicalLines(1, 2));

        // u2 is no longer configured, but the session still holds its subscription and the message queued for it.
        var logger = new RecordingLogger();
        var router = new UnitRouter([Unit("u1")], TimeProvider.System);
        await using (var narrowed = await RunningSource.StartAsync(_broker, router, new RecordingSink(), clientId, logger: logger))
        {
            await WaitUntilAsync(() => narrowed.Source.UnknownUnitMessages == 1, s_wait, () => "u2's queued message");
            await Publish(units, "ale/speed/u1/vehicle", CanonicalLines(7, 1));
            await WaitUntilAsync(() => narrowed.Source.MessagesAcknowledged == 1, s_wait, () => "u1's message acknowledged");
            Assert.Equal(2, narrowed.Source.MessagesReceived);
            Assert.Equal(1, router.UnknownUnits["u2"]);
            LogEntry error = Assert.Single(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error);
            Assert.Contains("u2", error.Message, StringComparison.Ordinal);
        }

        // u2 configured again: the broker still has the message and delivers it.
        var sink = new RecordingSink();
        await using var restored = await RunningSource.StartAsync(_broker, new UnitRouter([Unit("u1"), Unit("u2")], TimeProvider.System), sink, clientId);
        await WaitUntilAsync(() => sink.Count == 2, s_wait, () => $"u2's two vehicles, have {sink.Count}");
        Assert.Equal([1L, 2], sink.Vehicles.Select(v => v.Sequence));
        Assert.All(sink.Vehicles, v => Assert.Equal("u2", v.Unit.Id));
    }

    [Fact]
    public async Task RunAsync_QuarantineOn_UnconfiguredUnitsMessageIsKeptInTheFileCountedAndAcknowledged()
    {
        const string clientId = "worker-quarantine";
        await (await RunningSource.StartAsync(_broker, new UnitRouter([Unit("u1"), Unit("u2")], TimeProvider.System), new RecordingSink(), clientId)).DisposeAsync();
        using IMqttClient units = await SimulationPublisher.ConnectAsync(_broker.Uri, "units");
        byte[] payload = CanonicalLines(1, 2);
        await Publish(units, "ale/speed/u2/vehicle", payload);

        string quarantine = Path.Combine(_broker.Directory, "mqtt-quarantine.ndjson");
        await using (var narrowed = await RunningSource.StartAsync(_broker, new UnitRouter([Unit("u1")], TimeProvider.System), new RecordingSink(), clientId, quarantinePath: quarantine))
        {
            await WaitUntilAsync(() => narrowed.Source.MessagesAcknowledged == 1, s_wait, () => "the quarantined message acknowledged");
            Assert.Equal(1, narrowed.Source.QuarantinedMessages);
            Assert.Equal(1, narrowed.Source.UnknownUnitMessages);
        }

        using var line = System.Text.Json.JsonDocument.Parse(Assert.Single(await File.ReadAllLinesAsync(quarantine)));
        Assert.Equal("ale/speed/u2/vehicle", line.RootElement.GetProperty("topic").GetString());
        Assert.Equal(payload, line.RootElement.GetProperty("payload").GetBytesFromBase64());

        // Acknowledged: a worker for u2 under the same session gets nothing more.
        var sink = new RecordingSink();
        await using var restored = await RunningSource.StartAsync(_broker, new UnitRouter([Unit("u1"), Unit("u2")], TimeProvider.System), sink, clientId);
        await Publish(units, "ale/speed/u2/vehicle", CanonicalLines(9, 1));
        await WaitUntilAsync(() => restored.Source.MessagesAcknowledged == 1, s_wait, () => "the new message");
        Assert.Equal([9L], sink.Vehicles.Select(v => v.Sequence));
    }

    [Fact]
    public async Task RunAsync_SessionWithTheOldWildcardSubscription_WildcardRemovedSoOtherUnitsStayAway()
    {
        const string clientId = "worker-upgraded";
        // What an earlier version left in the persistent session: a wildcard over every unit.
        using (IMqttClient old = new MqttClientFactory().CreateMqttClient())
        {
            await old.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _broker.Port).WithClientId(clientId)
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithCleanStart(false).WithSessionExpiryInterval(3600).Build());
            await old.SubscribeAsync("ale/speed/+/vehicle", MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);
            await old.DisconnectAsync();
        }

        await using var upgraded = await RunningSource.StartAsync(_broker, new UnitRouter([Unit("u1")], TimeProvider.System), new RecordingSink(), clientId);
        using IMqttClient units = await SimulationPublisher.ConnectAsync(_broker.Uri, "units");
        await Publish(units, "ale/speed/u9/vehicle", CanonicalLines(1, 1));
        await Publish(units, "ale/speed/u1/vehicle", CanonicalLines(2, 1));

        await WaitUntilAsync(() => upgraded.Source.MessagesAcknowledged == 1, s_wait, () => "u1's message");
        Assert.Equal(1, upgraded.Source.MessagesReceived);
        Assert.Equal(0, upgraded.Source.UnknownUnitMessages);
    }

    [Fact]
    public async Task RunAsync_TwoWorkersWithOneClientId_TakeoverLoggedAsErrorCountedAndRetriedWithGrowingBackoff()
    {
        const string clientId = "worker-cloned";
        var loggerA = new RecordingLogger();
        var loggerB = new RecordingLogger();
        await using var a = await RunningSource.StartAsync(_broker, new UnitRouter([Unit("u1")], TimeProvider.System), new RecordingSink(), clientId, logger: loggerA, maxReconnectDelay: TimeSpan.FromSeconds(30));
        await using var b = await RunningSource.StartAsync(_broker, new UnitRouter([Unit("u1")], TimeProvider.System), new RecordingSink(), clientId, logger: loggerB, maxReconnectDelay: TimeSpan.FromSeconds(30));

        static long[] Delays(RecordingLogger logger) => [.. logger.Entries.Where(e => e.EventId == 4008).Select(e => Convert.ToInt64(e.Values["DelayMs"], System.Globalization.CultureInfo.InvariantCulture))];
        await WaitUntilAsync(() => Delays(loggerA).Length >= 3 && Delays(loggerB).Length >= 3, s_wait, () => $"three takeovers each, have {Delays(loggerA).Length} and {Delays(loggerB).Length}: ");

        foreach ((RecordingLogger logger, RunningSource source) in new[] { (loggerA, a), (loggerB, b) })
        {
            long[] delays = Delays(logger);
            Assert.Equal([100L, 200, 400], delays[..3]);
            Assert.True(source.Source.SessionTakeovers >= 3);
            Assert.All(logger.Entries.Where(e => e.EventId == 4008), e =>
            {
                Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, e.Level);
                Assert.Contains(clientId, e.Message, StringComparison.Ordinal);
            });
        }
    }

    [Fact]
    public async Task RunAsync_ConnectionTakenOverBeforeThePuback_AcknowledgementSkippedAndTheRedeliveryNotCountedAgain()
    {
        const string clientId = "worker-replaced";
        var gated = new RecordingSink(gated: true);
        var router = new UnitRouter([Unit("u1")], TimeProvider.System);
        await using var worker = await RunningSource.StartAsync(_broker, router, gated, clientId);
        using IMqttClient units = await SimulationPublisher.ConnectAsync(_broker.Uri, "units");
        await Publish(units, "ale/speed/u1/vehicle", CanonicalLines(42, 2));
        await gated.CommitEntered.Task.WaitAsync(s_wait);

        // While the journal commits, another client takes the session (and leaves the message unacknowledged).
        using (IMqttClient intruder = new MqttClientFactory().CreateMqttClient())
        {
            intruder.ApplicationMessageReceivedAsync += e =>
            {
                e.AutoAcknowledge = false;
                return Task.CompletedTask;
            };
            await intruder.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _broker.Port).WithClientId(clientId)
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithCleanStart(false).WithSessionExpiryInterval(3600).Build());
            // The worker sees its connection closed and takes the session back (the message comes again, marked DUP).
            await WaitUntilAsync(() => worker.Source.Reconnects == 1 && worker.Source.IsConnected, s_wait, () => "the worker to take its session back");
            await intruder.TryDisconnectAsync();
        }

        gated.Open();
        await WaitUntilAsync(() => worker.Source.MessagesAcknowledged == 1, s_wait, () => "the redelivered message acknowledged");
        Assert.Equal(1, worker.Source.AcknowledgementsSkipped);
        Assert.Equal(1, worker.Source.RedeliveriesDeduplicated);
        Assert.Equal([42L, 43], gated.Vehicles.Select(v => v.Sequence));
        Assert.Equal(2, Route(router, "u1").Canonical.Counters.Frames);
    }

    [Fact]
    public async Task RunAsync_CommitNotCompleted_NoPubackAndMessageRedeliveredToTheNextSource()
    {
        var blocked = new RecordingSink(gated: true);
        var first = await RunningSource.StartAsync(_broker, new UnitRouter([Unit("u1")], TimeProvider.System), blocked, clientId: "worker-redelivery");
        using IMqttClient unit = await SimulationPublisher.ConnectAsync(_broker.Uri, "unit-u1");
        await Publish(unit, "ale/speed/u1/vehicle", CanonicalLines(42, 2));

        await blocked.CommitEntered.Task.WaitAsync(s_wait);
        // The commit cannot complete while the sink is gated; the redelivery below shows no PUBACK went out.
        Assert.Equal(0, first.Source.MessagesAcknowledged);
        await first.DisposeAsync(); // the worker stops while its journal still holds the commit: no PUBACK was sent
        Assert.Empty(blocked.Vehicles);

        var sink = new RecordingSink();
        await using var second = await RunningSource.StartAsync(_broker, new UnitRouter([Unit("u1")], TimeProvider.System), sink, clientId: "worker-redelivery");
        await WaitUntilAsync(() => second.Source.MessagesAcknowledged == 1, s_wait, () => "the redelivered message to be acknowledged");
        Assert.Equal([42L, 43], sink.Vehicles.Select(v => v.Sequence));
    }

    [Fact]
    public async Task RunAsync_BrokerRestartsAndWorkerOffline_PersistentSessionLosesNothing()
    {
        const string clientId = "worker-restart";
        var sink = new RecordingSink();
        var router = new UnitRouter([Unit("u1")], TimeProvider.System);
        var running = await RunningSource.StartAsync(_broker, router, sink, clientId);
        IMqttClient unit = await SimulationPublisher.ConnectAsync(_broker.Uri, "unit-u1");
        await PublishRange(unit, 1, 300);
        await WaitUntilAsync(() => sink.Count == 300, s_wait, () => $"300 vehicles, have {sink.Count}");

        // Broker restart while the worker is connected: it reconnects by itself.
        await _broker.RestartAsync();
        await WaitUntilAsync(() => running.Source.IsConnected && running.Source.Reconnects >= 1, s_wait, () => "the source to reconnect");
        unit.Dispose();
        unit = await SimulationPublisher.ConnectAsync(_broker.Uri, "unit-u1");
        await PublishRange(unit, 301, 300);
        await WaitUntilAsync(() => sink.Count == 600, s_wait, () => $"600 vehicles, have {sink.Count}");

        // Worker offline: the broker queues for its persistent session, across another broker restart.
        await running.DisposeAsync();
        await PublishRange(unit, 601, 300);
        unit.Dispose();
        await _broker.RestartAsync();

        await using var again = await RunningSource.StartAsync(_broker, router, sink, clientId);
        await WaitUntilAsync(() => sink.Count >= 900, s_wait, () => $"900 vehicles, have {sink.Count}");
        // A marker published after the queue came back: what the broker would redeliver twice arrives before it.
        using IMqttClient marker = await SimulationPublisher.ConnectAsync(_broker.Uri, "unit-u1");
        await PublishRange(marker, 901, 1);
        await WaitUntilAsync(() => sink.Vehicles.Any(v => v.Sequence == 901), s_wait, () => "the marker vehicle 901");
        Assert.Equal(901, sink.Count);
        Assert.Equal(Enumerable.Range(1, 901).Select(i => (long)i), sink.Vehicles.Select(v => v.Sequence).Order());
    }

    [Fact]
    public async Task RunAsync_BurstOf100000Vehicles_ExactTotalsInBoundedTime()
    {
        const int total = 100_000;
        const int perMessage = 50;
        var router = new UnitRouter([Unit("u1")], TimeProvider.System, filterOptions: new Core.Vehicles.FilterOptions { DuplicateCapacity = 1024 });
        var sink = new RecordingSink();
        await using var running = await RunningSource.StartAsync(_broker, router, sink);
        using IMqttClient unit = await SimulationPublisher.ConnectAsync(_broker.Uri, "unit-u1");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        for (int first = 1; first <= total; first += perMessage)
        {
            await Publish(unit, "ale/speed/u1/vehicle", CanonicalLines(first, perMessage));
        }

        await WaitUntilAsync(() => sink.Count == total, TimeSpan.FromSeconds(90), () => $"{total} vehicles, have {sink.Count}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90));
        Assert.Equal(total / perMessage, running.Source.MessagesReceived);
        await WaitUntilAsync(() => running.Source.MessagesAcknowledged == total / perMessage, s_wait, () => "every message acknowledged");
        Assert.Equal(total, Route(router, "u1").Canonical.Counters.VehiclesAccepted);
        Assert.Equal(total, sink.Vehicles.Select(v => v.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task RunAsync_BurstOf100000Messages_OneVehicleEach_ExactTotalsInBoundedTime()
    {
        // 100,000 one-record messages in a few seconds. Before the source capped the broker's in-flight window at its queue
        // (MQTT 5 receive maximum), a backlog this size blocked MQTTnet's receive loop and crawled at ~600 messages/s.
        const int total = 100_000;
        const int inFlight = 64;
        var router = new UnitRouter([Unit("u1")], TimeProvider.System, filterOptions: new Core.Vehicles.FilterOptions { DuplicateCapacity = 1024 });
        var sink = new RecordingSink();
        await using var running = await RunningSource.StartAsync(_broker, router, sink);
        using IMqttClient unit = await SimulationPublisher.ConnectAsync(_broker.Uri, "unit-u1");

        // As a unit with a backlog sends: many messages in flight, every PUBACK awaited.
        var pending = new Queue<Task<MqttClientPublishResult>>(inFlight);
        for (int sequence = 1; sequence <= total; sequence++)
        {
            if (pending.Count == inFlight)
            {
                Assert.True((await pending.Dequeue()).IsSuccess);
            }

            pending.Enqueue(SimulationPublisher.TryPublishOneAsync(unit, "ale/speed/u1/vehicle", CanonicalLines(sequence, 1)));
        }

        while (pending.Count > 0)
        {
            Assert.True((await pending.Dequeue()).IsSuccess);
        }

        await WaitUntilAsync(() => sink.Count == total, TimeSpan.FromSeconds(90), () => $"{total} vehicles, have {sink.Count}");
        await WaitUntilAsync(() => running.Source.MessagesAcknowledged == total, s_wait, () => "every message acknowledged");
        Assert.Equal(total, running.Source.MessagesReceived);
        Assert.Equal(total, sink.Vehicles.Select(v => v.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task RunAsync_GarbagePayloads_CountedAndTheSubscriptionContinues()
    {
        var router = new UnitRouter([Unit("u1"), Unit("d1", FrameFormat.HoustonDr500)], TimeProvider.System);
        var sink = new RecordingSink();
        await using var running = await RunningSource.StartAsync(_broker, router, sink);
        using IMqttClient unit = await SimulationPublisher.ConnectAsync(_broker.Uri, "unit-u1");
        var random = new Random(4);
        int messages = 0;
        for (int i = 0; i < 20; i++)
        {
            byte[] junk = new byte[random.Next(1, 3000)];
            random.NextBytes(junk);
            await Publish(unit, i % 2 == 0 ? "ale/speed/u1/vehicle" : "ale/speed/d1/raw", junk);
            messages++;
        }

        byte[] huge = new byte[300_000];
        huge.AsSpan().Fill((byte)'7');
        await Publish(unit, "ale/speed/u1/vehicle", huge);
        await Publish(unit, "ale/speed/d1/raw", huge);
        await Publish(unit, "ale/speed/u1/vehicle", []);
        messages += 3;
        await Publish(unit, "ale/speed/u1/vehicle", CanonicalLines(1, 3));
        messages++;

        await WaitUntilAsync(() => running.Source.MessagesAcknowledged == messages, s_wait, () => $"{messages} acks, have {running.Source.MessagesAcknowledged}");
        Assert.Equal([1L, 2, 3], sink.Vehicles.Select(v => v.Sequence));
        Assert.True(Route(router, "u1").Canonical.Counters.TotalRejects >= 11);
        Assert.True(Route(router, "u1").Canonical.Counters.RejectCount(RejectReason.FrameTooLong) >= 1);
        Assert.True(Route(router, "d1").Native.Counters.RejectCount(RejectReason.FrameTooLong) >= 1);
        Assert.True(running.Source.IsConnected);
    }

    [Fact]
    public async Task RunAsync_SharedSubscription_TwoWorkersSplitTheMessagesExactly()
    {
        const int total = 1000;
        var sinkA = new RecordingSink();
        var sinkB = new RecordingSink();
        await using var a = await RunningSource.StartAsync(_broker, new UnitRouter([Unit("u1")], TimeProvider.System), sinkA, "worker-a", group: "workers");
        await using var b = await RunningSource.StartAsync(_broker, new UnitRouter([Unit("u1")], TimeProvider.System), sinkB, "worker-b", group: "workers");
        using IMqttClient unit = await SimulationPublisher.ConnectAsync(_broker.Uri, "unit-u1");

        await PublishRange(unit, 1, total, perMessage: 1);

        await WaitUntilAsync(() => sinkA.Count + sinkB.Count >= total, s_wait, () => $"{total} vehicles, have {sinkA.Count + sinkB.Count}");
        // Markers published after the last message, until each worker has one: each sees its messages in order, so
        // anything delivered twice would have arrived before its marker.
        int markers = 0;
        while (!(HasMarker(sinkA, total) && HasMarker(sinkB, total)))
        {
            Assert.True(markers < 20, $"20 markers published and still a worker without one: {sinkA.Count} / {sinkB.Count}");
            await PublishRange(unit, total + 1 + markers++, 1, perMessage: 1);
            await WaitUntilAsync(() => sinkA.Count + sinkB.Count >= total + markers, s_wait, () => $"marker {markers}");
        }

        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), sinkA.Vehicles.Concat(sinkB.Vehicles).Select(v => v.Sequence).Where(s => s <= total).Order());
        Assert.True(sinkA.Count > 0 && sinkB.Count > 0, $"both workers should get a share: {sinkA.Count} / {sinkB.Count}");
    }

    [Fact]
    public async Task RunAsync_RawDopplerMessages_AcknowledgedOnlyOnceTheirBurstIsCommitted()
    {
        // The burst can only close when this clock passes the detector's lost-after time, not while a busy machine is slow.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var router = new UnitRouter([Unit("d1", FrameFormat.HlkLd2415h)], clock, new Core.Vehicles.DetectorOptions { LostAfterMs = 700 });
        var sink = new RecordingSink();
        await using var running = await RunningSource.StartAsync(_broker, router, sink, timeProvider: clock);
        using IMqttClient unit = await SimulationPublisher.ConnectAsync(_broker.Uri, "unit-d1");

        // One burst, one reading per message, 100 ms apart: the vehicle exists only when the line goes quiet.
        int sent = 0;
        foreach (string reading in new[] { "V+045.0", "V+048.0", "V+051.0", "V+050.0" })
        {
            await Publish(unit, "ale/speed/d1/raw", Encoding.ASCII.GetBytes(reading + "\r\n"));
            sent++;
            await WaitUntilAsync(() => Route(router, "d1").Native.Counters.Frames == sent, s_wait, () => $"reading {sent} parsed");
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(0, running.Source.MessagesAcknowledged);
        Assert.Equal(0, sink.Count);

        clock.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => running.Source.MessagesAcknowledged == 4, s_wait, () => "the burst to close and its messages to be acknowledged");
        Assert.Single(sink.Vehicles);
        Assert.Equal(51.0, sink.Vehicles[0].SpeedKmh);
    }

    private static bool HasMarker(RecordingSink sink, int total) => sink.Vehicles.Any(v => v.Sequence > total);

    private static UnitRoute Route(UnitRouter router, string id) => router.TryGetRoute(id, out UnitRoute route) ? route : throw new InvalidOperationException(id);

    private static async Task Publish(IMqttClient client, string topic, byte[] payload)
    {
        MqttClientPublishResult result = await SimulationPublisher.TryPublishOneAsync(client, topic, payload);
        Assert.True(result.IsSuccess, $"publish to {topic}: {result.ReasonCode}");
    }

    private static async Task PublishRange(IMqttClient client, int first, int count, int perMessage = 10)
    {
        for (int s = first; s < first + count; s += perMessage)
        {
            await Publish(client, "ale/speed/u1/vehicle", CanonicalLines(s, Math.Min(perMessage, first + count - s)));
        }
    }
}

/// <summary>A source running in the background as the worker hosts it; disposing stops it (no PUBACK for what is in flight).</summary>
internal sealed class RunningSource : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    private RunningSource(MqttVehicleSource source) => Source = source;

    public MqttVehicleSource Source { get; }

    public static async Task<RunningSource> StartAsync(MosquittoBroker broker, UnitRouter router, IDurableVehicleSink sink, string? clientId = null, string? group = null,
        string? user = null, string? password = null, string? quarantinePath = null, Microsoft.Extensions.Logging.ILogger? logger = null, TimeSpan? maxReconnectDelay = null,
        TimeProvider? timeProvider = null)
    {
        var options = new MqttSourceOptions
        {
            BrokerUri = broker.Uri,
            ClientId = clientId ?? "worker-" + Guid.NewGuid().ToString("N")[..8],
            SharedSubscriptionGroup = group,
            UserName = user,
            Password = password,
            UnitIds = [.. router.Routes.Select(r => r.Unit.Id)],
            QuarantinePath = quarantinePath,
            ReconnectDelay = TimeSpan.FromMilliseconds(100),
            MaxReconnectDelay = maxReconnectDelay ?? TimeSpan.FromSeconds(1),
            ConnectionCheckInterval = TimeSpan.FromMilliseconds(200),
        };
        var running = new RunningSource(new MqttVehicleSource(options, router, sink, timeProvider, logger));
        running._run = running.Source.RunAsync(running._stop.Token);
        // The worker must be subscribed within a couple of seconds of starting.
        await WaitUntilAsync(() => running.Source.IsConnected || running._run.IsCompleted, TimeSpan.FromSeconds(3), () => "the source to subscribe");
        if (running._run.IsFaulted)
        {
            await running._run;
        }

        return running;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        await Source.DisposeAsync();
        _stop.Dispose();
    }
}
