using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Accounts;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Contacts;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Knowledge;
using Pishkhan.Features.Notifications;
using Pishkhan.Features.Routing;
using Pishkhan.Features.Sla;
using Pishkhan.Platform.Auditing;
using Pishkhan.Platform.Idempotency;

namespace Pishkhan.Platform.Data;

/// <summary>The one DbContext. Every entity's mapping lives beside the entity, in its feature folder.</summary>
public sealed class PishkhanDbContext(DbContextOptions<PishkhanDbContext> options, TimeProvider clock)
    : IdentityDbContext<AppUser, IdentityRole<Guid>, Guid>(options)
{
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<ContactChannel> ContactChannels => Set<ContactChannel>();
    public DbSet<Case> Cases => Set<Case>();
    public DbSet<CaseStatus> CaseStatuses => Set<CaseStatus>();
    public DbSet<Category> Categories => Set<Category>();
    public DbSet<CaseNumberCounter> CaseNumberCounters => Set<CaseNumberCounter>();
    public DbSet<TimelineEntry> TimelineEntries => Set<TimelineEntry>();
    public DbSet<Attachment> Attachments => Set<Attachment>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<WorkCalendar> Calendars => Set<WorkCalendar>();
    public DbSet<WorkQueue> Queues => Set<WorkQueue>();
    public DbSet<QueueTeam> QueueTeams => Set<QueueTeam>();
    public DbSet<RoutingRule> RoutingRules => Set<RoutingRule>();
    public DbSet<AgentProfile> AgentProfiles => Set<AgentProfile>();
    public DbSet<Features.Triage.TriageSettings> TriageSettings => Set<Features.Triage.TriageSettings>();
    public DbSet<Features.Triage.CategorisationRule> CategorisationRules => Set<Features.Triage.CategorisationRule>();
    public DbSet<Features.Triage.ClassifierModel> ClassifierModels => Set<Features.Triage.ClassifierModel>();
    public DbSet<SlaPolicy> SlaPolicies => Set<SlaPolicy>();
    public DbSet<SlaInstance> SlaInstances => Set<SlaInstance>();
    public DbSet<SlaTimer> SlaTimers => Set<SlaTimer>();
    public DbSet<SlaRecalculation> SlaRecalculations => Set<SlaRecalculation>();
    public DbSet<CaseTask> CaseTasks => Set<CaseTask>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<Article> Articles => Set<Article>();
    public DbSet<ArticleVersion> ArticleVersions => Set<ArticleVersion>();
    public DbSet<KbCategory> KbCategories => Set<KbCategory>();
    public DbSet<ArticleFeedback> ArticleFeedback => Set<ArticleFeedback>();
    public DbSet<ArticleCaseLink> ArticleCaseLinks => Set<ArticleCaseLink>();
    public DbSet<SynonymGroup> SynonymGroups => Set<SynonymGroup>();

    /// <summary>Who the changes saved through this context are attributed to in the audit history.</summary>
    public Actor Actor { get; set; } = Actor.System;

    /// <summary>The clock that stamps audit entries.</summary>
    public TimeProvider Clock { get; } = clock;

    public bool IsPostgres => Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PishkhanDbContext).Assembly);
        foreach (var property in builder.Model.GetEntityTypes().SelectMany(e => e.GetDeclaredProperties()).Where(p => p.ClrType == typeof(List<string>)))
        {
            property.SetValueComparer(new StringListComparer());
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<Dictionary<string, string>>().HaveConversion<JsonDictionaryConverter, JsonDictionaryComparer>();
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        using (DetectedChanges.ForSave(ChangeTracker))
        {
            CaptureChanges();
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        using (DetectedChanges.ForSave(ChangeTracker))
        {
            CaptureChanges();
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }
    }

    /// <summary>
    /// The outbox events and audit rows of the pending changes, on the changes the save detected once (see
    /// <see cref="DetectedChanges"/>); they only read entries and add rows.
    /// </summary>
    private void CaptureChanges()
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        Features.Automation.AutomationOutbox.Capture(this, now);
        AuditWriter.Capture(this, Actor, now);
    }
}
