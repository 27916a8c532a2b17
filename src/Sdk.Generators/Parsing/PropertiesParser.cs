using System.Collections.Generic;
using System.Linq;
using System.Threading;
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
    public static PropertiesModel? Parse(GeneratorAttributeSyntaxContext context, PropertiesKind kind, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.Attributes.Length == 0)
        {
            return null;
        }

        if (!IsPartial(type, cancellationToken) || type.IsGenericType || type.IsStatic)
        {
            return null;
        }

        var marker = context.Attributes[0];
        string? eventName = null;
        if (kind == PropertiesKind.Event)
        {
            eventName = marker.ConstructorArguments.Length == 1 ? marker.ConstructorArguments[0].Value as string : null;
            if (string.IsNullOrEmpty(eventName) || NameRules.Length(eventName!) > NameRules.MaxLength)
            {
                return null;
            }
        }

        var policy = TypeClassifier.NamingPolicy(marker);
        var members = new List<MemberModel>();
        var names = new HashSet<string>();
        foreach (var property in TypeClassifier.Members(type))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var c = TypeClassifier.Classify(property.Type);
            if (c.Kind == ValueKind.Unsupported || (c.IsCollection && c.IsTime) || (c.IsDictionary && kind == PropertiesKind.UserAttributes))
            {
                return null;
            }

            var wire = TypeClassifier.WireName(property, policy);
            if (NameRules.Problem(wire, kind == PropertiesKind.Purchase, kind == PropertiesKind.Object) is not null
                || (kind is PropertiesKind.Event or PropertiesKind.Purchase && NameRules.IsReserved(wire, kind == PropertiesKind.Purchase))
                || (kind == PropertiesKind.UserAttributes && (NameRules.StandardFields.Contains(wire) || NameRules.IdentifierFields.Contains(wire)))
                || !names.Add(wire))
            {
                return null;
            }

            var enumValues = c.Kind == ValueKind.Enum
                ? c.ValueType.GetMembers().OfType<IFieldSymbol>().Where(f => f.IsConst).Select(f => new EnumValue(f.Name, EnumWireName(f, policy)))
                : Enumerable.Empty<EnumValue>();
            members.Add(new MemberModel(
                property.Name,
                wire,
                c.Kind,
                c.IsCollection,
                c.IsDictionary,
                Shape(property.Type, c.IsCollection),
                c.IsNullable,
                c.ValueType.IsValueType,
                c.ValueType.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                EquatableArray.From(enumValues)));
        }

        if (members.Count > NameRules.MaxProperties)
        {
            return null;
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
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            EquatableArray.From(parents),
            kind,
            eventName,
            EquatableArray.From(members));
    }

    /// <summary>Enum members are sent as strings: <c>[BrazeProperty]</c> on the member, else the naming policy.</summary>
    private static string EnumWireName(IFieldSymbol field, int policy)
    {
        foreach (var a in field.GetAttributes())
        {
            if (a.AttributeClass?.ToDisplayString() == "Braze.BrazePropertyAttribute" && a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is string name)
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
        if (type is INamedTypeSymbol named && named.OriginalDefinition.ToDisplayString() == "System.Collections.Generic.List<T>")
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
