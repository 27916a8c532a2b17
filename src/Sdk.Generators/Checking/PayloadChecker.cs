using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Braze.Generated;
using Braze.Generators.Model;
using Braze.Generators.Parsing;
using Braze.Shared;
using Microsoft.CodeAnalysis;

namespace Braze.Generators.Checking;

/// <summary>
/// One broken rule: the descriptor, the member it is about (null: the type), whether it is about the marker's
/// argument, and the message arguments; for a rule about a name, the <c>[BrazeProperty]</c> that gave it (null: the
/// naming policy) and the valid name a code fix gives instead (<see cref="NamePlanner"/>; null: none).
/// </summary>
internal readonly record struct Problem(DiagnosticDescriptor Descriptor, IPropertySymbol? Member, bool AtMarker, object?[] Args, AttributeData? NameSource = null, string? SuggestedName = null);

/// <summary>
/// Judges a <see cref="ParsedType"/> against Braze's rules (the shared tables): the analyzer reports the problems, and
/// the generator skips a type with any error, so it never skips silently what the analyzer does not report.
/// </summary>
internal static class PayloadChecker
{
    private static readonly string TooLong = "it is longer than " + BrazeLimits.MaxStringLength.ToString(CultureInfo.InvariantCulture) + " characters";

    /// <summary>True when <paramref name="parsed"/> breaks a rule of error severity: the generator writes nothing for it.</summary>
    public static bool HasErrors(ParsedType parsed, CancellationToken cancellationToken)
    {
        var problems = new List<Problem>();
        Check(parsed, problems, cancellationToken);
        foreach (var problem in problems)
        {
            if (problem.Descriptor.DefaultSeverity == DiagnosticSeverity.Error)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Adds every rule <paramref name="parsed"/> breaks to <paramref name="problems"/>, in source order.</summary>
    public static void Check(ParsedType parsed, List<Problem> problems, CancellationToken cancellationToken)
    {
        var type = parsed.Type;
        if (!parsed.IsPartial)
        {
            problems.Add(new Problem(Descriptors.NotPartial, null, false, [type.Name, MarkerName(parsed.Marker)]));
        }

        if (DeclarationProblem(parsed) is { } declaration)
        {
            problems.Add(new Problem(Descriptors.UnsupportedDeclaration, null, false, [type.Name, declaration]));
            return;
        }

        var kind = parsed.Kind;
        if (kind == PropertiesKind.Event)
        {
            var name = parsed.EventName;
            var length = string.IsNullOrEmpty(name) ? 0 : CodePoints.Length(name!);
            var problem = length == 0 ? "empty" : length > BrazeLimits.MaxStringLength ? length.ToString(CultureInfo.InvariantCulture) + " characters long" : null;
            if (problem is not null)
            {
                problems.Add(new Problem(Descriptors.EventName, null, true, [type.Name, problem], SuggestedName: NamePlanner.PlanEventName(name, type.Name, parsed.NamingPolicy)));
            }
        }

        var usage = DeclaredUsage(kind);
        var seen = new Dictionary<string, string>();
        var firstNameProblem = problems.Count;
        foreach (var member in parsed.Members)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (property, c, wire) = (member.Property, member.Classification, member.WireName);
            var valid = true;
            if (c.Kind == ValueKind.Unsupported)
            {
                problems.Add(new Problem(Descriptors.UnsupportedType, property, false, [property.Name, property.Type.ToDisplayString()]));
                valid = false;
            }
            else if (c.IsCollection && c.IsTime)
            {
                // The code fix sends the times as strings under the member's wire name (DiagnosticIds.SuggestedName).
                problems.Add(new Problem(Descriptors.TimeInCollection, property, false, [property.Name], SuggestedName: wire));
                valid = false;
            }
            else if (c.Kind == ValueKind.DateTime)
            {
                problems.Add(new Problem(Descriptors.AmbiguousDateTime, property, false, [property.Name]));
            }

            CheckName(problems, member, type, usage);
            if (seen.TryGetValue(wire, out var first))
            {
                problems.Add(new Problem(Descriptors.DuplicateName, property, false, [first, property.Name, wire], member.NameSource));
            }
            else
            {
                seen[wire] = property.Name;
            }

            if (member.StandardField == StandardFieldKind.None)
            {
                continue;
            }

            if (StandardFields.IsNotAnAttribute(wire))
            {
                problems.Add(new Problem(Descriptors.IdentifierField, property, false, [property.Name, wire], member.NameSource));
            }
            else if (StandardFieldSetter.Of(member.StandardField) is { } setter && !(valid && setter.Accepts(c)))
            {
                // The builder's typed standard setter serves a member of the field's own type; any other type would
                // send the wrong representation to Braze's field.
                problems.Add(new Problem(Descriptors.StandardField, property, false, [property.Name, wire, property.Type.ToDisplayString(), setter.Display], member.NameSource));
            }
        }

        PlanNames(parsed, usage, problems, firstNameProblem);

        if (kind is PropertiesKind.Event or PropertiesKind.Purchase && parsed.Members.Count > BrazeLimits.MaxPropertiesPerObject)
        {
            problems.Add(new Problem(Descriptors.TooManyProperties, null, false, [type.Name, parsed.Members.Count]));
        }
    }

    /// <summary>The rules of the shared name check for the use the marker declares.</summary>
    private static void CheckName(List<Problem> problems, ParsedMember member, INamedTypeSymbol type, PropertiesUsage usage)
    {
        var (property, wire, source) = (member.Property, member.WireName, member.NameSource);
        var problem = PropertyNames.Check(wire, usage);
        switch (problem)
        {
            case NameProblem.None:
                return;
            case NameProblem.Empty:
                problems.Add(new Problem(Descriptors.PropertyName, property, false, [wire, type.Name, "it is empty"], source));
                return;
            case NameProblem.TooLong:
                problems.Add(new Problem(Descriptors.PropertyName, property, false, [wire, type.Name, TooLong], source));
                return;
            case NameProblem.LeadingDollar:
                problems.Add(new Problem(Descriptors.PropertyName, property, false, [wire, type.Name, "it starts with '$'"], source));
                return;
            case NameProblem.InvalidNestedCharacter:
                problems.Add(new Problem(Descriptors.PropertyName, property, false, [wire, type.Name, "nested keys cannot contain a space, '.' or '$'"], source));
                return;
            case NameProblem.Reserved:
                problems.Add(new Problem(Descriptors.ReservedName, property, false, [wire, usage == PropertiesUsage.Purchase ? "purchase" : "custom event"], source));
                return;
            default:
                throw new System.InvalidOperationException($"Unhandled name problem {problem}");
        }
    }

    /// <summary>
    /// Gives every name problem from <paramref name="first"/> on (BRZ0003, BRZ0004, BRZ0005, BRZ0010) the valid name
    /// its member gets from a code fix: one plan per member, in declaration order, every other member's name taken.
    /// </summary>
    private static void PlanNames(ParsedType parsed, PropertiesUsage usage, List<Problem> problems, int first)
    {
        HashSet<IPropertySymbol>? renamed = null;
        for (var i = first; i < problems.Count; i++)
        {
            if (IsNameProblem(problems[i].Descriptor) && problems[i].Member is { } member)
            {
                (renamed ??= new HashSet<IPropertySymbol>(SymbolEqualityComparer.Default)).Add(member);
            }
        }

        if (renamed is null)
        {
            return;
        }

        var taken = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var member in parsed.Members)
        {
            if (!renamed.Contains(member.Property))
            {
                taken.Add(member.WireName);
            }
        }

        var plans = new Dictionary<IPropertySymbol, string?>(SymbolEqualityComparer.Default);
        var user = parsed.Kind == PropertiesKind.UserAttributes;
        foreach (var member in parsed.Members)
        {
            if (renamed.Contains(member.Property) && !plans.ContainsKey(member.Property))
            {
                plans[member.Property] = NamePlanner.Plan(member.WireName, member.Property.Name, parsed.NamingPolicy, usage, user, taken);
            }
        }

        for (var i = first; i < problems.Count; i++)
        {
            if (IsNameProblem(problems[i].Descriptor) && problems[i].Member is { } member)
            {
                problems[i] = problems[i] with { SuggestedName = plans[member] };
            }
        }
    }

