using Ale.Speed.Analysis.FollowUp;
using Ale.Speed.Analysis.Time;

namespace Ale.Speed.Worker.Configuration;

/// <summary>The follow-up's settings: the commitment, sites' positions, how near a resident's report must be to a site.</summary>
public sealed partial class WorkerSettings
{
    /// <summary>The commitment being followed up; null when not configured.</summary>
    public Commitment? Commitment { get; private set; }

    /// <summary>Positions of the sites that have one (<c>Sites[].Latitude</c>/<c>Longitude</c>).</summary>
    public IReadOnlyDictionary<string, GeoPoint> SitePositions { get; private set; } = new Dictionary<string, GeoPoint>();

    /// <summary>A resident's report within this distance of a site's position is about that site.</summary>
    public double NearSiteMetres { get; private set; }

    private void ApplyFollowUp((Commitment? Commitment, Dictionary<string, GeoPoint> Positions, double NearSiteMetres) followUp)
    {
        Commitment = followUp.Commitment;
        SitePositions = followUp.Positions;
        NearSiteMetres = followUp.NearSiteMetres;
    }

    private static (Commitment?, Dictionary<string, GeoPoint>, double) ParseFollowUp(AleSpeedOptions options, List<string> e)
    {
        var positions = new Dictionary<string, GeoPoint>(StringComparer.Ordinal);
        for (int i = 0; i < options.Sites.Count; i++)
        {
            SiteOptions site = options.Sites[i];
            string key = $"{Root}:Sites[{i}]";
            if (site.Latitude is null && site.Longitude is null)
            {
                continue;
            }

            if (site.Latitude is not double lat || site.Longitude is not double lon)
            {
                e.Add($"{key} ('{site.Id}') has only one of Latitude and Longitude: give both (WGS 84 degrees) or neither.");
            }
            else if (!GeoPoint.IsValid(lat, lon))
            {
                e.Add($"{key} ('{site.Id}') Latitude {lat} / Longitude {lon} is not a position (latitude −90 to 90, longitude −180 to 180 degrees).");
            }
            else if (!string.IsNullOrWhiteSpace(site.Id))
            {
                positions[site.Id] = new GeoPoint(lat, lon);
            }
        }

        double near = options.Concerns.NearSiteMetres;
        if (!(near is >= 10 and <= 10_000))
        {
            e.Add($"{Root}:Concerns:NearSiteMetres {near} must be between 10 and 10000 metres.");
        }

        return (ParseCommitment(options.Commitment, e), positions, near);
    }

    private static Commitment? ParseCommitment(CommitmentSettings? commitment, List<string> e)
    {
        if (commitment is null)
        {
            return null;
        }

        const string Key = $"{Root}:Commitment";
        int before = e.Count;
        if (string.IsNullOrWhiteSpace(commitment.Title))
        {
            e.Add($"{Key}:Title is required (e.g. \"Medborgarlöfte Ale 2026\").");
        }

        if (!PeriodParser.TryParseTime(commitment.From, out long fromMs, out string? error))
        {
            e.Add($"{Key}:From: {error}");
        }
        else if (!PeriodParser.TryParseTime(commitment.To, out long toMs, out error))
        {
            e.Add($"{Key}:To: {error}");
        }
        else if (toMs <= fromMs)
        {
            e.Add($"{Key}:To '{commitment.To}' must come after From '{commitment.From}' (the period is [From, To)).");
        }

        if (commitment.Targets.Count == 0)
        {
            e.Add($"{Key}:Targets is empty: list what was promised, e.g. {{ \"Kind\": \"speed\", \"Count\": 12 }}.");
        }

        var targets = new List<CommitmentTarget>();
        for (int i = 0; i < commitment.Targets.Count; i++)
        {
            CommitmentTargetSettings target = commitment.Targets[i];
            string key = $"{Key}:Targets[{i}]";
            if (!FollowUpNames.TryParse(target.Kind, out ControlKind kind) || string.IsNullOrWhiteSpace(target.Kind))
            {
                e.Add($"{key}:Kind '{target.Kind}' is not one of {FollowUpNames.ControlKinds}.");
            }
            else if (targets.Any(t => t.Kind == kind))
            {
                e.Add($"{key}:Kind '{target.Kind}' is promised twice: give one target per kind.");
            }
            else if (target.Count is < 1 or > 10_000)
            {
                e.Add($"{key}:Count {target.Count} must be between 1 and 10000.");
            }
            else
            {
                targets.Add(new CommitmentTarget(kind, target.Count, string.IsNullOrWhiteSpace(target.Text) ? null : target.Text.Trim()));
            }
        }

        return e.Count > before ? null : new Commitment(commitment.Title.Trim(), PeriodParser.Parse(commitment.From, commitment.To), targets);
    }
}
