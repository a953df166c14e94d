namespace Pishkhan.Calendar;

/// <summary>One problem with a <see cref="CalendarDefinition"/>.</summary>
/// <param name="Path">
/// The bad item as a camelCase JSON path into the definition, e.g. <c>zone</c>, <c>weekly.monday[1].end</c>,
/// <c>holidays[3].date</c>; a host can use it as the field name of a validation problem.
/// </param>
/// <param name="Message">What is wrong, in English, quoting the offending value.</param>
public sealed record CalendarDefinitionError(string Path, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>Thrown by <see cref="BusinessCalendar.Create(CalendarDefinition)"/> when the definition is invalid.</summary>
public sealed class InvalidCalendarDefinitionException : ArgumentException
{
    /// <summary>Creates the exception from the list of errors.</summary>
    /// <param name="errors">Every problem found; at least one.</param>
    public InvalidCalendarDefinitionException(IReadOnlyList<CalendarDefinitionError> errors)
        : base(BuildMessage(errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception with a message and no itemised errors.</summary>
    public InvalidCalendarDefinitionException()
        : this([])
    {
    }

    /// <summary>Creates the exception with a message and no itemised errors.</summary>
    /// <param name="message">The message.</param>
    public InvalidCalendarDefinitionException(string message)
        : base(message)
    {
        Errors = [new CalendarDefinitionError("", message)];
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidCalendarDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [new CalendarDefinitionError("", message)];
    }

    /// <summary>Every problem found in the definition, each naming its item.</summary>
    public IReadOnlyList<CalendarDefinitionError> Errors { get; }

    private static string BuildMessage(IReadOnlyList<CalendarDefinitionError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return "Invalid calendar definition: " + string.Join("; ", errors);
    }
}

/// <summary>
/// Thrown when an answer lies out of the calendar's reach: no working time (or, for
/// <see cref="BusinessCalendar.NextClose(NodaTime.Instant)"/>, no closing) within
/// <see cref="BusinessCalendar.SearchHorizonYears"/> consecutive years, or beyond the supported range of instants.
/// The engine fails instead of searching forever.
/// </summary>
public sealed class CalendarHorizonException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public CalendarHorizonException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public CalendarHorizonException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CalendarHorizonException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
