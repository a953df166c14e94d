using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pishkhan.Features.Cases;

namespace Pishkhan.Features.Reports;

/// <summary>What a <see cref="ReportDay"/> row counts (its <see cref="ReportDay.Key"/> and <see cref="ReportDay.Bucket"/> say which group).</summary>
public enum ReportDayKind
{
    /// <summary>Cases created that day per channel (<c>Key</c> = the channel's number).</summary>
    Channel = 1,

    /// <summary>Cases created that day per category (<c>Key</c> = the category id, "" for none).</summary>
    Category = 2,

    /// <summary>Cases created that day per product (<c>Key</c> = "=" + the product, "" for none).</summary>
    Product = 3,

    /// <summary>Cases created that day per local hour (<c>Bucket</c> = 0–23).</summary>
    Hour = 4,

    /// <summary>Cases created that day: <c>Count</c> cases, <c>Sum</c> exchanges, <c>Count2</c> resolved or reopened, <c>Count3</c> reopened.</summary>
    Created = 5,

    /// <summary>A histogram of the first-response business seconds of the day's new cases (<c>Bucket</c> from <see cref="ReportDays.BucketOf"/>; count, sum, min, max).</summary>
    FirstResponseBusiness = 6,

    /// <summary>The same for first-response calendar microseconds.</summary>
    FirstResponseCalendar = 7,

    /// <summary>The same for resolution business seconds.</summary>
    ResolutionBusiness = 8,

    /// <summary>The same for resolution calendar microseconds.</summary>
    ResolutionCalendar = 9,

    /// <summary>Cases resolved that day (by <c>ResolvedAt</c>) per current owner (<c>Key</c> = user id, "" for none): <c>Count</c> closed,
    /// <c>Count2</c>/<c>Sum</c> handling seconds (count, sum), <c>Count3</c>/<c>RatingSum</c> CSAT answers (count, sum).</summary>
    Closed = 10,

    /// <summary>SLA instances that started that day and finished (<c>Key</c> = "metric number|policy id", <c>Bucket</c> = the
    /// <see cref="Sla.SlaState"/>: succeeded or breached): <c>Count</c>.</summary>
    Sla = 11,
}

/// <summary>
/// The daily roll-up: totals of the <see cref="ReportCase"/> rows per local day of the default calendar's time zone,
/// per <see cref="ReportDayKind"/> and group. Unfiltered reports over long periods add up a few rows per day instead of
/// reading a row per case. Never adjusted by plus and minus: a day whose cases changed is marked
/// (<see cref="ReportDirtyDay"/>) and recomputed whole from the case rows (docs/reports.md).
/// </summary>
public sealed class ReportDay
{
    /// <summary>The local date as <see cref="DateOnly.DayNumber"/> (the day of creation, or of resolution for <see cref="ReportDayKind.Closed"/>).</summary>
    public int Day { get; set; }

    public ReportDayKind Kind { get; set; }
    public string Key { get; set; } = "";
    public long Bucket { get; set; }
    public long Count { get; set; }
    public long Sum { get; set; }
    public long Min { get; set; }
    public long Max { get; set; }
    public long Count2 { get; set; }
    public long Count3 { get; set; }
    public double RatingSum { get; set; }
}

/// <summary>"This local day's roll-up must be recomputed": written with the case rows that touched it (their old and new days), removed when the day is rewritten.</summary>
public sealed class ReportDirtyDay
{
    public long Id { get; set; }
    public int Day { get; set; }
}

internal sealed class ReportDayConfiguration : IEntityTypeConfiguration<ReportDay>
{
    public void Configure(EntityTypeBuilder<ReportDay> builder)
    {
        builder.ToTable("ReportDays");
        builder.HasKey(d => new { d.Kind, d.Day, d.Key, d.Bucket });
        builder.Property(d => d.Key).HasMaxLength(201);
        // Recomputing a day deletes its rows; the duration histograms are read from the index alone.
        builder.HasIndex(d => d.Day);
        builder.HasIndex(d => new { d.Kind, d.Day, d.Bucket, d.Count, d.Sum, d.Min, d.Max }).HasDatabaseName("IX_ReportDays_Kind_Day_Histogram");
    }
}

internal sealed class ReportDirtyDayConfiguration : IEntityTypeConfiguration<ReportDirtyDay>
{
    public void Configure(EntityTypeBuilder<ReportDirtyDay> builder)
    {
        builder.ToTable("ReportDirtyDays");
        builder.HasKey(d => d.Id);
        builder.HasIndex(d => d.Day);
    }
}

/// <summary>A report row as the daily roll-up reads it: its local creation day and what the created-day totals need.</summary>
public sealed record DayCaseRow(
    int Day,
    int Hour,
    CaseChannel Channel,
    Guid? CategoryId,
    string? Product,
    StatusCategory Status,
    int Reopens,
    int Exchanges,
    long? FirstResponseBusinessSeconds,
    long? FirstResponseCalendarMicros,
    long? ResolutionBusinessSeconds,
    long? ResolutionCalendarMicros);

/// <summary>A resolved report row as the daily roll-up reads it: its local resolution day, owner, handling time and CSAT.</summary>
public sealed record DayClosedRow(int Day, Guid? OwnerId, long? HandlingSeconds, double? Csat);

/// <summary>A finished SLA instance as the daily roll-up reads it: its local start day, metric, policy and state.</summary>
public sealed record DaySlaRow(int Day, Sla.SlaMetric Metric, Guid PolicyId, Sla.SlaState State);

