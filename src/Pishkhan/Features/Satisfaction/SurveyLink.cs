namespace Pishkhan.Features.Satisfaction;

/// <summary>
/// The address customers reach the app at, for links in emails: <c>Pishkhan:Portal:PublicUrl</c>, the same setting the
/// portal's own mails use (e.g. <c>https://support.example.com</c>). A survey is emailed by a background job, with no
/// request whose address could be used instead, so without it: the app's own first listening address (<c>urls</c> /
/// <c>ASPNETCORE_URLS</c>, a wildcard host read as <c>localhost</c>), else Kestrel's default <c>http://localhost:5000</c>.
/// Set it in production: a link to localhost reaches nobody.
/// </summary>
public sealed class SurveyLink(IConfiguration configuration)
{
    public const string PublicUrlKey = "Pishkhan:Portal:PublicUrl";

    public string PublicBase
    {
        get
        {
            if (configuration[PublicUrlKey] is { Length: > 0 } configured)
            {
                return configured.Trim().TrimEnd('/');
            }

            var first = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            if (first is null || !Uri.TryCreate(first.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                return "http://localhost:5000";
            }

            var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
            return $"{uri.Scheme}://{host}{(uri.IsDefaultPort ? "" : $":{uri.Port}")}";
        }
    }

    /// <summary>The public survey page of a token (the email's link; it forwards to the portal's page).</summary>
    public string For(string token) => $"{PublicBase}/survey/{token}";
}
