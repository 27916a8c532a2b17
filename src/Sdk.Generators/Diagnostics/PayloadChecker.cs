using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Braze.Generators.Models;
using Braze.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace Braze.Generators.Diagnostics;

/// <summary>One broken rule: the descriptor, the member it is about (null: the type), and the message arguments.</summary>
internal readonly record struct Problem(DiagnosticDescriptor Descriptor, IPropertySymbol? Member, bool AtMarker, object?[] Args);

/// <summary>One member that is sent, with its classification and wire name.</summary>
internal readonly record struct CheckedMember(IPropertySymbol Property, Classification Classification, string WireName);

/// <summary>
/// The single walk over an annotated type that both the analyzer (which reports the problems) and the generator
/// (which skips a type with any error) use, so the generator never skips silently what the analyzer does not report.
/// </summary>
internal static class PayloadChecker
{
    /// <summary>The marker attribute kind of <paramref name="attributeClass"/>, or null when it is not a marker.</summary>
    public static PropertiesKind? KindOf(INamedTypeSymbol? attributeClass)
    {
        if (attributeClass is null || !attributeClass.Name.StartsWith("Braze", System.StringComparison.Ordinal) || !SymbolNames.IsBraze(attributeClass, attributeClass.Name))
        {
            return null;
        }

        return attributeClass.Name switch
        {
            "BrazeEventAttribute" => PropertiesKind.Event,
            "BrazePurchaseAttribute" => PropertiesKind.Purchase,
            "BrazeContextAttribute" => PropertiesKind.Context,
            "BrazeTriggerPropertiesAttribute" => PropertiesKind.TriggerProperties,
            "BrazeObjectAttribute" => PropertiesKind.Object,
            "BrazeUserAttributesAttribute" => PropertiesKind.UserAttributes,
            _ => null,
        };
    }

    /// <summary>Walks <paramref name="type"/>: adds every broken rule to <paramref name="problems"/> and returns the members that are sent.</summary>
    public static List<CheckedMember> Walk(INamedTypeSymbol type, AttributeData marker, PropertiesKind kind, List<Problem> problems, CancellationToken cancellationToken)
    {
        var attributeName = marker.AttributeClass!.Name;
        attributeName = attributeName.EndsWith("Attribute", System.StringComparison.Ordinal) ? attributeName.Substring(0, attributeName.Length - "Attribute".Length) : attributeName;
        if (!PropertiesParser.IsPartial(type, cancellationToken))
        {
            problems.Add(new Problem(Descriptors.NotPartial, null, false, [type.Name, attributeName]));
        }

        if (DeclarationProblem(type) is { } declaration)
        {
            // Nothing is generated for it; its members (a generic one's are type parameters) would only add noise.
            problems.Add(new Problem(Descriptors.UnsupportedDeclaration, null, false, [type.Name, declaration]));
            return new List<CheckedMember>();
        }

        if (kind == PropertiesKind.Event)
        {
            var name = marker.ConstructorArguments.Length == 1 ? marker.ConstructorArguments[0].Value as string : null;
            var problem = string.IsNullOrEmpty(name) ? "empty" : NameRules.Length(name!) > NameRules.MaxLength ? $"{NameRules.Length(name!)} characters long" : null;
            if (problem is not null)
            {
                problems.Add(new Problem(Descriptors.EventName, null, true, [type.Name, problem]));
            }
        }

        var isEventOrPurchase = kind is PropertiesKind.Event or PropertiesKind.Purchase;
        var isPurchase = kind == PropertiesKind.Purchase;
        var isUser = kind == PropertiesKind.UserAttributes;
        var policy = TypeClassifier.NamingPolicy(marker, type.ContainingAssembly);
        var seen = new Dictionary<string, string>();
        var members = new List<CheckedMember>();
        var count = 0;
        foreach (var member in TypeClassifier.Members(type))
        {
            cancellationToken.ThrowIfCancellationRequested();
            count++;
            var property = member.Property;
            var c = TypeClassifier.Classify(property.Type);
            var wire = TypeClassifier.WireName(member, policy);
            var valid = true;
            if (c.Kind == ValueKind.Unsupported)
            {
                problems.Add(new Problem(Descriptors.UnsupportedType, property, false, [property.Name, property.Type.ToDisplayString()]));
                valid = false;
            }
            else if (c.IsCollection && c.IsTime)
            {
                problems.Add(new Problem(Descriptors.TimeInCollection, property, false, [property.Name]));
                valid = false;
            }
            else if (c.Kind == ValueKind.DateTime)
            {
                problems.Add(new Problem(Descriptors.AmbiguousDateTime, property, false, [property.Name]));
            }

            if (NameRules.Problem(wire, isPurchase, kind == PropertiesKind.Object) is { } why)
            {
                problems.Add(new Problem(Descriptors.PropertyName, property, false, [wire, type.Name, why]));
            }
            else if (isEventOrPurchase && NameRules.IsReserved(wire, isPurchase))
            {
                problems.Add(new Problem(Descriptors.ReservedName, property, false, [wire, isPurchase ? "purchase" : "custom event"]));
            }

            if (seen.TryGetValue(wire, out var first))
            {
                problems.Add(new Problem(Descriptors.DuplicateName, property, false, [first, property.Name, wire]));
            }
            else
            {
                seen[wire] = property.Name;
            }

            if (isUser && NameRules.StandardFieldType(wire) is { } standard)
            {
                // The builder's typed standard setter serves a member of the field's own type; any other type would
                // send the wrong representation to Braze's field.
                if (valid && StandardTypeMatches(c, standard))
                {
                    continue;
                }

                problems.Add(new Problem(Descriptors.StandardField, property, false, [property.Name, wire, property.Type.ToDisplayString(), standard.Display]));
                continue;
            }

            if (isUser && NameRules.IdentifierFields.Contains(wire))
            {
                problems.Add(new Problem(Descriptors.IdentifierField, property, false, [property.Name, wire]));
                continue;
            }

            members.Add(new CheckedMember(property, c, wire));
        }

        if (isEventOrPurchase && count > NameRules.MaxProperties)
        {
            problems.Add(new Problem(Descriptors.TooManyProperties, null, false, [type.Name, count]));
        }

        return members;
    }

    private static bool StandardTypeMatches(Classification c, StandardField standard)
        => !c.IsCollection && !c.IsDictionary && standard.TypeName is { } name
            && (name == "string" ? c.ValueType.SpecialType == SpecialType.System_String : name == "global::" + c.ValueType.ContainingNamespace?.ToDisplayString() + "." + c.ValueType.Name);

    /// <summary>Why the declaration itself cannot be generated for, or null.</summary>
    private static string? DeclarationProblem(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (t.TypeParameters.Length > 0)
            {
                return SymbolEqualityComparer.Default.Equals(t, type) ? "it is generic" : $"its containing type '{t.Name}' is generic";
            }
        }

        if (type.IsStatic)
        {
            return "it is static";
        }

        var markers = type.GetAttributes().Count(a => KindOf(a.AttributeClass) is not null);
        return markers > 1 ? "it has more than one Braze marker attribute" : null;
    }
}
