namespace Ale.Speed.Dashboard.Tests.Support;

/// <summary>
/// The follow-up's registers in the dashboard's InfluxDB, stored as a user would: through <c>ale-speed controls add</c>
/// and <c>ale-speed concerns import</c> (the commitment is in the configuration, <see cref="Commitment"/>).
/// </summary>
internal static class FollowUpRegisters
{
    /// <summary>AleSpeed:Commitment of the test configuration: its period is wider than the traffic's three weeks.</summary>
    public static object Commitment { get; } = new
    {
        Title = "Medborgarlöfte Ale 2026",
        From = "2026-01-01",
        To = "2027-01-01",
        Targets = new object[]
        {
            new { Kind = "speed", Count = 12, Text = "Minst tolv riktade hastighetskontroller" },
            new { Kind = "moped-atraktor", Count = 4 },
        },
    };

    /// <summary>Residents' reports from a survey tool: one naming a site, one near a site, three at places without a sign.</summary>
    public const string SurveyCsv = """
        place,received,kind,site,latitude,longitude
        Ale torg,2026-11-03,speeding,t-nodinge,,
        "Göteborgsvägen, vid skolan",2026-11-04,speeding,,57.9589,12.1180
        Vallmovägen,2026-11-05,moped,,57.9000,12.0300
        vallmovägen ,2026-11-06,atraktor,,,
        Kyrkbacken,2026-11-07,speeding,,,
        """;

    public static async Task StoreAsync(DashboardServer server)
    {
        string[][] controls =
        [
            ["--site", DashboardServer.Nodinge, "--from", "2026-11-16T19:00", "--to", "2026-11-16T21:00", "--checked", "35", "--reported", "6", "--licences", "1"],
            ["--site", DashboardServer.Nodinge, "--from", "2026-11-18T18:00", "--to", "2026-11-18T20:30", "--kind", "moped-atraktor", "--note", "Kväll vid Ale torg"],
            ["--site", DashboardServer.Skepplanda, "--from", "2026-11-12T19:00", "--to", "2026-11-12T21:00", "--kind", "moped-atraktor", "--checked", "12", "--reported", "2"],
        ];
        foreach (string[] control in controls)
        {
            (int exit, _, string errors) = await server.CliAsync(["controls", "add", .. control]);
            if (exit != 0)
            {
                throw new InvalidOperationException("controls add failed: " + errors);
            }
        }

        string survey = Path.Combine(server.Directory, "survey.csv");
        await File.WriteAllTextAsync(survey, SurveyCsv);
        (int importExit, string output, string importErrors) = await server.CliAsync("concerns", "import", survey);
        if (importExit != 0 || !output.Contains("5 reports stored", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"concerns import failed ({importExit}): {output} {importErrors}");
        }
    }
}
