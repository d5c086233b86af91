using System.IO.Ports;
using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Sites;
using Ale.Speed.Core.Time;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Serial;

namespace Ale.Speed.Worker.Configuration;

/// <summary>Sites and units: from the configuration's text to Core's <see cref="Site"/> and <see cref="Unit"/>, once.</summary>
public sealed partial class WorkerSettings
{
    private const string Root = AleSpeedOptions.SectionName;

    private static Dictionary<string, Site> ParseSites(AleSpeedOptions options, List<string> e)
    {
        var sites = new Dictionary<string, Site>(StringComparer.Ordinal);
        for (int i = 0; i < options.Sites.Count; i++)
        {
            SiteOptions site = options.Sites[i];
            string key = $"{Root}:Sites[{i}]";
            int errorsBefore = e.Count;
            if (string.IsNullOrWhiteSpace(site.Id))
            {
                e.Add($"{key}:Id is required.");
                continue;
            }

            if (sites.ContainsKey(site.Id))
            {
                e.Add($"{key}:Id '{site.Id}' is used by two sites.");
                continue;
            }

            var periods = new List<SpeedLimitPeriod>();
            if (site.SpeedLimitKmh is int limit)
            {
                if (limit is < 5 or > 130)
                {
                    e.Add($"{key}:SpeedLimitKmh {limit} is not a plausible speed limit (5–130 km/h).");
                }

                periods.Add(new SpeedLimitPeriod(long.MinValue, limit));
            }

            for (int j = 0; j < site.SpeedLimits.Count; j++)
            {
                SpeedLimitChange change = site.SpeedLimits[j];
                string changeKey = $"{key}:SpeedLimits[{j}]";
                if (!StockholmTime.TryParse(change.From, out long fromMs, out _))
                {
                    e.Add($"{changeKey}:From '{change.From}' is not a date (ISO 8601, e.g. 2026-06-01; without an offset it is Europe/Stockholm time).");
                }
                else if (change.LimitKmh is < 5 or > 130)
                {
                    e.Add($"{changeKey}:LimitKmh {change.LimitKmh} is not a plausible speed limit (5–130 km/h).");
                }
                else
                {
                    periods.Add(new SpeedLimitPeriod(fromMs, change.LimitKmh));
                }
            }

            if (periods.Count == 0)
            {
                e.Add($"{key} ('{site.Id}') has no speed limit: set SpeedLimitKmh (or SpeedLimits).");
                continue;
            }

            if (e.Count == errorsBefore)
            {
                sites.Add(site.Id, new Site(site.Id, site.Name ?? site.Id, periods));
            }
        }

        if (options.Sites.Count == 0)
        {
            e.Add($"{Root}:Sites is empty: configure at least one site with an Id and a SpeedLimitKmh.");
        }

        return sites;
    }

