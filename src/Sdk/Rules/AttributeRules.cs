using Braze.Generated;

namespace Braze.Rules;

/// <summary>Rules on custom attribute operations, shared by the typed builder and the JSON validator.</summary>
internal static class AttributeRules
{
    /// <summary><c>inc</c> takes an integer.</summary>
    public static void IncrementNotInteger(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Report(ValidationCodes.AttributeOperationInvalid, "inc takes an integer (negative to decrement).");
    }

    /// <summary><c>$update</c> on an array of objects needs <c>"_merge_objects": true</c> on the attributes object.</summary>
    public static void UpdateNeedsMerge(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Report(ValidationCodes.AttributeOperationInvalid, "$update needs \"_merge_objects\": true on the attributes object; Braze ignores it otherwise.");
    }

    /// <summary>
    /// Anonymous push token import (<c>"push_token_import": true</c>): no <c>external_id</c> or <c>braze_id</c>, and a
    /// non-empty <c>push_tokens</c> array. The context's path points at <c>push_token_import</c>.
    /// </summary>
    public static void AnonymousPushTokenImport(ValidationContext context, bool hasExternalOrBrazeId, bool hasTokens)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (hasExternalOrBrazeId)
        {
            context.Report(ValidationCodes.PushTokenImportInvalid, "push_token_import: true is for anonymous users; remove external_id and braze_id.");
        }

        if (!hasTokens)
        {
            context.Report(ValidationCodes.PushTokenImportInvalid, "push_token_import: true needs a non-empty push_tokens array.");
        }
    }

    /// <summary>One <c>push_tokens</c> entry: <c>app_id</c> and <c>token</c> are non-empty strings. The context's path points at the entry.</summary>
    public static void PushToken(ValidationContext context, string? appId, string? token)
    {
        BrazeRules.IdentifierPair(context, "app_id", appId, "token", token);
    }

    /// <summary>Reports a <c>$identifier_value</c> that is not a string, number or boolean.</summary>
    public static void InvalidIdentifierValue(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Report(ValidationCodes.AttributeOperationInvalid, "$identifier_value must be a string, number or boolean.");
    }

    /// <summary>Reports a <c>$time</c> that is not a valid time or is null.</summary>
    public static void DollarTimeInvalid(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.DropsNestedAttributes = true;
        context.Report(ValidationCodes.TimeInvalid, "$time must be a time string Braze accepts and cannot be null; a bad $time drops every nested attribute update of the request.");
    }

    /// <summary>Null inside a nested custom attribute is invalid: Braze then drops every nested attribute update of the request.</summary>
    public static void NullInNestedAttribute(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.DropsNestedAttributes = true;
        context.Report(ValidationCodes.InvalidType, "null inside a nested custom attribute is invalid; Braze drops every nested attribute update of the request. Remove the key instead (set the whole attribute, or use $update).");
    }
}
