using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Pishkhan.Features.Accounts;
using Pishkhan.Features.Cases;
using Pishkhan.Features.Contacts;
using Pishkhan.Features.Identity;
using Pishkhan.Features.Routing;
using Pishkhan.Platform.Data;
using Pishkhan.Platform.Text;

namespace Pishkhan.Features.Demo;

/// <summary>
/// Fills an empty installation with a believable help desk: three teams, six agents, 50 accounts and contacts and
/// 200 cases in Persian and English across every status and priority. Deterministic, so screenshots and tests agree.
/// </summary>
public sealed class DemoData(IDbContextFactory<PishkhanDbContext> dbFactory, UserManager<AppUser> users, TimeProvider clock)
{
    public const int CaseCount = 200;
    public const int ContactCount = 50;

    private static readonly string[] PersianFirst = ["علی", "سارا", "رضا", "مریم", "حسین", "زهرا", "محمد", "فاطمه", "امیر", "نرگس", "مهدی", "لیلا", "کاوه", "شیرین", "بابک"];
    private static readonly string[] PersianLast = ["احمدی", "رضایی", "محمدی", "حسینی", "کریمی", "موسوی", "جعفری", "صادقی", "رحیمی", "نوری"];
    private static readonly string[] EnglishFirst = ["John", "Emma", "Liam", "Olivia", "Noah", "Ava", "James", "Mia", "Lucas", "Sophia"];
    private static readonly string[] EnglishLast = ["Smith", "Brown", "Taylor", "Wilson", "Clark", "Walker", "Hall", "Young"];
    private static readonly string[] PersianCompanies = ["فن‌آوران پارس", "بازرگانی آریا", "داده‌پردازان سپهر", "صنایع غذایی مهر", "کاشی نگین", "پخش البرز", "نرم‌افزار رایان", "حمل‌ونقل کاروان"];
    private static readonly string[] EnglishCompanies = ["Northwind Traders", "Contoso Ltd", "Fabrikam Inc", "Tailspin Toys", "Adventure Works", "Litware Inc"];

    private static readonly (string Subject, string Body, string Category)[] PersianCases =
    [
        ("سیستم هنگ می‌کند", "از صبح امروز نرم‌افزار هنگام ثبت فاکتور هنگ می‌کند و باید دوباره وارد شوم.", "Technical › Performance"),
        ("فاکتور اشتباه صادر شده", "مبلغ فاکتور شماره ۱۲۳۴ با قرارداد ما همخوانی ندارد. لطفاً بررسی کنید.", "Billing › Invoices"),
        ("درخواست بازپرداخت وجه", "سفارش را لغو کردیم ولی وجه هنوز برگشت داده نشده است.", "Billing › Refunds"),
        ("مشکل ورود به حساب کاربری", "رمز عبورم را بازنشانی کردم اما باز هم نمی‌توانم وارد شوم.", "Technical › Login"),
        ("کندی شدید برنامه", "گزارش‌گیری ماهانه بیش از ده دقیقه طول می‌کشد.", "Technical › Performance"),
        ("استعلام قیمت نسخه سازمانی", "برای ۵۰ کاربر قیمت نسخه سازمانی چقدر است؟", "Sales › Pricing"),
        ("خطا در چاپ رسید", "هنگام چاپ رسید پیغام خطای ۵۰۰ نمایش داده می‌شود.", "Technical"),
        ("تغییر آدرس ارسال", "لطفاً آدرس ارسال سفارش بعدی را به دفتر جدید تغییر دهید.", "Sales"),
    ];

    private static readonly (string Subject, string Body, string Category)[] EnglishCases =
    [
        ("Cannot log in after password reset", "I reset my password but the login page still says the password is wrong.", "Technical › Login"),
        ("Invoice total does not match the quote", "Invoice 5521 is 12% higher than the quote we accepted.", "Billing › Invoices"),
        ("App freezes when exporting reports", "Exporting the monthly report to Excel freezes the browser tab.", "Technical › Performance"),
        ("Refund for a cancelled order", "We cancelled order 8812 two weeks ago and have not seen the refund.", "Billing › Refunds"),
        ("Pricing for 200 seats", "Could you send pricing for the enterprise plan with 200 seats?", "Sales › Pricing"),
        ("Email notifications stopped", "Since yesterday we no longer receive notification emails.", "Technical"),
    ];

    public async Task<bool> SeedAsync(string password, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Cases.AnyAsync(ct))
        {
            return false;
        }

        var random = new Random(1405);
        var now = clock.GetUtcNow().UtcDateTime;
        var teams = new[] { new Team { Name = "Support" }, new Team { Name = "Technical" }, new Team { Name = "Sales" } };
        db.Teams.AddRange(teams);
        await db.SaveChangesAsync(ct);