    private static Dictionary<string, UnitRegistration> ParseUnits(AleSpeedOptions options, Dictionary<string, Site> sites, DetectorOptions detector, List<string> e)
    {
        var units = new Dictionary<string, UnitRegistration>(StringComparer.Ordinal);
        for (int i = 0; i < options.Units.Count; i++)
        {
            UnitOptions unit = options.Units[i];
            string key = $"{Root}:Units[{i}]";
            int before = e.Count;
            if (string.IsNullOrWhiteSpace(unit.Id))
            {
                e.Add($"{key}:Id is required.");
                continue;
            }

            if (units.ContainsKey(unit.Id))
            {
                e.Add($"{key}:Id '{unit.Id}' is used by two units.");
            }

            if (unit.Id.Contains('/', StringComparison.Ordinal) || unit.Id.Contains('+', StringComparison.Ordinal) || unit.Id.Contains('#', StringComparison.Ordinal))
            {
                e.Add($"{key}:Id '{unit.Id}' may not contain '/', '+' or '#' (it is part of MQTT topics).");
            }
            else if (unit.Id is "." or ".." || unit.Id.Contains('\\', StringComparison.Ordinal) || unit.Id.Contains('\0', StringComparison.Ordinal))
            {
                e.Add($"{key}:Id '{unit.Id}' is not usable as a directory name (import ledgers are kept per unit).");
            }

            if (!sites.TryGetValue(unit.Site ?? "", out Site? site) && options.Sites.TrueForAll(s => s.Id != unit.Site))
            {
                e.Add($"{key}:Site '{unit.Site}' is not one of the configured sites ({string.Join(", ", options.Sites.Select(s => s.Id))}).");
            }

            if (!Enum.TryParse(unit.Transport, ignoreCase: true, out Transport transport) || int.TryParse(unit.Transport, out _))
            {
                e.Add($"{key}:Transport '{unit.Transport}' is not one of mqtt, serial, stdin, file, manual.");
            }

            if (!FrameParsers.TryParseFormat(unit.Format, out FrameFormat format))
            {
                e.Add($"{key}:Format '{unit.Format}' is not a known frame format ({string.Join(", ", FrameParsers.FormatNames)}).");
            }
            else if (!FrameParsers.IsSelfContained(format))
            {
                e.Add($"{key}:Format '{unit.Format}' needs a column map and is for imports only ('ale-speed import FILE --format csv'), not a unit's live format.");
            }

            if (!FrameParsers.TryParseSpeedUnit(unit.SpeedUnit, out SpeedUnit speedUnit))
            {
                e.Add($"{key}:SpeedUnit '{unit.SpeedUnit}' is not one of {FrameParsers.SpeedUnitNames}.");
            }

            SpeedRounding rounding = SpeedRounding.Round;
            switch (unit.SpeedRounding?.ToLowerInvariant())
            {
                case "round": break;
                case "truncate": rounding = SpeedRounding.Truncate; break;
                default: e.Add($"{key}:SpeedRounding '{unit.SpeedRounding}' is not one of round, truncate."); break;
            }

            SpeedResolution resolution = SpeedResolution.DefaultFor(format, speedUnit);
            if (unit.SpeedResolutionKmh is { } step)
            {
                if (step == 0 || (step >= SpeedResolution.MinStepKmh && step <= SpeedResolution.MaxStepKmh))
                {
                    resolution = new SpeedResolution(step, rounding);
                }
                else
                {
                    e.Add($"{key}:SpeedResolutionKmh {step} is not 0 (exact) or a step from {SpeedResolution.MinStepKmh} to {SpeedResolution.MaxStepKmh} km/h.");
                }
            }
            else if (!resolution.IsExact)
            {
                resolution = new SpeedResolution(resolution.StepKmh, rounding);
            }

            DirectionSelection directions = DirectionSelection.Both;
            switch (unit.Directions?.ToLowerInvariant())
            {
                case "both": break;
                case "in": directions = DirectionSelection.ApproachingOnly; break;
                case "out": directions = DirectionSelection.RecedingOnly; break;
                default: e.Add($"{key}:Directions '{unit.Directions}' is not one of both, in, out."); break;
            }

            DisplayMode displayMode = DisplayMode.DisplayOn;
            switch (unit.DisplayMode?.ToLowerInvariant())
            {
                case "on": break;
                case "stealth" or "off": displayMode = DisplayMode.Stealth; break;
                default: e.Add($"{key}:DisplayMode '{unit.DisplayMode}' is not one of on, stealth."); break;
            }

            if (unit.MountingAngleDegrees is < 0 or >= 60 || double.IsNaN(unit.MountingAngleDegrees))
            {
                e.Add($"{key}:MountingAngleDegrees {unit.MountingAngleDegrees} is out of range (0 to below 60 degrees).");
            }

            if (!(unit.MinKmh >= 0 && unit.MinKmh < unit.MaxKmh && unit.MaxKmh <= Unit.PlausibleKmhCeiling))
            {
                e.Add($"{key}:MinKmh/MaxKmh {unit.MinKmh}–{unit.MaxKmh} is not a valid range (0 ≤ MinKmh < MaxKmh ≤ {Unit.PlausibleKmhCeiling}).");
            }

            long installedAtMs = long.MinValue;
            if (!string.IsNullOrWhiteSpace(unit.InstalledAt) && !StockholmTime.TryParse(unit.InstalledAt, out installedAtMs, out _))
            {
                e.Add($"{key}:InstalledAt '{unit.InstalledAt}' is not a date/time (ISO 8601).");
            }

            if (unit.SilentAfter <= TimeSpan.Zero)
            {
                e.Add($"{key}:SilentAfter must be positive.");
            }

            if (transport == Transport.File && string.IsNullOrWhiteSpace(unit.Path))
            {
                e.Add($"{key}:Path is required with Transport 'file'.");
            }

            SerialUnitOptions? serial = transport == Transport.Serial ? ParseSerial(unit, $"{key}:Serial", e) : null;
            DetectorOptions? unitDetector = unit.Detector is { } own ? ParseUnitDetector(own, detector, $"{key}:Detector", e) : null;

            if (e.Count == before && site is not null)
            {
                units[unit.Id] = new UnitRegistration(
                    new Unit
                    {
                        Id = unit.Id,
                        Site = site,
                        Format = format,
                        SpeedUnit = speedUnit,
                        SpeedResolution = resolution,
                        MountingAngleDegrees = unit.MountingAngleDegrees,
                        Directions = directions,
                        MinPlausibleKmh = unit.MinKmh,
                        MaxPlausibleKmh = unit.MaxKmh,
                        InstalledAtMs = installedAtMs,
                        DisplayMode = displayMode,
                        Detector = unitDetector,
                    },
                    transport,
                    unit.SilentAfter,
                    unit.Path,
                    serial);
            }
        }

        if (options.Units.Count == 0)
        {
            e.Add($"{Root}:Units is empty: configure at least one unit with an Id, Site, Transport and Format.");
        }

        if (options.Units.Count(u => string.Equals(u.Transport, "stdin", StringComparison.OrdinalIgnoreCase)) > 1)
        {
            e.Add($"{Root}:Units: only one unit can read standard input.");
        }

        return units;
    }

