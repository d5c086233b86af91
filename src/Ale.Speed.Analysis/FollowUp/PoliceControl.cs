using Ale.Speed.Analysis.Time;

namespace Ale.Speed.Analysis.FollowUp;

/// <summary>What a police control was aimed at (the commitment's targets count them by kind).</summary>
public enum ControlKind : byte
{
    /// <summary>A speed control.</summary>
    Speed = 0,

    /// <summary>An effort against disturbing moped and A-traktor driving.</summary>
    MopedATraktor = 1,
}

/// <summary>A police control at a site: when, and what it found. Counts are null when not reported (unknown, not zero).</summary>
/// <param name="Id">Stable id, given when the control is added; never reused.</param>
/// <param name="FromMs">Start (Unix ms); the control belongs to the period its start lies in.</param>
/// <param name="ToMs">End (Unix ms), after the start.</param>
/// <param name="Checked">Vehicles checked.</param>
/// <param name="Reported">Drivers reported (rapporterade).</param>
/// <param name="Licences">Licences withdrawn on the spot (körkortsingripanden).</param>
public sealed record PoliceControl(string Id, string SiteId, long FromMs, long ToMs, ControlKind Kind, int? Checked, int? Reported, int? Licences, string? Note)
{
    /// <summary>Length in hours.</summary>
    public double Hours => (ToMs - FromMs) / 3_600_000.0;
}

/// <summary>The kind of a resident's report.</summary>
public enum ConcernKind : byte
{
    Speeding = 0,
    Moped = 1,
    ATraktor = 2,
}

/// <summary>A place and a position on the map (WGS 84 degrees).</summary>
public readonly record struct GeoPoint(double Latitude, double Longitude)
{
    private const double EarthRadiusMetres = 6_371_000;

    public static bool IsValid(double latitude, double longitude)
        => double.IsFinite(latitude) && double.IsFinite(longitude) && latitude is >= -90 and <= 90 && longitude is >= -180 and <= 180;

    /// <summary>Great-circle (haversine) distance in metres.</summary>
    public double DistanceMetres(GeoPoint other)
    {
        double dLat = double.DegreesToRadians(other.Latitude - Latitude);
        double dLon = double.DegreesToRadians(other.Longitude - Longitude);
        double a = Math.Pow(Math.Sin(dLat / 2), 2)
            + Math.Cos(double.DegreesToRadians(Latitude)) * Math.Cos(double.DegreesToRadians(other.Latitude)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * EarthRadiusMetres * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}

/// <summary>A resident's report of a problem place (medborgardialog, trygghetsundersökning, a message to the municipality).</summary>
/// <param name="Id">Stable id: random for <c>concerns add</c>, derived from the row's content for an import (importing a file twice stores each report once).</param>
/// <param name="ReceivedMs">When it was received (a date is its local midnight).</param>
/// <param name="SiteId">The site it was given for, or null (then it is linked by position, if it has one).</param>
/// <param name="Position">Where the place is, when known.</param>
/// <param name="Source">Where it came from: <c>cli</c> or <c>import:FILE</c>.</param>
public sealed record ResidentConcern(string Id, long ReceivedMs, string Place, ConcernKind Kind, string? SiteId, GeoPoint? Position, string Source);

/// <summary>The kind names the commands and the stored points use.</summary>
public static class FollowUpNames
{
    public const string ControlKinds = "speed, moped-atraktor";
    public const string ConcernKinds = "speeding, moped, atraktor";

    public static string Name(ControlKind kind) => kind == ControlKind.MopedATraktor ? "moped-atraktor" : "speed";

    public static bool TryParse(string? text, out ControlKind kind)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "speed" or null or "":
                kind = ControlKind.Speed;
                return true;
            case "moped-atraktor":
                kind = ControlKind.MopedATraktor;
                return true;
            default:
                kind = default;
                return false;
        }
    }

    public static string Name(ConcernKind kind) => kind switch
    {
        ConcernKind.Moped => "moped",
        ConcernKind.ATraktor => "atraktor",
        _ => "speeding",
    };

    /// <summary>The English names, and the Swedish words a survey tool is likely to export (fortkörning, moped, a-traktor, epa).</summary>
    public static bool TryParse(string? text, out ConcernKind kind)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "speeding" or "fortkörning" or "hastighet" or null or "":
                kind = ConcernKind.Speeding;
                return true;
            case "moped" or "mopeder":
                kind = ConcernKind.Moped;
                return true;
            case "atraktor" or "a-traktor" or "a-traktorer" or "epa" or "epa-traktor":
                kind = ConcernKind.ATraktor;
                return true;
            default:
                kind = default;
                return false;
        }
    }

    /// <summary>Swedish words for the printed follow-up.</summary>
    public static string Swedish(ControlKind kind) => kind == ControlKind.MopedATraktor ? "insatser mot mopeder och A-traktorer" : "hastighetskontroller";

    public static string Swedish(ConcernKind kind) => kind switch
    {
        ConcernKind.Moped => "mopeder",
        ConcernKind.ATraktor => "A-traktorer",
        _ => "fortkörning",
    };

    /// <summary>Whether <paramref name="period"/> holds the start of <paramref name="control"/>.</summary>
    internal static bool StartsIn(this Period period, PoliceControl control) => period.Contains(control.FromMs);
}
