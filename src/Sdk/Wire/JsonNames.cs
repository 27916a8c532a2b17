using System.Text.Json;

namespace Braze.Wire;

/// <summary>Pre-encoded wire names of Braze's JSON, so writers never encode a name twice.</summary>
internal static class JsonNames
{
#pragma warning disable CS1591 // The names are the documentation.
    public static readonly JsonEncodedText Attributes = JsonEncodedText.Encode("attributes");
    public static readonly JsonEncodedText Events = JsonEncodedText.Encode("events");
    public static readonly JsonEncodedText Purchases = JsonEncodedText.Encode("purchases");
    public static readonly JsonEncodedText ExternalId = JsonEncodedText.Encode("external_id");
    public static readonly JsonEncodedText UserAlias = JsonEncodedText.Encode("user_alias");
    public static readonly JsonEncodedText AliasName = JsonEncodedText.Encode("alias_name");
    public static readonly JsonEncodedText AliasLabel = JsonEncodedText.Encode("alias_label");
    public static readonly JsonEncodedText BrazeId = JsonEncodedText.Encode("braze_id");
    public static readonly JsonEncodedText Email = JsonEncodedText.Encode("email");
    public static readonly JsonEncodedText Phone = JsonEncodedText.Encode("phone");
    public static readonly JsonEncodedText AppId = JsonEncodedText.Encode("app_id");
    public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    public static readonly JsonEncodedText Time = JsonEncodedText.Encode("time");
    public static readonly JsonEncodedText Properties = JsonEncodedText.Encode("properties");
    public static readonly JsonEncodedText TriggerProperties = JsonEncodedText.Encode("trigger_properties");
    public static readonly JsonEncodedText UpdateExistingOnly = JsonEncodedText.Encode("_update_existing_only");
    public static readonly JsonEncodedText MergeObjects = JsonEncodedText.Encode("_merge_objects");
    public static readonly JsonEncodedText PushTokenImport = JsonEncodedText.Encode("push_token_import");
    public static readonly JsonEncodedText ProductId = JsonEncodedText.Encode("product_id");
    public static readonly JsonEncodedText Currency = JsonEncodedText.Encode("currency");
    public static readonly JsonEncodedText Price = JsonEncodedText.Encode("price");
    public static readonly JsonEncodedText Quantity = JsonEncodedText.Encode("quantity");
    public static readonly JsonEncodedText DollarTime = JsonEncodedText.Encode("$time");
    public static readonly JsonEncodedText Inc = JsonEncodedText.Encode("inc");
    public static readonly JsonEncodedText Add = JsonEncodedText.Encode("add");
    public static readonly JsonEncodedText Remove = JsonEncodedText.Encode("remove");
    public static readonly JsonEncodedText DollarAdd = JsonEncodedText.Encode("$add");
    public static readonly JsonEncodedText DollarUpdate = JsonEncodedText.Encode("$update");
    public static readonly JsonEncodedText DollarRemove = JsonEncodedText.Encode("$remove");
    public static readonly JsonEncodedText IdentifierKey = JsonEncodedText.Encode("$identifier_key");
    public static readonly JsonEncodedText IdentifierValue = JsonEncodedText.Encode("$identifier_value");
    public static readonly JsonEncodedText NewObject = JsonEncodedText.Encode("$new_object");
    public static readonly JsonEncodedText SubscriptionGroupId = JsonEncodedText.Encode("subscription_group_id");
    public static readonly JsonEncodedText SubscriptionState = JsonEncodedText.Encode("subscription_state");
    public static readonly JsonEncodedText Latitude = JsonEncodedText.Encode("latitude");
    public static readonly JsonEncodedText Longitude = JsonEncodedText.Encode("longitude");
#pragma warning restore CS1591
}
