using System.Globalization;
using System.Net;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Influx.Tests.Support;

/// <summary>A real InfluxDB 1.x (Debian's influxdb package) of the test's own, with one database.</summary>
public sealed class InfluxDbServer : ServerProcess
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "s3cret-admin-pw";

    private InfluxDbServer(string database, bool authEnabled)
        : base("influxd", "ale-speed-influxd")
    {
        Database = database;
        AuthEnabled = authEnabled;
        RpcPort = FreeLoopbackPort();
        ConfigPath = Path.Combine(Directory, "influxdb.conf");
        File.WriteAllText(ConfigPath, Config());
    }

    public string Database { get; }

    public bool AuthEnabled { get; }

    public int RpcPort { get; }

    public string ConfigPath { get; }

    /// <summary>Starts a server and creates <paramref name="database"/> (and, with auth, an admin user first).</summary>
    public static async Task<InfluxDbServer> StartNewAsync(string database = "ale_test", bool authEnabled = false)
    {
        var server = new InfluxDbServer(database, authEnabled);
        try
        {
            await server.StartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writer options for the v1 API of this server (admin credentials when auth is on).</summary>
    public InfluxOptions Options(InfluxApi api = InfluxApi.V1) => new()
    {
        Url = Url,
        Api = api,
        Database = Database,
        UserName = AuthEnabled ? AdminUser : null,
        Password = AuthEnabled ? AdminPassword : null,
    };

    public InfluxQueryClient QueryClient() => new(Http, Options());

    public async Task<long> CountAsync(string measurement, string field)
    {
        var series = await QueryClient().QueryAsync($"SELECT COUNT(\"{field}\") FROM \"{measurement}\"");
        return series.Count == 0 ? 0 : series[0].Values[0][1].GetInt64();
    }

    protected override IEnumerable<string> Arguments() => ["-config", ConfigPath];

    protected override async Task<bool> IsReadyAsync()
    {
        using var response = await Http.GetAsync(new Uri(Url, "ping"));
        return response.StatusCode == HttpStatusCode.NoContent;
    }

    protected override async Task OnStartedAsync()
    {
        var admin = new InfluxQueryClient(Http, Options() with { Database = null });
        if (AuthEnabled)
        {
            // With auth on, 1.x lets the first admin be created without credentials while no user exists.
            var anonymous = new InfluxQueryClient(Http, Options() with { Database = null, UserName = null, Password = null });
            try
            {
                await anonymous.QueryAsync($"CREATE USER \"{AdminUser}\" WITH PASSWORD '{AdminPassword}' WITH ALL PRIVILEGES", null);
            }
            catch (InfluxQueryException)
            {
                // A restart: the user exists already (and anonymous requests are refused).
            }
        }

        await admin.QueryAsync($"CREATE DATABASE \"{Database}\"", null);
    }

    // influxd reads its defaults first and the file on top, so the file names only what differs from
    // `influxd config`'s output: our folders and ports, and no background work a test does not need.
    private string Config() => string.Create(CultureInfo.InvariantCulture, $"""
        reporting-enabled = false
        bind-address = "127.0.0.1:{RpcPort}"

        [meta]
          dir = "{Directory}/meta"
          logging-enabled = false

        [data]
          dir = "{Directory}/data"
          wal-dir = "{Directory}/wal"
          query-log-enabled = false

        [monitor]
          store-enabled = false

        [subscriber]
          enabled = false

        [continuous_queries]
          enabled = false

        [shard-precreation]
          enabled = false

        [http]
          enabled = true
          bind-address = "127.0.0.1:{Port}"
          auth-enabled = {(AuthEnabled ? "true" : "false")}
          log-enabled = false
          pprof-enabled = false

        [logging]
          level = "warn"

        """);
}
