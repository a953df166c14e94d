using System.Collections;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Sla;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Automation;

/// <summary>The workflow run whose step is saving changes (flows with the async call), so its changes carry their origin.</summary>
public sealed record AutomationOrigin(Guid WorkflowId, Guid RunId, int Depth);

/// <summary>
/// Makes an <see cref="AutomationEvent"/> for every change a workflow may react to, from the change tracker, just before
/// the save, which writes them in its transaction (<see cref="PishkhanDbContext.Append"/>): so the event commits with the
/// change, or neither does. An acknowledged change
/// therefore never loses its trigger. Cases only so far: created, updated (with each field's before and after),
/// deleted, an inbound message, and an SLA warning or breach.
/// </summary>
public static class AutomationOutbox
{
    private static readonly AsyncLocal<AutomationOrigin?> CurrentOrigin = new();
    private static readonly HashSet<string> Ignored = ["Version", "UpdatedAt", "SearchText", "Id", "Status", "Owner", "Team", "Category", "Contact", "Account"];

    public static AutomationOrigin? Origin
    {
        get => CurrentOrigin.Value;
        set => CurrentOrigin.Value = value;
    }

    /// <summary>The events of the pending changes in <paramref name="db"/>'s change tracker (the caller writes them with the save).</summary>
    public static List<AutomationEvent> Capture(DbContext db, DateTime now)
    {
        var events = new List<AutomationEvent>();
        var origin = Origin;
        void Add(string kind, Guid recordId, Dictionary<string, FieldChange>? changes = null) => events.Add(new AutomationEvent
        {
            Kind = kind,
            RecordId = recordId,
            Changes = changes ?? [],
            OriginWorkflowId = origin?.WorkflowId,
            Depth = origin is null ? 0 : origin.Depth + 1,
            CreatedAt = now,
        });

        foreach (var entry in db.ChangeTracker.Entries())
        {
            switch (entry.Entity)
            {
                case Case c when entry.State == EntityState.Added:
                    Add(TriggerTypes.Created, c.Id);
                    break;
                case Case c when entry.State == EntityState.Deleted:
                    // The record is gone once this commits: its last values travel with the event (before → null).
                    var last = new Dictionary<string, FieldChange>();
                    foreach (var property in entry.Properties.Where(p => !Ignored.Contains(p.Metadata.Name) && p.Metadata.Name != nameof(Case.CustomFields)))
                    {
                        last[char.ToLowerInvariant(property.Metadata.Name[0]) + property.Metadata.Name[1..]] = new FieldChange(Format(property.OriginalValue), null);
                    }

                    foreach (var (key, value) in c.CustomFields)
                    {
                        last[RecordSchema.CustomPrefix + key] = new FieldChange(value, null);
                    }

                    Add(TriggerTypes.Deleted, c.Id, last);
                    break;
                case Case c when entry.State == EntityState.Modified:
                    var changes = ChangesOf(entry);
                    if (changes.Count > 0)
                    {
                        Add(TriggerTypes.Updated, c.Id, changes);
                    }

                    break;
                case TimelineEntry { Kind: TimelineKind.InboundMessage } message when entry.State == EntityState.Added:
                    Add(TriggerTypes.MessageReceived, message.CaseId);
                    break;
                case TimelineEntry { Field: SlaEngine.TimelineField, NewValue: "warned" or "breached" } sla when entry.State == EntityState.Added:
                    Add(sla.NewValue == "warned" ? TriggerTypes.SlaWarning : TriggerTypes.SlaBreached, sla.CaseId,
                        new Dictionary<string, FieldChange> { ["sla.metric"] = new(null, sla.OldValue) });
                    break;
                case Satisfaction.SatisfactionSurvey survey when entry.State == EntityState.Modified && entry.Property(nameof(survey.Rating)).IsModified:
                    Add(TriggerTypes.SatisfactionRated, survey.CaseId, new Dictionary<string, FieldChange>
                    {
                        ["satisfaction.rating"] = new(Format(entry.Property(nameof(survey.Rating)).OriginalValue), Format(survey.Rating)),
                    });
                    break;
            }
        }

        return events;
    }

    /// <summary>A modified case's changed fields, before and after, as text (what an <c>updated</c> trigger sees).</summary>
    internal static Dictionary<string, FieldChange> ChangesOf(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry entry)
    {
        var changes = new Dictionary<string, FieldChange>();
        foreach (var property in entry.Properties.Where(p => p.IsModified && !Ignored.Contains(p.Metadata.Name)))
        {
            if (property.Metadata.Name == nameof(Case.CustomFields))
            {
                var before = property.OriginalValue as Dictionary<string, string> ?? [];
                var after = property.CurrentValue as Dictionary<string, string> ?? [];
                foreach (var key in before.Keys.Union(after.Keys).Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k)))
                {
                    changes[RecordSchema.CustomPrefix + key] = new FieldChange(before.GetValueOrDefault(key), after.GetValueOrDefault(key));
                }

                continue;
            }

            var from = Format(property.OriginalValue);
            var to = Format(property.CurrentValue);
            if (from != to)
            {
                changes[char.ToLowerInvariant(property.Metadata.Name[0]) + property.Metadata.Name[1..]] = new FieldChange(from, to);
            }
        }

        return changes;
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        IEnumerable and not string => ConditionEvaluator.Format(((IEnumerable)value).Cast<object>().Select(o => o.ToString()!).ToList()),
        _ => ConditionEvaluator.Format(value),
    };
}
