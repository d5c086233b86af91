using System.CommandLine;
using Ale.Speed.Analysis.FollowUp;
using Ale.Speed.Dashboard;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Writing;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Ale.Speed.Worker.Commands;

/// <summary>
/// <c>serve</c>: the dashboard (docs/dashboard.md) over the stored bins, with the read commands' catalog, reader and
/// statistics, so a page and the CLI give the same figures. <c>hash-password</c>: a hash for <c>AleSpeed:Dashboard:Users</c>.
/// </summary>
internal static class ServeCommand
{
    public static IEnumerable<Command> Create(Option<FileInfo> config)
    {
        var check = new Option<bool>("--check") { Description = "Start, fetch the overview and the follow-up page once, print the URL and the answers, stop (scripts, CI)." };
        var serve = new Command("serve", "Serve the dashboard (pages and the JSON API) at AleSpeed:Dashboard:Url, by default http://127.0.0.1:8080.") { config, check };
        serve.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, parse.GetValue(check), ct));

        var hash = new Command("hash-password", "Read a password from standard input and print its hash for AleSpeed:Dashboard:Users[].PasswordHash.");
        hash.SetAction(_ =>
        {
            string? password = Console.In.ReadLine();
            if (string.IsNullOrEmpty(password))
            {
                Console.Error.WriteLine("error: no password on standard input (e.g. `read -s p; echo \"$p\" | ale-speed hash-password`).");
                return 2;
            }

            Console.Out.WriteLine(PasswordHashes.Hash(password));
            return 0;
        });
        return [serve, hash];
    }

    private static async Task<int> RunAsync(FileInfo config, bool check, CancellationToken cancellationToken)
    {
        WorkerSettings? settings = WorkerApp.LoadSettings(config.FullName, Console.Error);
        if (settings is null)
        {
            return 2;
        }

        List<string> problems = settings.Options.Dashboard.Validate();
        Dictionary<string, SiteLocation> locations = Locations(settings.Options, problems);
        if (problems.Count > 0)
        {
            problems.ForEach(p => Console.Error.WriteLine($"error: {p}"));
            return 2;
        }

        using var http = new HttpClient { Timeout = settings.Options.Influx.Timeout };
        // The follow-up's registers as `followup` reads them; the dashboard never writes through this writer.
        using var writer = new InfluxWriter(http, settings.Influx with { QuarantinePath = null });
        var data = new DashboardData(AnalysisCommands.Catalog(settings), WorkerApp.CreateBinReader(settings, http),
            AnalysisCommands.HotspotStatistics(settings), locations, TimeProvider.System)
        {
            FollowUp = new DashboardFollowUp(new FollowUpStore(writer, new InfluxQueryClient(http, settings.Influx)), settings.Commitment, FollowUpCommands.SiteMapOf(settings)),
        };
        await using WebApplication app = DashboardApp.Build(data, settings.Options.Dashboard);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"error: cannot listen on {settings.Options.Dashboard.Url} (AleSpeed:Dashboard:Url): {ex.Message}".AsMemory(), cancellationToken).ConfigureAwait(false);
            return 3;
        }

        Uri url = DashboardApp.BoundUrl(app);
        await Console.Out.WriteLineAsync($"Dashboard: {url}".AsMemory(), cancellationToken).ConfigureAwait(false);
        if (check)
        {
            int code = await CheckAsync(url, cancellationToken).ConfigureAwait(false);
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
            return code;
        }

        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Fetches the overview and the follow-up page once each; 0 when both answered 2xx.</summary>
    private static async Task<int> CheckAsync(Uri url, CancellationToken cancellationToken)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = true, ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(2) };
        int code = 0;
        foreach (Uri page in (Uri[])[url, new Uri(url, "/followup")])
        {
            using HttpResponseMessage response = await client.GetAsync(page, cancellationToken).ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"GET {page} → {(int)response.StatusCode} {response.ReasonPhrase}, {body.Length} characters".AsMemory(), cancellationToken).ConfigureAwait(false);
            code = response.IsSuccessStatusCode ? code : 1;
        }

        return code;
    }

    /// <summary>Sites[].Latitude/Longitude: both or neither, within range.</summary>
    private static Dictionary<string, SiteLocation> Locations(AleSpeedOptions options, List<string> problems)
    {
        var locations = new Dictionary<string, SiteLocation>(StringComparer.Ordinal);
        for (int i = 0; i < options.Sites.Count; i++)
        {
            SiteOptions site = options.Sites[i];
            if (site.Latitude is null && site.Longitude is null)
            {
                continue;
            }

            if (site.Latitude is not double lat || site.Longitude is not double lon)
            {
                problems.Add($"AleSpeed:Sites[{i}]: give both Latitude and Longitude, or neither.");
            }
            else if (lat is < -90 or > 90 || lon is < -180 or > 180 || !double.IsFinite(lat) || !double.IsFinite(lon))
            {
                problems.Add($"AleSpeed:Sites[{i}]: Latitude {lat} / Longitude {lon} are not WGS 84 degrees.");
            }
            else
            {
                locations[site.Id] = new SiteLocation(lat, lon);
            }
        }

        return locations;
    }
}
