using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Ale.Speed.Dashboard.Pages;

/// <summary>The login form (only when a login is required).</summary>
internal static class LoginPage
{
    public static Task WriteAsync(HttpContext context, string? problem)
    {
        var page = new Page(context, "/login", "returnUrl");
        Language l = page.L;
        Layout.Begin(page, l.T("Logga in", "Log in"), "login");
        page.Append("<h1>").Text(l.T("Logga in", "Log in")).Append("</h1>\n");
        if (problem is not null)
        {
            string text = problem switch
            {
                "wrong" => l.T("Fel namn eller lösenord.", "Wrong name or password."),
                "token" => l.T("Formuläret kom inte från den här sidan eller har gått ut; logga in igen.", "The form did not come from this page or has expired; log in again."),
                _ => l.T("Skicka formuläret.", "Send the form."),
            };
            page.Append("<p class=\"note\" role=\"alert\">").Text(text).Append("</p>\n");
        }

        string? returnUrl = page.Value("returnUrl") ?? (context.Request.HasFormContentType ? context.Request.Form["returnUrl"].ToString() : null);
        // A fresh token (and its cookie) with every form: the POST must carry both.
        AntiforgeryTokenSet token = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        page.Append("<form class=\"choose\" method=\"post\" action=\"/login\">\n<label for=\"name\">").Text(l.T("Namn", "Name"))
            .Append("</label> <input id=\"name\" name=\"name\" autocomplete=\"username\" required>\n<label for=\"password\">").Text(l.T("Lösenord", "Password"))
            .Append("</label> <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\n")
            .Append("<input type=\"hidden\" name=\"returnUrl\" value=\"").Text(returnUrl).Append("\">\n")
            .Append("<input type=\"hidden\" name=\"").Text(token.FormFieldName).Append("\" value=\"").Text(token.RequestToken).Append("\">\n<button type=\"submit\">").Text(l.T("Logga in", "Log in")).Append("</button>\n</form>\n");
        Layout.End(page);
        return page.WriteAsync();
    }
}
