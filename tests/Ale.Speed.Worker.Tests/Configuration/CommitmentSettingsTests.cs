using Ale.Speed.Analysis.FollowUp;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Hosting;

namespace Ale.Speed.Worker.Tests.Configuration;

/// <summary><c>AleSpeed:Commitment</c>, site positions and <c>Concerns:NearSiteMetres</c>: parsed once, mistakes named by key.</summary>
public sealed class CommitmentSettingsTests
{
    private static AleSpeedOptions WithCommitment(Action<AleSpeedOptions>? adjust = null)
    {
        var options = new AleSpeedOptions
        {
            DataDirectory = "/var/lib/ale-speed",
            Sites = [new SiteOptions { Id = "nol-vag-45", SpeedLimitKmh = 70, Latitude = 57.9166, Longitude = 12.0703 }, new SiteOptions { Id = "surte", SpeedLimitKmh = 40 }],
            Units = [new UnitOptions { Id = "u-1", Site = "nol-vag-45", Transport = "manual", Format = "canonical" }],
            Influx = new InfluxSettings { Url = "http://127.0.0.1:8086", Api = "v1", Database = "ale_speed" },
            Commitment = new CommitmentSettings
            {
                Title = "Medborgarlöfte Ale 2026",
                From = "2026-01-01",
                To = "2027-01-01",
                Targets =
                [
                    new CommitmentTargetSettings { Kind = "speed", Count = 12, Text = "Minst tolv riktade hastighetskontroller" },
                    new CommitmentTargetSettings { Kind = "moped-atraktor", Count = 6 },
                ],
            },
        };
        adjust?.Invoke(options);
        return options;
    }

    [Fact]
    public void Commitment_IsParsedOnce_IntoItsTypedForm()
    {
        WorkerSettings? settings = WorkerSettings.TryCreate(WithCommitment(), "host", out List<string> errors);
        Assert.Empty(errors);
        Commitment commitment = settings!.Commitment!;
        Assert.Equal("Medborgarlöfte Ale 2026", commitment.Title);
        Assert.Equal(PeriodParser.Parse("2026-01-01", "2027-01-01"), commitment.Period);
        Assert.Equal([new CommitmentTarget(ControlKind.Speed, 12, "Minst tolv riktade hastighetskontroller"), new CommitmentTarget(ControlKind.MopedATraktor, 6, null)],
            commitment.Targets);
        Assert.Equal(new GeoPoint(57.9166, 12.0703), settings.SitePositions["nol-vag-45"]);
        Assert.False(settings.SitePositions.ContainsKey("surte"));
        Assert.Equal(300, settings.NearSiteMetres);
    }

    [Fact]
    public void NoCommitment_IsFine()
    {
        WorkerSettings? settings = WorkerSettings.TryCreate(WithCommitment(o => o.Commitment = null), "host", out List<string> errors);
        Assert.Empty(errors);
        Assert.Null(settings!.Commitment);
    }

    public static TheoryData<string, string> Mistakes => new()
    {
        { "title", "AleSpeed:Commitment:Title is required" },
        { "to-before-from", "AleSpeed:Commitment:To '2025-01-01' must come after From '2026-01-01'" },
        { "bad-from", "AleSpeed:Commitment:From: 'first of May' is not a time" },
        { "no-targets", "AleSpeed:Commitment:Targets is empty" },
        { "kind", "AleSpeed:Commitment:Targets[1]:Kind 'parking' is not one of speed, moped-atraktor" },
        { "twice", "AleSpeed:Commitment:Targets[1]:Kind 'speed' is promised twice" },
        { "count", "AleSpeed:Commitment:Targets[0]:Count 0 must be between 1 and 10000" },
        { "one-coordinate", "AleSpeed:Sites[1] ('surte') has only one of Latitude and Longitude" },
        { "bad-position", "AleSpeed:Sites[0] ('nol-vag-45') Latitude 97 / Longitude 12.0703 is not a position" },
        { "near", "AleSpeed:Concerns:NearSiteMetres 0 must be between 10 and 10000 metres" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Mistake_StopsTheStart_NamingTheKey(string mistake, string message)
    {
        AleSpeedOptions options = WithCommitment(o =>
        {
            CommitmentSettings c = o.Commitment!;
            switch (mistake)
            {
                case "title": c.Title = " "; break;
                case "to-before-from": c.To = "2025-01-01"; break;
                case "bad-from": c.From = "first of May"; break;
                case "no-targets": c.Targets.Clear(); break;
                case "kind": c.Targets[1].Kind = "parking"; break;
                case "twice": c.Targets[1].Kind = "speed"; break;
                case "count": c.Targets[0].Count = 0; break;
                case "one-coordinate": o.Sites[1].Latitude = 57.8; break;
                case "bad-position": o.Sites[0].Latitude = 97; break;
                case "near": o.Concerns.NearSiteMetres = 0; break;
            }
        });
        Assert.Null(WorkerSettings.TryCreate(options, "host", out List<string> errors));
        Assert.StartsWith(message, Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void TargetWithAnUnreadableCount_IsNamed_NotLeftOut()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ale-speed-commitment-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            { "AleSpeed": { "DataDirectory": "/tmp/x", "Sites": [ { "Id": "s", "SpeedLimitKmh": 40 } ],
              "Units": [ { "Id": "u", "Site": "s", "Transport": "manual", "Format": "canonical" } ],
              "Influx": { "Url": "http://127.0.0.1:8086", "Database": "d" },
              "Commitment": { "Title": "T", "From": "2026-01-01", "To": "2027-01-01",
                "Targets": [ { "Kind": "speed", "Count": 12 }, { "Kind": "moped-atraktor", "Count": "six" } ] } } }
            """);
        try
        {
            var errors = new StringWriter();
            Assert.Null(WorkerApp.LoadSettings(path, errors));
            Assert.Contains("AleSpeed:Commitment:Targets[1]", errors.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
