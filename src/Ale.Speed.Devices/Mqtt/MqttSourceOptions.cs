using System.Text;

namespace Ale.Speed.Devices.Mqtt;

/// <summary>How the MQTT source reaches the broker and what it subscribes to. The password is never logged or printed.</summary>
public sealed record MqttSourceOptions
{
    public const string DefaultTopicPrefix = "ale/speed";

    /// <summary><c>mqtt://host:port</c> (plain, default port 1883) or <c>mqtts://host:port</c> (TLS, default port 8883).</summary>
    public required Uri BrokerUri { get; init; }

    /// <summary>
    /// Must stay the same across restarts: the broker keeps the persistent session (and the messages queued while the
    /// worker is away) under this id. See <see cref="ClientIdFor"/>.
    /// </summary>
    public required string ClientId { get; init; }

    public string? UserName { get; init; }

    /// <summary>The password itself (e.g. from the environment); <see cref="PasswordFile"/> is read when this is null.</summary>
    public string? Password { get; init; }

    /// <summary>A file holding the password (first line), read at each connection.</summary>
    public string? PasswordFile { get; init; }

    /// <summary>PEM file of the certificate authority that signed the broker's certificate (TLS only).</summary>
    public string? CaFile { get; init; }

    /// <summary>PEM client certificate for brokers that require one (TLS only), with <see cref="ClientKeyFile"/>.</summary>
    public string? ClientCertificateFile { get; init; }

    public string? ClientKeyFile { get; init; }

    /// <summary>How long the broker keeps the session and its queued messages while the worker is away. Days, never zero.</summary>
    public TimeSpan SessionExpiry { get; init; } = TimeSpan.FromDays(7);

    /// <summary>When set, subscribes as <c>$share/&lt;group&gt;/…</c> so several workers split the messages.</summary>
    public string? SharedSubscriptionGroup { get; init; }

    /// <summary>
    /// The units this worker reads: it subscribes to exactly their topics, never to a wildcard that would bring another
    /// worker's units.
    /// </summary>
    public required IReadOnlyList<string> UnitIds { get; init; }

    /// <summary>
    /// Opt-in: a message of a unit that is not configured (one still queued for an older subscription of this session)
    /// is appended to this file (flushed to disk), counted and then acknowledged. Without it such a message is counted,
    /// logged and left unacknowledged with the broker, never dropped.
    /// </summary>
    public string? QuarantinePath { get; init; }

    public string TopicPrefix { get; init; } = DefaultTopicPrefix;

    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First delay after a failed connection attempt; doubles up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the connection loop checks the connection (ping) while connected.</summary>
    public TimeSpan ConnectionCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages received and not yet processed; when full, MQTTnet's receive loop waits (backpressure).</summary>
    public int QueueCapacity { get; init; } = 1024;

    /// <summary>The default client id for a worker: stable, derived from its writer id.</summary>
    public static string ClientIdFor(string writerId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(writerId);
        return "ale-speed-" + writerId;
    }

    public bool UsesTls => string.Equals(BrokerUri.Scheme, "mqtts", StringComparison.OrdinalIgnoreCase);

    /// <summary>The topic filters the source subscribes to: each configured unit's canonical vehicles and native frames.</summary>
    public IReadOnlyList<string> TopicFilters => [.. UnitIds.SelectMany(UnitTopicFilters)];

    /// <summary>The filters of one unit, as this source subscribes to them (shared or not).</summary>
    public IEnumerable<string> UnitTopicFilters(string unitId)
    {
        yield return Share + TopicPrefix + "/" + unitId + "/vehicle";
        yield return Share + TopicPrefix + "/" + unitId + "/raw";
    }

    /// <summary>
    /// The wildcard filters earlier versions subscribed to, shared or not. A persistent session keeps its subscriptions,
    /// so they are removed on connecting, or the session would go on bringing every unit's messages.
    /// </summary>
    public IReadOnlyList<string> LegacyWildcardFilters
    {
        get
        {
            string[] wildcards = [TopicPrefix + "/+/vehicle", TopicPrefix + "/+/raw"];
            return string.IsNullOrEmpty(SharedSubscriptionGroup) ? wildcards : [.. wildcards, .. wildcards.Select(w => Share + w)];
        }
    }

    private string Share => string.IsNullOrEmpty(SharedSubscriptionGroup) ? "" : "$share/" + SharedSubscriptionGroup + "/";