    private static bool IsNameProblem(DiagnosticDescriptor descriptor)
        => descriptor.Id is DiagnosticIds.PropertyName or DiagnosticIds.ReservedName or DiagnosticIds.DuplicateName or DiagnosticIds.StandardField;

    /// <summary>The use whose name rules a marker's members are checked by at compile time.</summary>
    private static PropertiesUsage DeclaredUsage(PropertiesKind kind) => kind switch
    {
        PropertiesKind.Event => PropertiesUsage.Event,
        PropertiesKind.Purchase => PropertiesUsage.Purchase,
        PropertiesKind.Context => PropertiesUsage.CanvasContext,
        PropertiesKind.TriggerProperties => PropertiesUsage.TriggerProperties,

        // An object's keys may become nested custom attribute keys, the strictest of its uses.
        PropertiesKind.Object => PropertiesUsage.NestedAttribute,

        // Custom attribute names: Braze reserves none (spec 7.2); they are checked as nested property names are
        // (non-empty, at most BrazeLimits.MaxStringLength code points, no leading '$').
        PropertiesKind.UserAttributes => PropertiesUsage.NestedProperty,
        _ => throw new System.InvalidOperationException($"Unhandled properties kind {kind}"),
    };

    /// <summary>The marker's name as written in source: <c>BrazeEvent</c> for <c>BrazeEventAttribute</c>.</summary>
    private static string MarkerName(AttributeData marker)
    {
        var name = marker.AttributeClass!.Name;
        return name.EndsWith("Attribute", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
    }

    /// <summary>Why the declaration itself cannot be generated for, or null.</summary>
    private static string? DeclarationProblem(ParsedType parsed)
    {
        if (parsed.GenericType is { } generic)
        {
            return SymbolEqualityComparer.Default.Equals(generic, parsed.Type) ? "it is generic" : $"its containing type '{generic.Name}' is generic";
        }

        if (parsed.Type.IsStatic)
        {
            return "it is static";
        }

        return parsed.MarkerCount > 1 ? "it has more than one Braze marker attribute" : null;
    }
}