    /// <summary>The serial line as the serial source takes it; its own <see cref="SerialUnitOptions.Validate"/> states the limits.</summary>
    private static SerialUnitOptions? ParseSerial(UnitOptions unit, string key, List<string> e)
    {
        SerialSettings line = unit.Serial;
        if (string.IsNullOrWhiteSpace(line.Port))
        {
            e.Add($"{key}:Port is required with Transport 'serial' (e.g. /dev/ttyUSB0).");
            return null;
        }

        Parity? parity = line.Parity?.ToLowerInvariant() switch
        {
            "none" or "n" => Parity.None,
            "odd" or "o" => Parity.Odd,
            "even" or "e" => Parity.Even,
            "mark" or "m" => Parity.Mark,
            "space" or "s" => Parity.Space,
            _ => null,
        };
        StopBits? stopBits = line.StopBits?.ToLowerInvariant() switch
        {
            "one" or "1" => StopBits.One,
            "onepointfive" or "1.5" => StopBits.OnePointFive,
            "two" or "2" => StopBits.Two,
            _ => null,
        };
        if (parity is null)
        {
            e.Add($"{key}:Parity '{line.Parity}' is not one of none, odd, even, mark, space.");
        }

        if (stopBits is null)
        {
            e.Add($"{key}:StopBits '{line.StopBits}' is not one of one, onepointfive, two.");
        }

        var serial = new SerialUnitOptions
        {
            UnitId = unit.Id,
            PortPath = line.Port,
            BaudRate = line.BaudRate,
            Parity = parity ?? Parity.None,
            DataBits = line.DataBits,
            StopBits = stopBits ?? StopBits.One,
        };
        e.AddRange(serial.Validate().Select(error => $"{key}:{error}"));
        return serial;
    }
}