/// <summary>The daily roll-up's arithmetic (pure): the totals of some days from their case rows, and the histogram buckets.</summary>
public static class ReportDays
{
    /// <summary>The roll-up key of a product ("" for none; a product, even an empty one, starts with "=").</summary>
    public static string ProductKey(string? product) => product is null ? "" : "=" + product;

    /// <summary>The roll-up key of an optional id ("" for none).</summary>
    public static string IdKey(Guid? id) => id?.ToString() ?? "";

    /// <summary>The roll-up key of an SLA metric and policy.</summary>
    public static string SlaKey(Sla.SlaMetric metric, Guid policyId) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(int)metric}|{policyId}");

    public static (Sla.SlaMetric Metric, Guid PolicyId) FromSlaKey(string key) =>
        ((Sla.SlaMetric)int.Parse(key[..key.IndexOf('|')], System.Globalization.CultureInfo.InvariantCulture), Guid.Parse(key[(key.IndexOf('|') + 1)..]));

    /// <summary>
    /// The days an instant may fall in, in any time zone (its UTC date and the days either side): what the change marker
    /// marks for an SLA instance, since it does not know the organisation's zone. A day too many is only recomputed.
    /// </summary>
    public static IEnumerable<int> DaysAround(DateTime utc)
    {
        var day = DateOnly.FromDateTime(utc).DayNumber;
        return [day - 1, day, day + 1];
    }

    public static Guid? FromIdKey(string key) => key.Length == 0 ? null : Guid.Parse(key);

    /// <summary>
    /// The histogram bucket of a duration: values below 16 have their own bucket, larger ones 16 buckets per power of two
    /// (each about 4–6% wide), so a day has at most a few hundred buckets whatever the unit, and the bucket that holds a
    /// median is narrow. Monotonic: a larger value never has a smaller bucket (medians rely on it).
    /// </summary>
    public static long BucketOf(long value)
    {
        if (value < 0)
        {
            return -1 - BucketOf(-(value + 1));
        }

        if (value < 16)
        {
            return value;
        }

        var power = 63 - long.LeadingZeroCount(value);
        return (16L * (power - 3)) + ((value >> (int)(power - 4)) - 16);
    }

    /// <summary>Every roll-up row of the days these case rows fall in (created and resolved days).</summary>
    public static List<ReportDay> Compute(IEnumerable<DayCaseRow> created, IEnumerable<DayClosedRow> closed, IEnumerable<DaySlaRow>? sla = null)
    {
        var rows = new Dictionary<(ReportDayKind, int, string, long), ReportDay>();
        ReportDay At(ReportDayKind kind, int day, string key, long bucket)
        {
            if (!rows.TryGetValue((kind, day, key, bucket), out var row))
            {
                row = new ReportDay { Kind = kind, Day = day, Key = key, Bucket = bucket, Min = long.MaxValue, Max = long.MinValue };
                rows[(kind, day, key, bucket)] = row;
            }

            return row;
        }

        void Duration(ReportDayKind kind, int day, long? value)
        {
            if (value is { } v)
            {
                var row = At(kind, day, "", BucketOf(v));
                row.Count++;
                row.Sum += v;
                row.Min = Math.Min(row.Min, v);
                row.Max = Math.Max(row.Max, v);
            }
        }

        foreach (var r in created)
        {
            At(ReportDayKind.Channel, r.Day, ((int)r.Channel).ToString(System.Globalization.CultureInfo.InvariantCulture), 0).Count++;
            At(ReportDayKind.Category, r.Day, IdKey(r.CategoryId), 0).Count++;
            At(ReportDayKind.Product, r.Day, ProductKey(r.Product), 0).Count++;
            At(ReportDayKind.Hour, r.Day, "", r.Hour).Count++;
            var day = At(ReportDayKind.Created, r.Day, "", 0);
            day.Count++;
            day.Sum += r.Exchanges;
            day.Count2 += r.Status >= StatusCategory.Resolved || r.Reopens > 0 ? 1 : 0;
            day.Count3 += r.Reopens > 0 ? 1 : 0;
            Duration(ReportDayKind.FirstResponseBusiness, r.Day, r.FirstResponseBusinessSeconds);
            Duration(ReportDayKind.FirstResponseCalendar, r.Day, r.FirstResponseCalendarMicros);
            Duration(ReportDayKind.ResolutionBusiness, r.Day, r.ResolutionBusinessSeconds);
            Duration(ReportDayKind.ResolutionCalendar, r.Day, r.ResolutionCalendarMicros);
        }

        foreach (var r in closed)
        {
            var row = At(ReportDayKind.Closed, r.Day, IdKey(r.OwnerId), 0);
            row.Count++;
            if (r.HandlingSeconds is { } h)
            {
                row.Count2++;
                row.Sum += h;
            }

            if (r.Csat is { } c)
            {
                row.Count3++;
                row.RatingSum += c;
            }
        }

        foreach (var i in sla ?? [])
        {
            if (i.State is Sla.SlaState.Succeeded or Sla.SlaState.Breached)
            {
                At(ReportDayKind.Sla, i.Day, SlaKey(i.Metric, i.PolicyId), (long)i.State).Count++;
            }
        }

        foreach (var row in rows.Values.Where(r => r.Min > r.Max))
        {
            row.Min = 0;
            row.Max = 0;
        }

        return [.. rows.Values];
    }
}
