using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Features.Automation;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Notifications;
using Pishkhan.Features.Sla;
using static Pishkhan.Tests.Automation.AutomationApp;

namespace Pishkhan.Tests.Automation;

/// <summary>The yardstick scenarios, end to end through the API, on a test clock.</summary>
[Trait("Category", "Integration")]
public sealed class YardstickTests : IDisposable
{
    private readonly AutomationApp _a = new();

    public void Dispose() => _a.Dispose();

    [Fact]
    public async Task OutOfHours_NewCase_GetsAnAcknowledgementWithTheNextOpening_InHoursOneGetsNone()
    {
        await _a.UseOfficeCalendarAsync();
        await _a.CreateWorkflowAsync(new
        {
            trigger = new { type = "created" },
            conditions = new { calendar = "default", @is = "closed" },
            steps = new object[]
            {
                new { id = "ack", type = "reply", body = "Thanks {{ contact.name }}, we got {{ case.number }}. We open again at {{ nextOpening | date: '%Y-%m-%d %H:%M' }} UTC." },
            },
        }, "Out-of-hours acknowledgement (yardstick)");

        var contact = await _a.App.CreateContactAsync("Sara");
        var inHours = await _a.App.CreateCaseAsync(contactId: contact.Id);
        _a.Clock.Set(Utc(2026, 1, 9, 18, 30)); // Friday evening: next opening is Tuesday (Monday the 12th is a holiday)
        var afterHours = await _a.App.CreateCaseAsync(contactId: contact.Id);
        await _a.TickAsync();

        var reply = Assert.Single(await _a.TimelineAsync(afterHours.Id), e => e.Kind == TimelineKind.OutboundMessage);
        Assert.Equal($"Thanks Sara, we got {afterHours.Number}. We open again at 2026-01-13 09:00 UTC.", reply.Body);
        Assert.True(reply.IsPublic);
        Assert.StartsWith("Automation", reply.AuthorName);
        Assert.DoesNotContain(await _a.TimelineAsync(inHours.Id), e => e.Kind == TimelineKind.OutboundMessage);
        Assert.Empty(await _a.RunsAsync(inHours.Id));

        // The run and its log are visible per case, and the run is on the case's timeline.
        var run = Assert.Single(await _a.RunsAsync(afterHours.Id));
        Assert.Equal(RunStatus.Completed, run.Status);
        var detail = await _a.RunAsync(run.Id);
        Assert.Equal(["trigger", "conditions", "ack"], detail.Log!.Select(l => l.StepId));
        Assert.Contains(await _a.TimelineAsync(afterHours.Id), e => e.Field == "automation" && e.Body.Contains("Out-of-hours acknowledgement", StringComparison.Ordinal));
        // An automated reply is not a first response.
        Assert.Null((await _a.CaseAsync(afterHours.Id)).FirstResponseAt);
    }

    [Fact]
    public async Task ProposalSentAt1800_OnFriday_FollowUpTaskIsDueAt0900OnTheNextBusinessDay_AfterTheWeekendAndTheHoliday()
    {
        await _a.UseOfficeCalendarAsync();
        await _a.CreateWorkflowAsync(new
        {
            trigger = new { type = "updated", fields = new[] { "tags" } },
            conditions = new { all = new object[] { new { field = "tags", op = "contains", value = "proposal-sent" }, new { calendar = "default", @is = "closed" } } },
            steps = new object[] { new { id = "task", type = "createTask", title = "Follow up on the proposal for {{ case.number }}", dueAtNextOpening = true } },
        });
        var created = await _a.App.CreateCaseAsync();
        _a.Clock.Set(Utc(2026, 1, 9, 18, 0));
        await _a.PatchAsync(created.Id, new { tags = new[] { "proposal-sent" } });
        await _a.TickAsync();

        var task = await _a.App.WithDbAsync(db => db.CaseTasks.SingleAsync(t => t.CaseId == created.Id));
        Assert.Equal($"Follow up on the proposal for {created.Number}", task.Title);
        Assert.Equal(new DateTime(2026, 1, 13, 9, 0, 0, DateTimeKind.Utc), task.DueAt);
    }

