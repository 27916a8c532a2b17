using System.Linq;

namespace Braze.Generators.Model;

/// <summary>Which attribute marked the type. The emitters and the checker switch over every kind and throw on an unknown one.</summary>
internal enum PropertiesKind
{
    Event,
    Purchase,
    Context,
    TriggerProperties,
    Object,
    UserAttributes,
}

/// <summary>How a member's value is written and validated (a new kind needs a case in every switch of the emitters).</summary>
internal enum ValueKind
{
    Unsupported,
    String,
    Boolean,
    Integer,
    Float,
    Decimal,
    DateTimeOffset,
    DateTime,
    DateOnly,
    Enum,
    Guid,
    Uri,
    Nested,
}

/// <summary>How a collection member is iterated without allocating.</summary>
internal enum CollectionShape
{
    None,
    Array,
    Indexed,
    Enumerable,
}

/// <summary>One enum member and its wire string.</summary>
internal sealed record EnumValue(string Member, string Wire);

/// <summary>
/// One property to write. Only strings, bools, enums and equatable arrays: safe to cache. The rule decisions about it
/// are made by the parser and carried here; the emitters only read them.
/// </summary>
/// <param name="Name">The C# member name.</param>
/// <param name="WireName">The Braze property name.</param>
/// <param name="Kind">What the value (or each element or dictionary value) becomes on the wire.</param>
/// <param name="IsCollection">An array or other enumerable of <paramref name="Kind"/>.</param>
/// <param name="IsDictionary">A string-keyed dictionary of <paramref name="Kind"/>.</param>
/// <param name="Shape">How a collection is iterated without allocating.</param>
/// <param name="IsNullable">The member itself may be null.</param>
/// <param name="IsValueType">The value (element) type is a struct.</param>
/// <param name="TypeName">The value (element) type, fully qualified.</param>
/// <param name="EnumValues">For an enum, its values and their wire names.</param>
/// <param name="ElementNullable">A dictionary's reference-type values may be null.</param>
/// <param name="IsReservedInPurchase">
/// The wire name is reserved in purchase properties: the generated <c>Validate</c> checks it when the object is used as
/// a purchase's properties (the declared use was checked at compile time).
/// </param>
/// <param name="IsInvalidNestedKey">
/// The wire name holds a space, <c>.</c> or <c>$</c>: the generated <c>Validate</c> checks it when the object is used as a nested
/// custom attribute.
/// </param>
internal sealed record MemberModel(
    string Name,
    string WireName,
    ValueKind Kind,
    bool IsCollection,
    bool IsDictionary,
    CollectionShape Shape,
    bool IsNullable,
    bool IsValueType,
    string TypeName,
    EquatableArray<EnumValue> EnumValues,
    bool ElementNullable,
    bool IsReservedInPurchase,
    bool IsInvalidNestedKey);

/// <summary>A containing type, for nested declarations.</summary>
internal sealed record ContainingType(string Keyword, string Name);

/// <summary>Everything the emitter needs for one annotated type.</summary>
internal sealed record PropertiesModel(
    string? Namespace,
    string TypeName,
    string Keyword,
    string FullName,
    EquatableArray<ContainingType> Parents,
    PropertiesKind Kind,
    string? EventName,
    EquatableArray<MemberModel> Members,
    EquatableArray<string> HiddenMembers)
{
    /// <summary><c>"new "</c> when a base type already has an accessible member named <paramref name="member"/>.</summary>
    public string New(string member) => HiddenMembers.Contains(member) ? "new " : string.Empty;

    public string HintName => FullName.Replace("global::", string.Empty).Replace('<', '_').Replace('>', '_') + ".Braze.g.cs";
}
