using Microsoft.EntityFrameworkCore;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Cases;

/// <summary>The statuses and categories a new installation starts with; admins rename and extend them.</summary>
internal static class DefaultStatuses
{
    public static async Task EnsureAsync(PishkhanDbContext db, CancellationToken ct)
    {
        if (await db.CaseStatuses.AnyAsync(ct))
        {
            return;
        }

        db.CaseStatuses.AddRange(
            new CaseStatus { Name = "New", NameFa = "جدید", Category = StatusCategory.New, Position = 1, IsDefault = true },
            new CaseStatus { Name = "Open", NameFa = "باز", Category = StatusCategory.Open, Position = 2 },
            new CaseStatus { Name = "In progress", NameFa = "در حال بررسی", Category = StatusCategory.Open, Position = 3 },
            new CaseStatus { Name = "Waiting for customer", NameFa = "در انتظار مشتری", Category = StatusCategory.Waiting, Position = 4 },
            new CaseStatus { Name = "On hold", NameFa = "معلق", Category = StatusCategory.Waiting, Position = 5 },
            new CaseStatus { Name = "Resolved", NameFa = "حل‌شده", Category = StatusCategory.Resolved, Position = 6 },
            new CaseStatus { Name = "Closed", NameFa = "بسته", Category = StatusCategory.Closed, Position = 7 });

        var billing = new Category { Name = "Billing", NameFa = "مالی و صورتحساب" };
        var technical = new Category { Name = "Technical", NameFa = "فنی" };
        var sales = new Category { Name = "Sales", NameFa = "فروش" };
        db.Categories.AddRange(
            billing,
            technical,
            sales,
            new Category { Name = "Billing › Invoices", NameFa = "مالی › فاکتورها", Parent = billing },
            new Category { Name = "Billing › Refunds", NameFa = "مالی › بازپرداخت", Parent = billing },
            new Category { Name = "Technical › Login", NameFa = "فنی › ورود به حساب", Parent = technical },
            new Category { Name = "Technical › Performance", NameFa = "فنی › کندی و کارایی", Parent = technical },
            new Category { Name = "Sales › Pricing", NameFa = "فروش › قیمت‌ها", Parent = sales });
        await db.SaveChangesAsync(ct);
    }
}
