using Braze.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Braze.Generators.Parsing;

/// <summary>The marker attributes that make a type a Braze payload type.</summary>
internal static class Markers
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
}
