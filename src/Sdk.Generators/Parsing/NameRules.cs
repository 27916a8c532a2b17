using System.Linq;

namespace Braze.Generators.Parsing;

/// <summary>
/// Braze's naming rules as the compiler sees them (the runtime's <c>BrazeRules</c> holds the same rules for values
/// known only at run time; this assembly targets netstandard2.0 and cannot reference it).
/// </summary>
internal static class NameRules
{
    public static readonly string[] ReservedEvent = ["time", "event_name"];

    public static readonly string[] ReservedPurchase = ["time", "product_id", "quantity", "event_name", "price", "currency"];

    public const int MaxLength = 255;

    public const int MaxProperties = 256;

    /// <summary>The length in code points, Braze's unit for names (a surrogate pair counts once).</summary>
    public static int Length(string value)
    {
        var n = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }

            n++;
        }

        return n;
    }

    /// <summary>Why a property name is invalid, or null.</summary>
    public static string? Problem(string name, bool purchase, bool nested)
    {
        if (name.Length == 0)
        {
            return "it is empty";
        }

        if (Length(name) > MaxLength)
        {
            return "it is longer than 255 characters";
        }

        if (name[0] == '$')
        {
            return "it starts with '$'";
        }

        if (nested && (name.IndexOf(' ') >= 0 || name.IndexOf('.') >= 0))
        {
            return "nested keys cannot contain a space or '.'";
        }

        return null;
    }

    /// <summary>Braze's standard profile fields: a custom attribute of that name would be the standard field.</summary>
    public static readonly string[] StandardFields =
    [
        "first_name", "last_name", "home_city", "email", "phone", "dob", "country", "language", "gender", "time_zone",
        "email_subscribe", "push_subscribe", "subscription_groups", "current_location", "email_open_tracking_disabled",
        "email_click_tracking_disabled", "date_of_first_session", "date_of_last_session", "marked_email_as_spam_at", "facebook", "twitter",
    ];

    /// <summary>
    /// The standard field <paramref name="wire"/>, with the member type the builder's typed setter takes, or null when
    /// it is not a standard field. Fields without a typed setter have no matching type.
    /// </summary>
    public static StandardField? StandardFieldType(string wire)
    {
        switch (wire)
        {
            case "first_name" or "last_name" or "home_city" or "email" or "phone" or "country" or "language" or "time_zone":
                return new StandardField("string", "string");
            case "dob":
                return new StandardField("global::System.DateOnly", "DateOnly");
            case "gender":
                return new StandardField("global::Braze.Gender", "Braze.Gender");
            case "email_subscribe" or "push_subscribe":
                return new StandardField("global::Braze.SubscriptionState", "Braze.SubscriptionState");
            default:
                return StandardFields.Contains(wire) ? new StandardField(null, "no custom attribute type: set it through the builder's standard methods") : null;
        }
    }

    /// <summary>Fields that identify the user or import push tokens: not attributes, and never allowed in a User Update step.</summary>
    public static readonly string[] IdentifierFields = ["external_id", "user_alias", "braze_id", "alias_name", "alias_label", "push_tokens", "push_token_import", "_update_existing_only", "_merge_objects"];

    public static bool IsReserved(string name, bool purchase) => (purchase ? ReservedPurchase : ReservedEvent).Contains(name);
}

/// <summary>A standard profile field: the fully qualified type its typed setter takes (null: none) and how to show it.</summary>
internal sealed record StandardField(string? TypeName, string Display);
