using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Pishkhan.Calendar;
using Pishkhan.Features.Calendars;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Notifications;
using Pishkhan.Features.Sla;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Automation;

/// <summary>How a step ended: an outcome (the run moves on), a wait until an instant (null: until someone decides), or an error.</summary>
public abstract record StepResult(string Detail, string? Output)
{
    public sealed record Done(string Outcome, string Detail, string? Output = null) : StepResult(Detail, Output);

    public sealed record Suspend(DateTime? Until, string Detail, string? Output = null) : StepResult(Detail, Output);

    public sealed record Fail(string Error, string? Output = null) : StepResult(Error, Output);
}

/// <summary>What a step runs with. Its changes go into <see cref="Db"/> and commit with the run's advance.</summary>
public sealed record StepContext(PishkhanDbContext Db, WorkflowRun Run, StepDefinition Step, RecordSnapshot Record, DateTime Now, BusinessCalendar Calendar, Dictionary<string, object?> Model)
{
    public Instant NowInstant => Instant.FromDateTimeUtc(DateTime.SpecifyKind(Now, DateTimeKind.Utc));

    /// <summary>SLA policies and statuses already read in this unit of work (a batch of runs reads them once); read per step when null.</summary>
    public SlaSetup? SlaSetup { get; init; }

    /// <summary>Cases already read, tracked with their status, in this unit of work (a batch reads its round's cases at once); read per step when absent.</summary>
    public IReadOnlyDictionary<Guid, Case>? Cases { get; init; }

    /// <summary>Things to do after the commit (routing signals).</summary>
    public List<Action> AfterCommit { get; } = [];

    public string Render(string? template) => template is null ? "" : AutomationTemplates.Render(template, Model);
}

/// <summary>Runs one step of each type. A step never commits: the engine saves its changes together with the run.</summary>
public sealed class WorkflowSteps(CalendarResolver calendars, SlaEngine sla, Routing.RoutingSignals routing, IHttpClientFactory http, ISmsSender sms)
{
    public const string HttpClientName = "automation-webhooks";
    public const string SignatureHeader = "X-Pishkhan-Signature";
    public const string AuthorName = "Automation";

    public async Task<StepResult> ExecuteAsync(StepContext ctx, CancellationToken ct)
    {
        var step = ctx.Step;
        return step.Type switch
        {
            StepTypes.SetField => await SetFieldAsync(ctx, ct),
            StepTypes.AddTag or StepTypes.RemoveTag => await TagAsync(ctx, step.Type == StepTypes.AddTag, ct),
            StepTypes.Assign => await AssignAsync(ctx, ct),
            StepTypes.Notify => await NotifyAsync(ctx, ct),
            StepTypes.CreateTask => await CreateTaskAsync(ctx, ct),
            StepTypes.Reply => Reply(ctx),
            StepTypes.Sms => await SmsAsync(ctx, ct),
            StepTypes.SendEmail => await SendEmailAsync(ctx, ct),
            StepTypes.Webhook => await WebhookAsync(ctx, ct),
            StepTypes.Wait => await WaitAsync(ctx, ct),
            StepTypes.Approval => await ApprovalAsync(ctx, ct),
            StepTypes.CreateRecord => await CreateRecordAsync(ctx, ct),
            _ => new StepResult.Fail($"Unknown step type '{step.Type}'."),
        };
    }

    private static async Task<Case> CaseAsync(StepContext ctx, CancellationToken ct) =>
        ctx.Cases?.GetValueOrDefault(ctx.Record.Id) ?? await ctx.Db.Cases.Include(c => c.Status).FirstAsync(c => c.Id == ctx.Record.Id, ct);

    private static void Touch(StepContext ctx, Case entity)
    {
        entity.Version++;
        entity.UpdatedAt = ctx.Now;
        entity.SearchText = CreateCase.SearchTextOf(entity);
    }

    private static void Event(StepContext ctx, string field, string? from, string? to) => ctx.Db.TimelineEntries.Add(new TimelineEntry
    {
        CaseId = ctx.Record.Id,
        Kind = TimelineKind.Event,
        Field = field,
        OldValue = from,
        NewValue = to,
        AuthorName = $"{AuthorName}: {ctx.Run.WorkflowName}",
        CreatedAt = ctx.Now,
    });

