using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Pishkhan.Features.Identity;
using Pishkhan.Localization;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Attachments;

namespace Pishkhan.Features.Email;

/// <summary>
/// <c>/api/v1/email</c>: mailboxes and the quarantine (admin scope); a case's emails and "resend" (cases scopes);
/// <c>/api/v1/forms/cases</c>: the public web form (anonymous, rate-limited, honeypot).
/// </summary>
public static class EmailEndpoints
{
    public static IServiceCollection AddEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<EmailOptions>(configuration.GetSection("Pishkhan:Email"));
        services.Configure<WebFormOptions>(configuration.GetSection("Pishkhan:WebForm"));
        services.AddSingleton<MailboxSecrets>();
        services.AddSingleton<SaveMailbox>();
        services.AddSingleton<GetMailboxes>();
        services.AddSingleton<EmailOutbox>();
        services.AddSingleton<EmailIntake>();
        services.AddSingleton<Cases.CreateCaseBatch>();
        services.AddSingleton<EmailBatchIntake>();
        services.AddSingleton<EmailBodies>();
        services.AddSingleton<MailboxSync>();
        services.AddSingleton<EmailSender>();
        services.AddSingleton<Quarantine>();
        services.AddSingleton<WebForm>();
        services.AddHostedService<ImapIntakeWorker>();
        services.AddHostedService<EmailSenderWorker>();
        return services;
    }

    /// <summary>The web form's fields from a JSON body or a multipart form (with its files); else which part is wrong.</summary>
    private static async Task<(WebFormRequest? Body, IReadOnlyList<Upload> Files, (string Field, string Message)? Problem)> ReadWebFormAsync(
        HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            string? Field(string name) => form.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.ToString() : null;
            foreach (var name in new[] { "categoryId", "formId" })
            {
                if (Field(name) is { } value && !Guid.TryParse(value, out _))
                {
                    return (null, [], (name, $"'{value}' is not an id."));
                }
            }

            var body = new WebFormRequest(
                Field("subject"), Field("description"), Field("email"), Field("phone"), Field("categoryId") is { } c ? Guid.Parse(c) : null,
                Field("website"), Field("language"), Field("formId") is { } f ? Guid.Parse(f) : null);
            return (body, CustomerUploads.FromForm(form.Files, "files"), null);
        }

        if (!request.HasJsonContentType())
        {
            return (null, [], ("body", "Send the form as application/json or as multipart/form-data."));
        }

        try
        {
            return await request.ReadFromJsonAsync<WebFormRequest>(ct) is { } json ? (json, [], null) : (null, [], ("body", "The body is empty."));
        }
        catch (System.Text.Json.JsonException e)
        {
            return (null, [], ("body", $"The body is not valid JSON: {e.Message}"));
        }
    }

    public static IEndpointRouteBuilder MapEmailEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/email").WithTags("Email").RequireAuthorization(Scopes.Admin);
        admin.MapGet("/mailboxes", async (GetMailboxes handler, CancellationToken ct) => TypedResults.Ok(await handler.ListAsync(ct)))
            .WithName("ListMailboxes").WithSummary("Every mailbox; passwords are never shown (hasImapPassword / hasSmtpPassword).");
        admin.MapGet("/mailboxes/{id:guid}", async (Guid id, GetMailboxes handler, CancellationToken ct) => (await handler.ByIdAsync(id, ct)).ToHttp())
            .WithName("GetMailbox");
        admin.MapPost("/mailboxes", async Task<Results<Created<MailboxDto>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>>> (
                MailboxRequest body, SaveMailbox handler, ClaimsPrincipal user, CancellationToken ct) =>
                await handler.HandleAsync(null, body, Actor.FromPrincipal(user), ct) switch
                {
                    Outcome<MailboxDto>.Ok ok => TypedResults.Created($"/api/v1/email/mailboxes/{ok.Value.Id}", ok.Value),
                    Outcome<MailboxDto>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    Outcome<MailboxDto>.Conflict conflict => TypedResults.Conflict(OutcomeResults.ConflictProblem(conflict.Detail)),
                    _ => TypedResults.NotFound(),
                })
            .WithName("CreateMailbox").WithSummary("Adds a mailbox after logging in to its IMAP and SMTP servers (verify: false skips that); passwords are stored encrypted.");
        admin.MapPut("/mailboxes/{id:guid}", async (Guid id, MailboxRequest body, SaveMailbox handler, ClaimsPrincipal user, CancellationToken ct) =>
                (await handler.HandleAsync(id, body, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("UpdateMailbox").WithSummary("Replaces a mailbox's settings; a password left out keeps the stored one.");
        admin.MapPost("/mailboxes/{id:guid}/test", async (Guid id, GetMailboxes handler, CancellationToken ct) => (await handler.TestAsync(id, ct)).ToHttp())
            .WithName("TestMailbox").WithSummary("Connects and logs in to both servers; answers each server's exact lines.");
        admin.MapGet("/quarantine", async (bool? includeResolved, Quarantine handler, CancellationToken ct) => TypedResults.Ok(await handler.ListAsync(includeResolved ?? false, ct)))
            .WithName("ListQuarantine").WithSummary("Inbound messages intake could not handle, with the error.");
        admin.MapGet("/quarantine/{id:guid}/raw", async Task<Results<FileContentHttpResult, NotFound>> (Guid id, Quarantine handler, CancellationToken ct) =>
                await handler.RawAsync(id, ct) is Outcome<byte[]>.Ok ok ? TypedResults.File(ok.Value, "message/rfc822", $"{id}.eml") : TypedResults.NotFound())
            .WithName("GetQuarantinedRaw").WithSummary("The message exactly as the server delivered it.");
        admin.MapPost("/quarantine/{id:guid}/reprocess", async (Guid id, ReprocessRequest? body, Quarantine handler, CancellationToken ct) =>
                (await handler.ReprocessAsync(id, body ?? new ReprocessRequest(), ct)).ToHttp())
            .WithName("ReprocessQuarantined").WithSummary("Runs the message through intake again; fromAddress names the sender when the message lacks one.");
        admin.MapPost("/mailboxes/{id:guid}/send", async (Guid id, OutgoingEmail body, EmailOutbox outbox, ClaimsPrincipal user, CancellationToken ct) =>
                (await outbox.EnqueueAsync(id, body, Actor.FromPrincipal(user), ct)).ToHttp())
            .WithName("SendEmail").WithSummary("Queues an email from this mailbox (to, subject, body, optional caseId to thread it with a case).");

        var cases = app.MapGroup("/api/v1/cases/{caseId:guid}/emails").WithTags("Email");
        cases.MapGet("/", async (Guid caseId, EmailOutbox outbox, ClaimsPrincipal user, CancellationToken ct) =>
                (await outbox.ForCaseAsync(caseId, Actor.FromPrincipal(user), ct)).ToHttp())
            .RequireAuthorization(Scopes.CasesRead).WithName("ListCaseEmails").WithSummary("The case's outgoing emails: pending, sent and failed, with the last error.");
        cases.MapGet("/bodies", async (Guid caseId, EmailBodies bodies, ClaimsPrincipal user, CancellationToken ct) =>
                (await bodies.ForCaseAsync(caseId, Actor.FromPrincipal(user), ct)).ToHttp())
            .RequireAuthorization(Scopes.CasesRead).WithName("ListCaseEmailBodies")
            .WithSummary("The case's inbound emails as sanitised HTML by timeline entry: html (the new text) and quotedHtml (the quoted history, or null).");
        cases.MapPost("/{emailId:guid}/resend", async (Guid caseId, Guid emailId, EmailOutbox outbox, ClaimsPrincipal user, CancellationToken ct) =>
                (await outbox.ResendAsync(caseId, emailId, Actor.FromPrincipal(user), ct)).ToHttp())
            .RequireAuthorization(Scopes.CasesWrite).WithName("ResendCaseEmail").WithSummary("Tries a failed or pending email again now.");

        app.MapPost("/api/v1/forms/cases", async Task<Results<Ok<WebFormResult>, ValidationProblem, NotFound, Conflict<HttpValidationProblemDetails>, StatusCodeHttpResult>> (
                WebForm form, Texts texts, HttpContext http, CancellationToken ct) =>
            {
                if (!form.Allow(http.Connection.RemoteIpAddress?.ToString() ?? "unknown"))
                {
                    return TypedResults.StatusCode(StatusCodes.Status429TooManyRequests);
                }

                var (body, files, problem) = await ReadWebFormAsync(http.Request, ct);
                if (body is null)
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [problem!.Value.Field] = [problem.Value.Message] });
                }

                return await form.SubmitAsync(body, files, ct) switch
                {
                    Outcome<WebFormResult>.Ok ok => TypedResults.Ok(ok.Value),
                    // File problems are text keys (shared with the form page): the API answers in words, in the form's language.
                    Outcome<WebFormResult>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors.ToDictionary(
                        e => e.Key, e => e.Value.Select(m => Texts.Has(m) ? texts.Get(m, body.Language != UiLanguage.English) : m).ToArray())),
                    Outcome<WebFormResult>.Conflict conflict => TypedResults.Conflict(OutcomeResults.ConflictProblem(conflict.Detail)),
                    _ => TypedResults.NotFound(),
                };
            })
            .AllowAnonymous().DisableAntiforgery().WithTags("Web form").WithName("SubmitWebForm")
            .Accepts<WebFormRequest>("application/json", "multipart/form-data")
            .WithSummary("The public form: subject, description, email, phone, categoryId, language, formId; website is a honeypot. " +
                "As multipart/form-data it also takes up to 5 files (field 'files'). Opens a case and emails a confirmation.");
        return app;
    }
}
