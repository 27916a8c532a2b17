using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Braze.Generators.Parsing;

/// <summary>
/// Compares a symbol with a metadata name without formatting it (<c>ToDisplayString</c> allocates and dominated the
/// generator's time on large projects).
/// </summary>
internal static class SymbolNames
{
    /// <summary>True when <paramref name="type"/> is the top-level type <paramref name="name"/> in namespace <paramref name="ns"/>.</summary>
    public static bool Is(ITypeSymbol? type, string ns, string name)
        => type is not null && type.Name == name && type.ContainingType is null && NamespaceIs(type.ContainingNamespace, ns);

    /// <summary>True when <paramref name="type"/> is a Braze type (namespace <c>Braze</c>) named <paramref name="name"/>.</summary>
    public static bool IsBraze(ITypeSymbol? type, string name) => Is(type, "Braze", name);

    private static bool NamespaceIs(INamespaceSymbol? symbol, string ns)
    {
        var end = ns.Length;
        for (var n = symbol; n is not null && !n.IsGlobalNamespace; n = n.ContainingNamespace)
        {
            var start = ns.LastIndexOf('.', end - 1) + 1;
            if (end == 0 || end - start != n.Name.Length || string.CompareOrdinal(ns, start, n.Name, 0, n.Name.Length) != 0)
            {
                return false;
            }

            end = start == 0 ? 0 : start - 1;
            if (start == 0)
            {
                return n.ContainingNamespace is null || n.ContainingNamespace.IsGlobalNamespace;
            }
        }

        return end == 0 && ns.Length == 0;
    }

    /// <summary>
    /// <c>ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)</c> without the cost for the common cases: keyword
    /// types and non-generic top-level or nested named types; anything else goes through the formatter.
    /// </summary>
    public static string FullyQualified(ITypeSymbol type)
    {
        var keyword = type.SpecialType switch
        {
            SpecialType.System_String => "string",
            SpecialType.System_Boolean => "bool",
            SpecialType.System_SByte => "sbyte",
            SpecialType.System_Byte => "byte",
            SpecialType.System_Int16 => "short",
            SpecialType.System_UInt16 => "ushort",
            SpecialType.System_Int32 => "int",
            SpecialType.System_UInt32 => "uint",
            SpecialType.System_Int64 => "long",
            SpecialType.System_UInt64 => "ulong",
            SpecialType.System_Single => "float",
            SpecialType.System_Double => "double",
            SpecialType.System_Decimal => "decimal",
            _ => null,
        };
        if (keyword is not null)
        {
            return keyword;
        }

        if (type is not INamedTypeSymbol { Arity: 0 } named || !SyntaxFacts.IsValidIdentifier(named.Name) || SyntaxFacts.GetKeywordKind(named.Name) != SyntaxKind.None)
        {
            return type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        }

        var parts = new System.Collections.Generic.List<string>();
        ISymbol? current = named;
        for (; current is INamedTypeSymbol t; current = t.ContainingSymbol)
        {
            if (t.Arity != 0)
            {
                return type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            }

            parts.Add(t.Name);
        }

        for (var n = current as INamespaceSymbol; n is not null && !n.IsGlobalNamespace; n = n.ContainingNamespace)
        {
            if (SyntaxFacts.GetKeywordKind(n.Name) != SyntaxKind.None)
            {
                return type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            }

            parts.Add(n.Name);
        }

        parts.Reverse();
        return "global::" + string.Join(".", parts);
    }
}