    private async Task<StepResult> SetFieldAsync(StepContext ctx, CancellationToken ct)
    {
        var field = ctx.Step.Field!;
        var value = ctx.Step.Value is { ValueKind: JsonValueKind.String } s ? ctx.Render(s.GetString()) : ctx.Step.Value?.ToString();
        var entity = await CaseAsync(ctx, ct);
        var write = await RecordAccess.SetCaseFieldAsync(ctx.Db, entity, field, value, ctx.Now, ct);
        if (write.Error is { } error)
        {
            return new StepResult.Fail(error);
        }

        var before = write.Before;
        if (field == "priority")
        {
            Event(ctx, "priority", before, entity.Priority.ToString());
        }
        else if (write is { Status: { } status, StatusChanged: true })
        {
            Event(ctx, "status", before, status.Name);
        }

        Touch(ctx, entity);
        if (SlaEngine.IsAffectedBy(field))
        {
            await sla.ApplyAsync(ctx.Db, entity, ctx.Now, setup: ctx.SlaSetup, ct: ct);
        }

        return new StepResult.Done("ok", $"{field}: '{before}' → '{value}'");
    }

    private static async Task<StepResult> TagAsync(StepContext ctx, bool add, CancellationToken ct)
    {
        var tag = ctx.Render(ctx.Step.Tag).Trim();
        var entity = await CaseAsync(ctx, ct);
        var has = entity.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase);
        if (add == has)
        {
            return new StepResult.Done("ok", add ? $"already tagged '{tag}'" : $"not tagged '{tag}'");
        }

