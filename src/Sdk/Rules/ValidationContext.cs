using System.Text;

namespace Braze.Generated;

/// <summary>
/// The path-carrying collector every rule reports into; generated <c>Validate</c> methods only move its path
/// (<see cref="Push(string)"/>, <see cref="Pop"/>) and hand it to <see cref="PropertiesValidation"/>.
/// Collects <see cref="ValidationError"/>s while a walker (typed model, generated code or JSON) descends into a
/// request. It keeps the current JSON path as a stack of segments and only builds the path text when a rule
/// reports, so validating valid input allocates nothing.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public sealed class ValidationContext
{
    private readonly List<ValidationError> _errors = [];
    private Segment[] _segments = new Segment[16];
    private int _depth;

    /// <summary>Creates a context.</summary>
    /// <param name="options">Limits to enforce; <see cref="BrazeValidationOptions.Default"/> when null.</param>
    /// <param name="userUpdateStep">True when validating Canvas User Update step content, where values may be Liquid.</param>
    internal ValidationContext(BrazeValidationOptions? options = null, bool userUpdateStep = false)
    {
        Options = options ?? BrazeValidationOptions.Default;
        IsUserUpdateStep = userUpdateStep;
    }

    /// <summary>The limits in force.</summary>
    internal BrazeValidationOptions Options { get; }

    /// <summary>True for Canvas User Update step content: string values may hold Liquid, and identifiers are not allowed.</summary>
    internal bool IsUserUpdateStep { get; }

    /// <summary>Everything reported so far, errors and warnings, in report order.</summary>
    internal IReadOnlyList<ValidationError> Errors => _errors;

    /// <summary>How many errors (not warnings) were reported so far.</summary>
    internal int ErrorCount { get; private set; }

    /// <summary>True when at least one error (not a warning) was reported.</summary>
    internal bool HasErrors => ErrorCount > 0;

    /// <summary>The number of path segments currently pushed.</summary>
    internal int Depth => _depth;

    /// <summary>The depth of the attributes, event or purchase object being validated (0 outside one): nesting is counted from it.</summary>
    internal int ObjectRoot { get; set; }

    /// <summary>
    /// Set when an invalid value (a null, a bad <c>$time</c>) was found inside a nested custom attribute: Braze then
    /// drops every nested custom attribute update of the request (spec §7.4), which the emulator does too.
    /// </summary>
    internal bool DropsNestedAttributes { get; set; }

    /// <summary>The JSON path of the value being validated, for example <c>events[3].properties.movie</c>.</summary>
    internal string CurrentPath => BuildPath();

    /// <summary>Descends into the member <paramref name="name"/> of the current object.</summary>
    public void Push(string name) => PushSegment(new Segment(name, -1));

    /// <summary>Descends into element <paramref name="index"/> of the current array.</summary>
    public void Push(int index) => PushSegment(new Segment(null, index));

    /// <summary>Leaves the innermost segment.</summary>
    public void Pop()
    {
        if (_depth == 0)
        {
            throw new InvalidOperationException("Pop without a matching Push.");
        }

        _segments[--_depth] = default;
    }

    /// <summary>Pushes <paramref name="name"/> and pops it when the returned scope is disposed.</summary>
    internal Scope Enter(string name)
    {
        Push(name);
        return new Scope(this);
    }

    /// <summary>Pushes <paramref name="index"/> and pops it when the returned scope is disposed.</summary>
    internal Scope Enter(int index)
    {
        Push(index);
        return new Scope(this);
    }

    /// <summary>Reports a broken rule at the current path.</summary>
    internal void Report(string code, string message, ValidationSeverity severity = ValidationSeverity.Error)
    {
        _errors.Add(new ValidationError(BuildPath(), code, message) { Severity = severity });
        if (severity == ValidationSeverity.Error)
        {
            ErrorCount++;
        }
    }

    /// <summary>Forgets every reported error and path segment, so the context can be reused.</summary>
    internal void Reset()
    {
        _errors.Clear();
        ErrorCount = 0;
        Array.Clear(_segments, 0, _depth);
        _depth = 0;
        ObjectRoot = 0;
        DropsNestedAttributes = false;
    }

    /// <summary>Formats a path from segments the way the SDK reports them.</summary>
    internal static void AppendName(StringBuilder sb, string name)
    {
        if (IsPlainName(name))
        {
            if (sb.Length > 0)
            {
                sb.Append('.');
            }

            sb.Append(name);
        }
        else
        {
            sb.Append("[\"").Append(name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\"]");
        }
    }

    private static bool IsPlainName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '$' || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    private void PushSegment(Segment segment)
    {
        if (_depth == _segments.Length)
        {
            Array.Resize(ref _segments, _segments.Length * 2);
        }

        _segments[_depth++] = segment;
    }

    private string BuildPath()
    {
        if (_depth == 0)
        {
            return "$";
        }

        var sb = new StringBuilder();
        for (var i = 0; i < _depth; i++)
        {
            var s = _segments[i];
            if (s.Name is null)
            {
                sb.Append('[').Append(s.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(']');
            }
            else
            {
                AppendName(sb, s.Name);
            }
        }

        return sb.ToString();
    }

    private readonly record struct Segment(string? Name, int Index);

    /// <summary>Pops the segment pushed by <see cref="Enter(string)"/> or <see cref="Enter(int)"/> when disposed.</summary>
    internal readonly struct Scope : IDisposable
    {
        private readonly ValidationContext _context;

        internal Scope(ValidationContext context) => _context = context;

        /// <inheritdoc />
        public void Dispose() => _context.Pop();
    }
}
