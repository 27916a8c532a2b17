using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Braze.Generators.Model;
using Braze.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Braze.Generators.Parsing;

/// <summary>
/// Reads an annotated type once (<see cref="Read"/>), and turns a type the checker found valid into an equatable
/// <see cref="PropertiesModel"/> (<see cref="ToModel"/>), with every rule decision the emitters need made here.
/// </summary>
internal static class PropertiesParser
{
    /// <summary>Members the generated code declares; a base type's accessible member of the same name needs <c>new</c>.</summary>
    private static readonly string[] GeneratedNames = ["WriteTo", "Validate", "EventName", "ToEvent", "ToUserUpdateStepEvent", "ToPurchase", "ToUserUpdateStepPurchase", "Liquid", "Update", "UserUpdateStep", "UpdateBuilder"];

    /// <summary>
    /// Reads the declaration of <paramref name="type"/> marked with <paramref name="marker"/>, and its sent members
    /// (each classified and named once) when the declaration is one the generator can write.
    /// </summary>
    public static ParsedType Read(INamedTypeSymbol type, AttributeData marker, PropertiesKind kind, CancellationToken cancellationToken)
    {
        INamedTypeSymbol? generic = null;
        for (var t = type; t is not null && generic is null; t = t.ContainingType)
        {
            if (t.TypeParameters.Length > 0)
            {
                generic = t;
            }
        }

        var markers = 0;
        foreach (var attribute in type.GetAttributes())
        {
            if (Markers.KindOf(attribute.AttributeClass) is not null)
            {
                markers++;
            }
        }

        var eventName = kind == PropertiesKind.Event && marker.ConstructorArguments.Length == 1 ? marker.ConstructorArguments[0].Value as string : null;
        var policy = TypeClassifier.NamingPolicy(marker, type.ContainingAssembly);
        var parsed = new ParsedType(type, marker, kind, IsPartial(type, cancellationToken), generic, markers, eventName, policy);
        if (!parsed.IsSupportedDeclaration)
        {
            // Nothing is generated for it; its members (a generic one's are type parameters) would only add noise.
            return parsed;
        }

        var isUser = kind == PropertiesKind.UserAttributes;
        foreach (var member in TypeClassifier.Members(type))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var wire = TypeClassifier.WireName(member, policy, out var nameSource);
            parsed.Members.Add(new ParsedMember(
                member.Property,
                TypeClassifier.Classify(member.Property.Type),
                wire,
                isUser ? StandardFields.KindOf(wire) : StandardFieldKind.None,
                nameSource));
        }

