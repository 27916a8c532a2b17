namespace Braze.Validation;

/// <summary>How serious a <see cref="ValidationError"/> is.</summary>
public enum ValidationSeverity
{
    /// <summary>The value breaks a Braze rule; the object is rejected.</summary>
    Error = 0,

    /// <summary>The value is accepted but probably not what was meant (for example several identifiers on one object).</summary>
    Warning = 1,
}

/// <summary>
/// One broken Braze rule: where (<paramref name="Path"/>, the JSON path of the offending value in the request,
/// for example <c>events[3].properties.movie</c>), which rule (<paramref name="Code"/>, a stable identifier from
/// <see cref="ValidationCodes"/>) and a sentence naming the rule and its limit (<paramref name="Message"/>).
/// </summary>
/// <param name="Path">JSON path of the offending value, relative to the request body.</param>
/// <param name="Code">Stable rule identifier, one of <see cref="ValidationCodes"/>.</param>
/// <param name="Message">Human readable sentence that names the rule and the limit.</param>
public sealed record ValidationError(string Path, string Code, string Message)
{
    /// <summary>Whether this is an error (the object is rejected) or a warning.</summary>
    public ValidationSeverity Severity { get; init; } = ValidationSeverity.Error;

    /// <inheritdoc />
    public override string ToString()
        => Severity == ValidationSeverity.Error ? $"{Path}: {Message} [{Code}]" : $"{Path}: warning: {Message} [{Code}]";
}
