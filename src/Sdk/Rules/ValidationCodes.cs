namespace Braze.Rules;

/// <summary>Stable identifiers of the Braze rules the SDK checks. They never change meaning between versions.</summary>
internal static class ValidationCodes
{
    /// <summary>The body is not valid JSON, or not a JSON object.</summary>
    public const string MalformedJson = "malformed_json";
    /// <summary>A value has the wrong JSON type for its field.</summary>
    public const string InvalidType = "invalid_type";
    /// <summary>A required field is missing or null.</summary>
    public const string Required = "required";
    /// <summary>A field is not allowed here.</summary>
    public const string NotAllowed = "not_allowed";

    /// <summary>An object carries no user identifier.</summary>
    public const string IdentifierMissing = "identifier_missing";
    /// <summary>An object carries more than one user identifier.</summary>
    public const string IdentifierMultiple = "identifier_multiple";
    /// <summary>An identifier value is empty or malformed (for example a user alias without a label).</summary>
    public const string IdentifierInvalid = "identifier_invalid";

    /// <summary>A request holds more objects than Braze accepts in one call.</summary>
    public const string TooManyObjects = "too_many_objects";
    /// <summary>The serialized request body is larger than Braze accepts.</summary>
    public const string BodyTooLarge = "body_too_large";

    /// <summary>An event name is empty.</summary>
    public const string EventNameEmpty = "event_name_empty";
    /// <summary>An event name is longer than 255 characters.</summary>
    public const string EventNameTooLong = "event_name_too_long";

    /// <summary>A property or attribute name is empty.</summary>
    public const string NameEmpty = "name_empty";
    /// <summary>A property or attribute name is longer than 255 characters.</summary>
    public const string NameTooLong = "name_too_long";
    /// <summary>A property name starts with <c>$</c>.</summary>
    public const string NameLeadingDollar = "name_leading_dollar";
    /// <summary>A property name is reserved by Braze (<c>time</c>, <c>event_name</c>, and for purchases <c>product_id</c>, <c>quantity</c>, <c>price</c>, <c>currency</c>).</summary>
    public const string NameReserved = "name_reserved";
    /// <summary>A nested attribute key contains a space or a <c>.</c>.</summary>
    public const string NameInvalidCharacter = "name_invalid_character";
    /// <summary>The same name appears twice in one object.</summary>
    public const string NameDuplicate = "name_duplicate";

    /// <summary>A string value is longer than 255 characters.</summary>
    public const string StringTooLong = "string_too_long";
    /// <summary>A number is NaN or infinite.</summary>
    public const string NumberNotFinite = "number_not_finite";

    /// <summary>More than 256 properties on one event or purchase.</summary>
    public const string TooManyProperties = "too_many_properties";
    /// <summary>Properties containing arrays or objects are larger than the payload limit.</summary>
    public const string PropertiesTooLarge = "properties_too_large";
    /// <summary>A nested custom attribute object or array of objects is larger than the limit.</summary>
    public const string NestedAttributeTooLarge = "nested_attribute_too_large";
    /// <summary>An array custom attribute has more elements than the limit.</summary>
    public const string ArrayTooLong = "array_too_long";

    /// <summary>A time string is not in any format Braze accepts.</summary>
    public const string TimeInvalid = "time_invalid";
    /// <summary>A time is outside the years 0..3000.</summary>
    public const string TimeOutOfRange = "time_out_of_range";
    /// <summary>A <see cref="System.DateTime"/> of kind Unspecified was given and the options do not allow assuming UTC.</summary>
    public const string TimeKindUnspecified = "time_kind_unspecified";
    /// <summary>A time inside an array: Braze does not accept datetimes in arrays.</summary>
    public const string TimeInArray = "time_in_array";
    /// <summary>A value is nested deeper than the SDK allows below its object.</summary>
    public const string NestingTooDeep = "nesting_too_deep";

    /// <summary>A purchase product id is empty or longer than 255 characters.</summary>
    public const string ProductIdInvalid = "product_id_invalid";
    /// <summary>A purchase currency is not an active ISO 4217 alphabetic code.</summary>
    public const string CurrencyInvalid = "currency_invalid";
    /// <summary>A purchase quantity is outside 1..100.</summary>
    public const string QuantityOutOfRange = "quantity_out_of_range";

    /// <summary>A standard attribute has a value outside its documented format or set.</summary>
    public const string StandardAttributeInvalid = "standard_attribute_invalid";
    /// <summary>A custom attribute operation is malformed (for example <c>inc</c> with a non-integer, <c>$update</c> without <c>_merge_objects</c>).</summary>
    public const string AttributeOperationInvalid = "attribute_operation_invalid";
    /// <summary>Push token import rules broken.</summary>
    public const string PushTokenImportInvalid = "push_token_import_invalid";

    /// <summary>A User Update step JSON is longer than 65,536 characters.</summary>
    public const string UserUpdateStepTooLong = "user_update_step_too_long";
    /// <summary>A key that a User Update step must not contain (identifiers, API key, endpoint URL, push token import fields).</summary>
    public const string UserUpdateStepForbidden = "user_update_step_forbidden";
    /// <summary>A reference to <c>event_properties</c> in a User Update step (not reliably available there).</summary>
    public const string EventPropertiesReference = "event_properties_reference";

    /// <summary>Scheduling: more recipients than allowed in one request.</summary>
    public const string TooManyRecipients = "too_many_recipients";
    /// <summary>Scheduling: <c>broadcast</c> is true and <c>recipients</c> is present.</summary>
    public const string BroadcastWithRecipients = "broadcast_with_recipients";
    /// <summary>Scheduling: <c>in_local_time</c> and <c>at_optimal_time</c> are both true.</summary>
    public const string ScheduleFlagsConflict = "schedule_flags_conflict";
    /// <summary>Scheduling: <c>context</c> or <c>trigger_properties</c> larger than the limit.</summary>
    public const string ScheduleContextTooLarge = "schedule_context_too_large";
    /// <summary>Scheduling: a create with no recipients, no audience and no <c>broadcast: true</c>.</summary>
    public const string RecipientsRequired = "recipients_required";
    /// <summary>Scheduling: <c>schedule.time</c> further ahead than the limit (90 days by default).</summary>
    public const string ScheduleTooFarAhead = "schedule_too_far_ahead";
    /// <summary>Scheduling: an <c>in_local_time</c> or <c>at_optimal_time</c> time that has passed in every time zone.</summary>
    public const string ScheduleTimePassed = "schedule_time_passed";
}
