using System.Net;
using System.Security.Cryptography.X509Certificates;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Dashboard.Api;
using Ale.Speed.Influx.Querying;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ale.Speed.Dashboard;

/// <summary>The dashboard: Kestrel, the pages, the JSON API, access control (docs/dashboard.md).</summary>
public static partial class DashboardApp
{
    /// <summary>Builds the web application. Throws <see cref="ArgumentException"/> naming the keys when the options are invalid.</summary>
    public static WebApplication Build(DashboardData data, DashboardOptions options, Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        List<string> problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(options));
        }

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DashboardApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss ");
        // Logs go to standard error; standard output carries the URL line only.
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel => Listen(kestrel, options));
        builder.Services.AddSingleton(data);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(sp => new Caching.AnswerCache(TimeSpan.FromSeconds(options.CacheSeconds), data.TimeProvider, sp.GetService<System.Diagnostics.Metrics.IMeterFactory>(),
            logger: sp.GetRequiredService<ILoggerFactory>().CreateLogger<Caching.AnswerCache>()));
        builder.Services.AddSingleton<Caching.AnalysisAnswers>();
        AccessControl.AddServices(builder.Services, options);

        WebApplication app = builder.Build();
        app.Use(Caching.ServerTiming.UseAsync);
        app.Use(SecurityHeadersAsync);
        app.Use(HandleErrorsAsync);
        AccessControl.Use(app, options);
        ApiEndpoints.Map(app, data);
        Pages.PageEndpoints.Map(app, data, options);
        return app;
    }

    /// <summary>The address the started application listens on (with the real port when the configured one was 0).</summary>
    public static Uri BoundUrl(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal).Replace("://[::]:", "://[::1]:", StringComparison.Ordinal));
    }

    private static void Listen(KestrelServerOptions kestrel, DashboardOptions options)
    {
        var url = new Uri(options.Url);
        int port = url.Port;
        Action<ListenOptions> configure = listen =>
        {
            if (url.Scheme == Uri.UriSchemeHttps)
            {
                listen.UseHttps(LoadCertificate(options));
            }
        };
        string host = url.Host.Trim('[', ']');
        if (IPAddress.TryParse(host, out IPAddress? address))
        {
            kestrel.Listen(address, port, configure);
        }
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(port, configure);
        }
        else
        {
            kestrel.ListenAnyIP(port, configure);
        }
    }

    private static X509Certificate2 LoadCertificate(DashboardOptions options)
        => string.IsNullOrWhiteSpace(options.CertificateKeyPath)
            ? X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath!, options.CertificatePassword)
            : X509Certificate2.CreateFromPemFile(options.CertificatePath!, options.CertificateKeyPath);

    /// <summary>Every answer: nothing from another host, no framing, no sniffing, no referrer.</summary>
    private static Task SecurityHeadersAsync(HttpContext context, RequestDelegate next)
    {
        IHeaderDictionary headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = "max-age=31536000";
        }

        return next(context);
    }

    /// <summary>A request that cannot be answered gets its reason (400); InfluxDB out of reach, 503; anything else a plain 500 — never a stack trace.</summary>
    private static async Task HandleErrorsAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (AnalysisRequestException ex)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, ex.Message).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested
            && ex is InfluxQueryException or HttpRequestException or TaskCanceledException)
        {
            Log.StoreUnreadable(Logger(context), ex.Message);
            await WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "The stored measurements cannot be read right now (InfluxDB does not answer); try again later.").ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            Log.Unexpected(Logger(context), ex, context.Request.Path);
            await WriteErrorAsync(context, StatusCodes.Status500InternalServerError, "Something went wrong on the server; the log says what.").ConfigureAwait(false);
        }
    }

    private static ILogger Logger(HttpContext context) => context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Ale.Speed.Dashboard");

    private static async Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = status;
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new ErrorBody(message), DashboardJsonContext.Default.ErrorBody)).ConfigureAwait(false);
        }
        else
        {
            await ErrorPage.WriteAsync(context, status, message).ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Cannot read the stored bins: {Reason}")]
        public static partial void StoreUnreadable(ILogger logger, string reason);

        [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Unexpected error answering {Path}")]
        public static partial void Unexpected(ILogger logger, Exception exception, string path);
    }
}

/// <summary>The body of an API error.</summary>
public sealed record ErrorBody(string Error);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ErrorBody))]
internal sealed partial class DashboardJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
