using System.Text.Json;
using Braze.Generated;
using Braze.Rules;
using Braze.Shared;
using Braze.Wire;

namespace Braze;

public static partial class BrazePayloadValidator
{
    // ---------------------------------------------------------------- identifiers

    /// <summary>
    /// Checks the identifier fields of an object. On attributes objects, email and phone count as identifiers only
    /// when no external_id, user_alias or braze_id is present (otherwise they are attribute updates).
    /// </summary>
    private static void Identifiers(ValidationContext context, JsonElement obj, bool attributesObject)
    {
        var primary = 0;
        var secondary = 0;
        foreach (var property in obj.EnumerateObject())
        {
            switch (property.Name)
            {
                case "external_id" or "braze_id":
                    primary++;
                    using (context.Enter(property.Name))
                    {
                        if (context.IsUserUpdateStep)
                        {
                            BrazeRules.ForbiddenInUserUpdateStep(context, $"a user identifier ({property.Name})");
                        }
                        else if (property.Value.ValueKind != JsonValueKind.String)
                        {
                            context.Report(ValidationCodes.IdentifierInvalid, $"{property.Name} must be a string.");
                        }
                        else
                        {
                            BrazeRules.IdentifierValue(context, property.Value.GetString(), property.Name);
                        }
                    }

                    break;
                case "user_alias":
                    primary++;
                    using (context.Enter(property.Name))
                    {
                        if (context.IsUserUpdateStep)
                        {
                            BrazeRules.ForbiddenInUserUpdateStep(context, "a user identifier (user_alias)");
                        }
                        else
                        {
                            UserAlias(context, property.Value);
                        }
                    }

                    break;
                case "email" or "phone" when attributesObject && property.Value.ValueKind == JsonValueKind.Null:
                    break; // removes the field; a null never identifies anyone
                case "email" or "phone":
                    secondary++;
                    if (!attributesObject)
                    {
                        using (context.Enter(property.Name))
                        {
                            if (context.IsUserUpdateStep)
                            {
                                BrazeRules.ForbiddenInUserUpdateStep(context, $"a user identifier ({property.Name})");
                            }
                            else
                            {
                                IdentifierContact(context, property.Name, property.Value);
                            }
                        }
                    }

                    break;
                default:
                    break;
            }
        }

        if (context.IsUserUpdateStep)
        {
            return;
        }

        if (attributesObject && obj.TryGetProperty("push_token_import", out var import) && import.ValueKind == JsonValueKind.True)
        {
            // Anonymous push token import: no identifier by design (checked in PushTokenImport).
            return;
        }

        BrazeRules.IdentifierCount(context, primary > 0 ? primary : secondary);
    }

    private static void UserAlias(ValidationContext context, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            context.Report(ValidationCodes.IdentifierInvalid, "user_alias must be an object {\"alias_name\": ..., \"alias_label\": ...}.");
            return;
        }

