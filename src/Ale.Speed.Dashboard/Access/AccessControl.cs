using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Ale.Speed.Dashboard.Pages;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Ale.Speed.Dashboard;

/// <summary>
/// Who may read the dashboard. On loopback anyone on the machine (the default). Beyond loopback (or with
/// <see cref="DashboardOptions.RequireLogin"/>) everything but the login page and the stylesheet needs a signed-in user:
/// a configured user with a hashed password (a cookie, HttpOnly, SameSite=Strict, 8 hours), or a user named by
/// <see cref="DashboardOptions.TrustedUserHeader"/> on a request from one of <see cref="DashboardOptions.TrustedProxies"/>.
/// Login attempts are rate-limited per client address, and the login form carries ASP.NET Core's antiforgery token.
/// </summary>
internal static class AccessControl
{
    public const string LoginPolicy = "login";
    private const string ProxyScheme = "proxy";

    public static void AddServices(IServiceCollection services, DashboardOptions options)
    {
        if (!options.RequiresLogin)
        {
            return;
        }

        // Keys in memory: a restart signs everyone out, and nothing is written to the disk.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = "ale-speed-dashboard";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
        });
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "ale-speed-antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // Every answer already says X-Frame-Options: DENY.
            antiforgery.SuppressXFrameOptionsHeader = true;
        });
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, ct) =>
            {
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                return new ValueTask(context.HttpContext.Response.WriteAsync("Too many login attempts from this address; wait a minute. / För många inloggningsförsök; vänta en minut.", ct));
            };
            limiter.AddPolicy(LoginPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.LoginAttemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
    }

    public static void Use(WebApplication app, DashboardOptions options)
    {
        if (!options.RequiresLogin)
        {
            return;
        }

        IPAddress[] proxies = [.. options.TrustedProxies.Select(IPAddress.Parse)];
        app.UseAuthentication();
        app.UseRateLimiter();
        app.Use((context, next) =>
        {
            if (options.TrustedUserHeader is { Length: > 0 } header && context.Connection.RemoteIpAddress is { } remote
                && proxies.Any(p => p.Equals(remote) || (remote.IsIPv4MappedToIPv6 && p.Equals(remote.MapToIPv4())))
                && context.Request.Headers[header].ToString() is { Length: > 0 } user)
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], ProxyScheme));
            }

            if (context.User.Identity?.IsAuthenticated == true || IsPublic(context.Request.Path))
            {
                return next(context);
            }

            if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.ContentType = "application/json; charset=utf-8";
                return context.Response.WriteAsync("{\"error\":\"Log in first (POST /login), or come through the configured reverse proxy.\"}");
            }

            string back = context.Request.Path + context.Request.QueryString;
            context.Response.Redirect("/login?returnUrl=" + Uri.EscapeDataString(back));
            return Task.CompletedTask;
        });

        app.MapGet("/login", (HttpContext context) => LoginPage.WriteAsync(context, null));
        // The token is checked in LogInAsync, so that a form without it gets the login page again, not an empty 400.
        app.MapPost("/login", (HttpContext context) => LogInAsync(context, options)).RequireRateLimiting(LoginPolicy).DisableAntiforgery();
        app.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            context.Response.Redirect("/login");
        });
    }

    private static bool IsPublic(PathString path)
        => path == "/login" || path == "/favicon.ico" || path.StartsWithSegments("/assets", StringComparison.Ordinal);

    private static async Task LogInAsync(HttpContext context, DashboardOptions options)
    {
        if (!context.Request.HasFormContentType)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoginPage.WriteAsync(context, "form").ConfigureAwait(false);
            return;
        }

        // A form another site made the browser send (login CSRF) has no token of this browser's cookie.
        if (!await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context).ConfigureAwait(false))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoginPage.WriteAsync(context, "token").ConfigureAwait(false);
            return;
        }

        IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        string name = form["name"].ToString();
        string password = form["password"].ToString();
        DashboardUser? user = options.Users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.Ordinal));
        // Verify against a hash even for an unknown name, so the answer takes as long either way.
        bool ok = PasswordHashes.Verify(user?.PasswordHash ?? s_dummyHash.Value, password) && user is not null;
        if (!ok)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await LoginPage.WriteAsync(context, "wrong").ConfigureAwait(false);
            return;
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user!.Name)], CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity)).ConfigureAwait(false);
        string returnUrl = form["returnUrl"].ToString();
        // Only a path on this site: never an open redirect.
        context.Response.Redirect(returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) ? returnUrl : "/");
    }

    private static readonly Lazy<string> s_dummyHash = new(() => PasswordHashes.Hash(Guid.NewGuid().ToString()));
}
