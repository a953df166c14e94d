using Microsoft.EntityFrameworkCore;
using Pishkhan.Platform.Api;
using Pishkhan.Platform.Data;

namespace Pishkhan.Features.Email;

public sealed record QuarantinedEmailDto(Guid Id, Guid MailboxId, long Uid, string Error, long Size, string RawPreview, DateTime CreatedAt, DateTime? ResolvedAt, Guid? CaseId)
{
    public static QuarantinedEmailDto From(QuarantinedEmail q) => new(
        q.Id, q.MailboxId, q.Uid, q.Error, q.Raw.Length, System.Text.Encoding.UTF8.GetString(q.Raw, 0, Math.Min(q.Raw.Length, 4000)), q.CreatedAt, q.ResolvedAt, q.CaseId);
}

/// <summary>Reprocessing a quarantined message; <c>fromAddress</c> supplies the sender a message lacks.</summary>
public sealed record ReprocessRequest(string? FromAddress = null);

/// <summary>The quarantine, for admins: what intake could not handle, the error and the raw message; reprocessing sends it through intake again.</summary>
public sealed class Quarantine(IDbContextFactory<PishkhanDbContext> dbFactory, EmailIntake intake, TimeProvider clock)
{
    public async Task<IReadOnlyList<QuarantinedEmailDto>> ListAsync(bool includeResolved, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Set<QuarantinedEmail>().AsNoTracking().Where(q => includeResolved || q.ResolvedAt == null).OrderByDescending(q => q.CreatedAt).Take(500).ToListAsync(ct);
        return rows.Select(QuarantinedEmailDto.From).ToList();
    }

    public async Task<Outcome<byte[]>> RawAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var raw = await db.Set<QuarantinedEmail>().Where(q => q.Id == id).Select(q => q.Raw).FirstOrDefaultAsync(ct);
        return raw is null ? new Outcome<byte[]>.NotFound() : raw;
    }

    public async Task<Outcome<QuarantinedEmailDto>> ReprocessAsync(Guid id, ReprocessRequest request, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Set<QuarantinedEmail>().FirstOrDefaultAsync(q => q.Id == id, ct);
        if (row is null)
        {
            return new Outcome<QuarantinedEmailDto>.NotFound();
        }

        var errors = new FieldErrors();
        var from = request.FromAddress?.Trim().ToLowerInvariant();
        if (from is not null && !SaveMailbox.IsAddress(from))
        {
            errors.Add("fromAddress", $"'{request.FromAddress}' is not an email address.");
            return errors;
        }

        if (row.ResolvedAt is not null)
        {
            return new Outcome<QuarantinedEmailDto>.Conflict("This message was already reprocessed.");
        }

        var mailbox = await db.Set<Mailbox>().AsNoTracking().FirstAsync(m => m.Id == row.MailboxId, ct);
        try
        {
            var result = await intake.ProcessAsync(mailbox, row.Raw, from, ct);
            row.CaseId = result.CaseId;
            row.ResolvedAt = clock.GetUtcNow().UtcDateTime;
        }
        catch (UnprocessableEmailException e)
        {
            errors.Add("fromAddress", $"The message still cannot be processed: {e.Message}");
            row.Error = e.Message;
            await db.SaveChangesAsync(ct);
            return errors;
        }

        await db.SaveChangesAsync(ct);
        return QuarantinedEmailDto.From(row);
    }
}
