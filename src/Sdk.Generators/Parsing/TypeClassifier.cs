using System.Collections.Immutable;
using System.Linq;
using Braze.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Braze.Generators.Parsing;

/// <summary>A member that is sent, with its own attributes and those on its record parameter, each read once.</summary>
internal readonly struct SentMember(IPropertySymbol property, ImmutableArray<AttributeData> attributes, ImmutableArray<AttributeData> parameterAttributes)
{
    public IPropertySymbol Property { get; } = property;

    public ImmutableArray<AttributeData> Attributes { get; } = attributes;

    public ImmutableArray<AttributeData> ParameterAttributes { get; } = parameterAttributes;

    /// <summary>True when the member or its record parameter carries the Braze attribute <paramref name="attribute"/>.</summary>
    public bool Has(string attribute)
        => (Find(Attributes, attribute, requireString: false) ?? Find(ParameterAttributes, attribute, requireString: false)) is not null;

    /// <summary>
    /// The single string argument of the first Braze attribute <paramref name="attribute"/> that has one, on the member
    /// first, then on its record parameter.
    /// </summary>
    public bool TryGetString(string attribute, out string value) => TryGetString(attribute, out value, out _);

    /// <summary>As <see cref="TryGetString(string, out string)"/>, with the attribute that gave the value.</summary>
    public bool TryGetString(string attribute, out string value, out AttributeData? source)
    {
        source = Find(Attributes, attribute, requireString: true) ?? Find(ParameterAttributes, attribute, requireString: true);
        value = source is null ? string.Empty : (string)source.ConstructorArguments[0].Value!;
        return source is not null;
    }

    private static AttributeData? Find(ImmutableArray<AttributeData> attributes, string attribute, bool requireString)
    {
        foreach (var a in attributes)
        {
            if (SymbolNames.IsBraze(a.AttributeClass, attribute)
                && (!requireString || (a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is string)))
            {
                return a;
            }
        }

        return null;
    }
}

/// <summary>What a member type becomes on the wire. Shared by the generator and the analyzer, so they never disagree.</summary>
internal readonly record struct Classification(ValueKind Kind, bool IsCollection, bool IsNullable, ITypeSymbol ValueType, bool IsDictionary = false)
{
    public bool IsTime => Kind is ValueKind.DateTimeOffset or ValueKind.DateTime or ValueKind.DateOnly;
}

