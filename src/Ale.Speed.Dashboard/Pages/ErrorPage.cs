using System.Net;
using Microsoft.AspNetCore.Http;

namespace Ale.Speed.Dashboard;

/// <summary>The page for a request that cannot be answered: the reason, never a stack trace.</summary>
internal static class ErrorPage
{
    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        string title = status == StatusCodes.Status400BadRequest ? "Felaktig fråga / Bad request" : "Fel / Error";
        return context.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="sv"><head><meta charset="utf-8"><title>{title}</title></head>
            <body><main><h1>{title}</h1><p>{WebUtility.HtmlEncode(message)}</p><p><a href="/">Översikt / Overview</a></p></main></body></html>
            """);
    }
}
