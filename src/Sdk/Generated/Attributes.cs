namespace Braze;

/// <summary>Base of the attributes that make the source generator write a record's properties.</summary>
public abstract class BrazePropertiesAttribute : Attribute
{
    /// <summary>Only the marker attributes of this assembly derive from it.</summary>
    private protected BrazePropertiesAttribute()
    {
    }

    /// <summary>How member names become property names. Default <see cref="BrazeNamingPolicy.SnakeCase"/>.</summary>
    public BrazeNamingPolicy NamingPolicy { get; set; } = BrazeNamingPolicy.SnakeCase;
}

/// <summary>
/// The record is the properties of the custom event <paramref name="name"/>. The generator implements
/// <see cref="IBrazeProperties"/>, adds the <c>EventName</c> constant and <c>ToEvent(user, time)</c>.
/// </summary>
/// <param name="name">The Braze event name (non-empty, at most 255 characters).</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class BrazeEventAttribute(string name) : BrazePropertiesAttribute
{
    /// <summary>The Braze event name.</summary>
    public string Name { get; } = name;
}

/// <summary>The record is the properties of a purchase; the generator adds <c>ToPurchase(...)</c>.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class BrazePurchaseAttribute : BrazePropertiesAttribute;

/// <summary>The record is Canvas entry properties (<c>context</c>); the generator adds typed Liquid references in a nested <c>Liquid</c> class.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class BrazeContextAttribute : BrazePropertiesAttribute;

/// <summary>The record is campaign trigger properties (<c>trigger_properties</c>); the generator adds typed Liquid references.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class BrazeTriggerPropertiesAttribute : BrazePropertiesAttribute;

/// <summary>
/// The record lists a profile's custom attributes. The generator adds <c>Update(UserId)</c> and <c>UserUpdateStep()</c>,
/// which return a builder with a typed method per attribute and operation (set, unset, increment, add / remove,
/// nested objects, arrays of objects) plus the standard fields of <see cref="UserUpdateBuilder{TSelf}"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class BrazeUserAttributesAttribute : BrazePropertiesAttribute;

/// <summary>The record is an object nested in properties or in a custom attribute.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class BrazeObjectAttribute : BrazePropertiesAttribute;

/// <summary>Sends the member (or enum value) under <paramref name="name"/> instead of the naming policy's name.</summary>
/// <param name="name">The wire name.</param>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field, Inherited = false)]
public sealed class BrazePropertyAttribute(string name) : Attribute
{
    /// <summary>The wire name.</summary>
    public string Name { get; } = name;
}

/// <summary>The member is not sent.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, Inherited = false)]
public sealed class BrazeIgnoreAttribute : Attribute;

/// <summary>
/// The naming policy of every Braze payload type in the assembly that does not set its own
/// (<c>[assembly: BrazeNamingPolicy(BrazeNamingPolicy.CamelCase)]</c>). A marker's <c>NamingPolicy</c> wins; without
/// either, names are snake_case.
/// </summary>
/// <param name="policy">The policy.</param>
[AttributeUsage(AttributeTargets.Assembly, Inherited = false)]
public sealed class BrazeNamingPolicyAttribute(BrazeNamingPolicy policy) : Attribute
{
    /// <summary>The policy.</summary>
    public BrazeNamingPolicy Policy { get; } = policy;
}
