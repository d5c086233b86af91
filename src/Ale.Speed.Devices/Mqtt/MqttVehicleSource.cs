using System.Buffers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Ale.Speed.Core.Ingest;
using Ale.Speed.Devices.Ingestion;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;

namespace Ale.Speed.Devices.Mqtt;

/// <summary>
/// Reads vehicles from an MQTT broker: <c>&lt;prefix&gt;/&lt;unit&gt;/vehicle</c> (canonical NDJSON) and
/// <c>&lt;prefix&gt;/&lt;unit&gt;/raw</c> (the unit's native frames), QoS 1 with manual acknowledgement: a message is
/// acknowledged, in arrival order, only once every vehicle it produced is durable (<see cref="IDurableVehicleSink"/>).
/// </summary>
/// <remarks>
/// <para>MQTTnet calls the receive handler once per message, in order; the handler only queues the message (bounded) and
/// a single consumer loop parses, commits and acknowledges, so PUBACKs leave in arrival order and a slow journal slows
/// the broker down instead of losing anything.</para>
/// <para>Native Doppler frames (OPS243, DR500, LD2415H) make a vehicle only when its burst ends, possibly messages
/// later; the acknowledgements of the messages holding an open burst's readings wait until that burst is closed and
/// committed, so a crash mid-burst loses nothing (see docs/devices.md for the limit this implies).</para>
/// <para>The connection loop polls (<c>TryPingAsync</c>, then <c>ConnectAsync</c> with backoff) as MQTTnet recommends;
/// nothing reconnects inside the Disconnected event.</para>
/// </remarks>
public sealed class MqttVehicleSource : IAsyncDisposable
{
    /// <summary>How often the consumer closes idle Doppler bursts when no message arrives.</summary>
    internal static readonly TimeSpan IdleFlushInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Messages taken into one journal commit at most: bounds the wait of the first for its acknowledgement.</summary>
    internal const int MaxMessagesPerCommit = 256;

    private readonly MqttSourceOptions _options;
    private readonly UnitRouter _router;
    private readonly IDurableVehicleSink _sink;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IMqttClient _client;
    private readonly Channel<Inbound> _inbound;
    private readonly KeyValuePair<string, object?> _sourceTag;
    private readonly string _brokerText;

    // Consumer-loop state (one thread at a time).
    private readonly VehicleBatch _batch = new();
    private readonly Queue<Inbound> _pendingAcks = new();
    private readonly Dictionary<UnitRoute, long> _openBurstSince = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<ushort, CommittedMessage> _committedUnacknowledged = [];
    private readonly HashSet<string> _unknownUnitsSeen = new(StringComparer.Ordinal);
    private long _nextMessageNumber;
    private int _unknownUnitsGeneration;

    private int _generation;
    private int _connected;
    private int _failedAttempts;
    private int _closedByBroker;
    private int _unexplainedCloses;
    private int _takeoverStreak;
    private int _weDisconnect;
    private long _connectedAtMs;
    private long _sessionTakeovers;
    private long _acknowledgementsSkipped;
    private long _redeliveriesDeduplicated;
    private long _quarantinedMessages;
    private long _successfulConnections;
    private long _messagesReceived;
    private long _messagesAcknowledged;
    private long _unknownUnitMessages;
    private long _staleMessagesSkipped;

