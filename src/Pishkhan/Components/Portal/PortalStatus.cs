namespace Pishkhan.Components.Portal;

/// <summary>
/// Answers a server-rendered portal page with an error status (404, 400) while still sending the page's own content.
/// Blazor's static rendering sends no body for a 404 set while rendering (it expects the status-code middleware to
/// re-execute the request), so the status is applied only as the response starts, after the page has rendered.
/// </summary>
public static class PortalStatus
{
    public static void Set(HttpContext http, int status)
    {
        if (http.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
        {
            pages.Enabled = false;
        }

        http.Response.OnStarting(() =>
        {
            http.Response.StatusCode = status;
            return Task.CompletedTask;
        });
    }
}
