using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pishkhan.Features.Identity;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Portal;

public enum PortalFieldType
{
    Text = 1,
    Number = 2,
    Date = 3,
    Select = 4,
}

/// <summary>An extra question the portal asks for one category; the answer is stored in the case's custom field <see cref="Key"/>.</summary>
public sealed record PortalField(string Key, string Label, string LabelFa, PortalFieldType Type = PortalFieldType.Text, bool Required = false, List<string>? Options = null);

/// <summary>How the portal offers one case category: shown or hidden, an introduction, and its extra fields.</summary>
public sealed class PortalForm
{
    public Guid CategoryId { get; set; }
    public bool Hidden { get; set; }
    public string? Intro { get; set; }
    public string? IntroFa { get; set; }

    /// <summary>JSON array of <see cref="PortalField"/>.</summary>
    public string Fields { get; set; } = "[]";

    public DateTime UpdatedAt { get; set; }

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public IReadOnlyList<PortalField> ParseFields() => JsonSerializer.Deserialize<List<PortalField>>(Fields, JsonOptions) ?? [];
}

internal sealed class PortalFormConfiguration : IEntityTypeConfiguration<PortalForm>
{
    public void Configure(EntityTypeBuilder<PortalForm> builder)
    {
        builder.HasKey(f => f.CategoryId);
        builder.HasOne<Cases.Category>().WithOne().HasForeignKey<PortalForm>(f => f.CategoryId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(f => f.Intro).HasMaxLength(1000);
        builder.Property(f => f.IntroFa).HasMaxLength(1000);
    }
}

/// <summary>A category as the portal offers it, with its fields.</summary>
public sealed record PortalCategoryForm(Guid CategoryId, string Name, string NameFa, bool Hidden, string? Intro, string? IntroFa, IReadOnlyList<PortalField> Fields);

public sealed record PortalFormRequest(bool Hidden = false, string? Intro = null, string? IntroFa = null, List<PortalField>? Fields = null);

/// <summary>
/// The portal's request form per category (فرم درخواست هر دسته): every case category is offered unless hidden, with the extra
/// fields an admin defined for it. Validation of the answers is pure (<see cref="Validate"/>); the answers become case custom fields.
/// </summary>
public sealed partial class PortalForms(IDbContextFactory<PishkhanDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxFields = 20;
    public const int MaxAnswerLength = 500;

    public async Task<IReadOnlyList<PortalCategoryForm>> ListAsync(bool includeHidden, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var categories = await db.Categories.AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
        var forms = await db.Set<PortalForm>().AsNoTracking().ToDictionaryAsync(f => f.CategoryId, ct);
        return categories.Select(c => Combine(c, forms.GetValueOrDefault(c.Id))).Where(f => includeHidden || !f.Hidden).ToList();
    }

    /// <summary>The form of a category the portal offers; null for an unknown or hidden category.</summary>
    public async Task<PortalCategoryForm?> ForCategoryAsync(Guid categoryId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var category = await db.Categories.AsNoTracking().FirstOrDefaultAsync(c => c.Id == categoryId, ct);
        if (category is null)
        {
            return null;
        }

        var form = Combine(category, await db.Set<PortalForm>().AsNoTracking().FirstOrDefaultAsync(f => f.CategoryId == categoryId, ct));
        return form.Hidden ? null : form;
    }

    public async Task<Outcome<PortalCategoryForm>> SaveAsync(Guid categoryId, PortalFormRequest request, Actor actor, CancellationToken ct = default)
    {
        if (!actor.Can(Scopes.Admin))
        {
            return new Outcome<PortalCategoryForm>.NotFound();
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Actor = actor;
        var category = await db.Categories.AsNoTracking().FirstOrDefaultAsync(c => c.Id == categoryId, ct);
        if (category is null)
        {
            return new Outcome<PortalCategoryForm>.NotFound();
        }

        var errors = new FieldErrors();
        errors.MaxLength("intro", request.Intro, 1000);
        errors.MaxLength("introFa", request.IntroFa, 1000);
        var fields = request.Fields ?? [];
        if (fields.Count > MaxFields)
        {
            errors.Add("fields", $"At most {MaxFields} fields.");
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            var at = $"fields[{i}]";
            if (f is null)
            {
                errors.Add(at, "A field cannot be null.");
                continue;
            }

            if (string.IsNullOrEmpty(f.Key) || !KeyPattern().IsMatch(f.Key))
            {
                errors.Add($"{at}.key", $"'{f.Key}' is not a field key: a letter, then letters, digits or '_', at most 40.");
            }
            else if (!keys.Add(f.Key))
            {
                errors.Add($"{at}.key", $"The key '{f.Key}' is used twice.");
            }

            errors.Required($"{at}.label", f.Label);
            errors.Required($"{at}.labelFa", f.LabelFa);
            errors.MaxLength($"{at}.label", f.Label, 200);
            errors.MaxLength($"{at}.labelFa", f.LabelFa, 200);
            if (!Enum.IsDefined(f.Type))
            {
                errors.Add($"{at}.type", "Use text, number, date or select.");
            }

            if (f.Type == PortalFieldType.Select && (f.Options is not { Count: > 0 } || f.Options.Any(string.IsNullOrWhiteSpace)))
            {
                errors.Add($"{at}.options", "A select field needs its options, none empty.");
            }
        }

        if (errors.Any)
        {
            return errors;
        }

        var form = await db.Set<PortalForm>().FirstOrDefaultAsync(f => f.CategoryId == categoryId, ct);
        if (form is null)
        {
            form = new PortalForm { CategoryId = categoryId };
            db.Add(form);
        }

        form.Hidden = request.Hidden;
        form.Intro = string.IsNullOrWhiteSpace(request.Intro) ? null : request.Intro.Trim();
        form.IntroFa = string.IsNullOrWhiteSpace(request.IntroFa) ? null : request.IntroFa.Trim();
        form.Fields = JsonSerializer.Serialize(fields.Select(f => f with { Key = f.Key.Trim(), Label = f.Label.Trim(), LabelFa = f.LabelFa.Trim() }), PortalForm.JsonOptions);
        form.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return Combine(category, form);
    }

    /// <summary>
    /// The answers to keep (by field key) for a form, adding an error (a <c>portal.error.*</c> text key) for each required one
    /// missing and each of the wrong shape. Answers to questions the form does not ask are dropped.
    /// </summary>
    public static Dictionary<string, string> Validate(PortalCategoryForm form, IReadOnlyDictionary<string, string> answers, FieldErrors errors)
    {
        var kept = new Dictionary<string, string>();
        foreach (var field in form.Fields)
        {
            var value = answers.GetValueOrDefault(field.Key)?.Trim() ?? "";
            var at = $"fields.{field.Key}";
            if (value.Length == 0)
            {
                if (field.Required)
                {
                    errors.Add(at, "portal.error.fieldRequired");
                }

                continue;
            }

            var valid = value.Length <= MaxAnswerLength && field.Type switch
            {
                PortalFieldType.Number => decimal.TryParse(Platform.Text.PersianText.ToLatinDigits(value), System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out _),
                PortalFieldType.Date => DateOnly.TryParseExact(value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _),
                PortalFieldType.Select => field.Options?.Contains(value) == true,
                _ => true,
            };
            if (!valid)
            {
                errors.Add(at, field.Type switch
                {
                    PortalFieldType.Number => "portal.error.fieldNumber",
                    PortalFieldType.Date => "portal.error.fieldDate",
                    PortalFieldType.Select => "portal.error.fieldChoice",
                    _ => "portal.error.fieldTooLong",
                });
                continue;
            }

            kept[field.Key] = field.Type == PortalFieldType.Number ? Platform.Text.PersianText.ToLatinDigits(value) : value;
        }

        return kept;
    }

    private static PortalCategoryForm Combine(Cases.Category category, PortalForm? form) =>
        new(category.Id, category.Name, category.NameFa, form?.Hidden ?? false, form?.Intro, form?.IntroFa, form?.ParseFields() ?? []);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,39}$")]
    private static partial Regex KeyPattern();
}
