namespace Pishkhan.Platform.Api;

/// <summary>What a use case reports back: a value, invalid input (per field), a missing record, or a conflict.</summary>
public abstract record Outcome<T>
{
    public sealed record Ok(T Value) : Outcome<T>;

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : Outcome<T>;

    public sealed record NotFound : Outcome<T>;

    public sealed record Conflict(string Detail) : Outcome<T>;

    public static implicit operator Outcome<T>(T value) => new Ok(value);

    public static implicit operator Outcome<T>(FieldErrors errors) => new Invalid(errors.ToDictionary());
}

/// <summary>Collects every problem with an input, so one response names them all.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public void Required(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, $"'{field}' is required.");
        }
    }

    public void MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            Add(field, $"'{field}' must be at most {max} characters.");
        }
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}

/// <summary>One page of a list, with the total so a client can page.</summary>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);

public static class Paging
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 200;

    public static void Validate(FieldErrors errors, int page, int pageSize)
    {
        if (page < 1)
        {
            errors.Add("page", "'page' starts at 1.");
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors.Add("pageSize", $"'pageSize' must be between 1 and {MaxPageSize}.");
        }
    }
}