        var agents = new List<AppUser>();
        (string Email, string Name, UserRole Role, string Lang, int Team)[] people =
        [
            ("sara@pishkhan.local", "سارا کریمی", UserRole.Agent, "fa", 0),
            ("reza@pishkhan.local", "رضا احمدی", UserRole.Agent, "fa", 0),
            ("maryam@pishkhan.local", "مریم نوری", UserRole.Agent, "fa", 1),
            ("john@pishkhan.local", "John Walker", UserRole.Agent, "en", 1),
            ("emma@pishkhan.local", "Emma Clark", UserRole.Agent, "en", 2),
            ("supervisor@pishkhan.local", "کاوه رحیمی", UserRole.Supervisor, "fa", 0),
        ];
        foreach (var p in people)
        {
            var user = new AppUser { UserName = p.Email, Email = p.Email, EmailConfirmed = true, DisplayName = p.Name, Role = p.Role, Language = p.Lang, CreatedAt = now };
            Bootstrap.Check(await users.CreateAsync(user, password));
            agents.Add(user);
            db.TeamMembers.Add(new TeamMember { TeamId = teams[p.Team].Id, UserId = user.Id });
            db.AgentProfiles.Add(new AgentProfile
            {
                UserId = user.Id,
                Capacity = 8,
                Skills = new() { [$"language:{p.Lang}"] = 5, [p.Lang == "fa" ? "language:en" : "language:fa"] = p.Lang == "fa" ? 3 : 1 },
            });
        }

        // Every demo team works the default queue, so a new case reaches whoever is online.
        var defaultQueue = await db.Queues.FirstOrDefaultAsync(q => q.IsDefault, ct);
        foreach (var team in teams.Where(_ => defaultQueue is not null))
        {
            db.QueueTeams.Add(new QueueTeam { QueueId = defaultQueue!.Id, TeamId = team.Id });
        }

        var accounts = new List<Account>();
        foreach (var name in PersianCompanies.Concat(EnglishCompanies))
        {
            accounts.Add(new Account
            {
                Name = name,
                Tier = random.Next(3) switch { 0 => "Gold", 1 => "Silver", _ => "Bronze" },
                CreatedAt = now.AddDays(-200),
                UpdatedAt = now.AddDays(-200),
                SearchText = PersianText.NormalizeForSearch(name),
            });
        }

        db.Accounts.AddRange(accounts);
        var contacts = new List<Contact>();
        for (var i = 0; i < ContactCount; i++)
        {
            var persian = i % 3 != 2;
            var name = persian
                ? $"{PersianFirst[i % PersianFirst.Length]} {PersianLast[(i / 2) % PersianLast.Length]}"
                : $"{EnglishFirst[i % EnglishFirst.Length]} {EnglishLast[(i / 3) % EnglishLast.Length]}";
            var contact = new Contact
            {
                Name = name,
                Account = accounts[i % accounts.Count],
                Language = persian ? "fa" : "en",
                Tags = i % 4 == 0 ? ["vip"] : [],
                CreatedAt = now.AddDays(-180 + i),
                UpdatedAt = now.AddDays(-180 + i),
            };
            contact.Channels.Add(new ContactChannel { ContactId = contact.Id, Kind = ContactChannelKind.Email, Value = $"customer{i + 1}@example.com" });
            contact.Channels.Add(new ContactChannel { ContactId = contact.Id, Kind = ContactChannelKind.Phone, Value = $"+98912{1000000 + (i * 7919):D7}" });
            contact.SearchText = PersianText.NormalizeForSearch($"{contact.Name} {string.Join(' ', contact.Emails)}");
            contacts.Add(contact);
        }

        db.Contacts.AddRange(contacts);
        await db.SaveChangesAsync(ct);

        // The first contact can try the customer portal at once (same password as the demo agents); their account's
        // organisation admin sees the whole organisation's requests. Billing › Invoices asks for the invoice number.
        contacts[0].IsPortalOrganisationAdmin = true;
        var portal = new Portal.PortalAccount { ContactId = contacts[0].Id, Email = contacts[0].Emails.First(), EmailConfirmedAt = now, CreatedAt = now };
        portal.PasswordHash = new PasswordHasher<Portal.PortalAccount>().HashPassword(portal, password);
        db.Add(portal);
        var invoices = await db.Categories.FirstOrDefaultAsync(c => c.Name == "Billing › Invoices", ct);
        if (invoices is not null)
        {
            db.Add(new Portal.PortalForm
            {
                CategoryId = invoices.Id,
                Intro = "Please have the invoice at hand.",
                IntroFa = "لطفاً صورتحساب را در دسترس داشته باشید.",
                Fields = System.Text.Json.JsonSerializer.Serialize(
                    new List<Portal.PortalField> { new("invoiceNumber", "Invoice number", "شماره صورتحساب", Portal.PortalFieldType.Number, Required: true) },
                    Portal.PortalForm.JsonOptions),
                UpdatedAt = now,
            });
        }

