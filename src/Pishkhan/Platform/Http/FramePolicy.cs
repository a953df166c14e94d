using Microsoft.Net.Http.Headers;

namespace Pishkhan.Platform.Http;

/// <summary>
/// Clickjacking protection: no page of ours may be shown inside another site's frame (<c>frame-ancestors 'none'</c>,
/// and <c>X-Frame-Options: DENY</c> for old browsers), except pages under one prefix made to be embedded, which
/// allow the configured source list.
/// </summary>
public static class FramePolicy
{
    public static IApplicationBuilder UseFramePolicy(this IApplicationBuilder app, PathString embeddable, Func<string> allowedAncestors) =>
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            if (context.Request.Path.StartsWithSegments(embeddable))
            {
                headers[HeaderNames.ContentSecurityPolicy] = $"frame-ancestors {allowedAncestors()}";
            }
            else
            {
                headers[HeaderNames.ContentSecurityPolicy] = "frame-ancestors 'none'";
                headers[HeaderNames.XFrameOptions] = "DENY";
            }

            return next(context);
        });
}
