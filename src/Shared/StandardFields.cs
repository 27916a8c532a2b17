// Shared source: compiled into Braze.Sdk and into the netstandard2.0 generator (see src/Shared/README.md).
namespace Braze.Shared;

/// <summary>The type of a Braze standard profile field (spec §7.1).</summary>
internal enum StandardFieldKind
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
    /// <summary>
    /// <c>external_id</c>, <c>user_alias</c>, <c>braze_id</c>, and <c>alias_name</c>, <c>alias_label</c> (the parts of
    /// an alias, listed with the identifiers among the profile fields): identifiers, not attributes.
    /// </summary>
    Identifier,
    /// <summary><c>_update_existing_only</c>, <c>_merge_objects</c>, <c>push_token_import</c>: control flags.</summary>
    ControlFlag,
}

/// <summary>
/// Braze's standard profile fields (spec §7.1), the one catalog: the typed builder, the JSON validator, the emulator
/// and the analyzer (a custom attribute of such a name would be the standard field) all read it.
/// </summary>
internal static class StandardFields
{
    /// <summary>The type of the field named <paramref name="key"/> (case-sensitive, as Braze is).</summary>
    public static StandardFieldKind KindOf(string key) => key switch
    {
        "first_name" or "last_name" or "home_city" => StandardFieldKind.Text,
        "email" => StandardFieldKind.Email,
        "phone" => StandardFieldKind.Phone,
        "dob" => StandardFieldKind.DateOfBirth,
        "country" => StandardFieldKind.Country,
        "language" => StandardFieldKind.Language,
        "gender" => StandardFieldKind.Gender,
        "time_zone" => StandardFieldKind.TimeZone,
        "email_subscribe" or "push_subscribe" => StandardFieldKind.SubscribeState,
        "subscription_groups" => StandardFieldKind.SubscriptionGroups,
        "current_location" => StandardFieldKind.CurrentLocation,
        "email_open_tracking_disabled" or "email_click_tracking_disabled" => StandardFieldKind.Boolean,
        "date_of_first_session" or "date_of_last_session" or "marked_email_as_spam_at" => StandardFieldKind.Time,
        "push_tokens" => StandardFieldKind.PushTokens,
        "facebook" or "twitter" => StandardFieldKind.SocialObject,
        "external_id" or "user_alias" or "braze_id" or "alias_name" or "alias_label" => StandardFieldKind.Identifier,
        "_update_existing_only" or "_merge_objects" or "push_token_import" => StandardFieldKind.ControlFlag,
        _ => StandardFieldKind.None,
    };

    /// <summary>
    /// True for the fields that name the user of an attributes, event or purchase object: <c>external_id</c>,
    /// <c>user_alias</c>, <c>braze_id</c>, and <c>email</c> and <c>phone</c> (which identify a user too).
    /// </summary>
    public static bool IdentifiesUser(string key) => key is "external_id" or "user_alias" or "braze_id" or "email" or "phone";

    /// <summary>True when <paramref name="key"/> is not an attribute at all: an identifier, a control flag or push tokens.</summary>
    public static bool IsNotAnAttribute(string key) => KindOf(key) is StandardFieldKind.Identifier or StandardFieldKind.ControlFlag or StandardFieldKind.PushTokens;
}