        await db.SaveChangesAsync(ct);

        var statuses = await db.CaseStatuses.OrderBy(s => s.Position).ToListAsync(ct);
        var done = statuses.Where(s => s.Category >= StatusCategory.Resolved).ToList();
        var active = statuses.Except(done).ToList();
        var categories = await db.Categories.ToListAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        for (var i = 0; i < CaseCount; i++)
        {
            var contact = contacts[random.Next(contacts.Count)];
            var persian = contact.Language == "fa";
            var (subject, body, categoryName) = persian ? PersianCases[random.Next(PersianCases.Length)] : EnglishCases[random.Next(EnglishCases.Length)];
            var created = now.AddMinutes(-random.Next(60, 60 * 24 * 90));
            // Like a real desk, about half the cases are done: they are what the classifier learns from.
            var pool = random.Next(2) == 0 ? done : active;
            var status = pool[random.Next(pool.Count)];
            var teamIndex = random.Next(teams.Length);
            var owner = random.Next(4) == 0 ? null : agents.Where(a => people[agents.IndexOf(a)].Team == teamIndex).OrderBy(_ => random.Next()).FirstOrDefault();
            var urgency = (Level)random.Next(1, 4);
            var impact = (Level)random.Next(1, 4);
            var entity = new Case
            {
                Number = await CaseNumbers.NextAsync(db, created, ct),
                Subject = subject,
                Description = body,
                Channel = (CaseChannel)random.Next(1, 6),
                CategoryId = categories.Single(c => c.Name == categoryName).Id, // the category the text is about, so the classifier has something to learn
                Urgency = urgency,
                Impact = impact,
                Priority = CaseRules.PriorityFrom(urgency, impact),
                StatusId = status.Id,
                OwnerId = owner?.Id,
                TeamId = teams[teamIndex].Id,
                ContactId = contact.Id,
                AccountId = contact.AccountId,
                Tags = random.Next(5) == 0 ? ["demo"] : [],
                CreatedAt = created,
                UpdatedAt = created,
            };
            entity.SearchText = CreateCase.SearchTextOf(entity);
            db.Cases.Add(entity);
            var at = created;
            db.TimelineEntries.Add(new TimelineEntry { CaseId = entity.Id, Kind = TimelineKind.Event, Field = "created", NewValue = entity.Number, AuthorName = contact.Name, CreatedAt = at });
            db.TimelineEntries.Add(new TimelineEntry { CaseId = entity.Id, Kind = TimelineKind.InboundMessage, IsPublic = true, Body = body, AuthorContactId = contact.Id, AuthorName = contact.Name, CreatedAt = at });
            if (status.Category != StatusCategory.New && owner is not null)
            {
                at = at.AddMinutes(random.Next(5, 600));
                var reply = persian ? "سلام، درخواست شما دریافت شد و در حال بررسی است." : "Hello, we have received your request and are looking into it.";
                db.TimelineEntries.Add(new TimelineEntry { CaseId = entity.Id, Kind = TimelineKind.OutboundMessage, IsPublic = true, Body = reply, AuthorUserId = owner.Id, AuthorName = owner.DisplayName, CreatedAt = at });
                entity.FirstResponseAt = at;
                if (random.Next(2) == 0)
                {
                    at = at.AddMinutes(random.Next(5, 120));
                    var note = persian ? "با تیم فنی هماهنگ شد." : "Checked with the technical team.";
                    db.TimelineEntries.Add(new TimelineEntry { CaseId = entity.Id, Kind = TimelineKind.Note, Body = note, AuthorUserId = owner.Id, AuthorName = owner.DisplayName, CreatedAt = at });
                }

                at = at.AddMinutes(random.Next(5, 600));
                db.TimelineEntries.Add(new TimelineEntry { CaseId = entity.Id, Kind = TimelineKind.Event, Field = "status", OldValue = statuses[0].Name, NewValue = status.Name, AuthorUserId = owner.Id, AuthorName = owner.DisplayName, CreatedAt = at });
                UpdateCase.ApplyStatus(entity, status, at);
                entity.UpdatedAt = at;
            }
            else if (status.Category != StatusCategory.New)
            {
                UpdateCase.ApplyStatus(entity, status, at);
            }
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }
}