        return parsed;
    }

    /// <summary>The model of a type <see cref="Read"/> read and the checker found without errors.</summary>
    public static PropertiesModel ToModel(ParsedType parsed)
    {
        var type = parsed.Type;
        var models = new List<MemberModel>(parsed.Members.Count);
        foreach (var member in parsed.Members)
        {
            if (member.StandardField != StandardFieldKind.None)
            {
                // A standard profile field of its setter's type: the builder's typed standard method serves it (any
                // other standard or identifier name is an error, so the type never gets here).
                continue;
            }

            var (property, c, wire) = (member.Property, member.Classification, member.WireName);
            models.Add(new MemberModel(
                property.Name,
                wire,
                c.Kind,
                c.IsCollection,
                c.IsDictionary,
                Shape(property.Type, c.IsCollection),
                c.IsNullable,
                c.ValueType.IsValueType,
                SymbolNames.FullyQualified(c.ValueType.WithNullableAnnotation(NullableAnnotation.NotAnnotated)),
                c.Kind == ValueKind.Enum ? EquatableArray.From(EnumValues(c.ValueType, parsed.NamingPolicy)) : default,
                c.IsDictionary && !c.ValueType.IsValueType && c.ValueType.NullableAnnotation == NullableAnnotation.Annotated,
                PropertyNames.IsReserved(wire, purchase: true),
                PropertyNames.HasInvalidNestedCharacter(wire)));
        }

        var parents = new List<ContainingType>();
        for (var parent = type.ContainingType; parent is not null; parent = parent.ContainingType)
        {
            parents.Insert(0, new ContainingType(Keyword(parent), parent.Name));
        }

        return new PropertiesModel(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            type.Name,
            Keyword(type),
            SymbolNames.FullyQualified(type),
            EquatableArray.From(parents),
            parsed.Kind,
            parsed.EventName,
            EquatableArray.From(models),
            EquatableArray.From(HiddenNames(type).Distinct()));
    }

    /// <summary>The generated member names that an accessible member of a base type already has.</summary>
    private static IEnumerable<string> HiddenNames(INamedTypeSymbol type)
    {
        for (var t = type.BaseType; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
        {
            // A marked base type gets its members from this generator: they are not in the compilation yet.
            foreach (var a in t.GetAttributes())
            {
                if (Markers.KindOf(a.AttributeClass) is { } baseKind)
                {
                    foreach (var name in GeneratedFor(baseKind))
                    {
                        yield return name;
                    }
                }
            }

            foreach (var name in GeneratedNames)
            {
                if (t.GetMembers(name).Any(m => m.DeclaredAccessibility != Accessibility.Private) || t.GetTypeMembers(name).Any(m => m.DeclaredAccessibility != Accessibility.Private))
                {
                    yield return name;
                }
            }
        }
    }

    private static string[] GeneratedFor(PropertiesKind kind) => kind switch
    {
        PropertiesKind.Event => ["WriteTo", "Validate", "EventName", "ToEvent", "ToUserUpdateStepEvent"],
        PropertiesKind.Purchase => ["WriteTo", "Validate", "ToPurchase", "ToUserUpdateStepPurchase"],
        PropertiesKind.Context or PropertiesKind.TriggerProperties => ["WriteTo", "Validate", "Liquid"],
        PropertiesKind.Object => ["WriteTo", "Validate"],
        PropertiesKind.UserAttributes => ["Update", "UserUpdateStep", "UpdateBuilder"],
        _ => throw new System.InvalidOperationException($"Unhandled properties kind {kind}"),
    };

    /// <summary>The enum's values with their wire names, one per distinct value (aliases of a value share its first name).</summary>
    private static IEnumerable<EnumValue> EnumValues(ITypeSymbol enumType, BrazeNamingPolicy policy)
    {
        var seen = new HashSet<object?>();
        foreach (var field in enumType.GetMembers().OfType<IFieldSymbol>())
        {
            if (field.HasConstantValue && seen.Add(field.ConstantValue))
            {
                yield return new EnumValue(field.Name, EnumWireName(field, policy));
            }
        }
    }

    /// <summary>Enum members are sent as strings: <c>[BrazeProperty]</c> on the member, else the naming policy.</summary>
    private static string EnumWireName(IFieldSymbol field, BrazeNamingPolicy policy)
    {
        foreach (var a in field.GetAttributes())
        {
            if (SymbolNames.IsBraze(a.AttributeClass, "BrazePropertyAttribute") && a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is string name)
            {
                return name;
            }
        }

        return NamingPolicyConverter.Convert(field.Name, policy);
    }

    private static CollectionShape Shape(ITypeSymbol type, bool collection)
    {
        if (!collection)
        {
            return CollectionShape.None;
        }

        if (type is IArrayTypeSymbol)
        {
            return CollectionShape.Array;
        }

        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } n)
        {
            type = n.TypeArguments[0];
        }

        // List<T> and arrays enumerate without allocating; interfaces do, so index them when they allow it.
        if (type is INamedTypeSymbol { Arity: 1 } named && SymbolNames.Is(named, "System.Collections.Generic", "List"))
        {
            return CollectionShape.Enumerable;
        }

        var indexed = type is INamedTypeSymbol t && t.AllInterfaces.Add(t).Any(i =>
            i.OriginalDefinition.SpecialType is SpecialType.System_Collections_Generic_IReadOnlyList_T or SpecialType.System_Collections_Generic_IList_T);
        return indexed ? CollectionShape.Indexed : CollectionShape.Enumerable;
    }

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        for (var t = type; t is not null; t = t.ContainingType)
        {
            var partial = t.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(cancellationToken))
                .OfType<TypeDeclarationSyntax>()
                .Any(d => d.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!partial)
            {
                return false;
            }
        }

        return true;
    }

    private static string Keyword(INamedTypeSymbol type)
        => type.IsRecord
            ? (type.IsValueType ? "record struct" : "record")
            : (type.IsValueType ? "struct" : "class");
}
