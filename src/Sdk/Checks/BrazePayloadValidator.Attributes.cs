using System.Text.Json;
using Braze.Generated;
using Braze.Rules;
using Braze.Shared;

namespace Braze;

public static partial class BrazePayloadValidator
{
    private static void AttributesObject(ValidationContext context, JsonElement obj)
    {
        Identifiers(context, obj, attributesObject: true);
        var merge = obj.TryGetProperty("_merge_objects", out var m) && m.ValueKind == JsonValueKind.True;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            using var scope = context.Enter(property.Name);
            if (!seen.Add(property.Name))
            {
                BrazeRules.DuplicateName(context, property.Name);
            }

            var kind = StandardFields.KindOf(property.Name);
            switch (kind)
            {
                case StandardFieldKind.Identifier when property.Name is "alias_name" or "alias_label":
                    StandardAttributes.AliasPartAlone(context, property.Name);
                    break;
                case StandardFieldKind.Identifier:
                    break; // checked by Identifiers
                case StandardFieldKind.ControlFlag:
                    if (context.IsUserUpdateStep && property.Name == "push_token_import")
                    {
                        BrazeRules.ForbiddenInUserUpdateStep(context, "push token import fields (push_token_import)");
                    }
                    else
                    {
                        RequireBoolean(context, property.Value, property.Name);
                    }

                    break;
                case StandardFieldKind.None:
                    BrazeRules.CustomAttributeName(context, property.Name);
                    if (context.IsUserUpdateStep)
                    {
                        BrazeRules.UserUpdateStepKey(context, property.Name);
                    }

                    CustomAttributeValue(context, property.Value, merge);
                    break;
                default:
                    StandardAttributeValue(context, kind, property.Value);
                    break;
            }
        }

