using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Automation;

public sealed record TemplateRequest(string? Name, string? SubjectEn, string? BodyEn, string? SubjectFa, string? BodyFa, int? Version = null);

public sealed record TemplateDto(Guid Id, string Key, string Name, string SubjectEn, string BodyEn, string SubjectFa, string BodyFa, DateTime UpdatedAt, int Version);

public sealed record TemplatePreviewRequest(Guid? CaseId, string? Language);

public sealed record TemplatePreviewDto(string Language, string Subject, string Body);

/// <summary>Email templates (Liquid, fa and en): list, save by key (each part must parse), delete, and preview against a case.</summary>
public sealed partial class TemplateAdmin(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock, CalendarResolver calendars)
{
    public async Task<IReadOnlyList<TemplateDto>> ListAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Set<LiquidTemplate>().AsNoTracking().OrderBy(t => t.Key).ToListAsync(ct);
        return [.. rows.Select(ToDto)];
    }

    public async Task<Outcome<TemplateDto>> SaveAsync(string key, TemplateRequest request, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var errors = new FieldErrors();
        if (!KeyPattern().IsMatch(key))
        {
            errors.Add("key", "'key' is 1–100 lowercase letters, digits, '-' or '_'.");
        }

        errors.MaxLength("name", request.Name, 200);
        errors.MaxLength("subjectEn", request.SubjectEn, 500);
        errors.MaxLength("subjectFa", request.SubjectFa, 500);
        if (string.IsNullOrWhiteSpace(request.BodyEn) && string.IsNullOrWhiteSpace(request.BodyFa))
        {
            errors.Add("bodyFa", "At least one of 'bodyFa' and 'bodyEn' is required.");
        }

        foreach (var (field, text) in new[] { ("subjectEn", request.SubjectEn), ("bodyEn", request.BodyEn), ("subjectFa", request.SubjectFa), ("bodyFa", request.BodyFa) })
        {
            if (text is not null && !AutomationTemplates.TryParse(text, out var error))
            {
                errors.Add(field, $"The template does not parse: {error}");
            }
        }

        if (errors.Any)
        {
            return errors;
        }

        var template = await db.Set<LiquidTemplate>().FirstOrDefaultAsync(t => t.Key == key, ct);
        if (template is not null && request.Version is { } version && version != template.Version)
        {
            return new Outcome<TemplateDto>.Conflict($"The template was changed by someone else (your version {version}, current {template.Version}).");
        }

        if (template is null)
        {
            template = new LiquidTemplate { Key = key };
            db.Add(template);
        }

        template.Name = request.Name?.Trim() ?? template.Name;
        template.SubjectEn = request.SubjectEn ?? "";
        template.BodyEn = request.BodyEn ?? "";
        template.SubjectFa = request.SubjectFa ?? "";
        template.BodyFa = request.BodyFa ?? "";
        template.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        template.Version++;
        await db.SaveChangesAsync(ct);
        return ToDto(template);
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<LiquidTemplate>().Where(t => t.Key == key).ExecuteDeleteAsync(ct) > 0;
    }

    /// <summary>Renders a template for a case, in the contact's language unless one is asked for (falling back to the other variant when one is empty).</summary>
    public async Task<Outcome<TemplatePreviewDto>> PreviewAsync(string key, TemplatePreviewRequest request, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var template = await db.Set<LiquidTemplate>().AsNoTracking().FirstOrDefaultAsync(t => t.Key == key, ct);
        if (template is null)
        {
            return new Outcome<TemplatePreviewDto>.NotFound();
        }

        var errors = new FieldErrors();
        var record = request.CaseId is { } caseId ? await RecordAccess.LoadAsync(db, "case", caseId, ct) : null;
        if (record is null)
        {
            errors.Add("caseId", request.CaseId is null ? "'caseId' is required." : $"No case has the id '{request.CaseId}'.");
        }

        if (request.Language is not (null or "fa" or "en"))
        {
            errors.Add("language", "'language' must be 'fa' or 'en'.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var (language, subject, body) = Render(template, record!, request.Language, Instant.FromDateTimeUtc(clock.GetUtcNow().UtcDateTime), (await calendars.DefaultAsync(ct)).Calendar);
        return new TemplatePreviewDto(language, subject, body);
    }

    /// <summary>The subject and body in the language asked for (else the record's), falling back to the variant that has a body.</summary>
    public static (string Language, string Subject, string Body) Render(LiquidTemplate template, RecordSnapshot record, string? language, Instant now, Pishkhan.Calendar.BusinessCalendar calendar)
    {
        var lang = language ?? record.Language;
        if (lang == "fa" && string.IsNullOrWhiteSpace(template.BodyFa))
        {
            lang = "en";
        }
        else if (lang == "en" && string.IsNullOrWhiteSpace(template.BodyEn))
        {
            lang = "fa";
        }

        var model = AutomationTemplates.Model(record with { Language = lang }, now, calendar.NextOpen(now));
        return lang == "fa"
            ? (lang, AutomationTemplates.Render(template.SubjectFa, model), AutomationTemplates.Render(template.BodyFa, model))
            : (lang, AutomationTemplates.Render(template.SubjectEn, model), AutomationTemplates.Render(template.BodyEn, model));
    }

    private static TemplateDto ToDto(LiquidTemplate t) => new(t.Id, t.Key, t.Name, t.SubjectEn, t.BodyEn, t.SubjectFa, t.BodyFa, t.UpdatedAt, t.Version);

    [GeneratedRegex("^[a-z0-9_-]{1,100}$")]
    private static partial Regex KeyPattern();
}
