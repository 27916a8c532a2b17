using Braze.Time;

namespace Braze.Validation;

/// <summary>The type of a Braze standard profile field (spec §7.1).</summary>
public enum StandardAttributeKind
{
    /// <summary>Not a standard field: a custom attribute.</summary>
    None = 0,
    /// <summary><c>first_name</c>, <c>last_name</c>, <c>home_city</c>: string.</summary>
    Text,
    /// <summary><c>email</c>.</summary>
    Email,
    /// <summary><c>phone</c>, E.164.</summary>
    Phone,
    /// <summary><c>dob</c>, <c>yyyy-MM-dd</c>.</summary>
    DateOfBirth,
    /// <summary><c>country</c>, ISO 3166-1 alpha-2.</summary>
    Country,
    /// <summary><c>language</c>, ISO 639-1.</summary>
    Language,
    /// <summary><c>gender</c>: M, F, O, N, P.</summary>
    Gender,
    /// <summary><c>time_zone</c>, IANA name.</summary>
    TimeZone,
    /// <summary><c>email_subscribe</c>, <c>push_subscribe</c>.</summary>
    SubscribeState,
    /// <summary><c>subscription_groups</c>: array of <c>{subscription_group_id, subscription_state}</c>.</summary>
    SubscriptionGroups,
    /// <summary><c>current_location</c>: <c>{longitude, latitude}</c>.</summary>
    CurrentLocation,
    /// <summary><c>email_open_tracking_disabled</c>, <c>email_click_tracking_disabled</c>: boolean.</summary>
    Boolean,
    /// <summary><c>date_of_first_session</c>, <c>date_of_last_session</c>, <c>marked_email_as_spam_at</c>: time.</summary>
    Time,
    /// <summary><c>push_tokens</c>: array of <c>{app_id, token, device_id?}</c>.</summary>
    PushTokens,
    /// <summary><c>facebook</c>, <c>twitter</c>: objects.</summary>
    SocialObject,
    /// <summary><c>external_id</c>, <c>user_alias</c>, <c>braze_id</c>: identifiers, not attributes.</summary>
    Identifier,
    /// <summary><c>_update_existing_only</c>, <c>_merge_objects</c>, <c>push_token_import</c>: control flags.</summary>
    ControlFlag,
}

/// <summary>Braze's standard profile fields and their rules, shared by the typed builder and the JSON validator.</summary>
public static class StandardAttributes
{
    /// <summary>The type of the field named <paramref name="key"/> (case-sensitive, as Braze is).</summary>
    public static StandardAttributeKind KindOf(string key) => key switch
    {
        "first_name" or "last_name" or "home_city" => StandardAttributeKind.Text,
        "email" => StandardAttributeKind.Email,
        "phone" => StandardAttributeKind.Phone,
        "dob" => StandardAttributeKind.DateOfBirth,
        "country" => StandardAttributeKind.Country,
        "language" => StandardAttributeKind.Language,
        "gender" => StandardAttributeKind.Gender,
        "time_zone" => StandardAttributeKind.TimeZone,
        "email_subscribe" or "push_subscribe" => StandardAttributeKind.SubscribeState,
        "subscription_groups" => StandardAttributeKind.SubscriptionGroups,
        "current_location" => StandardAttributeKind.CurrentLocation,
        "email_open_tracking_disabled" or "email_click_tracking_disabled" => StandardAttributeKind.Boolean,
        "date_of_first_session" or "date_of_last_session" or "marked_email_as_spam_at" => StandardAttributeKind.Time,
        "push_tokens" => StandardAttributeKind.PushTokens,
        "facebook" or "twitter" => StandardAttributeKind.SocialObject,
        "external_id" or "user_alias" or "braze_id" => StandardAttributeKind.Identifier,
        "_update_existing_only" or "_merge_objects" or "push_token_import" => StandardAttributeKind.ControlFlag,
        _ => StandardAttributeKind.None,
    };

    /// <summary>
    /// Checks a string value of a standard field (the context points at the field). Fields whose value is not a
    /// string (booleans, objects, arrays) report a type error.
    /// </summary>
    public static bool ValidateString(ValidationContext context, StandardAttributeKind kind, string value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        if (context.IsUserUpdateStep && BrazeRules.IsLiquid(value))
        {
            return true;
        }

        return kind switch
        {
            StandardAttributeKind.Text => BrazeRules.StringValue(context, value),
            StandardAttributeKind.Email => BrazeRules.Email(context, value),
            StandardAttributeKind.Phone => BrazeRules.Phone(context, value),
            StandardAttributeKind.DateOfBirth => BrazeRules.DateOfBirth(context, value),
            StandardAttributeKind.Country => BrazeRules.Country(context, value),
            StandardAttributeKind.Language => BrazeRules.Language(context, value),
            StandardAttributeKind.Gender => BrazeRules.Gender(context, value),
            StandardAttributeKind.TimeZone => BrazeRules.TimeZone(context, value),
            StandardAttributeKind.SubscribeState => BrazeRules.SubscribeState(context, value),
            StandardAttributeKind.Time => BrazeRules.TimeString(context, value, out _),
            _ => WrongType(context, kind),
        };
    }

    /// <summary>Reports that a standard field got a value of the wrong JSON type.</summary>
    public static bool WrongType(ValidationContext context, StandardAttributeKind kind)
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

    /// <summary>What JSON a standard field expects, in words.</summary>
    public static string Expected(StandardAttributeKind kind) => kind switch
    {
        StandardAttributeKind.Boolean or StandardAttributeKind.ControlFlag => "a boolean",
        StandardAttributeKind.SubscriptionGroups => "an array of {subscription_group_id, subscription_state}",
        StandardAttributeKind.PushTokens => "an array of {app_id, token, device_id}",
        StandardAttributeKind.CurrentLocation => "an object {latitude, longitude}",
        StandardAttributeKind.SocialObject => "an object",
        StandardAttributeKind.Time => "a time string",
        StandardAttributeKind.DateOfBirth => "a date string yyyy-MM-dd",
        _ => "a string",
    };

    /// <summary>True when a date value is usable as <c>dob</c>.</summary>
    internal static string FormatDateOfBirth(DateOnly date) => BrazeTime.Format(date);
}