        entity.Tags = add ? CaseRules.CleanTags([.. entity.Tags, tag]) : [.. entity.Tags.Where(t => !string.Equals(t, tag, StringComparison.OrdinalIgnoreCase))];
        Touch(ctx, entity);
        return new StepResult.Done("ok", add ? $"tagged '{tag}'" : $"untagged '{tag}'");
    }

    private async Task<StepResult> AssignAsync(StepContext ctx, CancellationToken ct)
    {
        var step = ctx.Step;
        var entity = await ctx.Db.Cases.Include(c => c.Owner).Include(c => c.Team).FirstAsync(c => c.Id == ctx.Record.Id, ct);
        string detail;
        if (step.UserId is { } userId)
        {
            var user = await ctx.Db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && u.IsActive, ct);
            if (user is null)
            {
                return new StepResult.Fail($"No active user has the id '{userId}'.");
            }

            Event(ctx, "owner", entity.Owner?.DisplayName, user.DisplayName);
            entity.OwnerId = userId;
            entity.AssignedAt = ctx.Now;
            entity.AcceptedAt = null;
            entity.QueuedAt = null;
            detail = $"assigned to {user.DisplayName}";
        }
        else if (step.TeamId is { } teamId)
        {
            var team = await ctx.Db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == teamId, ct);
            if (team is null)
            {
                return new StepResult.Fail($"No team has the id '{teamId}'.");
            }

            Event(ctx, "team", entity.Team?.Name, team.Name);
            entity.TeamId = teamId;
            detail = $"assigned to team {team.Name}";
        }
        else
        {
            var queueId = step.QueueId!.Value;
            var queue = await ctx.Db.Queues.AsNoTracking().FirstOrDefaultAsync(q => q.Id == queueId, ct);
            if (queue is null)
            {
                return new StepResult.Fail($"No queue has the id '{queueId}'.");
            }

            Event(ctx, "queue", null, queue.Name);
            entity.QueueId = queueId;
            entity.OwnerId = null;
            entity.AssignedAt = null;
            entity.AcceptedAt = null;
            entity.QueuedAt = ctx.Now;
            ctx.AfterCommit.Add(() => routing.QueueHasWork(queueId)); // the routing engine picks an agent
            detail = $"put in queue {queue.Name}";
        }

        Touch(ctx, entity);
        await sla.ApplyAsync(ctx.Db, entity, ctx.Now, setup: ctx.SlaSetup, ct: ct);
        return new StepResult.Done("ok", detail);
    }

    private static async Task<List<Guid>> RecipientsAsync(StepContext ctx, CancellationToken ct)
    {
        var step = ctx.Step;
        if (step.UserIds is { Count: > 0 } ids)
        {
            return ids;
        }

        var ownerId = ctx.Record.Get("ownerId") is string o ? Guid.Parse(o) : (Guid?)null;
        var teamId = ctx.Record.Get("teamId") is string t ? Guid.Parse(t) : (Guid?)null;
        if (step.To == "owner" && ownerId is { } owner)
        {
            return [owner];
        }

        return teamId is { } team
            ? await ctx.Db.TeamMembers.AsNoTracking()
                .Where(m => m.TeamId == team && m.User!.IsActive && (m.User.Role == UserRole.Supervisor || m.User.Role == UserRole.Admin))
                .Select(m => m.UserId).ToListAsync(ct)
            : [];
    }

    private static async Task<StepResult> NotifyAsync(StepContext ctx, CancellationToken ct)
    {
        var recipients = await RecipientsAsync(ctx, ct);
        var title = Truncate(ctx.Render(ctx.Step.Title), 300);
        foreach (var userId in recipients.Distinct())
        {
            ctx.Db.Add(new Notification
            {
                UserId = userId,
                CaseId = ctx.Record.Id,
                Title = title,
                Body = ctx.Render(ctx.Step.Body),
                Source = Truncate($"automation:{ctx.Run.WorkflowId:N}", 50),
                CreatedAt = ctx.Now,
                DeliverAfter = ctx.Now,
            });
        }

        return new StepResult.Done("ok", $"notified {recipients.Distinct().Count()} user(s): {title}");
    }

    private async Task<StepResult> CreateTaskAsync(StepContext ctx, CancellationToken ct)
    {
        var step = ctx.Step;
        DateTime? due = null;
        if (step.DueAtNextOpening)
        {
            due = ctx.Calendar.NextOpen(ctx.NowInstant).ToDateTimeUtc();
        }
        else if (step.DueIn is { } dueIn)
        {
            due = await AddAsync(ctx, ctx.Now, dueIn, ct);
        }

        var title = Truncate(ctx.Render(step.Title), 300);
        ctx.Db.Add(new CaseTask
        {
            CaseId = ctx.Record.Id,
            Title = title,
            AssigneeUserId = step.UserId ?? (ctx.Record.Get("ownerId") is string o ? Guid.Parse(o) : null),
            CreatedAt = ctx.Now,
            DueAt = due,
            Source = Truncate($"automation:{ctx.Run.WorkflowId:N}", 50),
        });
        return new StepResult.Done("ok", due is { } d ? $"task '{title}' due {d:yyyy-MM-dd HH:mm}Z" : $"task '{title}'");
    }

    private static StepResult.Done Reply(StepContext ctx)
    {
        var body = ctx.Render(ctx.Step.Body);
        ctx.Db.TimelineEntries.Add(new TimelineEntry
        {
            CaseId = ctx.Record.Id,
            Kind = TimelineKind.OutboundMessage,
            IsPublic = true,
            IsAutomated = true,
            Body = body,
            AuthorName = $"{AuthorName}: {ctx.Run.WorkflowName}",
            CreatedAt = ctx.Now,
        });
        return new StepResult.Done("ok", "automated reply added", body);
    }

    /// <summary>
    /// Renders an email template (the contact's language, or the step's), records it on the case as an automated public
    /// outbound message and queues it in the email outbox in the run's own unit of work, so it is sent exactly once
    /// with the step (retries and failures as for any email). Without an active mailbox it stays on the timeline only.
    /// </summary>
    private static async Task<StepResult> SendEmailAsync(StepContext ctx, CancellationToken ct)
    {
        var template = await ctx.Db.Set<LiquidTemplate>().AsNoTracking().FirstOrDefaultAsync(t => t.Key == ctx.Step.Template, ct);
        if (template is null)
        {
            return new StepResult.Fail($"No email template has the key '{ctx.Step.Template}'.");
        }

        if (ctx.Record.Get("contact.email") is not string to)
        {
            return new StepResult.Fail("The contact has no email address.");
        }

        var (language, subject, body) = TemplateAdmin.Render(template, ctx.Record, ctx.Step.Language, ctx.NowInstant, ctx.Calendar);
        ctx.Db.TimelineEntries.Add(new TimelineEntry
        {
            CaseId = ctx.Record.Id,
            Kind = TimelineKind.OutboundMessage,
            IsPublic = true,
            IsAutomated = true,
            Body = $"{subject}\n\n{body}",
            AuthorName = $"{AuthorName}: {ctx.Run.WorkflowName}",
            CreatedAt = ctx.Now,
        });
        var queued = await Email.EmailOutbox.QueueAutomaticAsync(ctx.Db, await CaseAsync(ctx, ct), to, subject, body, ctx.Now, ct);
        var how = queued is null ? "no active mailbox to send from: kept on the timeline only" : $"queued in the email outbox ({queued.MessageId})";
        return new StepResult.Done("ok", $"email '{template.Key}' ({language}) to {to}: {how}", $"To: {to}\nSubject: {subject}\n\n{body}");
    }

    private async Task<StepResult> SmsAsync(StepContext ctx, CancellationToken ct)
    {
        if (ctx.Record.Get("contact.phone") is not string phone)
        {
            return new StepResult.Fail("The contact has no phone number.");
        }

        var body = ctx.Render(ctx.Step.Body);
        var id = await sms.SendAsync(phone, body, ct);
        return new StepResult.Done("ok", $"SMS to {phone} ({id})", body);
    }

    private async Task<StepResult> WebhookAsync(StepContext ctx, CancellationToken ct)
    {
        var step = ctx.Step;
        var run = ctx.Run;
        var maxAttempts = step.MaxAttempts ?? 3;
        var backoff = TimeSpan.FromSeconds(step.BackoffSeconds ?? 30);
        run.StepAttempt++;
        var body = JsonSerializer.Serialize(Payload(ctx));
        using var request = new HttpRequestMessage(HttpMethod.Post, step.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Pishkhan-Delivery", $"{run.Id}:{step.Id}");
        request.Headers.Add("X-Pishkhan-Attempt", run.StepAttempt.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(step.Secret))
        {
            request.Headers.Add(SignatureHeader, Sign(step.Secret, body));
        }

        string result;
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            result = $"HTTP {(int)response.StatusCode}: {Truncate(text, 4000)}";
            if (response.IsSuccessStatusCode)
            {
                return new StepResult.Done("ok", $"delivered on attempt {run.StepAttempt}", result);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            result = $"{e.GetType().Name}: {e.Message}";
        }

        if (run.StepAttempt >= maxAttempts)
        {
            return new StepResult.Done("failed", $"attempt {run.StepAttempt} of {maxAttempts} failed; giving up", result);
        }

        var retryAt = ctx.Now + backoff * Math.Pow(2, run.StepAttempt - 1);
        return new StepResult.Suspend(retryAt, $"attempt {run.StepAttempt} of {maxAttempts} failed; retry at {retryAt:yyyy-MM-dd HH:mm:ss}Z", result);
    }

    /// <summary><c>sha256=</c> and the hex HMAC-SHA256 of the body with the secret.</summary>
    public static string Sign(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    private static JsonNode Payload(StepContext ctx)
    {
        if (ctx.Step.Payload is { } payload && JsonNode.Parse(payload.GetRawText()) is { } node)
        {
            return RenderStrings(node, ctx);
        }

        var record = new JsonObject();
        foreach (var (field, value) in ctx.Record.Values)
        {
            record[field] = value switch
            {
                null => null,
                IReadOnlyList<string> list => new JsonArray([.. list.Select(i => (JsonNode?)JsonValue.Create(i))]),
                DateTime d => JsonValue.Create(d),
                _ => JsonValue.Create(ConditionEvaluator.Format(value)),
            };
        }

        return new JsonObject
        {
            ["workflowId"] = ctx.Run.WorkflowId,
            ["workflow"] = ctx.Run.WorkflowName,
            ["runId"] = ctx.Run.Id,
            ["trigger"] = ctx.Run.Trigger,
            ["recordType"] = ctx.Record.Type,
            ["record"] = record,
        };
    }

    private static JsonNode RenderStrings(JsonNode node, StepContext ctx)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (o[key] is { } child)
                    {
                        o[key] = RenderStrings(child.DeepClone(), ctx);
                    }
                }

                return o;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is { } item)
                    {
                        a[i] = RenderStrings(item.DeepClone(), ctx);
                    }
                }

                return a;
            case JsonValue v when v.TryGetValue<string>(out var text):
                return JsonValue.Create(ctx.Render(text));
            default:
                return node;
        }
    }

    private async Task<StepResult> WaitAsync(StepContext ctx, CancellationToken ct)
    {
        var step = ctx.Step;
        var run = ctx.Run;
        run.StepStartedAt ??= ctx.Now;
        var started = run.StepStartedAt.Value;
        DateTime? timeoutAt = step.Timeout is { } timeout ? await AddAsync(ctx, started, timeout, ct) : null;
        DateTime? target = null;
        if (step.Duration is { } duration)
        {
            target = await AddAsync(ctx, started, duration, ct);
        }
        else if (step.UntilField is { } field)
        {
            target = ctx.Record.DateOf(field);
            if (target is null && timeoutAt is null)
            {
                return new StepResult.Done("ok", $"'{field}' is empty; nothing to wait for");
            }
        }
        else if (step.Until is { } until)
        {
            var calendarsUsed = await ConditionCalendarsAsync(calendars, until, ct);
            if (ConditionEvaluator.Evaluate(until, new ConditionContext(ctx.Record, run.Changes, ctx.NowInstant, calendarsUsed)))
            {
                return new StepResult.Done("ok", "the condition holds");
            }
        }

        if (target is { } t && ctx.Now >= t)
        {
            return new StepResult.Done("ok", $"waited until {t:yyyy-MM-dd HH:mm}Z");
        }

        if (timeoutAt is { } limit && ctx.Now >= limit)
        {
            return new StepResult.Done("timeout", $"timed out at {limit:yyyy-MM-dd HH:mm}Z");
        }

        // Waiting for a condition re-checks it every minute; the others sleep until their instant.
        DateTime? wake = step.Until is not null ? ctx.Now.AddMinutes(1) : target;
        if (timeoutAt is { } l && (wake is null || l < wake))
        {
            wake = l;
        }

        return new StepResult.Suspend(wake, wake is { } w ? $"waiting until {w:yyyy-MM-dd HH:mm}Z" : "waiting");
    }

    private async Task<StepResult> ApprovalAsync(StepContext ctx, CancellationToken ct)
    {
        var step = ctx.Step;
        var run = ctx.Run;
        run.StepStartedAt ??= ctx.Now;
        DateTime? timeoutAt = step.Timeout is { } timeout ? await AddAsync(ctx, run.StepStartedAt.Value, timeout, ct) : null;
        var approval = await ctx.Db.Set<WorkflowApproval>().FirstOrDefaultAsync(a => a.RunId == run.Id && a.StepId == step.Id, ct);
        if (approval is null)
        {
            var title = Truncate(ctx.Render(step.Title ?? $"Approve: {ctx.Run.WorkflowName}"), 300);
            approval = new WorkflowApproval
            {
                RunId = run.Id,
                StepId = step.Id!,
                RecordId = ctx.Record.Id,
                Title = title,
                ApproverUserIds = step.UserIds ?? [],
                ApproverRole = step.Role,
                CreatedAt = ctx.Now,
                DueAt = timeoutAt,
            };
            ctx.Db.Add(approval);
            var approvers = step.UserIds is { Count: > 0 } ids
                ? ids
                : await ctx.Db.Users.AsNoTracking().Where(u => u.IsActive && u.Role >= (step.Role == "admin" ? UserRole.Admin : UserRole.Supervisor)).Select(u => u.Id).ToListAsync(ct);
            foreach (var userId in approvers)
            {
                ctx.Db.Add(new Notification
                {
                    UserId = userId,
                    CaseId = ctx.Record.Id,
                    Title = title,
                    Body = ctx.Render(step.Body),
                    Source = "automation:approval",
                    CreatedAt = ctx.Now,
                    DeliverAfter = ctx.Now,
                });
            }

            return new StepResult.Suspend(timeoutAt, $"approval requested from {approvers.Count} user(s)" + (timeoutAt is { } at ? $"; times out {at:yyyy-MM-dd HH:mm}Z" : ""), approval.Id.ToString());
        }

        switch (approval.Status)
        {
            case ApprovalStatus.Approved:
                return new StepResult.Done("approved", $"approved by {approval.DecidedByName}", approval.Comment);
            case ApprovalStatus.Rejected:
                return new StepResult.Done("rejected", $"rejected by {approval.DecidedByName}", approval.Comment);
            case ApprovalStatus.TimedOut:
                return new StepResult.Done("timeout", "timed out");
        }

        if (timeoutAt is { } limit && ctx.Now >= limit)
        {
            approval.Status = ApprovalStatus.TimedOut;
            approval.DecidedAt = ctx.Now;
            return new StepResult.Done("timeout", $"no decision by {limit:yyyy-MM-dd HH:mm}Z");
        }

        return new StepResult.Suspend(timeoutAt, "still waiting for a decision");
    }

    private async Task<StepResult> CreateRecordAsync(StepContext ctx, CancellationToken ct)
    {
        var source = await ctx.Db.Cases.AsNoTracking().FirstAsync(c => c.Id == ctx.Record.Id, ct);
        var status = await ctx.Db.CaseStatuses.AsNoTracking().OrderBy(s => s.Position).FirstAsync(s => s.IsDefault, ct);
        var entity = new Case
        {
            Number = await CaseNumbers.NextAsync(ctx.Db, ctx.Now, ct),
            Subject = Truncate(ctx.Render(ctx.Step.Subject).Trim(), CaseRules.SubjectMaxLength),
            Description = ctx.Render(ctx.Step.Body),
            Channel = CaseChannel.Api,
            ContactId = source.ContactId,
            AccountId = source.AccountId,
            TeamId = ctx.Step.TeamId ?? source.TeamId,
            StatusId = status.Id,
            CreatedAt = ctx.Now,
            UpdatedAt = ctx.Now,
        };
        entity.SearchText = CreateCase.SearchTextOf(entity);
        ctx.Db.Cases.Add(entity);
        ctx.Db.TimelineEntries.Add(new TimelineEntry
        {
            CaseId = entity.Id,
            Kind = TimelineKind.Event,
            Field = "created",
            NewValue = entity.Number,
            Body = $"from case {source.Number}",
            AuthorName = $"{AuthorName}: {ctx.Run.WorkflowName}",
            CreatedAt = ctx.Now,
        });
        await sla.ApplyAsync(ctx.Db, entity, ctx.Now, setup: ctx.SlaSetup, ct: ct);
        ctx.AfterCommit.Add(() => routing.CaseCreated(entity.Id));
        return new StepResult.Done("ok", $"created case {entity.Number}", entity.Id.ToString());
    }

    /// <summary><paramref name="start"/> plus a duration: wall-clock parts as they are, business parts on the duration's calendar (or the run's).</summary>
    public async Task<DateTime> AddAsync(StepContext ctx, DateTime start, DurationDefinition duration, CancellationToken ct)
    {
        var at = start + duration.WallClock;
        if (!duration.IsBusiness)
        {
            return at;
        }

        var calendar = duration.CalendarId is { } id && await calendars.ForCalendarAsync(id, ct) is { } resolved ? resolved.Calendar : ctx.Calendar;
        var instant = Instant.FromDateTimeUtc(DateTime.SpecifyKind(at, DateTimeKind.Utc));
        var business = NodaTime.Duration.FromTimeSpan(duration.Business);
        var result = business < NodaTime.Duration.Zero ? calendar.Subtract(instant, -business) : calendar.Add(instant, business);
        return result.ToDateTimeUtc();
    }

    /// <summary>The calendars a condition names, resolved (the default one under "default").</summary>
    public static async Task<IReadOnlyDictionary<string, BusinessCalendar>> ConditionCalendarsAsync(CalendarResolver calendars, ConditionNode? node, CancellationToken ct)
    {
        var keys = new HashSet<string>();
        void Collect(ConditionNode? n)
        {
            if (n is null)
            {
                return;
            }

            if (n.Calendar is { } key)
            {
                keys.Add(key);
            }

            n.All?.ForEach(Collect);
            n.Any?.ForEach(Collect);
            Collect(n.Not);
        }

        Collect(node);
        var result = new Dictionary<string, BusinessCalendar>();
        foreach (var key in keys)
        {
            var resolved = key == ConditionEvaluator.DefaultCalendar ? await calendars.DefaultAsync(ct) : await calendars.ForCalendarAsync(Guid.Parse(key), ct) ?? await calendars.DefaultAsync(ct);
            result[key] = resolved.Calendar;
        }

        return result;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
