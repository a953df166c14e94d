using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pishkhan.Calendar;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Sla;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Attachments;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Portal;

/// <summary>A case as its customer sees it in the portal: no owner, team, notes, events or internal fields.</summary>
public sealed record PortalCaseSummary(
    Guid Id, string Number, string Subject, StatusCategory Stage, string StatusName, string StatusNameFa, DateTime CreatedAt, DateTime UpdatedAt, string ContactName);

public sealed record PortalMessage(Guid Id, bool FromCustomer, string AuthorName, string Body, DateTime CreatedAt, IReadOnlyList<AttachmentDto> Attachments);

public sealed record PortalCaseDetail(
    PortalCaseSummary Case, string Description, string? CategoryName, string? CategoryNameFa, IReadOnlyList<PortalMessage> Messages, PortalExpectation? Expectation);

/// <summary>What to expect, from the SLA target the case is measured by and the calendar it runs on.</summary>
public sealed record PortalExpectation(long? TargetSeconds, DateTime? AnswerBy, string? OpeningHours, string? OpeningHoursFa);

public sealed record PortalNewCase(string? Subject, string? Description, Guid? CategoryId, Dictionary<string, string>? Fields, Guid? FormId);

/// <summary>
/// The portal's side of cases. Every read and write starts from <see cref="Visible"/>: a customer sees their own cases, or their
/// organisation's when their contact is marked its organisation admin; any other id reads as not found, so ids cannot be probed.
/// Customers write through the same handlers agents use (create, status change) or the same timeline rules as email (a message
/// from the customer reopens a waiting or resolved case and restarts the next-response clock).
/// </summary>
public sealed class PortalCases(
    IDbContextFactory<PishkhanDbContext> dbFactory, CreateCase createCase, UpdateCase updateCase, SlaEngine sla, AttachmentStore store,
    CustomerUploads uploads, CalendarResolver calendars, PortalForms forms, Knowledge.DeflectionTracker deflection, TimeProvider clock)
{
    public static IQueryable<Case> Visible(IQueryable<Case> cases, PortalCustomer customer) =>
        customer.OrganisationId is { } org
            ? cases.Where(c => c.ContactId == customer.ContactId || c.AccountId == org)
            : cases.Where(c => c.ContactId == customer.ContactId);

    public async Task<IReadOnlyList<PortalCaseSummary>> ListAsync(PortalCustomer customer, bool open, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var cases = Visible(db.Cases.AsNoTracking(), customer);
        cases = open ? cases.Where(c => c.Status!.Category < StatusCategory.Resolved) : cases.Where(c => c.Status!.Category >= StatusCategory.Resolved);
        return await cases.OrderByDescending(c => c.UpdatedAt).Take(200)
            .Select(c => new PortalCaseSummary(c.Id, c.Number, c.Subject, c.Status!.Category, c.Status.Name, c.Status.NameFa, c.CreatedAt, c.UpdatedAt, c.Contact!.Name))
            .ToListAsync(ct);
    }

    public async Task<PortalCaseDetail?> GetAsync(PortalCustomer customer, Guid caseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await Visible(db.Cases.AsNoTracking(), customer).Where(c => c.Id == caseId)
            .Select(c => new
            {
                Summary = new PortalCaseSummary(c.Id, c.Number, c.Subject, c.Status!.Category, c.Status.Name, c.Status.NameFa, c.CreatedAt, c.UpdatedAt, c.Contact!.Name),
                c.Description,
                Category = c.Category == null ? null : new { c.Category.Name, c.Category.NameFa },
            })
            .FirstOrDefaultAsync(ct);
        if (found is null)
        {
            return null;
        }

        var entries = await db.TimelineEntries.AsNoTracking().Include(e => e.Attachments)
            .Where(e => e.CaseId == caseId && e.IsPublic && (e.Kind == TimelineKind.InboundMessage || e.Kind == TimelineKind.OutboundMessage))
            .OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).ToListAsync(ct);
        var messages = entries.Select(e => new PortalMessage(
            e.Id, e.Kind == TimelineKind.InboundMessage, e.Kind == TimelineKind.InboundMessage ? e.AuthorName : FirstName(e.AuthorName), e.Body, e.CreatedAt,
            e.Attachments.OrderBy(a => a.FileName).Select(a => new AttachmentDto(a.Id, a.FileName, a.ContentType, a.Size, a.CreatedAt)).ToList())).ToList();
        var expectation = found.Summary.Stage < StatusCategory.Resolved ? await ExpectationAsync(db, caseId, ct) : null;
        return new PortalCaseDetail(found.Summary, found.Description, found.Category?.Name, found.Category?.NameFa, messages, expectation);
    }

    /// <summary>What a new request can expect: the first-response target of the policy that catches everything, on its calendar.</summary>
    public async Task<PortalExpectation?> GeneralExpectationAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var policies = await db.Set<SlaPolicy>().AsNoTracking().Where(p => p.IsActive).OrderByDescending(p => p.Position).ToListAsync(ct);
        var fallback = policies.FirstOrDefault(p => p.Conditions is "{}" or "" or "null") ?? policies.FirstOrDefault();
        if (fallback is null)
        {
            return null;
        }

        var rules = fallback.ToRules();
        var target = rules.Targets.Where(t => t.Metric == SlaMetric.FirstResponse).OrderBy(t => t.Priority == Priority.Medium ? 0 : 1).FirstOrDefault();
        var hours = fallback.Is24x7 ? null : await HoursAsync(db, fallback.CalendarId, ct);
        return new PortalExpectation(target is null ? null : target.Minutes * 60L, null, hours?.En, hours?.Fa);
    }

    public async Task<Outcome<PortalCaseSummary>> CreateAsync(PortalCustomer customer, PortalNewCase request, IReadOnlyList<Upload> files, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var form = request.CategoryId is { } categoryId ? await forms.ForCategoryAsync(categoryId, ct) : null;
        if (request.CategoryId is not null && form is null)
        {
            errors.Add("categoryId", "portal.error.categoryUnknown");
        }

        var fields = form is null ? new Dictionary<string, string>() : PortalForms.Validate(form, request.Fields ?? [], errors);
        var stored = await uploads.StoreAsync(files, errors, ct);
        if (string.IsNullOrWhiteSpace(request.Subject))
        {
            errors.Add("subject", "portal.error.subjectRequired");
        }
        else if (request.Subject.Trim().Length > CaseRules.SubjectMaxLength)
        {
            errors.Add("subject", "portal.error.subjectTooLong");
        }

        if (string.IsNullOrWhiteSpace(request.Description))
        {
            errors.Add("description", "portal.error.descriptionRequired");
        }
        else if (request.Description.Length > CaseRules.DescriptionMaxLength)
        {
            errors.Add("description", "portal.error.descriptionTooLong");
        }

        if (errors.Any)
        {
            return errors;
        }

        var actor = ActorFor(customer);
        // The form's id makes a double submit (a second click, a resent post) open one case, not two.
        var key = request.FormId is { } formId ? $"portal:{formId:N}" : null;
        var created = await createCase.HandleAsync(
            new CreateCaseRequest(request.Subject!.Trim(), request.Description!.Trim(), customer.ContactId, Channel: "portal", CategoryId: request.CategoryId, CustomFields: fields),
            actor, key, ct);
        if (created is not Outcome<CaseDto>.Ok ok)
        {
            return created switch
            {
                Outcome<CaseDto>.Invalid invalid => new Outcome<PortalCaseSummary>.Invalid(invalid.Errors),
                Outcome<CaseDto>.Conflict conflict => new Outcome<PortalCaseSummary>.Conflict(conflict.Detail),
                _ => new Outcome<PortalCaseSummary>.NotFound(),
            };
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        if (!await db.TimelineEntries.AnyAsync(e => e.CaseId == ok.Value.Id && e.Kind == TimelineKind.InboundMessage, ct))
        {
            // The request itself is the customer's first message, with its files, as an email's would be.
            db.TimelineEntries.Add(Message(ok.Value.Id, customer, request.Description!.Trim(), stored, Now()));
            await db.SaveChangesAsync(ct);
        }

        if (request.FormId is { } submitted)
        {
            // The form's suggested articles did not settle it: this session is not a deflection.
            await deflection.MarkSubmittedAsync(submitted, ok.Value.Id, ct);
        }

        return Summary(ok.Value, customer);
    }

    public async Task<Outcome<PortalMessage>> ReplyAsync(PortalCustomer customer, Guid caseId, string? body, IReadOnlyList<Upload> files, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var actor = ActorFor(customer);
        db.Actor = actor;
        var entity = await Visible(db.Cases, customer).Include(c => c.Status).FirstOrDefaultAsync(c => c.Id == caseId, ct);
        if (entity is null)
        {
            return new Outcome<PortalMessage>.NotFound();
        }

        var errors = new FieldErrors();
        if (entity.Status!.Category == StatusCategory.Closed)
        {
            errors.Add("body", "portal.error.closed");
            return errors;
        }

        var stored = await uploads.StoreAsync(files, errors, ct);
        if (string.IsNullOrWhiteSpace(body) && files.Count == 0)
        {
            errors.Add("body", "portal.error.replyRequired");
        }
        else if (body is not null && body.Length > CaseRules.BodyMaxLength)
        {
            errors.Add("body", "portal.error.replyTooLong");
        }

        if (errors.Any)
        {
            return errors;
        }

        var now = Now();
        if (entity.Status.Category is StatusCategory.Waiting or StatusCategory.Resolved)
        {
            // The customer wrote again: the case is with us again, as when they answer by email.
            await UpdateCase.ReopenForCustomerAsync(db, entity, customer.Name, customer.ContactId, now, ct);
        }

        var entry = Message(caseId, customer, body?.Trim() ?? "", stored, now);
        db.TimelineEntries.Add(entry);
        entity.UpdatedAt = now;
        entity.Version++;
        await db.SaveChangesAsync(ct);
        // The customer's message restarts the next-response clock: the SLA engine reads it from the timeline.
        await sla.ApplyAsync(db, entity, now, ct: ct);
        await db.SaveChangesAsync(ct);
        return new PortalMessage(entry.Id, true, entry.AuthorName, entry.Body, entry.CreatedAt,
            entry.Attachments.Select(a => new AttachmentDto(a.Id, a.FileName, a.ContentType, a.Size, a.CreatedAt)).ToList());
    }

    /// <summary>The customer closes their request (solved) or opens it again; both go through the agents' own status change.</summary>
    public async Task<Outcome<PortalCaseSummary>> SetOpenAsync(PortalCustomer customer, Guid caseId, bool open, CancellationToken ct = default)
    {
        Guid statusId;
        int version;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var current = await Visible(db.Cases.AsNoTracking(), customer).Where(c => c.Id == caseId)
                .Select(c => new { c.Version, c.Status!.Category }).FirstOrDefaultAsync(ct);
            if (current is null)
            {
                return new Outcome<PortalCaseSummary>.NotFound();
            }

            if (open == current.Category < StatusCategory.Resolved)
            {
                return new Outcome<PortalCaseSummary>.Conflict(open ? "portal.error.alreadyOpen" : "portal.error.alreadyClosed");
            }

            var category = open ? StatusCategory.Open : StatusCategory.Closed;
            statusId = await db.CaseStatuses.Where(s => s.Category == category).OrderBy(s => s.Position).Select(s => s.Id).FirstAsync(ct);
            version = current.Version;
        }

        var updated = await updateCase.HandleAsync(caseId, new CaseChanges { Version = version, StatusId = Optional.Of(statusId) }, ActorFor(customer), ct);
        return updated switch
        {
            Outcome<CaseDto>.Ok ok => Summary(ok.Value, customer),
            Outcome<CaseDto>.Conflict conflict => new Outcome<PortalCaseSummary>.Conflict(conflict.Detail),
            Outcome<CaseDto>.Invalid invalid => new Outcome<PortalCaseSummary>.Invalid(invalid.Errors),
            _ => new Outcome<PortalCaseSummary>.NotFound(),
        };
    }

    /// <summary>A file on a public message of a case the customer sees; null otherwise.</summary>
    public async Task<(Attachment Attachment, Stream Content)?> OpenAttachmentAsync(PortalCustomer customer, Guid attachmentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var attachment = await db.Attachments.AsNoTracking()
            .Where(a => a.Id == attachmentId && Visible(db.Cases, customer).Any(c => c.Id == a.CaseId)
                && db.TimelineEntries.Any(e => e.Id == a.TimelineEntryId && e.IsPublic))
            .FirstOrDefaultAsync(ct);
        return attachment is null || store.Open(attachment.Sha256) is not { } content ? null : (attachment, content);
    }

    /// <summary>The acting identity of a customer's writes: named after them, allowed to touch only what <see cref="Visible"/> gave it.</summary>
    private static Actor ActorFor(PortalCustomer customer) => new(null, null, customer.Name, UserRole.Admin, new HashSet<string>([Scopes.CasesRead, Scopes.CasesWrite]));

    private static TimelineEntry Message(Guid caseId, PortalCustomer customer, string body, List<Attachment> files, DateTime now)
    {
        var entry = new TimelineEntry
        {
            CaseId = caseId,
            Kind = TimelineKind.InboundMessage,
            IsPublic = true,
            Body = body,
            AuthorContactId = customer.ContactId,
            AuthorName = customer.Name,
            CreatedAt = now,
        };
        foreach (var file in files)
        {
            file.CaseId = caseId;
            entry.Attachments.Add(file);
        }

        return entry;
    }

    private async Task<PortalExpectation?> ExpectationAsync(PishkhanDbContext db, Guid caseId, CancellationToken ct)
    {
        var instance = await db.Set<SlaInstance>().AsNoTracking()
            .Where(i => i.CaseId == caseId && i.IsOpen && (i.Metric == SlaMetric.FirstResponse || i.Metric == SlaMetric.NextResponse))
            .OrderBy(i => i.DueAt).FirstOrDefaultAsync(ct);
        if (instance is null)
        {
            return null;
        }

        var hours = instance.CalendarId is null ? null : await HoursAsync(db, instance.CalendarId, ct);
        return new PortalExpectation(instance.TargetSeconds, instance.DueAt, hours?.En, hours?.Fa);
    }

    /// <summary>The weekly hours of a calendar (the default one when none is named) in both languages.</summary>
    private async Task<(string En, string Fa)?> HoursAsync(PishkhanDbContext db, Guid? calendarId, CancellationToken ct)
    {
        var id = calendarId ?? (await calendars.DefaultAsync(ct)).Id;
        var definition = await db.Set<WorkCalendar>().AsNoTracking().Where(c => c.Id == id).Select(c => c.Definition).FirstOrDefaultAsync(ct);
        if (definition is null)
        {
            return null;
        }

        var weekly = CalendarDefinition.FromJson(definition).Weekly;
        return OpeningHours.Describe(weekly, fa: false) is { } en ? (en, OpeningHours.Describe(weekly, fa: true)!) : null;
    }

    private static PortalCaseSummary Summary(CaseDto c, PortalCustomer customer) =>
        new(c.Id, c.Number, c.Subject, c.Status.Category, c.Status.Name, c.Status.NameFa, c.CreatedAt, c.UpdatedAt, customer.Name);

    private static string FirstName(string name) => name.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? name;

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}