        BrazeRules.IdentifierPair(context, "alias_name", StringField(value, "alias_name"), "alias_label", StringField(value, "alias_label"));
    }

    /// <summary>The string value of <paramref name="field"/> of an object, or null when it is missing or not a string.</summary>
    internal static string? StringField(JsonElement obj, string field)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(field, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static void IdentifierContact(ValidationContext context, string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            context.Report(ValidationCodes.IdentifierInvalid, $"{field} must be a string.");
            return;
        }

        var text = value.GetString()!;
        if (BrazeRules.IdentifierValue(context, text, field))
        {
            _ = field == "email" ? BrazeRules.Email(context, text) : BrazeRules.Phone(context, text);
        }
    }

    // ---------------------------------------------------------------- events and purchases

    private static void EventObject(ValidationContext context, JsonElement obj)
    {
        Identifiers(context, obj, attributesObject: false);
        var hasName = false;
        var hasTime = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            using var scope = context.Enter(property.Name);
            if (!seen.Add(property.Name))
            {
                BrazeRules.DuplicateName(context, property.Name);
            }

            switch (property.Name)
            {
                case "name":
                    hasName = true;
                    if (RequireString(context, property.Value, "name") is { } name)
                    {
                        BrazeRules.EventName(context, name);
                    }

                    break;
                case "time":
                    hasTime = true;
                    TimeField(context, property.Value, BrazeTimeFormats.Event);
                    break;
                case "properties":
                    PropertiesObject(context, property.Value, PropertiesUsage.Event);
                    break;
                default:
                    CommonField(context, property);
                    break;
            }
        }

        Missing(context, hasName, "name");
        Missing(context, hasTime, "time");
    }

    private static void PurchaseObject(ValidationContext context, JsonElement obj)
    {
        Identifiers(context, obj, attributesObject: false);
        bool hasProduct = false, hasCurrency = false, hasPrice = false, hasTime = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            using var scope = context.Enter(property.Name);
            if (!seen.Add(property.Name))
            {
                BrazeRules.DuplicateName(context, property.Name);
            }

            var value = property.Value;
            switch (property.Name)
            {
                case "product_id":
                    hasProduct = true;
                    BrazeRules.ProductId(context, value.ValueKind == JsonValueKind.String ? value.GetString() : null);
                    break;
                case "currency":
                    hasCurrency = true;
                    BrazeRules.Currency(context, value.ValueKind == JsonValueKind.String ? value.GetString() : null);
                    break;
                case "price":
                    hasPrice = true;
                    if (value.ValueKind == JsonValueKind.Number)
                    {
                        BrazeRules.JsonNumber(context, value);
                    }
                    else if (!IsStepLiquid(context, value))
                    {
                        context.Report(ValidationCodes.InvalidType, "price must be a number.");
                    }

                    break;
                case "quantity":
                    if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var quantity))
                    {
                        BrazeRules.Quantity(context, quantity);
                    }
                    else if (!IsStepLiquid(context, value))
                    {
                        context.Report(ValidationCodes.InvalidType, "quantity must be an integer from 1 to 100.");
                    }

                    break;
                case "time":
                    hasTime = true;
                    TimeField(context, value, BrazeTimeFormats.Iso);
                    break;
                case "properties":
                    PropertiesObject(context, value, PropertiesUsage.Purchase);
                    break;
                default:
                    CommonField(context, property);
                    break;
            }
        }

        Missing(context, hasProduct, "product_id");
        Missing(context, hasCurrency, "currency");
        Missing(context, hasPrice, "price");
        Missing(context, hasTime, "time");
    }

    /// <summary>Fields every event and purchase may carry: identifiers (checked elsewhere), app_id, _update_existing_only.</summary>
    private static void CommonField(ValidationContext context, JsonProperty property)
    {
        switch (property.Name)
        {
            case var name when StandardFields.IdentifiesUser(name):
                break;
            case "app_id":
                RequireString(context, property.Value, "app_id");
                break;
            case "_update_existing_only":
                RequireBoolean(context, property.Value, property.Name);
                break;
            default:
                context.Report(ValidationCodes.NotAllowed, $"Unknown field '{property.Name}'; Braze does not document it here and may ignore it.", ValidationSeverity.Warning);
                break;
        }
    }

    private static void TimeField(ValidationContext context, JsonElement value, BrazeTimeFormats formats)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            context.Report(ValidationCodes.InvalidType, "time must be a string in a format Braze accepts.");
            return;
        }

        var text = value.GetString();
        BrazeRules.TimeString(context, text, formats);
        if (context.IsUserUpdateStep)
        {
            BrazeRules.UserUpdateStepText(context, text!);
        }
    }

    // ---------------------------------------------------------------- properties

    private static void PropertiesObject(ValidationContext context, JsonElement value, PropertiesUsage usage)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            context.Report(ValidationCodes.InvalidType, "properties must be a JSON object.");
            return;
        }

        var count = 0;
        var hasNested = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            count++;
            using var scope = context.Enter(property.Name);
            if (!seen.Add(property.Name))
            {
                BrazeRules.DuplicateName(context, property.Name);
            }

            BrazeRules.PropertyName(context, property.Name, usage);
            PropertyValue(context, property.Value, PropertiesUsage.NestedProperty, inArray: false);
            hasNested |= property.Value.ValueKind is JsonValueKind.Array or JsonValueKind.Object;
        }

        BrazeRules.PropertyCount(context, count);
        if (hasNested)
        {
            BrazeRules.PropertiesPayloadSize(context, Measure(value));
        }
    }

    /// <summary>
    /// A value inside properties or a nested attribute: strings (and the times they may hold), numbers, booleans,
    /// arrays, objects. <paramref name="objectUsage"/> gives the key rules of nested objects.
    /// </summary>
    private static void PropertyValue(ValidationContext context, JsonElement value, PropertiesUsage objectUsage, bool inArray)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                StringValue(context, value.GetString()!, inArray);
                break;
            case JsonValueKind.Null when objectUsage == PropertiesUsage.NestedAttribute && !inArray:
                AttributeRules.NullInNestedAttribute(context);
                break;
            case JsonValueKind.Number:
                BrazeRules.JsonNumber(context, value);
                break;
            case JsonValueKind.Array when inArray:
                BrazeRules.ArrayInArray(context);
                break;
            case JsonValueKind.Array or JsonValueKind.Object when !BrazeRules.NestingDepth(context):
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    using (context.Enter(i++))
                    {
                        if (objectUsage == PropertiesUsage.NestedAttribute && IsDollarTime(item))
                        {
                            BrazeRules.TimeInArray(context);
                        }
                        else
                        {
                            PropertyValue(context, item, objectUsage, inArray: true);
                        }
                    }
                }

                break;
            case JsonValueKind.Object:
                if (objectUsage == PropertiesUsage.NestedAttribute && IsDollarTime(value))
                {
                    DollarTime(context, value);
                }
                else
                {
                    NestedObject(context, value, objectUsage);
                }

                break;
            default:
                break;
        }
    }

    private static void NestedObject(ValidationContext context, JsonElement value, PropertiesUsage usage)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            using var scope = context.Enter(property.Name);
            if (!seen.Add(property.Name))
            {
                BrazeRules.DuplicateName(context, property.Name);
            }

            BrazeRules.PropertyName(context, property.Name, usage);
            PropertyValue(context, property.Value, usage, inArray: false);
        }
    }

    private static void StringValue(ValidationContext context, string text, bool inArray)
    {
        if (context.IsUserUpdateStep)
        {
            BrazeRules.UserUpdateStepText(context, text);
            if (BrazeRules.IsLiquid(text))
            {
                return;
            }
        }

        _ = inArray ? BrazeRules.StringValue(context, text) : BrazeRules.StringOrTimeValue(context, text);
    }

    private static bool IsDollarTime(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var count = 0;
        var hasTime = false;
        foreach (var p in value.EnumerateObject())
        {
            count++;
            hasTime |= p.Name == "$time";
        }

        return hasTime && count == 1;
    }

    private static void DollarTime(ValidationContext context, JsonElement value)
    {
        var time = value.GetProperty("$time");
        using var scope = context.Enter("$time");
        if (time.ValueKind != JsonValueKind.String)
        {
            AttributeRules.DollarTimeInvalid(context);
            return;
        }

        if (!BrazeRules.TimeString(context, time.GetString()))
        {
            context.DropsNestedAttributes = true;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static bool IsStepLiquid(ValidationContext context, JsonElement value)
        => context.IsUserUpdateStep && value.ValueKind == JsonValueKind.String && BrazeRules.IsLiquid(value.GetString());

    private static string? RequireString(ValidationContext context, JsonElement value, string field)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        context.Report(ValidationCodes.InvalidType, $"{field} must be a string.");
        return null;
    }

    private static void RequireBoolean(ValidationContext context, JsonElement value, string field)
    {
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            context.Report(ValidationCodes.InvalidType, $"{field} must be true or false.");
        }
    }

    private static void Missing(ValidationContext context, bool present, string field)
    {
        if (present)
        {
            return;
        }

        using (context.Enter(field))
        {
            context.Report(ValidationCodes.Required, $"{field} is required.");
        }
    }
}
