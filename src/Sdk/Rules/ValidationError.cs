namespace Braze;

/// <summary>How serious a <see cref="ValidationError"/> is.</summary>
public enum ValidationSeverity
{
    /// <summary>The value breaks a Braze rule; the object is rejected.</summary>
    Error = 0,

    /// <summary>The value is accepted but probably not what was meant (for example several identifiers on one object).</summary>
    Warning = 1,
}

/// <summary>
/// One broken Braze rule: where (<see cref="Path"/>, the JSON path of the offending value in the request,
/// for example <c>events[3].properties.movie</c>), which rule (<see cref="Code"/>, a stable identifier from
/// the codes listed in <c>docs/validation.md</c>) and a sentence naming the rule and its limit (<see cref="Message"/>).
/// </summary>
public sealed class ValidationError
{
    /// <summary>Creates the value.</summary>
    /// <param name="path">JSON path of the offending value, relative to the request body.</param>
    /// <param name="code">Stable rule identifier, one of the codes listed in <c>docs/validation.md</c>.</param>
    /// <param name="message">Human readable sentence that names the rule and the limit.</param>
    public ValidationError(string path, string code, string message)
    {
        Path = path ?? throw new ArgumentNullException(nameof(path));
        Code = code ?? throw new ArgumentNullException(nameof(code));
        Message = message ?? throw new ArgumentNullException(nameof(message));
    }

    /// <summary>JSON path of the offending value, relative to the request body.</summary>
    public string Path { get; }

    /// <summary>Stable rule identifier, one of the codes listed in <c>docs/validation.md</c>.</summary>
    public string Code { get; }

    /// <summary>Human readable sentence that names the rule and the limit.</summary>
    public string Message { get; }

    /// <summary>Whether this is an error (the object is rejected) or a warning.</summary>
    public ValidationSeverity Severity { get; init; } = ValidationSeverity.Error;

    /// <inheritdoc />
    public override string ToString()
        => Severity == ValidationSeverity.Error ? $"{Path}: {Message} [{Code}]" : $"{Path}: warning: {Message} [{Code}]";
}
