using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Email;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Reports;
using Pishkhan.Features.Satisfaction;
using Pishkhan.Platform.Api;
using Pishkhan.Tests.Automation;

namespace Pishkhan.Tests.Satisfaction;

/// <summary>
/// Satisfaction surveys end to end, on a test clock with the background workers off: a resolution offers one survey per
/// case, its email is queued once, the customer answers through the public page and may change it for 7 days, agents
/// read it within their view, a low rating triggers a workflow and reports count it.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class SatisfactionTests : IDisposable
{
    private const string PublicUrl = "https://support.example.test";

    private readonly AutomationApp _a = new(new Dictionary<string, string>
    {
        ["Pishkhan:Satisfaction:EmailEverySeconds"] = "0",
        ["Pishkhan:Portal:PublicUrl"] = PublicUrl + "/",
    });

    private PishkhanAppFactory App => _a.App;

    [Fact]
    public async Task Resolving_OffersOneSurveyPerCase_AndQueuesItsEmailOnce_InTheContactsLanguage()
    {
        var english = await App.CreateContactAsync("Sara", emails: [$"sara-{Guid.NewGuid():N}@example.test"]);
        var persian = await App.CreateContactAsync("رضا", emails: [$"reza-{Guid.NewGuid():N}@example.test"]);
        var silent = await App.CreateContactAsync("No address");
        await App.WithDbAsync(db => db.Contacts.Where(c => c.Id == english.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Language, "en")));
        var enCase = await App.CreateCaseAsync("VPN drops", english.Id);
        var faCase = await App.CreateCaseAsync("چاپگر کار نمی‌کند", persian.Id);
        var noMail = await App.CreateCaseAsync("Call me", silent.Id);
        var statuses = await StatusesAsync();

        // Not resolved yet: no survey.
        Assert.Null(await _a.Service<Surveys>().ForCaseAsync(enCase.Id));
        foreach (var c in new[] { enCase, faCase, noMail })
        {
            await _a.PatchAsync(c.Id, new { statusId = statuses["Resolved"] });
        }

        var surveys = await SurveysAsync();
        Assert.Equal(3, surveys.Count);
        var en = surveys.Single(s => s.CaseId == enCase.Id);
        Assert.Equal(english.Id, en.ContactId);
        Assert.Equal(_a.Clock.GetUtcNow().UtcDateTime, en.SentAt);
        Assert.Equal(en.SentAt.AddDays(7), en.ChangeableUntil);
        Assert.Matches("^[A-Za-z0-9_-]{32}$", en.Token);
        Assert.Equal(3, surveys.Select(s => s.Token).Distinct().Count());

        // No mailbox: the emails wait, visibly pending.
        var mailer = _a.Service<SatisfactionMailer>();
        Assert.Equal(0, await mailer.SendDueAsync());
        Assert.All(await SurveysAsync(), s => Assert.Equal(SurveyEmailStatus.Pending, s.EmailStatus));

        await App.WithDbAsync(async db =>
        {
            db.Add(new Mailbox { Name = "Support", Address = "support@pishkhan.test", ImapHost = "127.0.0.1", ImapPort = 1, ImapUser = "s", SmtpHost = "127.0.0.1", SmtpPort = 1 });
            return await db.SaveChangesAsync();
        });
        Assert.Equal(2, await mailer.SendDueAsync());
        Assert.Equal(0, await mailer.SendDueAsync());

        surveys = await SurveysAsync();
        Assert.Equal(SurveyEmailStatus.NoAddress, surveys.Single(s => s.CaseId == noMail.Id).EmailStatus);
        var emails = await App.WithDbAsync(db => db.Set<OutboundEmail>().Where(o => o.CaseId == enCase.Id || o.CaseId == faCase.Id).ToListAsync());
        Assert.Equal(2, emails.Count);
        var enMail = Assert.Single(emails, o => o.CaseId == enCase.Id);
        Assert.Equal(english.Emails[0], enMail.To);
        Assert.Contains("How did we do?", enMail.Subject, StringComparison.Ordinal);
        Assert.Contains($"{PublicUrl}/survey/{en.Token}", enMail.TextBody, StringComparison.Ordinal);
        Assert.True(enMail.IsAutoReply);
        Assert.Equal(enMail.Id, surveys.Single(s => s.CaseId == enCase.Id).OutboundEmailId);
        var faMail = Assert.Single(emails, o => o.CaseId == faCase.Id);
        Assert.Contains("نظر شما", faMail.Subject, StringComparison.Ordinal);
        Assert.Contains($"{PublicUrl}/survey/{surveys.Single(s => s.CaseId == faCase.Id).Token}", faMail.TextBody, StringComparison.Ordinal);

        // Reopened and resolved again, unanswered: the same survey (same token, no second email), its window reopened.
        _a.Clock.Advance(TimeSpan.FromDays(10));
        await _a.PatchAsync(enCase.Id, new { statusId = statuses["Open"] });
        await _a.PatchAsync(enCase.Id, new { statusId = statuses["Resolved"] });
        var again = Assert.Single(await SurveysAsync(), s => s.CaseId == enCase.Id);
        Assert.Equal(en.Token, again.Token);
        Assert.Equal(_a.Clock.GetUtcNow().UtcDateTime.AddDays(7), again.ChangeableUntil);
        Assert.Equal(0, await mailer.SendDueAsync());
        Assert.Equal(3, (await SurveysAsync()).Count);

        // Going to a closed status after resolved offers nothing new either.
        await _a.PatchAsync(faCase.Id, new { statusId = statuses["Closed"] });
        Assert.Equal(3, (await SurveysAsync()).Count);
    }

    [Fact]
    public async Task TheCustomer_AnswersThroughThePage_ChangesItWithin7Days_AndNotAfter()
    {
        var created = await App.CreateCaseAsync();
        await _a.PatchAsync(created.Id, new { statusId = (await StatusesAsync())["Resolved"] });
        var token = (await SurveysAsync()).Single().Token;
        var browser = App.AnonymousClient();

        // The email's link forwards to the portal page, which offers the five ratings.
        var link = await browser.GetAsync($"/survey/{token}");
        Assert.Equal(HttpStatusCode.Redirect, link.StatusCode);
        Assert.Equal($"/portal/survey/{token}", link.Headers.Location?.OriginalString);
        var page = await browser.GetStringAsync($"/portal/survey/{token}");
        for (var i = 1; i <= 5; i++)
        {
            Assert.Contains($"data-testid=\"survey-rating-{i}\"", page, StringComparison.Ordinal);
        }

        Assert.Contains("data-testid=\"survey-comment\"", page, StringComparison.Ordinal);
        var answered = await PostAnswerAsync(browser, token, "4", "Quick and kind.");
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Contains("data-testid=\"survey-thanks\"", await answered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var survey = (await SurveysAsync()).Single();
        Assert.Equal((4, "Quick and kind."), (survey.Rating, survey.Comment));
        var firstAnswer = survey.AnsweredAt;

        // Six days later it can still be changed; the first answer's time stays.
        _a.Clock.Advance(TimeSpan.FromDays(6));
        var changed = await PostAnswerAsync(browser, token, "2", "");
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        survey = (await SurveysAsync()).Single();
        Assert.Equal((2, null, firstAnswer), (survey.Rating, survey.Comment, survey.AnsweredAt));
        Assert.Equal(_a.Clock.GetUtcNow().UtcDateTime, survey.ChangedAt);
        var view = await _a.Service<Surveys>().ForCaseAsync(created.Id);
        Assert.True(view!.CanChange);
        Assert.Equal($"{PublicUrl}/survey/{token}", view.Link);

        // Seven days after it was offered it is read-only: a form opened before then is refused, the page says so and the answer stays.
        var openedInTime = await AntiforgeryAsync(browser, token);
        _a.Clock.Set(survey.ChangeableUntil);
        var late = await PostAnswerAsync(browser, token, "5", "Changed my mind", openedInTime);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("data-testid=\"survey-closed\"", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"survey-submit\"", await browser.GetStringAsync($"/portal/survey/{token}"), StringComparison.Ordinal);
        var refused = await _a.Service<Surveys>().AnswerAsync(token, 5, null);
        Assert.IsType<Outcome<SurveyView>.Conflict>(refused);
        Assert.Equal(2, (await SurveysAsync()).Single().Rating);
        Assert.False((await _a.Service<Surveys>().ForCaseAsync(created.Id))!.CanChange);
    }

    [Fact]
    public async Task ABadAnswer_IsRefusedByField_AndChangesNothing_AndAnUnknownTokenIsNotFound()
    {
        var created = await App.CreateCaseAsync();
        await _a.PatchAsync(created.Id, new { statusId = (await StatusesAsync())["Resolved"] });
        var token = (await SurveysAsync()).Single().Token;
        var surveys = _a.Service<Surveys>();

        var outOfRange = Assert.IsType<Outcome<SurveyView>.Invalid>(await surveys.AnswerAsync(token, 6, "fine"));
        Assert.Equal(["rating"], outOfRange.Errors.Keys);
        var missing = Assert.IsType<Outcome<SurveyView>.Invalid>(await surveys.AnswerAsync(token, null, new string('x', SurveyRules.CommentMaxLength + 1)));
        Assert.Equal(["comment", "rating"], missing.Errors.Keys.Order(StringComparer.Ordinal));

        var browser = App.AnonymousClient();
        var page = await PostAnswerAsync(browser, token, "9", "Nine!");
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("data-field=\"rating\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var survey = (await SurveysAsync()).Single();
        Assert.Null(survey.Rating);
        Assert.Null(survey.AnsweredAt);

        Assert.IsType<Outcome<SurveyView>.NotFound>(await surveys.AnswerAsync("no-such-token", 3, null));
        Assert.IsType<Outcome<SurveyView>.NotFound>(await surveys.AnswerAsync("../../etc", 3, null));
        var unknown = await browser.GetAsync("/portal/survey/no-such-token");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("data-testid=\"survey-not-found\"", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agents_ReadAnswersOnlyOnCasesTheyMaySee_AndReportsCountThem()
    {
        // Sign-in cookies expire by the test client's real clock: keep the app's clock near it.
        _a.Clock.Set(TimeProvider.System.GetUtcNow());
        var month = $"from={Day(-1)}&to={Day(1)}";
        var teamA = await App.CreateTeamAsync($"A {Guid.NewGuid():N}");
        var teamB = await App.CreateTeamAsync($"B {Guid.NewGuid():N}");
        var agentA = await App.CreateUserAsync($"a-{Guid.NewGuid():N}@test.local", UserRole.Agent, teamA);
        var agentB = await App.CreateUserAsync($"b-{Guid.NewGuid():N}@test.local", UserRole.Agent, teamB);
        var statuses = await StatusesAsync();
        var first = await App.CreateCaseAsync("First", teamId: teamA);
        var second = await App.CreateCaseAsync("Second", teamId: teamA);
        await _a.PatchAsync(first.Id, new { statusId = statuses["Resolved"], ownerId = agentA.Id });
        await _a.PatchAsync(second.Id, new { statusId = statuses["Resolved"], ownerId = agentA.Id });
        var tokens = (await SurveysAsync()).ToDictionary(s => s.CaseId, s => s.Token);
        Assert.IsType<Outcome<SurveyView>.Ok>(await _a.Service<Surveys>().AnswerAsync(tokens[first.Id], 5, "Great"));
        Assert.IsType<Outcome<SurveyView>.Ok>(await _a.Service<Surveys>().AnswerAsync(tokens[second.Id], 2, null));

        var admin = App.ApiClient();
        var read = await admin.GetFromJsonAsync<SatisfactionDto>($"/api/v1/cases/{first.Id}/satisfaction", PishkhanAppFactory.Json);
        Assert.Equal((5, "Great", agentA.Id, teamA), (read!.Rating, read.Comment, read.OwnerId, read.TeamId));
        var a = await App.LoginAsync(agentA.Email!);
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync($"/api/v1/cases/{first.Id}/satisfaction")).StatusCode);
        var b = await App.LoginAsync(agentB.Email!);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/api/v1/cases/{first.Id}/satisfaction")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/cases/{Guid.NewGuid()}/satisfaction")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.AnonymousClient().GetAsync($"/api/v1/cases/{first.Id}/satisfaction")).StatusCode);

        var list = await admin.GetFromJsonAsync<SatisfactionList>($"/api/v1/satisfaction?{month}&teamId={teamA}", PishkhanAppFactory.Json);
        Assert.Equal((2, 3.5), (list!.Count, list.Average));
        Assert.Equal(2, list.Answers.Items.Count);
        Assert.Equal(0, (await b.GetFromJsonAsync<SatisfactionList>("/api/v1/satisfaction", PishkhanAppFactory.Json))!.Count);
        Assert.Equal(2, (await a.GetFromJsonAsync<SatisfactionList>($"/api/v1/satisfaction?agentId={agentA.Id}", PishkhanAppFactory.Json))!.Count);
        Assert.Equal(0, (await admin.GetFromJsonAsync<SatisfactionList>($"/api/v1/satisfaction?from={Day(1)}", PishkhanAppFactory.Json))!.Count);
        var bad = await admin.GetAsync("/api/v1/satisfaction?from=yesterday&to=2026-01-01");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("from", (await Problems.ErrorsAsync(bad)).Keys);

        _a.Clock.Advance(TimeSpan.FromMinutes(1)); // the dashboard's window ends just before now
        var board = (await admin.GetFromJsonAsync<Dashboard>("/api/v1/dashboard", PishkhanAppFactory.Json))!;
        Assert.Equal((3.5, null), (board["csat30Days"].Value, board["csat30Days"].Previous));
        Assert.Equal(2, board["csatAnswers30Days"].Value);
        var closed = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/reports/closed-per-agent?{month}", PishkhanAppFactory.Json);
        var row = closed.GetProperty("rows").EnumerateArray().Single(r => r[0].GetString() == agentA.Id.ToString());
        Assert.Equal((2, 3.5, 2), (row[2].GetInt32(), row[4].GetDouble(), row[5].GetInt32()));
    }

    [Fact]
    public async Task ALowRating_TriggersASatisfactionRatedWorkflow()
    {
        await _a.CreateWorkflowAsync(new
        {
            trigger = new { type = "satisfactionRated" },
            conditions = new { field = "satisfaction.rating", op = "lessThan", value = 3 },
            steps = new object[] { new { id = "flag", type = "addTag", tag = "unhappy" } },
        });
        var created = await App.CreateCaseAsync();
        await _a.PatchAsync(created.Id, new { statusId = (await StatusesAsync())["Resolved"] });
        var token = (await SurveysAsync()).Single().Token;
        var surveys = _a.Service<Surveys>();

        Assert.IsType<Outcome<SurveyView>.Ok>(await surveys.AnswerAsync(token, 4, null));
        await _a.TickAsync();
        Assert.DoesNotContain("unhappy", (await _a.CaseAsync(created.Id)).Tags);

        Assert.IsType<Outcome<SurveyView>.Ok>(await surveys.AnswerAsync(token, 1, "Nobody called back."));
        await _a.TickAsync();
        Assert.Contains("unhappy", (await _a.CaseAsync(created.Id)).Tags);
        var run = Assert.Single(await _a.RunsAsync(created.Id));
        Assert.Equal("satisfactionRated", run.Trigger);
    }

    public void Dispose() => _a.Dispose();

    private string Day(int days) => _a.Clock.GetUtcNow().AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private Task<Dictionary<string, Guid>> StatusesAsync() => App.WithDbAsync(db => db.CaseStatuses.ToDictionaryAsync(s => s.Name, s => s.Id));

    private Task<List<SatisfactionSurvey>> SurveysAsync() => App.WithDbAsync(db => db.Set<SatisfactionSurvey>().AsNoTracking().ToListAsync());

    /// <summary>Submits the page's form as a browser would: the antiforgery token from the page, the form's name, the fields.</summary>
    private static async Task<HttpResponseMessage> PostAnswerAsync(HttpClient browser, string token, string rating, string comment, string? antiforgery = null)
    {
        antiforgery ??= await AntiforgeryAsync(browser, token);
        return await browser.PostAsync($"/portal/survey/{token}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "survey",
            ["__RequestVerificationToken"] = antiforgery,
            ["rating"] = rating,
            ["comment"] = comment,
        }));
    }

    private static async Task<string> AntiforgeryAsync(HttpClient browser, string token)
    {
        var page = await browser.GetStringAsync($"/portal/survey/{token}");
        var field = AntiforgeryField().Match(page);
        Assert.True(field.Success, "The survey page has no form.");
        return field.Groups[1].Value;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

/// <summary>The mailer worker running (its round an hour long): a resolution wakes it, so the email does not wait for the round.</summary>
[Trait("Category", "Integration")]
public sealed class SurveyEmailWakeUpTests : IDisposable
{
    private readonly PishkhanAppFactory _app = new(seedDemo: false, settings: new Dictionary<string, string> { ["Pishkhan:Satisfaction:EmailEverySeconds"] = "3600" });

    [Fact]
    public async Task AResolution_WakesTheMailer()
    {
        await _app.WithDbAsync(async db =>
        {
            db.Add(new Mailbox { Name = "Support", Address = "support@pishkhan.test", ImapHost = "127.0.0.1", ImapPort = 1, ImapUser = "s", SmtpHost = "127.0.0.1", SmtpPort = 1 });
            return await db.SaveChangesAsync();
        });
        var contact = await _app.CreateContactAsync(emails: [$"c-{Guid.NewGuid():N}@example.test"]);
        var created = await _app.CreateCaseAsync(contactId: contact.Id);
        var resolved = await _app.WithDbAsync(db => db.CaseStatuses.Where(s => s.Name == "Resolved").Select(s => s.Id).FirstAsync());
        var response = await _app.ApiClient().PatchAsync($"/api/v1/cases/{created.Id}", Problems.JsonBody(new { version = created.Version, statusId = resolved }));
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            // Routing may have moved the new case into its queue meanwhile: read the version again.
            var current = await _app.ApiClient().GetFromJsonAsync<CaseDto>($"/api/v1/cases/{created.Id}", PishkhanAppFactory.Json);
            response = await _app.ApiClient().PatchAsync($"/api/v1/cases/{created.Id}", Problems.JsonBody(new { version = current!.Version, statusId = resolved }));
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Waits for the worker (far less than its hour-long round), without asserting how fast it was.
        var status = SurveyEmailStatus.Pending;
        for (var i = 0; i < 200 && status == SurveyEmailStatus.Pending; i++)
        {
            await Task.Delay(100);
            status = await _app.WithDbAsync(db => db.Set<SatisfactionSurvey>().Where(s => s.CaseId == created.Id).Select(s => s.EmailStatus).FirstOrDefaultAsync());
        }

        Assert.Equal(SurveyEmailStatus.Queued, status);
    }

    public void Dispose() => _app.Dispose();
}
