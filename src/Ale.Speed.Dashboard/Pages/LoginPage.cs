using Microsoft.AspNetCore.Http;

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
            page.Append("<p class=\"note\" role=\"alert\">").Text(problem == "wrong" ? l.T("Fel namn eller lösenord.", "Wrong name or password.") : l.T("Skicka formuläret.", "Send the form.")).Append("</p>\n");
        }

        string? returnUrl = page.Value("returnUrl") ?? (context.Request.HasFormContentType ? context.Request.Form["returnUrl"].ToString() : null);
        page.Append("<form class=\"choose\" method=\"post\" action=\"/login\">\n<label for=\"name\">").Text(l.T("Namn", "Name"))
            .Append("</label> <input id=\"name\" name=\"name\" autocomplete=\"username\" required>\n<label for=\"password\">").Text(l.T("Lösenord", "Password"))
            .Append("</label> <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\n")
            .Append("<input type=\"hidden\" name=\"returnUrl\" value=\"").Text(returnUrl).Append("\">\n<button type=\"submit\">").Text(l.T("Logga in", "Log in")).Append("</button>\n</form>\n");
        Layout.End(page);
        return page.WriteAsync();
    }
}
