
using Braze.Generated;
using Braze.Wire;
using Braze.Shared;

namespace Braze.Rules;


/// <summary>Braze's standard profile fields and their rules, shared by the typed builder and the JSON validator.</summary>
internal static class StandardAttributes
{

    /// <summary>
    /// Checks a string value of a standard field (the context points at the field). Fields whose value is not a
    /// string (booleans, objects, arrays) report a type error.
    /// </summary>
    public static bool ValidateString(ValidationContext context, StandardFieldKind kind, string value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        if (context.IsUserUpdateStep && BrazeRules.IsLiquid(value))
        {
            return true;
        }

        return kind switch
        {
            StandardFieldKind.Text => BrazeRules.StringValue(context, value),
            StandardFieldKind.Email => BrazeRules.Email(context, value),
            StandardFieldKind.Phone => BrazeRules.Phone(context, value),
            StandardFieldKind.DateOfBirth => BrazeRules.DateOfBirth(context, value),
            StandardFieldKind.Country => BrazeRules.Country(context, value),
            StandardFieldKind.Language => BrazeRules.Language(context, value),
            StandardFieldKind.Gender => BrazeRules.Gender(context, value),
            StandardFieldKind.TimeZone => BrazeRules.TimeZone(context, value),
            StandardFieldKind.SubscribeState => BrazeRules.SubscribeState(context, value),
            StandardFieldKind.Time => BrazeRules.TimeString(context, value),
            _ => WrongType(context, kind),
        };
    }

    /// <summary>Reports that a standard field got a value of the wrong JSON type.</summary>
    public static bool WrongType(ValidationContext context, StandardFieldKind kind)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Report(ValidationCodes.InvalidType, $"Standard attribute has the wrong type; Braze expects {Expected(kind)}.");
        return false;
    }

    /// <summary>Reports that a standard field cannot be removed with null (identifiers).</summary>
    public static bool CannotRemove(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Report(ValidationCodes.NotAllowed, "Identifiers (external_id, user_alias, braze_id) cannot be removed or set as attributes.");
        return false;
    }

    /// <summary>
    /// Reports <c>alias_name</c> or <c>alias_label</c> at the top of an attributes object: they are the parts of a
    /// user alias (profile fields Braze sets through <c>user_alias</c>), not attributes of their own.
    /// </summary>
    public static void AliasPartAlone(ValidationContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Report(ValidationCodes.NotAllowed, $"{name} is part of a user alias, not an attribute; identify the user with user_alias {{alias_name, alias_label}}.");
    }

    /// <summary>What JSON a standard field expects, in words.</summary>
    public static string Expected(StandardFieldKind kind) => kind switch
    {
        StandardFieldKind.Boolean or StandardFieldKind.ControlFlag => "a boolean",
        StandardFieldKind.SubscriptionGroups => "an array of {subscription_group_id, subscription_state}",
        StandardFieldKind.PushTokens => "an array of {app_id, token, device_id}",
        StandardFieldKind.CurrentLocation => "an object {latitude, longitude}",
        StandardFieldKind.SocialObject => "an object",
        StandardFieldKind.Time => "a time string",
        StandardFieldKind.DateOfBirth => "a date string yyyy-MM-dd",
        _ => "a string",
    };

    /// <summary>True when a date value is usable as <c>dob</c>.</summary>
    internal static string FormatDateOfBirth(DateOnly date) => BrazeTime.Format(date);
}
