using Ale.Speed.Core.Bins;
using Ale.Speed.Core.Time;
using Ale.Speed.Core.Vehicles;
using Ale.Speed.Devices.Ingestion;
using Ale.Speed.Influx.Bins;
using Ale.Speed.Influx.Coverage;
using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Writing;
using Ale.Speed.Worker.Configuration;
using Ale.Speed.Worker.Pipeline;
using Ale.Speed.Worker.Sources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Worker.Hosting;

/// <summary>The composition root: configuration → validated settings → pipeline, sources and sinks under one host.</summary>
internal static class WorkerApp
{
    /// <summary>
    /// Loads the configuration file and the environment, and validates it. Errors name their key. <paramref name="forRun"/>:
    /// the data directory's instance id (the default writer id) is created if it has none yet; other commands only read it.
    /// </summary>
    public static WorkerSettings? LoadSettings(string configPath, TextWriter errors, bool forRun = false)
    {
        if (!File.Exists(configPath))
        {
            errors.WriteLine($"error: configuration file '{configPath}' does not exist.");
            return null;
        }

        IConfigurationRoot configuration;
        try
        {
            configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.GetFullPath(configPath), optional: false, reloadOnChange: false)
                .AddEnvironmentVariables()
                .Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or System.Text.Json.JsonException)
        {
            errors.WriteLine($"error: configuration file '{configPath}' is not valid JSON: {ex.InnerException?.Message ?? ex.Message}");
            return null;
        }

