using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Braze.Generators.Diagnostics;
using Braze.Generators.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Braze.Generators.Parsing;

/// <summary>
/// Turns an annotated type into an equatable <see cref="PropertiesModel"/>, or null when the input is invalid (the
/// analyzer reports why; the generator emits nothing for it).
/// </summary>
internal static class PropertiesParser
{
    /// <summary>Members the generated code declares; a base type's accessible member of the same name needs <c>new</c>.</summary>
    private static readonly string[] GeneratedNames = ["WriteTo", "Validate", "EventName", "ToEvent", "ToUserUpdateStepEvent", "ToPurchase", "Liquid", "Update", "UserUpdateStep", "UpdateBuilder"];

    public static PropertiesModel? Parse(GeneratorAttributeSyntaxContext context, PropertiesKind kind, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.Attributes.Length == 0)
        {
            return null;
        }

        // The analyzer reports exactly these problems; any error means no code (it would not compile or not be valid).
        var marker = context.Attributes[0];
        var problems = new List<Problem>();
        var members = PayloadChecker.Walk(type, marker, kind, problems, cancellationToken);
        if (problems.Any(p => p.Descriptor.DefaultSeverity == DiagnosticSeverity.Error))
        {
            return null;
        }

        var eventName = kind == PropertiesKind.Event ? marker.ConstructorArguments[0].Value as string : null;
        var policy = TypeClassifier.NamingPolicy(marker, type.ContainingAssembly);
        var models = new List<MemberModel>(members.Count);
        foreach (var (property, c, wire) in members)
        {
            var enumValues = c.Kind == ValueKind.Enum ? EnumValues(c.ValueType, policy) : Enumerable.Empty<EnumValue>();
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
                EquatableArray.From(enumValues),
                c.IsDictionary && !c.ValueType.IsValueType && c.ValueType.NullableAnnotation == NullableAnnotation.Annotated));
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
            kind,
            eventName,
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
                if (PayloadChecker.KindOf(a.AttributeClass) is { } baseKind)
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
        PropertiesKind.Purchase => ["WriteTo", "Validate", "ToPurchase"],
        PropertiesKind.Context or PropertiesKind.TriggerProperties => ["WriteTo", "Validate", "Liquid"],
        PropertiesKind.UserAttributes => ["Update", "UserUpdateStep", "UpdateBuilder"],
        _ => ["WriteTo", "Validate"],
    };

    /// <summary>The enum's values with their wire names, one per distinct value (aliases of a value share its first name).</summary>
    private static IEnumerable<EnumValue> EnumValues(ITypeSymbol enumType, int policy)
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
    private static string EnumWireName(IFieldSymbol field, int policy)
    {
        foreach (var a in field.GetAttributes())
        {
            if (SymbolNames.IsBraze(a.AttributeClass, "BrazePropertyAttribute") && a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is string name)
            {
                return name;
            }
        }

        return NameConverter.Convert(field.Name, policy);
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

    public static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
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
