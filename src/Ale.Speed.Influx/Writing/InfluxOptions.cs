using System.Text;
using Ale.Speed.Influx.LineProtocol;

namespace Ale.Speed.Influx.Writing;

/// <summary>
/// Where and how to write (and read back). Secrets (<see cref="Token"/>, <see cref="Password"/>) never appear in
/// <see cref="ToString"/>, logs or exception messages.
/// </summary>
public sealed record InfluxOptions
{
    /// <summary>Base address of the server, e.g. <c>http://127.0.0.1:8086/</c>.</summary>
    public Uri? Url { get; init; }

    public InfluxApi Api { get; init; } = InfluxApi.V1;

    /// <summary>1.x database (v1 API; also the default v2 bucket as <c>database/retention-policy</c>, as 1.8 maps it).</summary>
    public string? Database { get; init; }

    /// <summary>1.x retention policy; the database's default when empty.</summary>
    public string? RetentionPolicy { get; init; }

    /// <summary>
    /// 1.x retention policy for the hour and day rollups, so that windows can expire sooner (docs/configuration.md);
    /// <see cref="RetentionPolicy"/> when empty. Reads name it in their queries.
    /// </summary>
    public string? RollupRetentionPolicy { get; init; }

    /// <summary>2.x/3.x bucket for the hour and day rollups (v2 API); <see cref="Bucket"/> when empty.</summary>
    public string? RollupBucket { get; init; }

    /// <summary>2.x/3.x organisation (v2 API; ignored by 1.8).</summary>
    public string? Organization { get; init; }

    /// <summary>2.x/3.x bucket (v2 API); <see cref="Database"/>[/<see cref="RetentionPolicy"/>] when empty.</summary>
    public string? Bucket { get; init; }

    /// <summary>API token, sent as <c>Authorization: Token …</c> (either API). Secret.</summary>
    public string? Token { get; init; }

    /// <summary>1.x user, sent with <see cref="Password"/> as HTTP basic auth when no <see cref="Token"/> is set.</summary>
    public string? UserName { get; init; }

    /// <summary>Secret.</summary>
    public string? Password { get; init; }

    /// <summary>Precision of the batches <c>InfluxWriter.CreateBatch</c> makes. Seconds: bins are named by the
    /// start of their window, a whole second, and coarser timestamps are shorter and compress better.</summary>
    public TimestampPrecision Precision { get; init; } = TimestampPrecision.Seconds;

    /// <summary>Compress request bodies (<c>Content-Encoding: gzip</c>); line protocol shrinks about tenfold.</summary>
    public bool Gzip { get; init; } = true;

    /// <summary>Most lines in one request; a larger batch is sent in several requests (InfluxDB recommends 5,000).</summary>
    public int BatchSize { get; init; } = 5000;

    /// <summary>Time allowed for one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for one request with all its retries; then the write fails (the caller keeps the data).</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Retries after the first attempt, for network errors, timeouts, 408, 429 and 5xx.</summary>
    public int MaxRetryAttempts { get; init; } = 5;

    /// <summary>First retry delay; it grows exponentially, with jitter.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts. A <c>Retry-After</c> longer than this ends the retries at once
    /// (the write fails as throttled and the caller tries later).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Share of failed attempts within <see cref="CircuitBreakerSamplingDuration"/> that opens the circuit.</summary>
    public double CircuitBreakerFailureRatio { get; init; } = 0.5;

    /// <summary>Attempts needed within the sampling duration before the circuit may open.</summary>
    public int CircuitBreakerMinimumThroughput { get; init; } = 10;

