using Braze.Generators.Parsing;
using Braze.Shared;

namespace Braze.Generators.Checking;

/// <summary>
/// The type a standard profile field's typed setter on the SDK's builder takes (<c>SetFirstName(string)</c>,
/// <c>SetDateOfBirth(DateOnly)</c>, ...): a <c>[BrazeUserAttributes]</c> member of the field's name and of that type
/// is left to the setter; any other type is an error.
/// </summary>
internal sealed class StandardFieldSetter
{
    private static readonly StandardFieldSetter String = new("System", "String", "string");
    private static readonly StandardFieldSetter Date = new("System", "DateOnly", "DateOnly");
    private static readonly StandardFieldSetter Gender = new("Braze", "Gender", "Braze.Gender");
    private static readonly StandardFieldSetter Subscription = new("Braze", "SubscriptionState", "Braze.SubscriptionState");
    private static readonly StandardFieldSetter NoMemberType = new(null, null, "no custom attribute type: set it through the builder's standard methods");

    private readonly string? _namespace;
    private readonly string? _name;

    private StandardFieldSetter(string? ns, string? name, string display)
    {
        _namespace = ns;
        _name = name;
        Display = display;
    }

    /// <summary>The type as the diagnostic names it.</summary>
    public string Display { get; }

    /// <summary>
    /// The setter of a standard field of <paramref name="kind"/>, from the shared catalog's kinds; null for a kind that
    /// is not a standard attribute (a custom attribute, or an identifier, control flag or push tokens).
    /// </summary>
    public static StandardFieldSetter? Of(StandardFieldKind kind) => kind switch
    {
        StandardFieldKind.Text or StandardFieldKind.Email or StandardFieldKind.Phone or StandardFieldKind.Country
            or StandardFieldKind.Language or StandardFieldKind.TimeZone => String,
        StandardFieldKind.DateOfBirth => Date,
        StandardFieldKind.Gender => Gender,
        StandardFieldKind.SubscribeState => Subscription,
        StandardFieldKind.SubscriptionGroups or StandardFieldKind.CurrentLocation or StandardFieldKind.Boolean
            or StandardFieldKind.Time or StandardFieldKind.SocialObject => NoMemberType,
        StandardFieldKind.None or StandardFieldKind.Identifier or StandardFieldKind.ControlFlag or StandardFieldKind.PushTokens => null,
        _ => throw new System.InvalidOperationException($"Unhandled standard field kind {kind}"),
    };

    /// <summary>True when a member classified as <paramref name="c"/> is a single value of this setter's type.</summary>
    public bool Accepts(Classification c)
        => _name is not null && !c.IsCollection && !c.IsDictionary && SymbolNames.Is(c.ValueType, _namespace!, _name);
}