        var options = new AleSpeedOptions();
        IConfigurationSection section = configuration.GetSection(AleSpeedOptions.SectionName);
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            // The binder names the key it could not convert (e.g. a TimeSpan written as "5 minutes").
            errors.WriteLine($"error: {ex.Message}");
            return null;
        }

        List<string> unreadable = UnreadableListEntries(section);
        if (unreadable.Count > 0)
        {
            unreadable.ForEach(errors.WriteLine);
            return null;
        }

        string defaultWriterId = string.IsNullOrWhiteSpace(options.DataDirectory) ? Environment.MachineName
            : forRun ? InstanceIdentity.GetOrCreate(options.DataDirectory, Environment.MachineName)
            : InstanceIdentity.TryRead(options.DataDirectory) ?? Environment.MachineName;
        WorkerSettings? settings = WorkerSettings.TryCreate(options, defaultWriterId, out List<string> problems);
        foreach (string problem in problems)
        {
            errors.WriteLine($"error: {problem}");
        }

        return settings;
    }

    /// <summary>
    /// The binder leaves out, without a word, a list entry holding a value it cannot convert: a site or unit would vanish.
    /// Each entry is bound on its own so that the error names it.
    /// </summary>
    private static List<string> UnreadableListEntries(IConfigurationSection section)
    {
        var problems = new List<string>();
        List<IConfigurationSection> sites = [.. section.GetSection(nameof(AleSpeedOptions.Sites)).GetChildren()];
        for (int i = 0; i < sites.Count; i++)
        {
            CheckEntry<SiteOptions>(sites[i], $"AleSpeed:Sites[{i}]", problems);
            List<IConfigurationSection> changes = [.. sites[i].GetSection(nameof(SiteOptions.SpeedLimits)).GetChildren()];
            for (int j = 0; j < changes.Count; j++)
            {
                CheckEntry<SpeedLimitChange>(changes[j], $"AleSpeed:Sites[{i}]:SpeedLimits[{j}]", problems);
            }
        }

        List<IConfigurationSection> units = [.. section.GetSection(nameof(AleSpeedOptions.Units)).GetChildren()];
        for (int i = 0; i < units.Count; i++)
        {
            CheckEntry<UnitOptions>(units[i], $"AleSpeed:Units[{i}]", problems);
        }

        List<IConfigurationSection> targets = [.. section.GetSection("Commitment:Targets").GetChildren()];
        for (int i = 0; i < targets.Count; i++)
        {
            CheckEntry<CommitmentTargetSettings>(targets[i], $"AleSpeed:Commitment:Targets[{i}]", problems);
        }

        return problems;

        static void CheckEntry<T>(IConfigurationSection entry, string key, List<string> problems) where T : new()
        {
            try
            {
                entry.Bind(new T());
            }
            catch (InvalidOperationException ex)
            {
                problems.Add($"error: {key} cannot be read, so it would be left out: {ex.Message}");
            }
        }
    }

    /// <summary>A reader of stored bins for the read commands (they never start sources).</summary>
    public static BinReader CreateBinReader(WorkerSettings settings, HttpClient http)
        => new(new InfluxQueryClient(http, settings.Influx))
        {
            UseRollups = settings.Options.Influx.ReadRollups,
            UseMonthRollups = settings.Options.Influx.ReadRollups && settings.Options.Influx.MonthRollups,
            UseHourOfWeekLevels = settings.Options.Influx.ReadRollups && settings.Options.Influx.MonthRollups,
            Notice = static message => Console.Error.WriteLine($"note: {message}"),
        };

    /// <summary>What merges month rollups from the stored days for the worker and <c>import</c>; null when they are off.</summary>
    public static MonthRollups? CreateMonthRollups(WorkerSettings settings, HttpClient http, TimeProvider timeProvider)
        => settings.Options.Influx.MonthRollups
            ? new MonthRollups(new BinReader(new InfluxQueryClient(http, settings.Influx)), StockholmTime.Zone, settings.Options.Influx.Timeout, timeProvider)
            : null;

    /// <summary>Builds the worker's host. <paramref name="exitWhenDone"/>: stop once every file source is read and stored.</summary>
    public static IHost Build(WorkerSettings settings, bool exitWhenDone, TimeProvider? timeProvider = null, Action<ILoggingBuilder>? logging = null)
    {
        timeProvider ??= TimeProvider.System;
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSystemd();
        builder.Logging.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss ");
        // Logs go to standard error; standard output is for what commands print.
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        logging?.Invoke(builder.Logging);
        builder.Services.AddMetrics();

        Directory.CreateDirectory(settings.DataDirectory);
        AleSpeedOptions options = settings.Options;
        var router = new UnitRouter(settings.Units.Select(u => u.Unit), timeProvider, settings.Detector, settings.Filter);
        var activity = new UnitActivity(settings.Units, timeProvider);

        IServiceCollection services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(timeProvider);
        services.AddSingleton(router);
        services.AddSingleton(activity);
        services.AddSingleton(new BinStore(settings.Binning, timeProvider));
        services.AddSingleton(sp => JournalWriter.Open(settings.Journal, settings.Units.Select(u => u.Unit), router,
            sp.GetRequiredService<BinStore>(), timeProvider, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Ale.Speed.Worker.Journal"),
            activity, new Import.ImportedVehicles(settings.ImportLedgerDirectory, settings.Units.Select(u => u.Unit))));
        services.AddSingleton<IDurableVehicleSink>(sp => sp.GetRequiredService<JournalWriter>());
        services.AddSingleton(sp => new WorkerMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>(), router, sp.GetRequiredService<JournalWriter>(), activity));
        services.AddSingleton(_ => new HttpClient { Timeout = Timeout.InfiniteTimeSpan });
        services.AddSingleton(sp => new InfluxWriter(sp.GetRequiredService<HttpClient>(), settings.Influx, timeProvider,
            sp.GetRequiredService<ILogger<InfluxWriter>>(), sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton(sp =>
        {
            // Rollups go through a writer of their own when they have their own retention policy or bucket.
            InfluxWriter windows = sp.GetRequiredService<InfluxWriter>();
            InfluxOptions rollups = settings.Influx.ForRollups();
            return new BinLevelWriter(windows, rollups == settings.Influx ? windows : new InfluxWriter(sp.GetRequiredService<HttpClient>(), rollups, timeProvider,
                sp.GetRequiredService<ILogger<InfluxWriter>>()), new BinPointEncoder(), settings.WriterId, (long)settings.Binning.Window.TotalMilliseconds, options.Influx.BatchLines,
                CreateMonthRollups(settings, sp.GetRequiredService<HttpClient>(), timeProvider));
        });
        services.AddSingleton(sp => new BinFlusher(sp.GetRequiredService<BinStore>(), sp.GetRequiredService<JournalWriter>(), sp.GetRequiredService<BinLevelWriter>(),
            sp.GetRequiredService<WorkerMetrics>(), timeProvider, sp.GetRequiredService<ILogger<BinFlusher>>()));
        services.AddSingleton<StatusReporter>();
        if (settings.Influx.Api == InfluxApi.V1)
        {
            services.AddSingleton(sp => new ShardGroupCheckService(settings, sp.GetRequiredService<HttpClient>(), timeProvider,
                sp.GetRequiredService<ILogger<ShardGroupCheckService>>()));
            services.AddHostedService(sp => sp.GetRequiredService<ShardGroupCheckService>());
        }

        services.AddSingleton<IReadOnlyList<StreamSource>>(sp => CreateStreamSources(settings, router, sp, timeProvider));

        services.AddHostedService<JournalService>();
        services.AddHostedService<FlushService>();
        services.AddHostedService<StatusService>();
        services.AddHostedService<StreamSourcesService>();
        if (settings.Units.Any(u => u.Transport == Transport.Mqtt))
        {
            services.AddSingleton(sp => new Devices.Mqtt.MqttVehicleSource(settings.Mqtt!, router,
                sp.GetRequiredService<IDurableVehicleSink>(), timeProvider, sp.GetRequiredService<ILoggerFactory>().CreateLogger<Devices.Mqtt.MqttVehicleSource>()));
            services.AddHostedService<MqttSourceService>();
        }

        if (settings.Units.Any(u => u.Transport == Transport.Serial))
        {
            services.AddSingleton<IReadOnlyList<Devices.Serial.SerialVehicleSource>>(sp => DeviceSources.Serial(settings, router,
                sp.GetRequiredService<IDurableVehicleSink>(), timeProvider, sp.GetRequiredService<ILoggerFactory>()));
            services.AddHostedService<SerialSourcesService>();
        }

        if (options.Influx.MonthRollups && options.Influx.HourOfWeekLevels.Enabled)
        {
            services.AddSingleton(sp => new HourOfWeekLevelService(settings, sp.GetRequiredService<HttpClient>(), timeProvider, sp.GetRequiredService<ILoggerFactory>(),
                sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
            services.AddHostedService(sp => sp.GetRequiredService<HourOfWeekLevelService>());
        }

        services.AddSingleton(sp => new CoverageRecorder(settings.Units, router, Connections(settings, sp), settings.Binning.Window, timeProvider));
        if (options.Influx.MonthRollups)
        {
            // Coverage day rollups are rebuilt from the stored points, as months from the stored days: the worker reads InfluxDB.
            services.AddSingleton(sp =>
            {
                InfluxOptions rollups = settings.Influx.ForRollups();
                var http = sp.GetRequiredService<HttpClient>();
                return new CoverageDays(new InfluxQueryClient(http, settings.Influx), rollups == settings.Influx ? sp.GetRequiredService<InfluxWriter>()
                    : new InfluxWriter(http, rollups, timeProvider, sp.GetRequiredService<ILogger<InfluxWriter>>()), StockholmTime.Zone);
            });
        }

        services.AddSingleton<CoverageService>();
        services.AddHostedService(sp => sp.GetRequiredService<CoverageService>());
        if (exitWhenDone)
        {
            services.AddHostedService<ExitWhenDoneService>();
        }

        return builder.Build();
    }

    /// <summary>Whether a unit's line is open now: its serial port, or for an MQTT unit the worker's session with the broker.</summary>
    private static Func<string, bool> Connections(WorkerSettings settings, IServiceProvider services)
    {
        Dictionary<string, Devices.Serial.SerialVehicleSource> serial = services.GetService<IReadOnlyList<Devices.Serial.SerialVehicleSource>>()?
            .ToDictionary(s => s.Options.UnitId, StringComparer.Ordinal) ?? [];
        Devices.Mqtt.MqttVehicleSource? mqtt = services.GetService<Devices.Mqtt.MqttVehicleSource>();
        return unitId => serial.TryGetValue(unitId, out Devices.Serial.SerialVehicleSource? port) ? port.IsOpen
            : mqtt is not null && settings.TryGetUnit(unitId, out UnitRegistration unit) && unit.Transport == Transport.Mqtt && mqtt.IsConnected;
    }

    private static List<StreamSource> CreateStreamSources(WorkerSettings settings, UnitRouter router, IServiceProvider services, TimeProvider timeProvider)
    {
        var sink = services.GetRequiredService<IDurableVehicleSink>();
        var logger = services.GetRequiredService<ILogger<StreamSource>>();
        var sources = new List<StreamSource>();
        foreach (UnitRegistration unit in settings.Units)
        {
            if (unit.Transport is not (Transport.File or Transport.Stdin) || !router.TryGetRoute(unit.Unit.Id, out UnitRoute route))
            {
                continue;
            }

            string cursors = Path.Combine(settings.DataDirectory, "cursors");
            Directory.CreateDirectory(cursors);
            sources.Add(unit.Transport == Transport.File
                ? new StreamSource(route, () => File.OpenRead(unit.Path!), unit.Path!, sink, timeProvider, logger, new FileCursor(Path.Combine(cursors, unit.Unit.Id + ".pos")))
                : new StreamSource(route, Console.OpenStandardInput, "standard input", sink, timeProvider, logger));
        }

        return sources;
    }
}