internal static class TypeClassifier
{
    public static Classification Classify(ITypeSymbol type)
    {
        var nullable = false;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } n)
        {
            type = n.TypeArguments[0];
            nullable = true;
        }
        else if (type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated)
        {
            nullable = true;
        }

        var scalar = Scalar(type);
        if (scalar != ValueKind.Unsupported)
        {
            return new Classification(scalar, false, nullable, type);
        }

        if (DictionaryValueType(type) is { } dictionaryValue)
        {
            var valueKind = dictionaryValue is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } ? ValueKind.Unsupported : Scalar(dictionaryValue);
            return new Classification(valueKind, false, nullable, dictionaryValue, IsDictionary: true);
        }

        if (ElementType(type) is { } element)
        {
            var elementKind = element is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } ? ValueKind.Unsupported : Scalar(element);
            return new Classification(elementKind, true, nullable, element);
        }

        return new Classification(ValueKind.Unsupported, false, nullable, type);
    }

    private static ValueKind Scalar(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_String:
                return ValueKind.String;
            case SpecialType.System_Boolean:
                return ValueKind.Boolean;
            case SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64:
                return ValueKind.Integer;
            case SpecialType.System_Single or SpecialType.System_Double:
                return ValueKind.Float;
            case SpecialType.System_Decimal:
                return ValueKind.Decimal;
            case SpecialType.System_DateTime:
                return ValueKind.DateTime;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return ValueKind.Enum;
        }

        if (SymbolNames.Is(type, "System", type.Name))
        {
            switch (type.Name)
            {
                case "DateTimeOffset":
                    return ValueKind.DateTimeOffset;
                case "DateOnly":
                    return ValueKind.DateOnly;
                case "Guid":
                    return ValueKind.Guid;
                case "Uri":
                    return ValueKind.Uri;
            }
        }

        if ((IsMarked(type) && !type.GetAttributes().Any(a => SymbolNames.IsBraze(a.AttributeClass, "BrazeUserAttributesAttribute")))
            || type.AllInterfaces.Any(i => SymbolNames.IsBraze(i, "IBrazeProperties")))
        {
            return ValueKind.Nested;
        }

        return ValueKind.Unsupported;
    }

    /// <summary>The value type of a string-keyed dictionary (<c>IReadOnlyDictionary&lt;string, T&gt;</c> or <c>IDictionary&lt;string, T&gt;</c>), or null.</summary>
    private static ITypeSymbol? DictionaryValueType(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol named)
        {
            return null;
        }

        foreach (var i in named.AllInterfaces.Add(named))
        {
            if (i.TypeArguments.Length == 2 && i.Name is "IReadOnlyDictionary" or "IDictionary" && SymbolNames.Is(i, "System.Collections.Generic", i.Name)
                && i.TypeArguments[0].SpecialType == SpecialType.System_String)
            {
                return i.TypeArguments[1];
            }
        }

        return null;
    }

    /// <summary>The element type of an array or of a type implementing <c>IEnumerable&lt;T&gt;</c> (not string, not dictionaries).</summary>
    private static ITypeSymbol? ElementType(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            return array.ElementType;
        }

        if (type is not INamedTypeSymbol named || type.SpecialType == SpecialType.System_String)
        {
            return null;
        }

        var enumerables = named.AllInterfaces.Add(named)
            .Where(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
            .ToList();
        if (enumerables.Count != 1)
        {
            return null;
        }

        var element = enumerables[0].TypeArguments[0];
        return element is INamedTypeSymbol { Name: "KeyValuePair" } ? null : element;
    }

    public static bool IsMarked(ITypeSymbol type)
        => type.GetAttributes().Any(a => Markers.KindOf(a.AttributeClass) is not null);

    /// <summary>
    /// The public instance properties that are sent: inherited ones first (from the farthest base type), then the
    /// type's own, each in declaration order; an override or a hiding member replaces the base member of its name.
    /// </summary>
    public static System.Collections.Generic.List<SentMember> Members(INamedTypeSymbol type)
    {
        var chain = new System.Collections.Generic.List<INamedTypeSymbol>();
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object && t.SpecialType != SpecialType.System_ValueType; t = t.BaseType)
        {
            chain.Insert(0, t);
        }

        var byName = new System.Collections.Generic.Dictionary<string, int>();
        var members = new System.Collections.Generic.List<SentMember>();
        foreach (var t in chain)
        {
            // One pass over the members: the properties, and for a record its constructors (cheaper than asking
            // the symbol for InstanceConstructors, which builds a new array on every call).
            var properties = new System.Collections.Generic.List<IPropertySymbol>();
            var constructors = t.IsRecord ? new System.Collections.Generic.List<IMethodSymbol>() : null;
            foreach (var symbol in t.GetMembers())
            {
                if (symbol is IPropertySymbol property)
                {
                    properties.Add(property);
                }
                else if (constructors is not null && symbol is IMethodSymbol { MethodKind: MethodKind.Constructor, IsStatic: false } constructor)
                {
                    constructors.Add(constructor);
                }
            }

            var parameters = constructors is null ? null : RecordParameterAttributes(t, constructors);
            foreach (var p in properties)
            {
                if (p.DeclaredAccessibility != Accessibility.Public || p.IsStatic || p.IsIndexer || p.GetMethod is null)
                {
                    continue;
                }

                var member = new SentMember(p, p.GetAttributes(), parameters is not null && parameters.TryGetValue(p.Name, out var fromParameter) ? fromParameter : ImmutableArray<AttributeData>.Empty);
                if (byName.TryGetValue(p.Name, out var index))
                {
                    members[index] = member;
                }
                else
                {
                    byName[p.Name] = members.Count;
                    members.Add(member);
                }
            }
        }

        members.RemoveAll(m => m.Has("BrazeIgnoreAttribute"));
        return members;
    }

    /// <summary>
    /// The wire name: <c>[BrazeProperty]</c> on the property or its record parameter (then <paramref name="source"/> is
    /// that attribute, where a diagnostic on the name points), else the naming policy.
    /// </summary>
    public static string WireName(SentMember member, BrazeNamingPolicy policy, out AttributeData? source)
        => member.TryGetString("BrazePropertyAttribute", out var name, out source) ? name : NamingPolicyConverter.Convert(member.Property.Name, policy);

    /// <summary>
    /// The attributes on the positional parameters of a record, by name, read once per record: the parameters of its
    /// constructors other than the copy constructor, the first constructor naming a parameter winning.
    /// </summary>
    private static System.Collections.Generic.Dictionary<string, ImmutableArray<AttributeData>> RecordParameterAttributes(INamedTypeSymbol record, System.Collections.Generic.List<IMethodSymbol> constructors)
    {
        var map = new System.Collections.Generic.Dictionary<string, ImmutableArray<AttributeData>>();
        foreach (var constructor in constructors)
        {
            foreach (var parameter in constructor.Parameters)
            {
                if (!map.ContainsKey(parameter.Name) && !SymbolEqualityComparer.Default.Equals(parameter.Type, record))
                {
                    map[parameter.Name] = parameter.GetAttributes();
                }
            }
        }

        return map;
    }

    /// <summary>
    /// The naming policy: the marker's <c>NamingPolicy</c> when set, else the assembly's
    /// <c>[assembly: BrazeNamingPolicy(...)]</c>, else snake_case.
    /// </summary>
    public static BrazeNamingPolicy NamingPolicy(AttributeData marker, IAssemblySymbol? assembly)
    {
        foreach (var arg in marker.NamedArguments)
        {
            if (arg.Key == "NamingPolicy" && arg.Value.Value is int value)
            {
                return (BrazeNamingPolicy)value;
            }
        }

        return AssemblyNamingPolicy(assembly);
    }

    /// <summary>The policy of <c>[assembly: BrazeNamingPolicy(...)]</c>, or snake_case.</summary>
    private static BrazeNamingPolicy AssemblyNamingPolicy(IAssemblySymbol? assembly)
    {
        if (assembly is not null)
        {
            foreach (var a in assembly.GetAttributes())
            {
                if (SymbolNames.IsBraze(a.AttributeClass, "BrazeNamingPolicyAttribute") && a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is int value)
                {
                    return (BrazeNamingPolicy)value;
                }
            }
        }

        return BrazeNamingPolicy.SnakeCase;
    }
}
