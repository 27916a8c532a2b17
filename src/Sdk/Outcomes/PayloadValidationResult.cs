using Braze.Wire;

namespace Braze;

/// <summary>
/// The outcome of validating a payload (typed or JSON): every error and warning at once, and which objects of a
/// <c>/users/track</c> body are rejected, so the valid ones can still be sent (Braze's "minor errors").
/// </summary>
public sealed class PayloadValidationResult
{
    private readonly HashSet<(TrackArray Array, int Index)> _rejected = [];

    internal PayloadValidationResult(IReadOnlyList<ValidationError> errors, bool requestRejected)
    {
        Errors = errors;
        IsRequestRejected = requestRejected;
        foreach (var e in errors)
        {
            if (e.Severity == ValidationSeverity.Error && TryGetObject(e.Path, out var array, out var index))
            {
                _rejected.Add((array, index));
            }
        }
    }

    /// <summary>A result without errors.</summary>
    internal static PayloadValidationResult Success { get; } = new([], false);

    /// <summary>An invalid value inside a nested custom attribute: Braze drops every nested attribute update of the request.</summary>
    internal bool DropsNestedAttributes { get; init; }

    /// <summary>Every error and warning, in the order found, each with its JSON path, code and message.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>True when no error (warnings allowed) was found.</summary>
    public bool IsValid => !IsRequestRejected && _rejected.Count == 0 && !Errors.Any(e => e.Severity == ValidationSeverity.Error);

    /// <summary>
    /// True when the request as a whole cannot be sent: malformed JSON, a body that is not an object, too many
    /// objects, or a body over the size limit.
    /// </summary>
    public bool IsRequestRejected { get; }

    /// <summary>The warnings only.</summary>
    public IEnumerable<ValidationError> Warnings => Errors.Where(e => e.Severity == ValidationSeverity.Warning);

    /// <summary>True when the object at <c>array[index]</c> has an error and must not be applied.</summary>
    /// <param name="array">The array of the object.</param>
    /// <param name="index">Index in that array.</param>
    public bool IsObjectRejected(TrackArray array, int index) => _rejected.Contains((array, index));

    /// <summary>Throws <see cref="BrazeValidationException"/> when the result holds an error.</summary>
    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw new BrazeValidationException(Errors);
        }
    }

    /// <summary>Reads which object a path points into: <c>events[3].properties.x</c> gives <c>events</c> and 3.</summary>
    internal static bool TryGetObject(string path, out TrackArray array, out int index)
    {
        ArgumentNullException.ThrowIfNull(path);
        array = default;
        index = -1;
        foreach (var a in TrackArrays.All)
        {
            var name = a.Name();
            if (path.Length > name.Length + 2 && path.StartsWith(name, StringComparison.Ordinal) && path[name.Length] == '[')
            {
                var close = path.IndexOf(']', name.Length);
                if (close > name.Length + 1 && int.TryParse(path.AsSpan(name.Length + 1, close - name.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index))
                {
                    array = a;
                    return true;
                }
            }
        }

        return false;
    }
}
