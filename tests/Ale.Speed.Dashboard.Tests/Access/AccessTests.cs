using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Core.Sites;
using Ale.Speed.Dashboard.Tests.Support;
using Ale.Speed.Influx.Bins;
using Microsoft.AspNetCore.Builder;

namespace Ale.Speed.Dashboard.Tests.Access;

/// <summary>
/// Access control of the real dashboard (in process, on a loopback port, against the real InfluxDB): a login when one
/// is required, the reverse-proxy header only from a trusted address, login attempts rate-limited, HTTPS from the
/// configured certificate, and the security headers.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class AccessTests(DashboardServer server)
{
    private const string Password = "a long passphrase for the planner";
    private const string Page = "/?from=2026-11-02&to=2026-11-23";
    private const string TokenField = "__RequestVerificationToken";

    [Fact]
    public async Task LoginRequired_WithoutSignIn_PagesRedirectToLoginAndTheApiSays401()
    {
        await using WebApplication app = await StartAsync(Options());
        using HttpClient client = Client(app, out _);
        using HttpResponseMessage page = await client.GetAsync(Page);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login?returnUrl=", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using HttpResponseMessage api = await client.GetAsync("/api/report?from=2026-11-02&to=2026-11-23");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        using HttpResponseMessage login = await client.GetAsync("/login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        using HttpResponseMessage css = await client.GetAsync("/assets/dashboard.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
    }

    [Fact]
    public async Task Login_RightPassword_SignsInAndReturnsToThePage_WrongPasswordDoesNot()
    {
        await using WebApplication app = await StartAsync(Options());
        using HttpClient client = Client(app, out _);
        using HttpResponseMessage wrong = await client.PostAsync("/login", await FormAsync(client, "planner", Password + "!", Page));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("Fel namn eller lösenord", WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        using HttpResponseMessage unknown = await client.PostAsync("/login", await FormAsync(client, "nobody", Password, Page));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);

        using HttpResponseMessage right = await client.PostAsync("/login", await FormAsync(client, "planner", Password, Page));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal(Page, right.Headers.Location!.OriginalString);
        string cookie = right.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        using HttpResponseMessage page = await client.GetAsync(Page);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using HttpResponseMessage api = await client.GetAsync("/api/report?from=2026-11-02&to=2026-11-23");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task Login_RightPasswordWithoutTheFormsToken_Is400AndSignsNobodyIn()
    {
        await using WebApplication app = await StartAsync(Options());
        using HttpClient client = Client(app, out CookieContainer cookies);
        // What another site's page could make a browser post: the right fields, no token from this site's form.
        using HttpResponseMessage forged = await client.PostAsync("/login", new FormUrlEncodedContent([new("name", "planner"), new("password", Password), new("returnUrl", "/")]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("logga in igen", WebUtility.HtmlDecode(await forged.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.DoesNotContain(cookies.GetAllCookies(), c => c.Name == "ale-speed-dashboard");
        using HttpResponseMessage page = await client.GetAsync(Page);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }

    [Fact]
    public async Task Login_WithATokenFromAnotherBrowsersForm_Is400()
    {
        await using WebApplication app = await StartAsync(Options());
        using HttpClient attacker = Client(app, out _);
        using HttpClient victim = Client(app, out CookieContainer cookies);
        // The victim's browser has a form cookie of its own; the token is the one the attacker's form was given.
        await victim.GetStringAsync("/login");
        string token = Token(await attacker.GetStringAsync("/login"));
        using HttpResponseMessage forged = await victim.PostAsync("/login", new FormUrlEncodedContent([new("name", "planner"), new("password", Password), new("returnUrl", "/"), new(TokenField, token)]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.DoesNotContain(cookies.GetAllCookies(), c => c.Name == "ale-speed-dashboard");
    }

    [Fact]
    public async Task Login_ReturnUrlToAnotherHost_GoesToTheOverviewInstead()
    {
        await using WebApplication app = await StartAsync(Options());
        using HttpClient client = Client(app, out _);
        using HttpResponseMessage right = await client.PostAsync("/login", await FormAsync(client, "planner", Password, "//evil.example/x"));
        Assert.Equal("/", right.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Login_MoreAttemptsThanAllowedInAMinute_Are429()
    {
        DashboardOptions options = Options();
        options.LoginAttemptsPerMinute = 3;
        await using WebApplication app = await StartAsync(options);
        using HttpClient client = Client(app, out _);
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 5; i++)
        {
            using HttpResponseMessage response = await client.PostAsync("/login", await FormAsync(client, "planner", "guess " + i, "/"));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        // Even the right password is refused until the window passes: guessing cannot go faster than the limit.
        using HttpResponseMessage right = await client.PostAsync("/login", await FormAsync(client, "planner", Password, "/"));
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
    }

    [Fact]
    public async Task ProxyHeader_FromATrustedProxy_SignsIn_FromAnyOtherAddress_DoesNot()
    {
        DashboardOptions trusted = Options();
        trusted.TrustedUserHeader = "X-Remote-User";
        trusted.TrustedProxies = ["127.0.0.1"];
        await using (WebApplication app = await StartAsync(trusted))
        {
            using HttpClient client = Client(app, out _);
            using var request = new HttpRequestMessage(HttpMethod.Get, Page) { Headers = { { "X-Remote-User", "police-1" } } };
            using HttpResponseMessage response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        DashboardOptions untrusted = Options();
        untrusted.TrustedUserHeader = "X-Remote-User";
        untrusted.TrustedProxies = ["10.1.2.3"];
        await using (WebApplication app = await StartAsync(untrusted))
        {
            using HttpClient client = Client(app, out _);
            using var request = new HttpRequestMessage(HttpMethod.Get, Page) { Headers = { { "X-Remote-User", "police-1" } } };
            using HttpResponseMessage response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }
    }

    [Fact]
    public async Task Https_FromTheConfiguredCertificate_ServesWithHsts()
    {
        string directory = Path.Combine(server.Directory, "tls-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch.AddYears(50), DateTimeOffset.UnixEpoch.AddYears(90));
        string certPath = Path.Combine(directory, "dashboard.crt");
        string keyPath = Path.Combine(directory, "dashboard.key");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());

        var options = new DashboardOptions { Url = "https://127.0.0.1:0", CertificatePath = certPath, CertificateKeyPath = keyPath };
        await using WebApplication app = await StartAsync(options);
        Uri url = DashboardApp.BoundUrl(app);
        Assert.Equal("https", url.Scheme);
        string? thumbprint = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                thumbprint = cert?.Thumbprint;
                return true;
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = url };
        using HttpResponseMessage response = await client.GetAsync(Page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(certificate.Thumbprint, thumbprint);
        Assert.Contains("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    private static DashboardOptions Options() => new()
    {
        Url = "http://127.0.0.1:0",
        RequireLogin = true,
        Users = [new DashboardUser { Name = "planner", PasswordHash = PasswordHashes.Hash(Password) }],
    };

    private async Task<WebApplication> StartAsync(DashboardOptions options)
    {
        var sites = new[] { new Site(DashboardServer.Nodinge, "Ale torg, Nödinge", 40), new Site(DashboardServer.Alvangen, "Göteborgsvägen, Älvängen", 50), new Site(DashboardServer.Skepplanda, "Byvägen, Skepplanda", 70) };
        var catalog = new SiteCatalog(sites, []);
        var data = new DashboardData(catalog, new BinReader(server.Influx.QueryClient()), Core.Statistics.StatisticsOptions.Default, new Dictionary<string, SiteLocation>(), TimeProvider.System);
        WebApplication app = DashboardApp.Build(data, options);
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(WebApplication app, out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies };
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = DashboardApp.BoundUrl(app) };
    }

    /// <summary>The login form as a browser sends it: with the antiforgery token of the form it was given (and its cookie).</summary>
    private static async Task<FormUrlEncodedContent> FormAsync(HttpClient client, string name, string password, string returnUrl)
    {
        string form = await client.GetStringAsync("/login");
        return new([new("name", name), new("password", password), new("returnUrl", returnUrl), new(TokenField, Token(form))]);
    }

    private static string Token(string loginPage)
    {
        Match token = Regex.Match(loginPage, $"name=\"{TokenField}\" value=\"([^\"]+)\"");
        Assert.True(token.Success, "the login form carries no antiforgery token");
        return WebUtility.HtmlDecode(token.Groups[1].Value);
    }
}
