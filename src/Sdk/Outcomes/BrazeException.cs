namespace Braze;

/// <summary>
/// The base of every exception the SDK throws for a Braze-level problem: <see cref="BrazeValidationException"/>
/// (nothing was sent), <see cref="BrazeApiException"/> and <see cref="BrazeTrackException"/> (Braze answered with an
/// error, or did not answer), <see cref="BrazeDeliveryException"/> and <see cref="BrazeQueueFullException"/> (the
/// background tracker). Messages and everything reachable from them never contain the API key.
/// </summary>
public class BrazeException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public BrazeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public BrazeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// True when what failed may nevertheless have been applied by Braze (a timeout or a dropped connection after the
    /// body was sent): repeating it can duplicate events, purchases, <c>inc</c> and array <c>add</c>, or schedule a
    /// message twice. False when Braze certainly did not apply it.
    /// </summary>
    public virtual bool IsOutcomeUnknown => false;
}

/// <summary>
/// The payload breaks Braze rules; nothing was sent. <see cref="Errors"/> holds every error at once, each with the
/// JSON path of the offending value, a stable code and a message naming the rule and the limit.
/// </summary>
public sealed class BrazeValidationException : BrazeException
{
    /// <summary>Creates the exception from the validation errors (warnings are kept too).</summary>
    public BrazeValidationException(IReadOnlyList<ValidationError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    /// <summary>Every error and warning found.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    private static string Describe(IReadOnlyList<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var list = errors.Where(e => e.Severity == ValidationSeverity.Error).ToList();
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