    public MqttVehicleSource(MqttSourceOptions options, UnitRouter router, IDurableVehicleSink sink, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(sink);
        options.ThrowIfInvalid();
        _options = options;
        _router = router;
        _sink = sink;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _sourceTag = DevicesMetrics.Source(options.ClientId);
        _brokerText = options.BrokerUri.GetLeftPart(UriPartial.Authority);
        _inbound = Channel.CreateBounded<Inbound>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageReceivedAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    public MqttSourceOptions Options => _options;

    /// <summary>True while connected and subscribed.</summary>
    public bool IsConnected => Volatile.Read(ref _connected) == 1 && _client.IsConnected;

    public long MessagesReceived => Interlocked.Read(ref _messagesReceived);

    public long MessagesAcknowledged => Interlocked.Read(ref _messagesAcknowledged);

    public long UnknownUnitMessages => Interlocked.Read(ref _unknownUnitMessages);

    /// <summary>Connections after the first one.</summary>
    public long Reconnects => Math.Max(0, Interlocked.Read(ref _successfulConnections) - 1);

    /// <summary>Received messages skipped because their connection was lost before they were processed (the broker redelivers them).</summary>
    public long StaleMessagesSkipped => Interlocked.Read(ref _staleMessagesSkipped);

    /// <summary>Times the broker closed this source's session because another client connected with the same client id.</summary>
    public long SessionTakeovers => Interlocked.Read(ref _sessionTakeovers);

    /// <summary>Durable messages whose PUBACK was not sent because their connection had ended (the broker redelivers them).</summary>
    public long AcknowledgementsSkipped => Interlocked.Read(ref _acknowledgementsSkipped);

    /// <summary>Redelivered messages recognised as already durable: acknowledged without being read again.</summary>
    public long RedeliveriesDeduplicated => Interlocked.Read(ref _redeliveriesDeduplicated);

    /// <summary>Messages of units that are not configured, kept in <see cref="MqttSourceOptions.QuarantinePath"/> and acknowledged.</summary>
    public long QuarantinedMessages => Interlocked.Read(ref _quarantinedMessages);

    /// <summary>Connects, subscribes and processes messages until cancelled. Unacknowledged messages stay with the broker.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Task consumer = Task.Run(() => ConsumeAsync(cancellationToken), CancellationToken.None);
        Task ticker = Task.Run(() => TickAsync(cancellationToken), CancellationToken.None);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                TimeSpan delay = await CheckConnectionAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                if (consumer.IsCompleted)
                {
                    await consumer.ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _inbound.Writer.TryComplete();
            await AwaitQuietly(consumer).ConfigureAwait(false);
            await AwaitQuietly(ticker).ConfigureAwait(false);
            await DisconnectAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One iteration of the connection loop: pings when connected, else connects (clean start off, persistent session)
    /// and subscribes. Returns how long to wait before the next check (the backoff after a failure).
    /// </summary>
    internal async Task<TimeSpan> CheckConnectionAsync(CancellationToken cancellationToken)
    {
        if (_client.IsConnected && await _client.TryPingAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_timeProvider.GetUtcNow().ToUnixTimeMilliseconds() - _connectedAtMs > TakeoverQuietMs)
            {
                // The session has been ours for well over the longest backoff: no other client is taking it.
                _takeoverStreak = 0;
                _unexplainedCloses = 0;
            }

            return _options.ConnectionCheckInterval;
        }

        if (TakeSessionTakeover() is { } reason)
        {
            // Another client holds our client id: taking the session straight back would start a storm of takeovers.
            Interlocked.Increment(ref _sessionTakeovers);
            DevicesMetrics.SessionTakeovers.Add(1, _sourceTag);
            TimeSpan wait = Backoff(_takeoverStreak++);
            Log.MqttSessionTakenOver(_logger, _options.ClientId, _brokerText, reason, SessionTakeovers, (long)wait.TotalMilliseconds);
            return wait;
        }

        try
        {
            if (_client.IsConnected)
            {
                // Connected but not answering pings: drop the link; unacknowledged messages come again.
                Volatile.Write(ref _weDisconnect, 1);
                await _client.DisconnectAsync(new MqttClientDisconnectOptions(), cancellationToken).ConfigureAwait(false);
            }

            Volatile.Write(ref _weDisconnect, 0);

            // A new generation before connecting: whatever the old connection received and did not acknowledge
            // is redelivered on the new one, so the consumer must skip the old copies.
            Interlocked.Increment(ref _generation);
            MqttClientConnectResult result = await _client.ConnectAsync(BuildClientOptions(), cancellationToken).ConfigureAwait(false);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new InvalidOperationException($"The broker refused the connection: {result.ResultCode} {result.ReasonString}");
            }

            MqttClientSubscribeOptionsBuilder subscribe = new MqttClientFactory().CreateSubscribeOptionsBuilder();
            foreach (string filter in _options.TopicFilters)
            {
                subscribe.WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
            }

            MqttClientSubscribeResult subscribed = await _client.SubscribeAsync(subscribe.Build(), cancellationToken).ConfigureAwait(false);
            foreach (MqttClientSubscribeResultItem item in subscribed.Items)
            {
                if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
                {
                    throw new InvalidOperationException($"The broker refused the subscription to {item.TopicFilter.Topic}: {item.ResultCode}");
                }
            }

            if (result.IsSessionPresent)
            {
                // After the units' own filters are in place, so nothing of theirs falls between the two.
                MqttClientUnsubscribeOptionsBuilder unsubscribe = new MqttClientFactory().CreateUnsubscribeOptionsBuilder();
                foreach (string filter in _options.LegacyWildcardFilters)
                {
                    unsubscribe.WithTopicFilter(filter);
                }

                await _client.UnsubscribeAsync(unsubscribe.Build(), cancellationToken).ConfigureAwait(false);
            }

            _connectedAtMs = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

            if (Interlocked.Exchange(ref _connected, 1) == 0)
            {
                DevicesMetrics.Connected.Add(1, _sourceTag);
            }

            if (Interlocked.Increment(ref _successfulConnections) > 1)
            {
                DevicesMetrics.Reconnects.Add(1, _sourceTag);
            }

            _failedAttempts = 0;
            Log.MqttConnected(_logger, _options.ClientId, _brokerText, result.IsSessionPresent, string.Join(", ", _options.TopicFilters));
            return _options.ConnectionCheckInterval;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            TimeSpan delay = Backoff(_failedAttempts++);
            // The broker is not there: whatever closed the last connection, it was not another client.
            _unexplainedCloses = 0;
            Log.MqttConnectFailed(_logger, exception, _options.ClientId, _brokerText, (long)delay.TotalMilliseconds);
            if (_client.IsConnected)
            {
                Volatile.Write(ref _weDisconnect, 1);
                await _client.TryDisconnectAsync().ConfigureAwait(false);
            }

            return delay;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _inbound.Writer.TryComplete();
        await DisconnectAsync().ConfigureAwait(false);
        _client.Dispose();
    }

    /// <summary>A connection held this long (twice the longest backoff) means no other client is taking the session.</summary>
    private double TakeoverQuietMs => 2 * _options.MaxReconnectDelay.TotalMilliseconds;

    /// <summary>
    /// Whether the last connection ended because another client took the session, and how that was known: the broker
    /// said so (MQTT 5 reason 0x8E), or it closed the connection without a reason twice in a row, each time soon after
    /// connecting while it kept accepting new connections (Mosquitto 2.0 sends no reason on a takeover).
    /// </summary>
    private string? TakeSessionTakeover()
    {
        var close = (BrokerClose)Interlocked.Exchange(ref _closedByBroker, (int)BrokerClose.None);
        if (close == BrokerClose.TakenOver)
        {
            return "the broker's reason: session taken over";
        }

        if (close != BrokerClose.Unexplained || _timeProvider.GetUtcNow().ToUnixTimeMilliseconds() - _connectedAtMs > TakeoverQuietMs)
        {
            _unexplainedCloses = 0;
            return null;
        }

        return ++_unexplainedCloses >= 2 ? $"closed without a reason {_unexplainedCloses} times in a row soon after connecting, while the broker accepts connections" : null;
    }

    internal TimeSpan Backoff(int failedAttempts)
    {
        double factor = Math.Pow(2, Math.Min(failedAttempts, 16));
        double ms = Math.Min(_options.ReconnectDelay.TotalMilliseconds * factor, _options.MaxReconnectDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms);
    }

    private async Task DisconnectAsync()
    {
        Volatile.Write(ref _weDisconnect, 1);
        if (_client.IsConnected)
        {
            // The session (and the broker's queue) lives on: the expiry interval was set at connect.
            await _client.TryDisconnectAsync().ConfigureAwait(false);
        }

        MarkDisconnected();
    }

    private void MarkDisconnected()
    {
        if (Interlocked.Exchange(ref _connected, 0) == 1)
        {
            DevicesMetrics.Connected.Add(-1, _sourceTag);
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        // Messages received on the ended connection can no longer be acknowledged: the consumer skips them.
        Interlocked.Increment(ref _generation);
        if (e.Reason == MqttClientDisconnectReason.SessionTakenOver)
        {
            // Only note it: the connection loop logs it and waits before taking the session back.
            Volatile.Write(ref _closedByBroker, (int)BrokerClose.TakenOver);
        }
        else if (e.ClientWasConnected && Volatile.Read(ref _weDisconnect) == 0 && e.Reason == MqttClientDisconnectReason.NormalDisconnection)
        {
            // Closed without a reason code: Mosquitto 2.0 closes a taken-over session's socket this way (and its own on
            // shutdown); the connection loop tells the two apart by whether the broker is still there.
            Volatile.Write(ref _closedByBroker, (int)BrokerClose.Unexplained);
            Log.MqttDisconnected(_logger, e.Exception, _options.ClientId, "closed by the broker without a reason");
        }
        else if (Volatile.Read(ref _connected) == 1)
        {
            // Only note it: the connection loop reconnects (never from inside this event).
            Log.MqttDisconnected(_logger, e.Exception, _options.ClientId, e.Reason.ToString());
        }

        MarkDisconnected();
        return Task.CompletedTask;
    }

    private async Task OnMessageReceivedAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        e.AutoAcknowledge = false;
        Interlocked.Increment(ref _messagesReceived);
        DevicesMetrics.MessagesReceived.Add(1, _sourceTag);
        var inbound = new Inbound(e, Volatile.Read(ref _generation), _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        try
        {
            // Waits while the queue is full: MQTTnet then stops handing us messages, and the broker holds them.
            await _inbound.Writer.WriteAsync(inbound).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // Shutting down: left unacknowledged, the broker redelivers it.
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(IdleFlushInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                // Not worth waiting for: if the queue is full, the consumer is busy and will see messages instead.
                _inbound.Writer.TryWrite(Inbound.Tick);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ConsumeAsync(CancellationToken cancellationToken)
    {
        ChannelReader<Inbound> reader = _inbound.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // Every message waiting (up to a bound) goes into one commit: one fsync and one round through the journal
                // for the lot, instead of one per message (at one vehicle per message that was the worker's ceiling).
                // A batch holds messages of one connection only, and an idle tick ends it.
                int taken = 0;
                int generation = 0;
                while (taken < MaxMessagesPerCommit && reader.TryPeek(out Inbound next)
                    && (taken == 0 || (next.Message is not null && next.Generation == generation)))
                {
                    reader.TryRead(out Inbound inbound);
                    await TakeAsync(inbound, cancellationToken).ConfigureAwait(false);
                    taken++;
                    if (inbound.Message is null)
                    {
                        break;
                    }

                    generation = inbound.Generation;
                }

                await CommitAndAcknowledgeAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Handles one queued message (or idle tick): parse, commit, acknowledge in order.</summary>
    internal async Task ProcessAsync(Inbound inbound, CancellationToken cancellationToken)
    {
        await TakeAsync(inbound, cancellationToken).ConfigureAwait(false);
        await CommitAndAcknowledgeAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Parses one queued message (or idle tick) into the batch, its acknowledgement queued behind the commit.</summary>
    private async ValueTask TakeAsync(Inbound inbound, CancellationToken cancellationToken)
    {
        int generation = Volatile.Read(ref _generation);
        if (_unknownUnitsGeneration != generation)
        {
            _unknownUnitsSeen.Clear();
            _unknownUnitsGeneration = generation;
        }

        if (_pendingAcks.Count > 0 && _pendingAcks.Peek().Generation != generation)
        {
            // Their connection is gone; the broker redelivers them on the new one.
            _pendingAcks.Clear();
            _openBurstSince.Clear();
        }

        long arrivalMs = inbound.ArrivalMs;
        if (inbound.Message is null)
        {
            arrivalMs = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            FlushIdleBursts(arrivalMs);
        }
        else if (inbound.Generation != generation)
        {
            Interlocked.Increment(ref _staleMessagesSkipped);
            return;
        }
        else
        {
            inbound = inbound with { Number = _nextMessageNumber++ };
            if (IsRedeliveryOfCommitted(inbound.Message))
            {
                Interlocked.Increment(ref _redeliveriesDeduplicated);
                _pendingAcks.Enqueue(inbound);
            }
            else if (await IngestAsync(inbound, arrivalMs, cancellationToken).ConfigureAwait(false))
            {
                _pendingAcks.Enqueue(inbound);
            }
        }
    }

    /// <summary>Commits the batch (durable in the journal) and then acknowledges, in order, every message it released.</summary>
    private async ValueTask CommitAndAcknowledgeAsync(CancellationToken cancellationToken)
    {
        if (_batch.Count > 0)
        {
            await _sink.CommitAsync(_batch, cancellationToken).ConfigureAwait(false);
            _batch.Clear();
        }

        await AcknowledgeReleasedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one message into the batch. Returns false for a message that must stay unacknowledged.</summary>
    private async ValueTask<bool> IngestAsync(Inbound inbound, long arrivalMs, CancellationToken cancellationToken)
    {
        MqttApplicationMessage message = inbound.Message!.ApplicationMessage;
        string topic = message.Topic;
        if (!TryParseTopic(topic, _options.TopicPrefix, out ReadOnlySpan<char> unitId, out bool raw))
        {
            Log.MqttUnexpectedTopic(_logger, topic);
            return true;
        }

        if (!_router.TryGetRoute(unitId, out UnitRoute route))
        {
            return await HandleUnknownUnitAsync(message, unitId.ToString(), cancellationToken).ConfigureAwait(false);
        }

        UnitIngest ingest = raw ? route.Native : route.Canonical;
        if (ingest.Detector is not { } detector)
        {
            ingest.Ingest(message.Payload, arrivalMs, _batch, isFinalBlock: true);
            return true;
        }

        // A Doppler burst may span messages: remember from which message the open burst holds readings.
        long vehiclesBefore = ingest.Counters.Vehicles;
        bool openBefore = detector.HasOpenBurst;
        ingest.Ingest(message.Payload, arrivalMs, _batch, isFinalBlock: true);
        if (!detector.HasOpenBurst)
        {
            _openBurstSince.Remove(route);
        }
        else if (!openBefore || ingest.Counters.Vehicles != vehiclesBefore)
        {
            _openBurstSince[route] = inbound.Number;
        }

        return true;
    }

    /// <summary>
    /// A message of a unit this worker does not read reaches it only through a subscription its session kept from an
    /// earlier configuration. It is never acknowledged and dropped: kept in the quarantine file (opt-in) and then
    /// acknowledged, or else left with the broker unacknowledged. Either way counted, and the unit's filters are
    /// removed from the session so no more come.
    /// </summary>
    private async ValueTask<bool> HandleUnknownUnitAsync(MqttApplicationMessage message, string unitId, CancellationToken cancellationToken)
    {
        _router.CountUnknownUnit(unitId);
        Interlocked.Increment(ref _unknownUnitMessages);
        DevicesMetrics.MessagesUnknownUnit.Add(1, _sourceTag);
        if (_unknownUnitsSeen.Add(unitId))
        {
            Log.MqttUnknownUnit(_logger, message.Topic, unitId, _options.QuarantinePath ?? "(none: left unacknowledged with the broker)");
            // Not awaited: the answer comes through the receive loop, which may be waiting for this consumer.
            _ = UnsubscribeQuietlyAsync(_options.UnitTopicFilters(unitId).Concat([_options.TopicPrefix + "/" + unitId + "/vehicle", _options.TopicPrefix + "/" + unitId + "/raw"]).Distinct());
        }

        if (_options.QuarantinePath is not { } path)
        {
            return false;
        }

        await MqttQuarantine.AppendAsync(path, message, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _quarantinedMessages);
        DevicesMetrics.MessagesQuarantined.Add(1, _sourceTag);
        return true;
    }

    private async Task UnsubscribeQuietlyAsync(IEnumerable<string> filters)
    {
        try
        {
            MqttClientUnsubscribeOptionsBuilder unsubscribe = new MqttClientFactory().CreateUnsubscribeOptionsBuilder();
            foreach (string filter in filters)
            {
                unsubscribe.WithTopicFilter(filter);
            }

            await _client.UnsubscribeAsync(unsubscribe.Build()).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The connection ended; on the next connection the unit's first message unsubscribes again.
        }
    }

    /// <summary>A redelivered copy (DUP) of a message whose vehicles were committed but whose PUBACK could not be sent.</summary>
    private bool IsRedeliveryOfCommitted(MqttApplicationMessageReceivedEventArgs message)
    {
        if (_committedUnacknowledged.Count == 0 || !message.ApplicationMessage.Dup
            || !_committedUnacknowledged.Remove(message.PacketIdentifier, out CommittedMessage committed))
        {
            return false;
        }

        return committed.Topic == message.ApplicationMessage.Topic && message.ApplicationMessage.Payload.ToArray().AsSpan().SequenceEqual(committed.Payload);
    }

    /// <summary>The message is durable but its connection ended: the broker will send it again, to be recognised.</summary>
    private void RememberUnacknowledged(MqttApplicationMessageReceivedEventArgs message)
    {
        if (_committedUnacknowledged.Count >= _options.QueueCapacity)
        {
            // Bounded: the journal's duplicate filter still catches what this forgets (canonical records with seq).
            _committedUnacknowledged.Clear();
        }

        _committedUnacknowledged[message.PacketIdentifier] = new CommittedMessage(message.ApplicationMessage.Topic, message.ApplicationMessage.Payload.ToArray());
        Interlocked.Increment(ref _acknowledgementsSkipped);
        DevicesMetrics.AcknowledgementsSkipped.Add(1, _sourceTag);
    }

    private void FlushIdleBursts(long nowMs)
    {
        if (_openBurstSince.Count == 0)
        {
            return;
        }

        List<UnitRoute>? closed = null;
        foreach (UnitRoute route in _openBurstSince.Keys)
        {
            route.Native.FlushIdle(nowMs, _batch);
            if (route.Native.Detector is not { HasOpenBurst: true })
            {
                (closed ??= []).Add(route);
            }
        }

        if (closed is not null)
        {
            foreach (UnitRoute route in closed)
            {
                _openBurstSince.Remove(route);
            }
        }
    }

    private async Task AcknowledgeReleasedAsync(CancellationToken cancellationToken)
    {
        long limit = long.MaxValue;
        foreach (long since in _openBurstSince.Values)
        {
            limit = Math.Min(limit, since);
        }

        while (_pendingAcks.TryPeek(out Inbound next) && next.Number < limit)
        {
            _pendingAcks.Dequeue();
            if (next.Generation != Volatile.Read(ref _generation) || !_client.IsConnected)
            {
                // The connection it came on has ended (MQTTnet throws from AcknowledgeAsync on a replaced one).
                SkipAcknowledgements(next, limit);
                return;
            }

            try
            {
                await next.Message!.AcknowledgeAsync(cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _messagesAcknowledged);
                DevicesMetrics.MessagesAcknowledged.Add(1, _sourceTag);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The connection ended between the check and the PUBACK.
                Log.MqttAcknowledgeFailed(_logger, exception);
                SkipAcknowledgements(next, limit);
                return;
            }
        }
    }

    /// <summary>
    /// <paramref name="first"/> and the durable messages after it cannot be acknowledged any more; the broker redelivers
    /// them all. Those whose vehicles are committed are remembered so their copies are not counted twice.
    /// </summary>
    private void SkipAcknowledgements(Inbound first, long committedBefore)
    {
        RememberUnacknowledged(first.Message!);
        while (_pendingAcks.TryDequeue(out Inbound next))
        {
            if (next.Number < committedBefore)
            {
                RememberUnacknowledged(next.Message!);
            }
        }

        _openBurstSince.Clear();
        Log.MqttAcknowledgementsSkipped(_logger, _options.ClientId, AcknowledgementsSkipped);
    }

    /// <summary>Splits <c>&lt;prefix&gt;/&lt;unit&gt;/vehicle|raw</c>.</summary>
    internal static bool TryParseTopic(string topic, string prefix, out ReadOnlySpan<char> unitId, out bool raw)
    {
        unitId = default;
        raw = false;
        ReadOnlySpan<char> rest = topic;
        if (!rest.StartsWith(prefix, StringComparison.Ordinal) || rest.Length <= prefix.Length || rest[prefix.Length] != '/')
        {
            return false;
        }

        rest = rest[(prefix.Length + 1)..];
        int slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        ReadOnlySpan<char> kind = rest[(slash + 1)..];
        if (kind.SequenceEqual("raw"))
        {
            raw = true;
        }
        else if (!kind.SequenceEqual("vehicle"))
        {
            return false;
        }

        unitId = rest[..slash];
        return true;
    }

    private MqttClientOptions BuildClientOptions()
    {
        MqttClientOptionsBuilder builder = new MqttClientFactory().CreateClientOptionsBuilder()
            .WithTcpServer(_options.BrokerUri.Host, _options.BrokerUri.IsDefaultPort || _options.BrokerUri.Port < 0 ? (_options.UsesTls ? 8883 : 1883) : _options.BrokerUri.Port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(_options.ClientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)_options.SessionExpiry.TotalSeconds)
            .WithKeepAlivePeriod(_options.KeepAlive)
            // Never more unacknowledged messages in flight than our queue holds: a full queue would block MQTTnet's
            // receive loop (and its keep-alive), which stalled a 100,000-message backlog to ~600 messages a second.
            .WithReceiveMaximum((ushort)Math.Clamp(_options.QueueCapacity, 1, ushort.MaxValue))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (_options.UserName is not null)
        {
            builder.WithCredentials(_options.UserName, _options.ResolvePassword());
        }

        if (_options.UsesTls)
        {
            builder.WithTlsOptions(ConfigureTls);
        }

        return builder.Build();
    }

    private void ConfigureTls(MqttClientTlsOptionsBuilder tls)
    {
        tls.UseTls(true).WithTargetHost(_options.BrokerUri.Host);
        if (_options.ClientCertificateFile is { } certificateFile && _options.ClientKeyFile is { } keyFile)
        {
            tls.WithClientCertificates([X509Certificate2.CreateFromPemFile(certificateFile, keyFile)]);
        }

        if (_options.CaFile is { } caFile)
        {
            var authority = X509CertificateLoader.LoadCertificateFromFile(caFile);
            tls.WithCertificateValidationHandler(args =>
            {
                if (args.SslPolicyErrors == SslPolicyErrors.None)
                {
                    return true;
                }

                if ((args.SslPolicyErrors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0 || args.Certificate is null)
                {
                    return false;
                }

                // Trust exactly the configured authority for the broker's chain.
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(authority);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(args.Certificate));
            });
        }
    }

    private static async Task AwaitQuietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private readonly record struct CommittedMessage(string Topic, byte[] Payload);

    private enum BrokerClose
    {
        None,
        Unexplained,
        TakenOver,
    }

    /// <summary>A received message with its connection generation and arrival time, or an idle tick (no message).</summary>
    internal readonly record struct Inbound(MqttApplicationMessageReceivedEventArgs? Message, int Generation, long ArrivalMs)
    {
        public static Inbound Tick => default;

        /// <summary>Arrival order among processed messages (assigned by the consumer).</summary>
        public long Number { get; init; }
    }
}
