using System.Text.Json;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Dashboard.Tests.Support;

namespace Ale.Speed.Dashboard.Tests.Api;

/// <summary><c>/api/followup</c>: <c>ale-speed followup --format json|csv</c> behind HTTP, over the registers the fixture stored through the CLI.</summary>
public sealed partial class ApiTests
{
    private static readonly string[] s_followUpPeriod = ["followup", "--from", "2026-11-02", "--to", "2026-11-23"];

    public static TheoryData<string, string[]> FollowUpQueries => new()
    {
        { "/api/followup?from=2026-11-02&to=2026-11-23", [.. s_followUpPeriod, "--format", "json"] },
        { $"/api/followup?from=2026-11-02&to=2026-11-23&days=7&control={DashboardServer.Alvangen}&min-change=2",
            [.. s_followUpPeriod, "--days", "7", "--control", DashboardServer.Alvangen, "--min-change", "2", "--format", "json"] },
        { "/api/followup?from=2026-11-02&to=2026-11-23&format=csv", [.. s_followUpPeriod, "--format", "csv"] },
    };

    public static TheoryData<string, string> FollowUpBadQueries => new()
    {
        { "/api/followup?from=2026-11-02", "to" },
        { "/api/followup?from=2026-11-02&to=2026-11-23&days=2", "days" },
        { "/api/followup?from=2026-11-02&to=2026-11-23&days=many", "days 'many'" },
        { "/api/followup?from=2026-11-02&to=2026-11-23&control=nowhere", "Unknown control site 'nowhere'" },
        { "/api/followup?from=2026-11-02&to=2026-11-23&min-change=fast", "min-change 'fast'" },
        { "/api/followup?from=2026-11-02&to=2026-11-23&format=html", "format 'html'" },
        { "/api/followup?from=2026-11-02&to=2026-11-23&site=t-nodinge", "Unknown parameter 'site'" },
    };

    [Fact]
    public async Task FollowUp_HoldsTheStoredRegistersAndTraffic_AndItsCsvHasALinePerSiteAndDisplay()
    {
        (_, string body, _) = await server.GetAsync("/api/followup?from=2026-11-02&to=2026-11-23");
        JsonElement document = JsonDocument.Parse(body).RootElement;
        JsonElement[] targets = [.. document.GetProperty("commitment").GetProperty("targets").EnumerateArray()];
        Assert.Equal((12, 1), (targets[0].GetProperty("promised").GetInt32(), targets[0].GetProperty("done").GetInt32()));
        Assert.Equal((4, 2), (targets[1].GetProperty("promised").GetInt32(), targets[1].GetProperty("done").GetInt32()));
        Assert.Equal((5, 3), (document.GetProperty("totals").GetProperty("concerns").GetInt32(), document.GetProperty("totals").GetProperty("concernsWithoutSite").GetInt32()));
        JsonElement nodinge = document.GetProperty("sites").EnumerateArray().Single(s => s.GetProperty("site").GetString() == DashboardServer.Nodinge);
        Assert.Equal((2, 35, 1), (nodinge.GetProperty("controls").GetInt32(), nodinge.GetProperty("checked").GetInt32(), nodinge.GetProperty("controlsWithoutCounts").GetInt32()));
        Assert.True(nodinge.GetProperty("measured")[0].GetProperty("vehicles").GetInt64() > 5000);
        Assert.Equal(JsonValueKind.Object, nodinge.GetProperty("effect").ValueKind);
        JsonElement alvangen = document.GetProperty("sites").EnumerateArray().Single(s => s.GetProperty("site").GetString() == DashboardServer.Alvangen);
        Assert.Equal(1, alvangen.GetProperty("concerns").GetInt32());
        Assert.Equal(JsonValueKind.Null, alvangen.GetProperty("effect").ValueKind);
        JsonElement place = document.GetProperty("placesWithoutSite")[0];
        Assert.Equal(("Vallmovägen", 2), (place.GetProperty("place").GetString(), place.GetProperty("concerns").GetInt32()));

        (int status, string csv, string? type) = await server.GetAsync("/api/followup?from=2026-11-02&to=2026-11-23&format=csv");
        Assert.Equal(200, status);
        Assert.StartsWith("text/csv", type);
        List<string[]> lines = CsvWriter.Parse(csv);
        int vehicles = Array.IndexOf(lines[0], "vehicles");
        foreach (JsonElement site in document.GetProperty("sites").EnumerateArray())
        {
            string id = site.GetProperty("site").GetString()!;
            Assert.Equal(site.GetProperty("measured").EnumerateArray().Select(m => m.GetProperty("vehicles").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)),
                lines.Skip(1).Where(l => l[0] == id).Select(l => l[vehicles]));
        }
    }
}
