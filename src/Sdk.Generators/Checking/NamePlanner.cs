using System.Collections.Generic;
using Braze.Generated;
using Braze.Shared;

namespace Braze.Generators.Checking;

/// <summary>
/// Plans the valid name a code fix gives a wire name that breaks a rule, deterministically, from the name, the member
/// and the names the type already uses (docs/diagnostics/README.md states the same steps for users):
/// <list type="number">
/// <item>leading <c>$</c> are removed; an empty name (or nothing left) becomes the member's name under the naming policy;</item>
/// <item>on a <c>[BrazeObject]</c>, each space, <c>.</c> and <c>$</c> becomes <c>_</c>;</item>
/// <item>a name longer than <see cref="BrazeLimits.MaxStringLength"/> code points is cut to that length (never inside a surrogate pair);</item>
/// <item>a name Braze keeps for itself (reserved in events or purchases; a standard profile field on a
/// <c>[BrazeUserAttributes]</c> record) gets the suffix <c>_value</c> (<c>Value</c> unless the policy is snake_case);</item>
/// <item>a name another member has, or one planned before it, gets <c>_2</c>, <c>_3</c>, ... (<c>2</c>, <c>3</c>, ...), the first that is free.</item>
/// </list>
/// The analyzer plans the members of a type in declaration order, each planned name taken by the next, so the fixes
/// of one type never collide and Fix All gives each member its own name.
/// </summary>
internal static class NamePlanner
{
    /// <summary>The valid name for <paramref name="wire"/>, taken into <paramref name="taken"/>; null when none could be planned.</summary>
    public static string? Plan(string wire, string memberName, BrazeNamingPolicy policy, PropertiesUsage usage, bool userAttributes, HashSet<string> taken)
    {
        var start = 0;
        while (start < wire.Length && wire[start] == '$')
        {
            start++;
        }

        var name = wire.Substring(start);
        if (name.Length == 0)
        {
            name = NamingPolicyConverter.Convert(memberName, policy);
        }

        if (usage == PropertiesUsage.NestedAttribute)
        {
            name = name.Replace(' ', '_').Replace('.', '_').Replace('$', '_');
        }

        name = Truncate(name, BrazeLimits.MaxStringLength);
        var separator = policy == BrazeNamingPolicy.SnakeCase ? "_" : string.Empty;
        if (IsBrazes(name, usage, userAttributes))
        {
            name = Suffixed(name, separator.Length == 0 ? "Value" : "_value");
        }

        var candidate = name;
        for (var n = 2; taken.Contains(candidate) || IsBrazes(candidate, usage, userAttributes); n++)
        {
            candidate = Suffixed(name, separator + n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (PropertyNames.Check(candidate, usage) != NameProblem.None)
        {
            return null;
        }

        taken.Add(candidate);
        return candidate;
    }

    /// <summary>The name for an empty or over-long event name: the type's name under the policy, or the name cut to length.</summary>
    public static string? PlanEventName(string? name, string typeName, BrazeNamingPolicy policy)
    {
        var planned = Truncate(string.IsNullOrEmpty(name) ? NamingPolicyConverter.Convert(typeName, policy) : name!, BrazeLimits.MaxStringLength);
        return planned.Length == 0 ? null : planned;
    }

    /// <summary>True when Braze keeps <paramref name="name"/> for itself in this use.</summary>
    private static bool IsBrazes(string name, PropertiesUsage usage, bool userAttributes)
        => PropertyNames.Check(name, usage) == NameProblem.Reserved || (userAttributes && StandardFields.KindOf(name) != StandardFieldKind.None);

    /// <summary><paramref name="name"/> with <paramref name="suffix"/>, the name cut so that both fit the length limit.</summary>
    private static string Suffixed(string name, string suffix) => Truncate(name, BrazeLimits.MaxStringLength - suffix.Length) + suffix;

    /// <summary>The first <paramref name="max"/> code points of <paramref name="value"/>.</summary>
    private static string Truncate(string value, int max)
    {
        var points = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (points == max)
            {
                return value.Substring(0, i);
            }

            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }

            points++;
        }

        return value;
    }
}