    /// <summary>Every problem with these options, each naming its key; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (BrokerUri is null || !BrokerUri.IsAbsoluteUri
            || !(BrokerUri.Scheme.Equals("mqtt", StringComparison.OrdinalIgnoreCase) || BrokerUri.Scheme.Equals("mqtts", StringComparison.OrdinalIgnoreCase))
            || string.IsNullOrEmpty(BrokerUri.Host))
        {
            errors.Add("Mqtt:BrokerUri must be mqtt://host[:port] or mqtts://host[:port].");
        }

        if (string.IsNullOrWhiteSpace(ClientId) || ClientId.Length > 128)
        {
            errors.Add("Mqtt:ClientId must be set (1–128 characters) and stay the same across restarts.");
        }

        if (SessionExpiry < TimeSpan.FromMinutes(1) || SessionExpiry.TotalSeconds > uint.MaxValue)
        {
            errors.Add("Mqtt:SessionExpiry must be at least one minute (days are recommended): the broker keeps messages only that long.");
        }

        if (string.IsNullOrWhiteSpace(TopicPrefix) || TopicPrefix.AsSpan().IndexOfAny("+#") >= 0 || TopicPrefix.EndsWith('/'))
        {
            errors.Add("Mqtt:TopicPrefix must be a topic without wildcards or a trailing '/', e.g. ale/speed.");
        }

        if (SharedSubscriptionGroup is { } group && (group.Length == 0 || group.AsSpan().IndexOfAny("/+#") >= 0))
        {
            errors.Add("Mqtt:SharedSubscriptionGroup must be a name without '/', '+' or '#'.");
        }

        if (UnitIds is null || UnitIds.Count == 0)
        {
            errors.Add("Mqtt: at least one unit with Transport mqtt is needed (the worker subscribes to its units' topics).");
        }
        else if (UnitIds.FirstOrDefault(id => string.IsNullOrWhiteSpace(id) || id.AsSpan().IndexOfAny("/+#") >= 0) is { } badId)
        {
            errors.Add($"Mqtt: unit id '{badId}' cannot be part of a topic (no '/', '+' or '#').");
        }

        if (KeepAlive < TimeSpan.FromSeconds(1) || KeepAlive > TimeSpan.FromSeconds(ushort.MaxValue))
        {
            errors.Add("Mqtt:KeepAlive must be between 1 s and 18 h.");
        }

        if (ReconnectDelay <= TimeSpan.Zero || MaxReconnectDelay < ReconnectDelay)
        {
            errors.Add("Mqtt:ReconnectDelay must be positive and not above Mqtt:MaxReconnectDelay.");
        }

        if (ConnectionCheckInterval <= TimeSpan.Zero)
        {
            errors.Add("Mqtt:ConnectionCheckInterval must be positive.");
        }

        if (QueueCapacity < 1)
        {
            errors.Add("Mqtt:QueueCapacity must be at least 1.");
        }

        if (!UsesTls && (CaFile is not null || ClientCertificateFile is not null))
        {
            errors.Add("Mqtt:CaFile and Mqtt:ClientCertificateFile need an mqtts:// broker URI.");
        }

        if ((ClientCertificateFile is null) != (ClientKeyFile is null))
        {
            errors.Add("Mqtt:ClientCertificateFile and Mqtt:ClientKeyFile go together.");
        }

        if (Password is not null && PasswordFile is not null)
        {
            errors.Add("Mqtt:Password and Mqtt:PasswordFile are alternatives; set one.");
        }

        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem.</summary>
    public void ThrowIfInvalid()
    {
        IReadOnlyList<string> errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors));
        }
    }

    /// <summary>The password to send, or null.</summary>
    internal string? ResolvePassword()
        => Password ?? (PasswordFile is null ? null : File.ReadLines(PasswordFile).FirstOrDefault()?.TrimEnd());

    // Records print every property; the password must never reach a log.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("BrokerUri = ").Append(BrokerUri)
            .Append(", ClientId = ").Append(ClientId)
            .Append(", UserName = ").Append(UserName)
            .Append(", Password = ").Append(Password is null ? "(none)" : "***")
            .Append(", PasswordFile = ").Append(PasswordFile)
            .Append(", SessionExpiry = ").Append(SessionExpiry)
            .Append(", SharedSubscriptionGroup = ").Append(SharedSubscriptionGroup)
            .Append(", TopicPrefix = ").Append(TopicPrefix)
            .Append(", UnitIds = ").Append(UnitIds is null ? "" : string.Join(",", UnitIds))
            .Append(", QuarantinePath = ").Append(QuarantinePath);
        return true;
    }
}
