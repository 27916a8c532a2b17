// Shared source: compiled into Braze.Sdk and into the netstandard2.0 generator (see src/Shared/README.md).
using Braze.Generated;

namespace Braze.Shared;

/// <summary>What is wrong with a property name, if anything.</summary>
internal enum NameProblem
{
    /// <summary>The name is valid for its use.</summary>
    None = 0,

    /// <summary>The name is empty.</summary>
    Empty,

    /// <summary>The name is longer than <see cref="BrazeLimits.MaxStringLength"/> code points.</summary>
    TooLong,

    /// <summary>The name starts with <c>$</c>.</summary>
    LeadingDollar,

    /// <summary>The name is reserved in event or purchase properties.</summary>
    Reserved,

    /// <summary>A nested attribute key holds a space, <c>.</c> or <c>$</c>.</summary>
    InvalidNestedCharacter,
}

/// <summary>Braze's rules for property names (spec §4 and §7.3), as plain functions over the name.</summary>
internal static class PropertyNames
{
    /// <summary>Names reserved in custom event properties.</summary>
    public static readonly string[] ReservedInEvent = ["time", "event_name"];

    /// <summary>Names reserved in purchase properties.</summary>
    public static readonly string[] ReservedInPurchase = ["time", "product_id", "quantity", "event_name", "price", "currency"];

    /// <summary>True when <paramref name="name"/> is reserved in event (or, with <paramref name="purchase"/>, purchase) properties.</summary>
    public static bool IsReserved(string name, bool purchase) => System.Array.IndexOf(purchase ? ReservedInPurchase : ReservedInEvent, name) >= 0;

    /// <summary>
    /// True when <paramref name="name"/> cannot be a key of a nested custom attribute: a space, <c>.</c> or <c>$</c>
    /// anywhere (Braze's nested attribute page forbids <c>$</c> in keys, not only a leading one; event property names
    /// only may not start with it).
    /// </summary>
    public static bool HasInvalidNestedCharacter(string name) => name.IndexOf(' ') >= 0 || name.IndexOf('.') >= 0 || name.IndexOf('$') >= 0;

    /// <summary>
    /// The first problem of <paramref name="name"/> for <paramref name="usage"/>, checked in Braze's order: empty,
    /// too long, leading <c>$</c>, then reserved (events, purchases) or invalid characters (nested attribute keys).
    /// </summary>
    public static NameProblem Check(string name, PropertiesUsage usage, int maxLength = BrazeLimits.MaxStringLength)
    {
        if (name.Length == 0)
        {
            return NameProblem.Empty;
        }

        if (name.Length > maxLength && CodePoints.Length(name) > maxLength)
        {
            return NameProblem.TooLong;
        }

        if (name[0] == '$')
        {
            return NameProblem.LeadingDollar;
        }

        return usage switch
        {
            PropertiesUsage.Event when IsReserved(name, purchase: false) => NameProblem.Reserved,
            PropertiesUsage.Purchase when IsReserved(name, purchase: true) => NameProblem.Reserved,
            PropertiesUsage.NestedAttribute when HasInvalidNestedCharacter(name) => NameProblem.InvalidNestedCharacter,
            _ => NameProblem.None,
        };
    }
}
