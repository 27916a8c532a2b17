namespace Braze;

/// <summary>The base of every exception the SDK throws for a Braze-level problem. Messages never contain the API key.</summary>
public class BrazeException : Exception
{
    /// <summary>Creates an exception.</summary>
    public BrazeException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public BrazeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public BrazeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The payload breaks Braze rules; nothing was sent. <see cref="Errors"/> holds every error at once, each with the
/// JSON path of the offending value, a stable code and a message naming the rule and the limit.
/// </summary>
public sealed class BrazeValidationException : BrazeException
{
    /// <summary>Creates the exception from the validation errors (warnings are kept too).</summary>
    public BrazeValidationException(IReadOnlyList<Validation.ValidationError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception with a message and no structured errors.</summary>
    public BrazeValidationException()
        : this([])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public BrazeValidationException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public BrazeValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Every error and warning found.</summary>
    public IReadOnlyList<Validation.ValidationError> Errors { get; }

    private static string Describe(IReadOnlyList<Validation.ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var list = errors.Where(e => e.Severity == Validation.ValidationSeverity.Error).ToList();
        if (list.Count == 0)
        {
            return "The payload is invalid.";
        }

        const int shown = 10;
        var text = $"The payload breaks {list.Count} Braze rule(s); nothing was sent:" + Environment.NewLine
            + string.Join(Environment.NewLine, list.Take(shown).Select(e => "  " + e));
        return list.Count > shown ? text + Environment.NewLine + $"  ... and {list.Count - shown} more (see Errors)." : text;
    }
}