        if (!context.IsUserUpdateStep)
        {
            PushTokenImport(context, obj);
        }
    }

    private static void StandardAttributeValue(ValidationContext context, StandardFieldKind kind, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return; // null removes the field
        }

        if (IsStepLiquid(context, value))
        {
            BrazeRules.UserUpdateStepText(context, value.GetString()!);
            return;
        }

        switch (kind)
        {
            case StandardFieldKind.Boolean:
                RequireBoolean(context, value, "This field");
                break;
            case StandardFieldKind.SubscriptionGroups:
                SubscriptionGroups(context, value);
                break;
            case StandardFieldKind.CurrentLocation:
                if (value.ValueKind == JsonValueKind.Object
                    && value.TryGetProperty("latitude", out var lat) && lat.ValueKind == JsonValueKind.Number
                    && value.TryGetProperty("longitude", out var lon) && lon.ValueKind == JsonValueKind.Number)
                {
                    BrazeRules.Location(context, lat.TryGetDouble(out var latitude) ? latitude : double.NaN, lon.TryGetDouble(out var longitude) ? longitude : double.NaN);
                }
                else
                {
                    StandardAttributes.WrongType(context, kind);
                }

                break;
            case StandardFieldKind.PushTokens:
                if (context.IsUserUpdateStep)
                {
                    BrazeRules.ForbiddenInUserUpdateStep(context, "push token import fields (push_tokens)");
                }
                else
                {
                    PushTokens(context, value);
                }

                break;
            case StandardFieldKind.SocialObject:
                if (value.ValueKind != JsonValueKind.Object)
                {
                    StandardAttributes.WrongType(context, kind);
                }

                break;
            default:
                if (value.ValueKind == JsonValueKind.String)
                {
                    StandardAttributes.ValidateString(context, kind, value.GetString()!);
                }
                else
                {
                    StandardAttributes.WrongType(context, kind);
                }

                break;
        }
    }

    private static void SubscriptionGroups(ValidationContext context, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            StandardAttributes.WrongType(context, StandardFieldKind.SubscriptionGroups);
            return;
        }

        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            using var scope = context.Enter(i++);
            if (item.ValueKind != JsonValueKind.Object)
            {
                StandardAttributes.WrongType(context, StandardFieldKind.SubscriptionGroups);
                continue;
            }

            using (context.Enter("subscription_group_id"))
            {
                var id = item.TryGetProperty("subscription_group_id", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                BrazeRules.IdentifierValue(context, id, "subscription_group_id");
            }

            using (context.Enter("subscription_state"))
            {
                if (item.TryGetProperty("subscription_state", out var s) && s.ValueKind == JsonValueKind.String)
                {
                    BrazeRules.SubscriptionGroupState(context, s.GetString()!);
                }
                else
                {
                    context.Report(ValidationCodes.Required, "subscription_state is required: subscribed or unsubscribed.");
                }
            }
        }
    }

    private static void PushTokens(ValidationContext context, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            StandardAttributes.WrongType(context, StandardFieldKind.PushTokens);
            return;
        }

        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            using var scope = context.Enter(i++);
            AttributeRules.PushToken(context, StringField(item, "app_id"), StringField(item, "token"));
        }
    }

    /// <summary>Anonymous push token import: <c>push_token_import: true</c>, no external_id / braze_id, and a token.</summary>
    private static void PushTokenImport(ValidationContext context, JsonElement obj)
    {
        if (!obj.TryGetProperty("push_token_import", out var flag) || flag.ValueKind != JsonValueKind.True)
        {
            return;
        }

        using var scope = context.Enter("push_token_import");
        AttributeRules.AnonymousPushTokenImport(context,
            hasExternalOrBrazeId: obj.TryGetProperty("external_id", out _) || obj.TryGetProperty("braze_id", out _),
            hasTokens: obj.TryGetProperty("push_tokens", out var tokens) && tokens.ValueKind == JsonValueKind.Array && tokens.GetArrayLength() > 0);
    }

    private static void CustomAttributeValue(ValidationContext context, JsonElement value, bool merge)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array or JsonValueKind.Object when !BrazeRules.NestingDepth(context):
                break;
            case JsonValueKind.String:
                StringValue(context, value.GetString()!, inArray: false);
                break;
            case JsonValueKind.Number:
                BrazeRules.JsonNumber(context, value);
                break;
            case JsonValueKind.Array:
                ArrayAttribute(context, value);
                break;
            case JsonValueKind.Object:
                ObjectAttribute(context, value, merge);
                break;
            default:
                break; // booleans, null (remove)
        }
    }

    private static void ArrayAttribute(ValidationContext context, JsonElement value)
    {
        var hasObjects = false;
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            using var scope = context.Enter(i++);
            if (item.ValueKind == JsonValueKind.Object && !IsDollarTime(item))
            {
                hasObjects = true;
                if (BrazeRules.NestingDepth(context))
                {
                    NestedObject(context, item, PropertiesUsage.NestedAttribute);
                }
            }
            else if (IsDollarTime(item))
            {
                BrazeRules.TimeInArray(context);
            }
            else
            {
                PropertyValue(context, item, PropertiesUsage.NestedAttribute, inArray: true);
            }
        }

        if (hasObjects)
        {
            BrazeRules.NestedAttributeSize(context, Measure(value));
        }
        else
        {
            BrazeRules.ArrayAttributeLength(context, i);
        }
    }

    private static void ObjectAttribute(ValidationContext context, JsonElement value, bool merge)
    {
        var keys = new List<string>();
        foreach (var p in value.EnumerateObject())
        {
            keys.Add(p.Name);
        }

        if (keys.Count == 1 && keys[0] == "inc")
        {
            using var scope = context.Enter("inc");
            var by = value.GetProperty("inc");
            if (!(by.ValueKind == JsonValueKind.Number && by.TryGetInt64(out _)) && !IsStepLiquid(context, by))
            {
                AttributeRules.IncrementNotInteger(context);
            }
            else if (IsStepLiquid(context, by))
            {
                BrazeRules.UserUpdateStepText(context, by.GetString()!);
            }

            return;
        }

        if (keys.Count > 0 && keys.TrueForAll(k => k is "add" or "remove"))
        {
            foreach (var k in keys)
            {
                using var scope = context.Enter(k);
                var list = value.GetProperty(k);
                if (list.ValueKind != JsonValueKind.Array)
                {
                    context.Report(ValidationCodes.AttributeOperationInvalid, $"{k} takes an array of values.");
                    continue;
                }

                var i = 0;
                foreach (var item in list.EnumerateArray())
                {
                    using (context.Enter(i++))
                    {
                        PropertyValue(context, item, PropertiesUsage.NestedAttribute, inArray: true);
                    }
                }

                BrazeRules.ArrayAttributeLength(context, i);
            }

            return;
        }

        if (keys.Count > 0 && keys.TrueForAll(k => k is "$add" or "$update" or "$remove"))
        {
            ObjectArrayOperations(context, value, keys, merge);
            BrazeRules.NestedAttributeSize(context, Measure(value));
            return;
        }

        if (IsDollarTime(value))
        {
            DollarTime(context, value);
            return;
        }

        NestedObject(context, value, PropertiesUsage.NestedAttribute);
        BrazeRules.NestedAttributeSize(context, Measure(value));
    }

    private static void ObjectArrayOperations(ValidationContext context, JsonElement value, List<string> keys, bool merge)
    {
        foreach (var k in keys)
        {
            using var scope = context.Enter(k);
            var list = value.GetProperty(k);
            if (list.ValueKind != JsonValueKind.Array)
            {
                context.Report(ValidationCodes.AttributeOperationInvalid, $"{k} takes an array of objects.");
                continue;
            }

            if (k == "$update" && !merge)
            {
                AttributeRules.UpdateNeedsMerge(context);
            }

            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                using var itemScope = context.Enter(i++);
                if (item.ValueKind != JsonValueKind.Object)
                {
                    context.Report(ValidationCodes.AttributeOperationInvalid, $"{k} takes an array of objects.");
                    continue;
                }

                if (k == "$add")
                {
                    NestedObject(context, item, PropertiesUsage.NestedAttribute);
                    continue;
                }

                MatchEntry(context, item, requireNewObject: k == "$update");
            }
        }
    }

    private static void MatchEntry(ValidationContext context, JsonElement item, bool requireNewObject)
    {
        using (context.Enter("$identifier_key"))
        {
            if (item.TryGetProperty("$identifier_key", out var key) && key.ValueKind == JsonValueKind.String)
            {
                BrazeRules.PropertyName(context, key.GetString()!, PropertiesUsage.NestedAttribute);
            }
            else
            {
                context.Report(ValidationCodes.Required, "$identifier_key is required and must be a string.");
            }
        }

        using (context.Enter("$identifier_value"))
        {
            if (!item.TryGetProperty("$identifier_value", out var id))
            {
                context.Report(ValidationCodes.Required, "$identifier_value is required.");
            }
            else if (id.ValueKind == JsonValueKind.String)
            {
                StringValue(context, id.GetString()!, inArray: true);
            }
            else if (id.ValueKind is not (JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
            {
                AttributeRules.InvalidIdentifierValue(context);
            }
        }

        if (item.TryGetProperty("$new_object", out var newObject))
        {
            using var scope = context.Enter("$new_object");
            if (newObject.ValueKind == JsonValueKind.Object)
            {
                NestedObject(context, newObject, PropertiesUsage.NestedAttribute);
            }
            else
            {
                context.Report(ValidationCodes.AttributeOperationInvalid, "$new_object must be an object.");
            }
        }
        else if (requireNewObject)
        {
            using var scope = context.Enter("$new_object");
            context.Report(ValidationCodes.Required, "$update entries need $new_object.");
        }
    }
}
