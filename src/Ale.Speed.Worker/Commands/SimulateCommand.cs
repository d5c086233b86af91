using Ale.Speed.Core.Frames;
using Ale.Speed.Core.Sites;
using Ale.Speed.Devices.Simulation;
using Ale.Speed.Worker.Configuration;

namespace Ale.Speed.Worker.Commands;

/// <summary>
/// <c>ale-speed simulate</c> into files: realistic traffic for each configured unit with Transport <c>file</c>, in the
/// unit's format, written to the unit's Path — what the demo's worker then reads — and, for a unit with Transport
/// <c>manual</c> and a Path, its read-out there (for <c>ale-speed import</c>). Deterministic for a seed.
/// </summary>
internal static class SimulateCommand
{
    public static int WriteFiles(WorkerSettings settings, DateTimeOffset start, TimeSpan duration, ulong seed, TextWriter output)
    {
        int units = 0;
        foreach (UnitRegistration unit in settings.Units.Where(u => u.Transport == Transport.File || (u.Transport == Transport.Manual && u.Path is not null)).OrderBy(u => u.Unit.Id, StringComparer.Ordinal))
        {
            Site site = unit.Unit.Site;
            int limit = site.LimitAt(start.ToUnixTimeMilliseconds());
            var profile = new SiteProfile(site.Id, RoadTypeFor(limit), limit);
            ulong unitSeed = DeterministicSeed(seed, unit.Unit.Id);
            var simulator = new TrafficSimulator(profile, unitSeed);
            FrameEncoder encoder = FrameEncoder.Create(unit.Unit.Format, new FrameEncoderOptions { SpeedUnit = unit.Unit.SpeedUnit, Seed = unitSeed });
            string path = unit.Path!;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            long vehicles = 0;
            using (FileStream file = File.Create(path))
            {
                foreach (FrameChunk chunk in encoder.Encode(Count(simulator.Simulate(start, duration), () => vehicles++)))
                {
                    file.Write(chunk.Bytes.Span);
                }
            }

            output.WriteLine($"{unit.Unit.Id}: {vehicles:N0} simulated vehicles at {site.Id} ({profile.RoadType}, {limit} km/h) → {path} ({FrameParsers.NameOf(unit.Unit.Format)})");
            units++;
        }

        if (units == 0)
        {
            output.WriteLine("No unit with Transport 'file' (or 'manual' with a Path) to simulate into.");
            return 1;
        }

        return 0;
    }

    /// <summary>
    /// Publishes simulated traffic for every unit with Transport <c>mqtt</c> to the configured broker: canonical records to
    /// <c>…/vehicle</c>, or with <paramref name="raw"/> the unit's native frames to <c>…/raw</c>. Awaits every PUBACK.
    /// </summary>
    public static async Task<int> PublishMqttAsync(WorkerSettings settings, DateTimeOffset start, TimeSpan duration, ulong seed, bool raw,
        int linesPerMessage, SimulationPacing pacing, TextWriter output, CancellationToken cancellationToken)
    {
        List<UnitRegistration> units = [.. settings.Units.Where(u => u.Transport == Transport.Mqtt).OrderBy(u => u.Unit.Id, StringComparer.Ordinal)];
        if (units.Count == 0 || settings.Mqtt is not { } mqtt)
        {
            output.WriteLine("No unit with Transport 'mqtt' to simulate.");
            return 1;
        }

        using MQTTnet.IMqttClient client = await SimulationPublisher.ConnectAsync(mqtt.BrokerUri, $"ale-speed-simulator-{seed}", mqtt.UserName, mqtt.Password, cancellationToken).ConfigureAwait(false);
        // Units publish side by side, as in the field.
        long[] published = await Task.WhenAll(units.Select(unit =>
        {
            Site site = unit.Unit.Site;
            int limit = site.LimitAt(start.ToUnixTimeMilliseconds());
            var profile = new SiteProfile(site.Id, RoadTypeFor(limit), limit);
            FrameFormat format = raw ? unit.Unit.Format : FrameFormat.Canonical;
            IEnumerable<FrameChunk> frames = SimulationPublisher.Frames(profile, format, DeterministicSeed(seed, unit.Unit.Id), start.ToUnixTimeMilliseconds(),
                (long)duration.TotalMilliseconds, new FrameEncoderOptions { SpeedUnit = unit.Unit.SpeedUnit });
            return SimulationPublisher.PublishAsync(client, SimulationPublisher.TopicFor(unit.Unit.Id, raw, mqtt.TopicPrefix), frames, linesPerMessage, pacing,
                cancellationToken: cancellationToken);
        })).ConfigureAwait(false);

        for (int i = 0; i < units.Count; i++)
        {
            output.WriteLine($"{units[i].Unit.Id}: {published[i]:N0} messages published to {SimulationPublisher.TopicFor(units[i].Unit.Id, raw, mqtt.TopicPrefix)}");
        }

        return 0;
    }

    /// <summary>Writes one unit's simulated native frames to a serial device (a pty in demos and tests).</summary>
    public static async Task<int> WriteSerialAsync(WorkerSettings settings, string unitId, string device, DateTimeOffset start, TimeSpan duration, ulong seed,
        SimulationPacing pacing, TextWriter output, CancellationToken cancellationToken)
    {
        if (!settings.TryGetUnit(unitId, out UnitRegistration unit))
        {
            output.WriteLine($"Unit '{unitId}' is not configured.");
            return 2;
        }

        Site site = unit.Unit.Site;
        int limit = site.LimitAt(start.ToUnixTimeMilliseconds());
        IEnumerable<FrameChunk> frames = SimulationPublisher.Frames(new SiteProfile(site.Id, RoadTypeFor(limit), limit), unit.Unit.Format,
            DeterministicSeed(seed, unitId), start.ToUnixTimeMilliseconds(), (long)duration.TotalMilliseconds, new FrameEncoderOptions { SpeedUnit = unit.Unit.SpeedUnit });
        await using FileStream stream = new(device, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
        long lines = await SimulationPublisher.WriteSerialAsync(stream, frames, pacing, cancellationToken: cancellationToken).ConfigureAwait(false);
        output.WriteLine($"{unitId}: {lines:N0} {FrameParsers.NameOf(unit.Unit.Format)} lines written to {device}");
        return 0;
    }

    public static RoadType RoadTypeFor(int limitKmh) => limitKmh switch
    {
        <= 30 => RoadType.VillageStreet30,
        <= 40 => RoadType.TownCentre40,
        <= 50 => RoadType.MainRoad50,
        <= 60 => RoadType.Rural60,
        <= 70 => RoadType.Rural70,
        <= 80 => RoadType.Road80,
        _ => RoadType.Road90,
    };

    /// <summary>A per-unit seed that does not depend on string hashing (randomised per process in .NET).</summary>
    private static ulong DeterministicSeed(ulong seed, string unitId)
    {
        ulong hash = 1469598103934665603UL;
        foreach (char c in unitId)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return seed ^ hash;
    }

    private static IEnumerable<SimulatedVehicle> Count(IEnumerable<SimulatedVehicle> vehicles, Action counted)
    {
        foreach (SimulatedVehicle vehicle in vehicles)
        {
            counted();
            yield return vehicle;
        }
    }
}