    [Fact]
    public async Task Approval_ApproveRejectAndTimeout_TakeTheirBranches()
    {
        await _a.UseOfficeCalendarAsync();
        var team = await _a.App.CreateTeamAsync("Approvers");
        var supervisor = await _a.App.CreateUserAsync("lead@test.local", UserRole.Supervisor, team);
        var agent = await _a.App.CreateUserAsync("agent@test.local", UserRole.Agent, team);
        // The cookie handler checks expiry on the real clock: sign in on it, then go back to the test's Monday.
        var start = _a.Clock.GetUtcNow();
        _a.Clock.Set(TimeProvider.System.GetUtcNow());
        var lead = await _a.App.LoginAsync(supervisor.Email!);
        var agentClient = await _a.App.LoginAsync(agent.Email!);
        _a.Clock.Set(start);
        await _a.CreateWorkflowAsync(new
        {
            trigger = new { type = "updated", fields = new[] { "priority" }, to = "critical" },
            steps = new object[]
            {
                new { id = "ask", type = "approval", role = "supervisor", title = "Escalate {{ case.number }}?", timeout = new { businessHours = 4 }, on = new { rejected = "no", timeout = "late" } },
                new { id = "yes", type = "addTag", tag = "approved", next = "end" },
                new { id = "no", type = "addTag", tag = "rejected", next = "end" },
                new { id = "late", type = "addTag", tag = "approval-timed-out" },
            },
        });

        var approved = await _a.App.CreateCaseAsync();
        var rejected = await _a.App.CreateCaseAsync();
        var ignored = await _a.App.CreateCaseAsync();
        foreach (var c in new[] { approved, rejected, ignored })
        {
            await _a.PatchAsync(c.Id, new { priority = "critical" });
        }

        await _a.TickAsync();
        foreach (var c in new[] { approved, rejected, ignored })
        {
            Assert.Equal(RunStatus.Waiting, (await _a.RunsAsync(c.Id)).Single().Status);
        }

        Assert.True(await _a.App.WithDbAsync(db => db.Notifications.AnyAsync(n => n.UserId == supervisor.Id && n.Title == $"Escalate {approved.Number}?")));

        var mine = await lead.GetFromJsonAsync<List<ApprovalDto>>("/api/v1/workflow-approvals", PishkhanAppFactory.Json);
        Assert.Equal(3, mine!.Count);
        Assert.Empty((await agentClient.GetFromJsonAsync<List<ApprovalDto>>("/api/v1/workflow-approvals", PishkhanAppFactory.Json))!);
        var forbidden = await agentClient.PostAsJsonAsync($"/api/v1/workflow-approvals/{mine.Single(m => m.RecordId == approved.Id).Id}/approve", new { }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        var yes = await lead.PostAsJsonAsync($"/api/v1/workflow-approvals/{mine.Single(m => m.RecordId == approved.Id).Id}/approve", new { comment = "go" }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, yes.StatusCode);
        var no = await lead.PostAsJsonAsync($"/api/v1/workflow-approvals/{mine.Single(m => m.RecordId == rejected.Id).Id}/reject", new { }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.OK, no.StatusCode);
        var twice = await lead.PostAsJsonAsync($"/api/v1/workflow-approvals/{mine.Single(m => m.RecordId == rejected.Id).Id}/approve", new { }, PishkhanAppFactory.Json);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        await _a.TickAsync();

        Assert.Equal(["approved"], (await _a.CaseAsync(approved.Id)).Tags);
        Assert.Equal(["rejected"], (await _a.CaseAsync(rejected.Id)).Tags);
        Assert.Empty((await _a.CaseAsync(ignored.Id)).Tags);

        // Monday 10:00 + 4 business hours = 14:00; just before, still waiting; at 14:00 the timeout branch runs.
        _a.Clock.Set(Utc(2026, 1, 5, 13, 59));
        await _a.TickAsync();
        Assert.Empty((await _a.CaseAsync(ignored.Id)).Tags);
        _a.Clock.Set(Utc(2026, 1, 5, 14, 0));
        await _a.TickAsync();
        Assert.Equal(["approval-timed-out"], (await _a.CaseAsync(ignored.Id)).Tags);
        foreach (var c in new[] { approved, rejected, ignored })
        {
            Assert.Equal(RunStatus.Completed, (await _a.RunsAsync(c.Id)).Single().Status);
        }

    }

    [Fact]
    public async Task Webhook_FailsTwiceThenSucceeds_RetriesWithBackoff_SignedEachTime_ResponseKept()
    {
        using var listener = new FlakyListener(failures: 2);
        await _a.CreateWorkflowAsync(new
        {
            trigger = new { type = "created" },
            steps = new object[]
            {
                new { id = "hook", type = "webhook", url = listener.Url, secret = "s3cret", maxAttempts = 4, backoffSeconds = 60, payload = new { number = "{{ case.number }}", kind = "created" } },
            },
        });
        var created = await _a.App.CreateCaseAsync();
        await _a.TickAsync();
        Assert.Equal(1, listener.Requests);
        var run = Assert.Single(await _a.RunsAsync(created.Id));
        Assert.Equal(RunStatus.Waiting, run.Status);
        Assert.Equal(new DateTime(2026, 1, 5, 10, 1, 0, DateTimeKind.Utc), run.DueAt); // 60 s

        _a.Clock.Advance(TimeSpan.FromSeconds(59));
        await _a.TickAsync();
        Assert.Equal(1, listener.Requests);
        _a.Clock.Advance(TimeSpan.FromSeconds(1));
        await _a.TickAsync();
        Assert.Equal(2, listener.Requests);
        Assert.Equal(new DateTime(2026, 1, 5, 10, 3, 0, DateTimeKind.Utc), (await _a.RunsAsync(created.Id)).Single().DueAt); // then 120 s

        _a.Clock.Advance(TimeSpan.FromSeconds(120));
        await _a.TickAsync();
        Assert.Equal(3, listener.Requests);
        Assert.Equal(1, listener.Delivered);
        Assert.True(listener.AllSignaturesValid("s3cret"));
        Assert.Contains($"\"number\":\"{created.Number}\"", listener.LastBody, StringComparison.Ordinal);

        var log = (await _a.RunAsync(run.Id)).Log!.Where(l => l.StepId == "hook").ToList();
        Assert.Equal(["waiting", "waiting", "ok"], log.Select(l => l.Outcome));
        Assert.Equal("HTTP 200: thanks", log[^1].Output);
        Assert.StartsWith("HTTP 500", log[0].Output, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Completed, (await _a.RunsAsync(created.Id)).Single().Status);

        // More advancing sends nothing more.
        _a.Clock.Advance(TimeSpan.FromHours(1));
        await _a.TickAsync();
        Assert.Equal(3, listener.Requests);
    }

    [Fact]
    public async Task Webhook_ThatNeverSucceeds_TakesTheFailedBranch()
    {
        using var listener = new FlakyListener(failures: 100);
        await _a.CreateWorkflowAsync(new
        {
            trigger = new { type = "created" },
            steps = new object[]
            {
                new { id = "hook", type = "webhook", url = listener.Url, maxAttempts = 2, backoffSeconds = 1, on = new { failed = "tag" } },
                new { id = "tag", type = "addTag", tag = "webhook-failed" },
            },
        });
        var created = await _a.App.CreateCaseAsync();
        await _a.TickAsync();
        _a.Clock.Advance(TimeSpan.FromSeconds(1));
        await _a.TickAsync();
        Assert.Equal(2, listener.Requests);
        Assert.Equal(["webhook-failed"], (await _a.CaseAsync(created.Id)).Tags);
    }

    /// <summary>A local HTTP endpoint that answers 500 a given number of times, then 200, and checks signatures.</summary>
    private sealed class FlakyListener : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly int _failures;
        private readonly List<(string Body, string? Signature)> _received = [];
        private int _delivered;

        public FlakyListener(int failures)
        {
            _failures = failures;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/hook/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(LoopAsync);
        }

        public string Url { get; }

        public int Requests
        {
            get
            {
                lock (_received)
                {
                    return _received.Count;
                }
            }
        }

        public int Delivered => Volatile.Read(ref _delivered);

        public string LastBody
        {
            get
            {
                lock (_received)
                {
                    return _received[^1].Body;
                }
            }
        }

        public bool AllSignaturesValid(string secret)
        {
            lock (_received)
            {
                return _received.All(r => r.Signature == "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(r.Body))));
            }
        }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                int count;
                lock (_received)
                {
                    _received.Add((body, context.Request.Headers[WorkflowSteps.SignatureHeader]));
                    count = _received.Count;
                }

                var ok = count > _failures;
                if (ok)
                {
                    Interlocked.Increment(ref _delivered);
                }

                context.Response.StatusCode = ok ? 200 : 500;
                var answer = Encoding.UTF8.GetBytes(ok ? "thanks" : "try later");
                await context.Response.OutputStream.WriteAsync(answer);
                context.Response.Close();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
        }
    }
}
