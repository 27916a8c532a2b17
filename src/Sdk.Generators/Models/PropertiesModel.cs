using System.Linq;

namespace Braze.Generators.Models;

/// <summary>Which attribute marked the type.</summary>
internal enum PropertiesKind
{
    Event,
    Purchase,
    Context,
    TriggerProperties,
    Object,
    UserAttributes,
}

/// <summary>How a member's value is written and validated.</summary>
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

/// <summary>One property to write. Only strings, bools and equatable arrays: safe to cache.</summary>
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
    bool ElementNullable = false);

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
