using System.Net;

namespace Ale.Speed.Dashboard;

/// <summary>The <c>AleSpeed:Dashboard</c> configuration section (docs/configuration.md, docs/dashboard.md).</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "AleSpeed:Dashboard";

    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>Where Kestrel listens: <c>http://</c> or <c>https://</c>, a host and a port (0 = any free port).</summary>
    public string Url { get; set; } = DefaultUrl;

    /// <summary>For an <c>https://</c> URL: the certificate (PFX/PKCS#12, or PEM with <see cref="CertificateKeyPath"/>).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/> (leave empty for a PFX).</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>The PFX's password (better from the environment: <c>AleSpeed__Dashboard__CertificatePassword</c>).</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Users who may log in when the dashboard listens beyond loopback; passwords stored hashed (<c>ale-speed hash-password</c>).</summary>
    public List<DashboardUser> Users { get; set; } = [];

    /// <summary>
    /// Behind a reverse proxy that authenticates: the request header naming the signed-in user (e.g. <c>X-Remote-User</c>).
    /// Only honoured from <see cref="TrustedProxies"/>.
    /// </summary>
    public string? TrustedUserHeader { get; set; }

    /// <summary>Addresses of the reverse proxies whose <see cref="TrustedUserHeader"/> is believed.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Failed and successful login attempts allowed per client address per minute.</summary>
    public int LoginAttemptsPerMinute { get; set; } = 5;

    /// <summary>The period a page shows when the URL names none: this many days up to today (local midnight).</summary>
    public int DefaultDays { get; set; } = 28;

    /// <summary>
    /// How long (seconds) an answer read from InfluxDB is served as it is by the pages and the API (0 = never keep; at
    /// most 3600); up to <see cref="Caching.AnswerCache.StaleFactor"/> times this it is served while one background read
    /// replaces it. Pages say when their figures were read. 60 s: a figure a minute old is fine for planning, and a year
    /// of 50 sites is read from InfluxDB at most about once a minute however many people look.
    /// </summary>
    public int CacheSeconds { get; set; } = DefaultCacheSeconds;

    public const int DefaultCacheSeconds = 60;

    /// <summary>Problems, each naming its key; empty when the options can be served.</summary>
    public List<string> Validate()
    {
        var problems = new List<string>();
        const string Key = SectionName;
        if (!Uri.TryCreate(Url, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            || url.AbsolutePath != "/" || !string.IsNullOrEmpty(url.Query))
        {
            problems.Add($"{Key}:Url '{Url}' is not an http:// or https:// address with a host and a port (e.g. {DefaultUrl}).");
            return problems;
        }

        if (url.Scheme == Uri.UriSchemeHttps && string.IsNullOrWhiteSpace(CertificatePath))
        {
            problems.Add($"{Key}:CertificatePath is required for an https:// Url.");
        }
        else if (!string.IsNullOrWhiteSpace(CertificatePath) && !File.Exists(CertificatePath))
        {
            problems.Add($"{Key}:CertificatePath '{CertificatePath}' does not exist.");
        }

        if (!string.IsNullOrWhiteSpace(CertificateKeyPath) && !File.Exists(CertificateKeyPath))
        {
            problems.Add($"{Key}:CertificateKeyPath '{CertificateKeyPath}' does not exist.");
        }

        if (RequiresLogin && Users.Count == 0 && string.IsNullOrWhiteSpace(TrustedUserHeader))
        {
            problems.Add($"{Key}:Url '{Url}' needs a login (it listens beyond loopback, or RequireLogin is set): configure {Key}:Users (hashed passwords) or {Key}:TrustedUserHeader (an authenticating reverse proxy), so that a login is required.");
        }

        for (int i = 0; i < Users.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Users[i].Name))
            {
                problems.Add($"{Key}:Users[{i}]:Name is required.");
            }

            if (!PasswordHashes.IsHash(Users[i].PasswordHash))
            {
                problems.Add($"{Key}:Users[{i}]:PasswordHash is not a password hash (make one with `ale-speed hash-password`); plain passwords are not accepted.");
            }
        }

        if (Users.GroupBy(u => u.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            problems.Add($"{Key}:Users: '{twice.Key}' appears twice.");
        }

        if (!string.IsNullOrWhiteSpace(TrustedUserHeader) && TrustedProxies.Count == 0)
        {
            problems.Add($"{Key}:TrustedProxies is required with {Key}:TrustedUserHeader: the header is believed only from these addresses.");
        }

        for (int i = 0; i < TrustedProxies.Count; i++)
        {
            if (!IPAddress.TryParse(TrustedProxies[i], out _))
            {
                problems.Add($"{Key}:TrustedProxies[{i}] '{TrustedProxies[i]}' is not an IP address.");
            }
        }

        if (LoginAttemptsPerMinute is < 1 or > 1000)
        {
            problems.Add($"{Key}:LoginAttemptsPerMinute must be between 1 and 1000.");
        }

        if (DefaultDays is < 1 or > 366)
        {
            problems.Add($"{Key}:DefaultDays must be between 1 and 366.");
        }

        if (CacheSeconds is < 0 or > 3600)
        {
            problems.Add($"{Key}:CacheSeconds must be between 0 (answers are not kept) and 3600.");
        }

        return problems;
    }

    /// <summary>True when the URL's host is a loopback address or <c>localhost</c>.</summary>
    public static bool IsLoopback(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address));
    }

    /// <summary>Require a login even on loopback (e.g. on a shared machine). Beyond loopback it is always required.</summary>
    public bool RequireLogin { get; set; }

    /// <summary>True when a login is required: beyond loopback, or <see cref="RequireLogin"/>.</summary>
    public bool RequiresLogin => RequireLogin || (Uri.TryCreate(Url, UriKind.Absolute, out Uri? url) && !IsLoopback(url));
}

/// <summary>A user who may log in.</summary>
public sealed class DashboardUser
{
    public string Name { get; set; } = "";

    /// <summary>ASP.NET Core Identity's PBKDF2 hash format (v3: HMAC-SHA512, 100,000 iterations), base64.</summary>
    public string PasswordHash { get; set; } = "";
}
