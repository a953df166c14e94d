namespace Pishkhan.Calendar;

/// <summary>What <see cref="BusinessCalendar.Add(NodaTime.Instant, NodaTime.Duration, AddConvention)"/> returns when the duration runs out exactly at a closing time.</summary>
public enum AddConvention
{
    /// <summary>
    /// The default: the earliest instant at which the duration has elapsed, which is the closing instant itself
    /// (Mon 09:00 + 8 h on 09:00–17:00 is Mon 17:00).
    /// </summary>
    ClosingInstant = 0,

    /// <summary>
    /// Land on the next opening instead, as zendesk/biz does (Fri 09:00 + 8 h on Mon–Fri 09:00–17:00 is Mon 09:00).
    /// A zero duration still returns the starting instant.
    /// </summary>
    NextOpening = 1,
}
