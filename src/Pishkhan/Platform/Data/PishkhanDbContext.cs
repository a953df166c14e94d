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

    private readonly List<object> _appended = [];

    /// <summary>
    /// Adds a row that is only ever inserted (a log line nobody edits), written by the next save in its transaction
    /// with a plain INSERT (<see cref="UntrackedRows"/>) instead of through the change tracker. Like an added entity, it
    /// is kept for the next try if the save fails, and it is not visible to queries or the change tracker before then.
    /// Rows are inserted after EF's own changes, grouped by type in the order each type was first appended: append a row
    /// before the rows that refer to it.
    /// </summary>
    public void Append(object row) => _appended.Add(row);

    /// <summary>The rows of type <typeparamref name="T"/> appended since the last save (what this unit of work is about to insert).</summary>
    public IEnumerable<T> Appended<T>() => _appended.OfType<T>();

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        int saved;
        List<object> rows;
        using (DetectedChanges.ForSave(ChangeTracker))
        {
            rows = CaptureChanges();
            if (rows.Count == 0)
            {
                return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            }

            // EF's save and the appended rows commit together: in the caller's transaction, or in one of the save's own
            // (where EF need set no savepoint first: a failure rolls it all back). The entities are accepted as saved
            // only once both are written.
            var own = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
            var savepoints = Database.AutoSavepointsEnabled;
            Database.AutoSavepointsEnabled = savepoints && own is null;
            try
            {
                saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancellationToken);
                await UntrackedRows.InsertAsync(this, rows, cancellationToken);
                if (own is not null)
                {
                    await own.CommitAsync(cancellationToken);
                }
            }
            finally
            {
                Database.AutoSavepointsEnabled = savepoints;
                if (own is not null)
                {
                    await own.DisposeAsync();
                }
            }
        }

        _appended.Clear();
        if (acceptAllChangesOnSuccess)
        {
            ChangeTracker.AcceptAllChanges();
        }

        return saved + rows.Count;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        // The synchronous save (rare here) writes the appended rows as tracked entities; a failed try takes them back out.
        using (DetectedChanges.ForSave(ChangeTracker))
        {
            var rows = CaptureChanges();
            AddRange(rows);
            try
            {
                var saved = base.SaveChanges(acceptAllChangesOnSuccess);
                _appended.Clear();
                return saved;
            }
            catch
            {
                foreach (var row in rows)
                {
                    Entry(row).State = EntityState.Detached;
                }

                throw;
            }
        }
    }

    /// <summary>
    /// The rows the save appends: what was <see cref="Append"/>ed, and the outbox events, audit rows and report marks of
    /// the pending changes, made afresh on every try from the changes the save detected once (see <see cref="DetectedChanges"/>).
    /// </summary>
    private List<object> CaptureChanges()
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        var rows = new List<object>(_appended);
        rows.AddRange(Features.Automation.AutomationOutbox.Capture(this, now));
        rows.AddRange(AuditWriter.Capture(this, Actor, now));
        rows.AddRange(Features.Reports.ReportChangeMarker.Capture(this));
        return rows;
    }
}
