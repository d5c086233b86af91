using Ale.Speed.Dashboard.Tests.Support;

namespace Ale.Speed.Dashboard.Tests.Api;

/// <summary><c>ale-speed serve</c> refuses to start on options it cannot serve safely, naming the key.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ServeCommandTests(DashboardServer server)
{
    public static TheoryData<string, Dictionary<string, object>?, string> Refused => new()
    {
        { "ftp://127.0.0.1:8080", null, "AleSpeed:Dashboard:Url 'ftp://127.0.0.1:8080'" },
        { "http://0.0.0.0:0", null, "needs a login" },
        { "https://127.0.0.1:0", null, "AleSpeed:Dashboard:CertificatePath is required" },
        { "http://0.0.0.0:0", new() { ["Users"] = new[] { new { Name = "planner", PasswordHash = "hunter2" } } }, "AleSpeed:Dashboard:Users[0]:PasswordHash" },
        { "http://0.0.0.0:0", new() { ["TrustedUserHeader"] = "X-Remote-User" }, "AleSpeed:Dashboard:TrustedProxies is required" },
        { "http://127.0.0.1:0", new() { ["CacheSeconds"] = 86400 }, "AleSpeed:Dashboard:CacheSeconds must be between 0 (answers are not kept) and 3600" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Serve_OptionsItCannotServeSafely_ExitsWithTheKeyNamed(string url, Dictionary<string, object>? dashboard, string expected)
    {
        string path = Path.Combine(server.Directory, $"refused-{Guid.NewGuid():N}.json");
        server.WriteConfig(path, url, dashboard);
        (int exit, string output, string errors) = await DashboardServer.RunAsync(["serve", "--config", path]);
        Assert.Equal(2, exit);
        Assert.Contains(expected, errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Dashboard:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_Check_AnswersTheOverviewAndTheFollowUpAndExits()
    {
        (int exit, string output, string errors) = await DashboardServer.RunAsync(["serve", "--check", "--config", server.ConfigPath]);
        Assert.True(exit == 0, output + errors);
        Assert.Matches(@"Dashboard: http://127\.0\.0\.1:\d+/", output);
        Assert.Matches(@"GET http://127\.0\.0\.1:\d+/ → 200", output);
        Assert.Matches(@"GET http://127\.0\.0\.1:\d+/followup → 200", output);
    }

    [Fact]
    public async Task HashPassword_PrintsAHashThatVerifiesTheGivenPasswordOnly()
    {
        (int exit, string output, _) = await DashboardServer.RunAsync(["hash-password"], "correct horse battery staple");
        Assert.Equal(0, exit);
        string hash = output.Trim();
        Assert.DoesNotContain("horse", hash, StringComparison.Ordinal);
        Assert.True(PasswordHashes.Verify(hash, "correct horse battery staple"));
        Assert.False(PasswordHashes.Verify(hash, "correct horse battery stapler"));
    }
}