    public TimeSpan CircuitBreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an open circuit refuses writes before one attempt is let through (half-open).</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>File that lines the server refuses for good (400, 422, a single line over the size limit) are
    /// appended to, one JSON object a line. When empty such lines are only logged.</summary>
    public string? QuarantinePath { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming every option that is wrong.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (Url is null || !Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{nameof(Url)} must be an absolute http or https address.");
        }
        else if (!string.IsNullOrEmpty(Url.UserInfo))
        {
            errors.Add($"{nameof(Url)} must not carry credentials; use {nameof(UserName)}/{nameof(Password)} or {nameof(Token)}.");
        }

        if (!Enum.IsDefined(Api))
        {
            errors.Add($"{nameof(Api)} must be V1 or V2.");
        }
        else if (Api == InfluxApi.V1 && string.IsNullOrWhiteSpace(Database))
        {
            errors.Add($"{nameof(Database)} is required with the v1 API.");
        }
        else if (Api == InfluxApi.V2 && string.IsNullOrWhiteSpace(Bucket) && string.IsNullOrWhiteSpace(Database))
        {
            errors.Add($"{nameof(Bucket)} (or {nameof(Database)}) is required with the v2 API.");
        }

        if (!Enum.IsDefined(Precision))
        {
            errors.Add($"{nameof(Precision)} is not a known precision.");
        }

        if (Password is not null && UserName is null)
        {
            errors.Add($"{nameof(Password)} is set without {nameof(UserName)}.");
        }

        if (BatchSize < 1)
        {
            errors.Add($"{nameof(BatchSize)} must be at least 1.");
        }

        if (MaxRetryAttempts < 0)
        {
            errors.Add($"{nameof(MaxRetryAttempts)} cannot be negative.");
        }

        CheckPositive(AttemptTimeout, nameof(AttemptTimeout));
        CheckPositive(TotalTimeout, nameof(TotalTimeout));
        CheckPositive(RetryDelay, nameof(RetryDelay));
        CheckPositive(MaxRetryDelay, nameof(MaxRetryDelay));
        CheckPositive(CircuitBreakerSamplingDuration, nameof(CircuitBreakerSamplingDuration));
        CheckPositive(CircuitBreakerBreakDuration, nameof(CircuitBreakerBreakDuration));
        if (!(CircuitBreakerFailureRatio > 0 && CircuitBreakerFailureRatio <= 1))
        {
            errors.Add($"{nameof(CircuitBreakerFailureRatio)} must be greater than 0 and at most 1.");
        }

        if (CircuitBreakerMinimumThroughput < 2)
        {
            errors.Add($"{nameof(CircuitBreakerMinimumThroughput)} must be at least 2.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid InfluxDB options: " + string.Join(" ", errors));
        }

        void CheckPositive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{name} must be positive.");
            }
        }
    }

    /// <summary>The options that write the hour and day rollups: their own retention policy or bucket, when set.</summary>
    public InfluxOptions ForRollups() => this with
    {
        RetentionPolicy = string.IsNullOrWhiteSpace(RollupRetentionPolicy) ? RetentionPolicy : RollupRetentionPolicy,
        Bucket = string.IsNullOrWhiteSpace(RollupBucket) ? Bucket : RollupBucket,
    };

    /// <summary>The v2 bucket: <see cref="Bucket"/>, else database[/retention policy] (InfluxDB 1.8's mapping).</summary>
    internal string EffectiveBucket => !string.IsNullOrWhiteSpace(Bucket)
        ? Bucket
        : string.IsNullOrWhiteSpace(RetentionPolicy) ? Database ?? "" : $"{Database}/{RetentionPolicy}";

    // Records print every property; secrets must not reach a log through ToString.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Url = {Url}, Api = {Api}, Database = {Database}, RetentionPolicy = {RetentionPolicy}, ");
        builder.Append($"RollupRetentionPolicy = {RollupRetentionPolicy}, RollupBucket = {RollupBucket}, ");
        builder.Append($"Organization = {Organization}, Bucket = {Bucket}, ");
        builder.Append($"Token = {Redact(Token)}, UserName = {UserName}, Password = {Redact(Password)}, ");
        builder.Append($"Precision = {Precision}, Gzip = {Gzip}, BatchSize = {BatchSize}, ");
        builder.Append($"AttemptTimeout = {AttemptTimeout}, TotalTimeout = {TotalTimeout}, MaxRetryAttempts = {MaxRetryAttempts}, ");
        builder.Append($"RetryDelay = {RetryDelay}, MaxRetryDelay = {MaxRetryDelay}, ");
        builder.Append($"CircuitBreakerFailureRatio = {CircuitBreakerFailureRatio}, CircuitBreakerMinimumThroughput = {CircuitBreakerMinimumThroughput}, ");
        builder.Append($"CircuitBreakerSamplingDuration = {CircuitBreakerSamplingDuration}, CircuitBreakerBreakDuration = {CircuitBreakerBreakDuration}, ");
        builder.Append($"QuarantinePath = {QuarantinePath}");
        return true;

        static string? Redact(string? secret) => secret is null ? null : "***";
    }
}
