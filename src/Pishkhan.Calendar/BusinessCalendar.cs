namespace Pishkhan.Calendar;

/// <summary>A business calendar: placeholder until the engine lands.</summary>
public sealed class BusinessCalendar
{
}
