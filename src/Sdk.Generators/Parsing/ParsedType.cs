using System.Collections.Generic;
using Braze.Generators.Model;
using Braze.Shared;
using Microsoft.CodeAnalysis;

namespace Braze.Generators.Parsing;

/// <summary>
/// One member that is sent, read once: its symbol (where the analyzer reports), what its type becomes, its wire name,
/// on a <c>[BrazeUserAttributes]</c> record the standard profile field that name is (else
/// <see cref="StandardFieldKind.None"/>), and the <c>[BrazeProperty]</c> that gave the name (null: the naming policy),
/// whose argument a diagnostic on the name points at.
/// </summary>
internal readonly record struct ParsedMember(IPropertySymbol Property, Classification Classification, string WireName, StandardFieldKind StandardField, AttributeData? NameSource);

/// <summary>
/// What an annotated type declares, read once by <see cref="PropertiesParser.Read"/> for both the analyzer (which
/// judges it) and the generator (which turns a valid one into a <see cref="PropertiesModel"/>). It holds symbols, so it
/// never leaves the pipeline's transform.
/// </summary>
internal sealed class ParsedType(
    INamedTypeSymbol type,
    AttributeData marker,
    PropertiesKind kind,
    bool isPartial,
    INamedTypeSymbol? genericType,
    int markerCount,
    string? eventName,
    BrazeNamingPolicy namingPolicy)
{
    public INamedTypeSymbol Type { get; } = type;

    /// <summary>The marker attribute the pipeline (or the analyzer) found first.</summary>
    public AttributeData Marker { get; } = marker;

    public PropertiesKind Kind { get; } = kind;

    /// <summary>The type and every containing type are declared <c>partial</c>.</summary>
    public bool IsPartial { get; } = isPartial;

    /// <summary>The type itself or the innermost containing type that has type parameters, or null.</summary>
    public INamedTypeSymbol? GenericType { get; } = genericType;

    /// <summary>How many Braze marker attributes the type carries.</summary>
    public int MarkerCount { get; } = markerCount;

    /// <summary>The event name argument of <c>[BrazeEvent]</c> (null for other kinds, or when it is not a string).</summary>
    public string? EventName { get; } = eventName;

    public BrazeNamingPolicy NamingPolicy { get; } = namingPolicy;

    /// <summary>A declaration the generator can write one partial declaration for: not generic, not static, one marker.</summary>
    public bool IsSupportedDeclaration => GenericType is null && !Type.IsStatic && MarkerCount <= 1;

    /// <summary>The members that are sent, in order (none when the declaration is not supported).</summary>
    public List<ParsedMember> Members { get; } = [];
}
