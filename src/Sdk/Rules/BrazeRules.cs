using System.Globalization;
using Braze.Generated;
using Braze.Shared;
using Braze.Wire;

namespace Braze.Rules;

/// <summary>
/// Every Braze rule, written once, as a small function over primitive values that reports into a
/// <see cref="ValidationContext"/> at its current path. The typed model, the generated code and the JSON
/// validator all call these; none of them restates a rule. Each function returns true when the value is valid.
/// </summary>
internal static partial class BrazeRules
{
    /// <summary>Gender values Braze accepts: M, F, O (other), N (not applicable), P (prefer not to say).</summary>
    public static readonly IReadOnlyList<string> GenderValues = ["M", "F", "O", "N", "P"];

    /// <summary>Values of <c>email_subscribe</c> and <c>push_subscribe</c>.</summary>
    public static readonly IReadOnlyList<string> SubscribeValues = ["opted_in", "unsubscribed", "subscribed"];

    /// <summary>Values of <c>subscription_groups[].subscription_state</c>.</summary>
    public static readonly IReadOnlyList<string> SubscriptionGroupStates = ["subscribed", "unsubscribed"];

    /// <summary>True when the text holds Liquid (<c>{{ ... }}</c> or <c>{% ... %}</c>), which only a User Update step renders.</summary>
    public static bool IsLiquid(ReadOnlySpan<char> value)
        => value.Contains("{{", StringComparison.Ordinal) || value.Contains("{%", StringComparison.Ordinal);

    // ---------------------------------------------------------------- strings and numbers

    /// <summary>String values are at most 255 characters.</summary>
    public static bool StringValue(ValidationContext context, string value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        var max = context.Options.MaxStringLength;
        if (value.Length <= max)
        {
            return true;
        }

        var length = CodePoints.Length(value);
        if (length <= max)
        {
            return true;
        }

        context.Report(ValidationCodes.StringTooLong, $"String value is {length} characters; Braze allows at most {max}.");
        return false;
    }

    /// <summary>The shortest string read as a time (<c>yyyy-MM-dd</c>).</summary>
    internal const int MinTimeStringLength = 10;

    /// <summary>The longest string read as a time.</summary>
    internal const int MaxTimeStringLength = 40;

    /// <summary>
    /// A string value that may be a time: at most 255 characters, and when it parses as a Braze time its year is
    /// in 0..3000. This is how the JSON face sees a time written by the typed face.
    /// </summary>
    public static bool StringOrTimeValue(ValidationContext context, string value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        if (IsValidStringOrTime(context.Options, value))
        {
            return true;
        }

        if (!StringValue(context, value))
        {
            return false;
        }

        if (value.Length >= MinTimeStringLength && value.Length <= MaxTimeStringLength && BrazeTime.TryParseTicks(value, BrazeTimeFormats.Any, out var ticks))
        {
            return TimeYear(context, BrazeTime.YearOf(ticks));
        }

        return true;
    }

    /// <summary>
    /// The rule of <see cref="StringOrTimeValue"/> without reporting: true exactly when it would pass. Callers that
    /// have not pushed the value's path yet (generated code) ask this first and push only for a value that fails.
    /// </summary>
    internal static bool IsValidStringOrTime(BrazeValidationOptions options, string value)
    {
        var max = options.MaxStringLength;
        if (value.Length > max && CodePoints.Length(value) > max)
        {
            return false;
        }

        return value.Length < MinTimeStringLength || value.Length > MaxTimeStringLength
            || !BrazeTime.TryParseTicks(value, BrazeTimeFormats.Any, out var ticks) || BrazeTime.IsYearInRange(BrazeTime.YearOf(ticks));
    }

    /// <summary>
    /// A value about to be descended into (an object or array at the current path) may be at most
    /// <see cref="BrazeLimits.MaxNestingDepth"/> levels below its object. Walkers ask before descending, so a deep value is
    /// reported once, at the level where it crosses the limit, and never walked further.
    /// </summary>
    public static bool NestingDepth(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var depth = context.Depth - context.ObjectRoot;
        if (depth <= BrazeLimits.MaxNestingDepth)
        {
            return true;
        }

        if (depth == BrazeLimits.MaxNestingDepth + 1)
        {
            context.Report(ValidationCodes.NestingTooDeep, $"Value is nested more than {BrazeLimits.MaxNestingDepth} levels below its object; the SDK allows at most {BrazeLimits.MaxNestingDepth}, so that one object, not the request around it, is rejected.");
        }

        return false;
    }

    /// <summary>An enum value that is none of its type's members has no wire form.</summary>
    public static void UndefinedEnumValue(ValidationContext context, string typeName)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Report(ValidationCodes.InvalidType, $"The value is not a defined member of {typeName}.");
    }

    /// <summary>
    /// A JSON number must fit a double: <c>1e400</c> is valid JSON but becomes infinity, which the typed face refuses too.
    /// </summary>
    public static bool JsonNumber(ValidationContext context, System.Text.Json.JsonElement value)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Number(context, value.TryGetDouble(out var number) ? number : double.PositiveInfinity);
    }

    /// <summary>Numbers must be finite (no NaN or infinity, which JSON cannot carry).</summary>
    public static bool Number(ValidationContext context, double value)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (double.IsFinite(value))
        {
            return true;
        }

        context.Report(ValidationCodes.NumberNotFinite, "Number is NaN or infinite; Braze accepts only finite numbers.");
        return false;
    }

    // ---------------------------------------------------------------- names

    /// <summary>Event names are non-empty and at most 255 characters.</summary>
    public static bool EventName(ValidationContext context, string? name)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrEmpty(name))
        {
            context.Report(ValidationCodes.EventNameEmpty, "Event name is empty; Braze requires a name.");
            return false;
        }

        var length = CodePoints.Length(name);
        if (length > context.Options.MaxStringLength)
        {
            context.Report(ValidationCodes.EventNameTooLong, $"Event name is {length} characters; Braze allows at most {context.Options.MaxStringLength}.");
            return false;
        }

        return true;
    }

    /// <summary>
    /// A property name, checked at the property's own path: non-empty, at most 255 characters, and by usage:
    /// no leading <c>$</c> and not reserved (events, purchases); no space, <c>.</c> or leading <c>$</c> (nested attributes).
    /// </summary>
    public static bool PropertyName(ValidationContext context, string name, PropertiesUsage usage)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(name);
        var max = context.Options.MaxStringLength;
        switch (PropertyNames.Check(name, usage, max))
        {
            case NameProblem.None:
                return true;
            case NameProblem.Empty:
                context.Report(ValidationCodes.NameEmpty, "Property name is empty; Braze requires non-empty names.");
                return false;
            case NameProblem.TooLong:
                context.Report(ValidationCodes.NameTooLong, $"Property name is {CodePoints.Length(name)} characters; Braze allows at most {max}.");
                return false;
            case NameProblem.LeadingDollar:
                context.Report(ValidationCodes.NameLeadingDollar, $"Property name '{name}' starts with '$'; Braze does not allow a leading '$'.");
                return false;
            case NameProblem.Reserved when usage == PropertiesUsage.Purchase:
                context.Report(ValidationCodes.NameReserved, $"Property name '{name}' is reserved in purchase properties (reserved: {string.Join(", ", PropertyNames.ReservedInPurchase)}); Braze answers \"Invalid 'properties' field\".");
                return false;
            case NameProblem.Reserved:
                context.Report(ValidationCodes.NameReserved, $"Property name '{name}' is reserved in custom event properties (reserved: {string.Join(", ", PropertyNames.ReservedInEvent)}); Braze answers \"Invalid 'properties' field\".");
                return false;
            case NameProblem.InvalidNestedCharacter:
                context.Report(ValidationCodes.NameInvalidCharacter, $"Nested attribute key '{name}' contains a space, '.' or '$'; Braze does not allow them in nested keys.");
                return false;
            default:
                throw new InvalidOperationException($"Unknown name problem for '{name}'.");
        }
    }

    /// <summary>Custom attribute names (top-level keys of an attributes object) are non-empty and at most 255 characters.</summary>
    public static bool CustomAttributeName(ValidationContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            context.Report(ValidationCodes.NameEmpty, "Custom attribute name is empty; Braze requires non-empty names.");
            return false;
        }

        var length = CodePoints.Length(name);
        if (length > context.Options.MaxStringLength)
        {
            context.Report(ValidationCodes.NameTooLong, $"Custom attribute name is {length} characters; Braze allows at most {context.Options.MaxStringLength}.");
            return false;
        }

        if (name == "bio")
        {
            // Braze's user attributes object: bio was removed as a profile field and is not processed as a custom attribute either.
            context.Report(ValidationCodes.NotAllowed, "bio is no longer a Braze profile field and is not processed as a custom attribute; Braze ignores it.", ValidationSeverity.Warning);
        }

        return true;
    }

    /// <summary>Reports the second occurrence of a name in one object.</summary>
    public static void DuplicateName(ValidationContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Report(ValidationCodes.NameDuplicate, $"Name '{name}' appears more than once in the same object.");
    }

    // ---------------------------------------------------------------- sizes and counts

    /// <summary>At most 256 properties per event or purchase (more is an error, not a silent drop).</summary>
    public static bool PropertyCount(ValidationContext context, int count)
    {
        ArgumentNullException.ThrowIfNull(context);
        var max = context.Options.MaxPropertiesPerObject;
        if (count <= max)
        {
            return true;
        }

        context.Report(ValidationCodes.TooManyProperties, $"Object has {count} properties; Braze captures at most {max} per event or purchase.");
        return false;
    }

    /// <summary>Event and purchase properties that contain arrays or objects are at most 50 KB of JSON (configurable up to 100 KB).</summary>
    public static bool PropertiesPayloadSize(ValidationContext context, long utf8Bytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        var max = context.Options.MaxPropertiesPayloadBytes;
        if (utf8Bytes <= max)
        {
            return true;
        }

        context.Report(ValidationCodes.PropertiesTooLarge, $"Properties with arrays or objects are {utf8Bytes} bytes of JSON; the limit is {max} bytes.");
        return false;
    }

    /// <summary>A nested custom attribute (object or array of objects) is at most 50 KB of JSON (configurable up to 100 KB).</summary>
    public static bool NestedAttributeSize(ValidationContext context, long utf8Bytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        var max = context.Options.MaxNestedAttributeBytes;
        if (utf8Bytes <= max)
        {
            return true;
        }

        context.Report(ValidationCodes.NestedAttributeTooLarge, $"Nested custom attribute is {utf8Bytes} bytes of JSON; the limit is {max} bytes.");
        return false;
    }

    /// <summary>Canvas <c>context</c> and campaign <c>trigger_properties</c> are at most 50 KB of JSON.</summary>
    public static bool ScheduleContextSize(ValidationContext context, long utf8Bytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        var max = context.Options.MaxScheduleContextBytes;
        if (utf8Bytes <= max)
        {
            return true;
        }

        context.Report(ValidationCodes.ScheduleContextTooLarge, $"Context / trigger properties are {utf8Bytes} bytes of JSON; Braze allows at most {max} bytes.");
        return false;
    }

    /// <summary>
    /// Array custom attributes hold at most 500 elements by default. Braze truncates a longer array (it keeps the last
    /// ones), so this is a warning, never a rejection: the object is sent, and the caller learns what Braze will drop.
    /// </summary>
    public static bool ArrayAttributeLength(ValidationContext context, int length)
    {
        ArgumentNullException.ThrowIfNull(context);
        var max = context.Options.MaxArrayAttributeLength;
        if (length <= max)
        {
            return true;
        }

        context.Report(ValidationCodes.ArrayTooLong, $"Array attribute has {length} elements; Braze keeps at most {max} and drops the first {length - max}.", ValidationSeverity.Warning);
        return true;
    }

    /// <summary>Braze does not support arrays directly inside arrays (put the inner array in an object).</summary>
    public static void ArrayInArray(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Report(ValidationCodes.InvalidType, "Array element is itself an array; Braze does not support arrays of arrays (wrap the inner array in an object).");
    }

    /// <summary>Objects per <c>/users/track</c> request: 75 in total by default, or 75 per array (legacy).</summary>
    public static bool ObjectCount(ValidationContext context, int attributes, int events, int purchases)
    {
        ArgumentNullException.ThrowIfNull(context);
        var max = context.Options.MaxObjectsPerRequest;
        if (context.Options.ObjectLimitScope == ObjectLimitScope.Total)
        {
            var total = attributes + events + purchases;
            if (total <= max)
            {
                return true;
            }

            context.Report(ValidationCodes.TooManyObjects, $"Request has {total} objects (attributes + events + purchases); Braze accepts at most {max} in one /users/track call.");
            return false;
        }

        var ok = true;
        foreach (var (array, count) in new[] { (TrackArray.Attributes, attributes), (TrackArray.Events, events), (TrackArray.Purchases, purchases) })
        {
            var name = array.Name();
            if (count > max)
            {
                context.Report(ValidationCodes.TooManyObjects, $"Request has {count} {name}; Braze accepts at most {max} per array in one /users/track call.");
                ok = false;
            }
        }

        return ok;
    }

    /// <summary><c>/users/track/sync</c> takes exactly one attributes, event or purchase object.</summary>
    public static bool SyncObjectCount(ValidationContext context, int count)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (count == 1)
        {
            return true;
        }

        context.Report(count == 0 ? ValidationCodes.Required : ValidationCodes.TooManyObjects, $"/users/track/sync takes exactly one attributes, event or purchase object; this request has {count}.");
        return false;
    }

    /// <summary>Request bodies are at most 4 MB.</summary>
    public static bool RequestBodySize(ValidationContext context, long utf8Bytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        var max = context.Options.MaxRequestBodyBytes;
        if (utf8Bytes <= max)
        {
            return true;
        }

        context.Report(ValidationCodes.BodyTooLarge, $"Request body is {utf8Bytes} bytes; Braze accepts at most {max} bytes.");
        return false;
    }

    // ---------------------------------------------------------------- times

    /// <summary>Times are stored by Braze only for years 0..3000.</summary>
    public static bool Time(ValidationContext context, DateTimeOffset value) => TimeYear(context, value.UtcDateTime.Year);

    /// <summary>The UTC year of a time is in 0..3000.</summary>
    public static bool TimeYear(ValidationContext context, int year)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (BrazeTime.IsYearInRange(year))
        {
            return true;
        }

        context.Report(ValidationCodes.TimeOutOfRange, $"Time has year {year}; Braze stores times only for years 0 to {BrazeTime.MaxYear}.");
        return false;
    }

    /// <summary>A <see cref="DateTime"/> converts to UTC unless its kind is Unspecified and the options do not assume UTC.</summary>
    public static bool Time(ValidationContext context, DateTime value, out DateTimeOffset utc)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!BrazeTime.TryToUtc(value, context.Options.AssumeUtcForUnspecifiedDateTime, out utc))
        {
            context.Report(ValidationCodes.TimeKindUnspecified, "DateTime has Kind Unspecified, so its time zone is unknown; use DateTimeOffset, a UTC DateTime, or set AssumeUtcForUnspecifiedDateTime.");
            return false;
        }

        return Time(context, utc);
    }

    /// <summary>
    /// A time given as text must be in a format the field accepts (<paramref name="formats"/>; see
    /// <see cref="BrazeTime.TryParseTicks"/>) with a year in 0..3000. In a User Update step a Liquid expression is
    /// accepted as is.
    /// </summary>
    public static bool TimeString(ValidationContext context, string? value, BrazeTimeFormats formats = BrazeTimeFormats.Any)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (value is null)
        {
            context.Report(ValidationCodes.Required, "Time is required.");
            return false;
        }

        if (context.IsUserUpdateStep && IsLiquid(value))
        {
            return true;
        }

        if (!BrazeTime.TryParseTicks(value, formats, out var ticks))
        {
            context.Report(ValidationCodes.TimeInvalid, formats switch
            {
                BrazeTimeFormats.Iso => "Time is not ISO 8601 (for example 2026-12-11T18:00:00Z), the only form Braze accepts here.",
                BrazeTimeFormats.Event => "Time is not in a format Braze accepts for events (ISO 8601 or yyyy-MM-dd'T'HH:mm:ss:SSSZ).",
                _ => "Time is not in a format Braze accepts (ISO 8601, yyyy-MM-dd'T'HH:mm:ss:SSSZ, yyyy-MM-dd HH:mm:ss, yyyy-MM-dd, MM/dd/yyyy, ddd MMM dd HH:mm:ss TZD yyyy).",
            });
            return false;
        }

        return TimeYear(context, BrazeTime.YearOf(ticks));
    }

    /// <summary>Braze does not accept datetimes inside arrays.</summary>
    public static void TimeInArray(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Report(ValidationCodes.TimeInArray, "Array element is a time; Braze does not accept datetimes inside arrays.");
    }

    // ---------------------------------------------------------------- purchases

    /// <summary><c>product_id</c> is non-empty and at most 255 characters.</summary>
    public static bool ProductId(ValidationContext context, string? productId)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrEmpty(productId))
        {
            context.Report(ValidationCodes.ProductIdInvalid, "product_id is empty; Braze requires a product id.");
            return false;
        }

        var length = CodePoints.Length(productId);
        if (length > context.Options.MaxStringLength)
        {
            context.Report(ValidationCodes.ProductIdInvalid, $"product_id is {length} characters; Braze allows at most {context.Options.MaxStringLength}.");
            return false;
        }

        return true;
    }

    /// <summary><c>currency</c> is an active ISO 4217 alphabetic code (upper case, for example USD).</summary>
    public static bool Currency(ValidationContext context, string? currency)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (currency is not null && Currencies.Active.Contains(currency))
        {
            return true;
        }

        context.Report(ValidationCodes.CurrencyInvalid, $"currency '{currency}' is not an active ISO 4217 alphabetic code (for example USD, EUR, JPY; list of {Currencies.Published}).");
        return false;
    }

    /// <summary><c>price</c> is a finite number (negative allowed, for refunds).</summary>
    public static bool Price(ValidationContext context, double price) => Number(context, price);

    /// <summary><c>quantity</c> is an integer from 1 to 100.</summary>
    public static bool Quantity(ValidationContext context, long quantity)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (quantity is >= BrazeLimits.MinQuantity and <= BrazeLimits.MaxQuantity)
        {
            return true;
        }

        context.Report(ValidationCodes.QuantityOutOfRange, $"quantity is {quantity}; Braze accepts integers from 1 to 100.");
        return false;
    }

    // ---------------------------------------------------------------- standard attributes

    /// <summary>
    /// <c>country</c> should be an ISO 3166-1 alpha-2 code. Anything else is a warning, not a rejection: Braze maps some
    /// other forms (Australia to AU) and stores NULL for the rest, and applies the object's other fields either way.
    /// </summary>
    public static bool Country(ValidationContext context, string value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        if (!ReferenceData.Countries.Contains(value))
        {
            context.Report(ValidationCodes.StandardAttributeInvalid, string.Create(CultureInfo.InvariantCulture, $"country '{value}' is not an ISO 3166-1 alpha-2 code (for example US, DE); Braze maps some names (Australia to AU) and stores NULL for the rest."), ValidationSeverity.Warning);
        }

        return true;
    }

    /// <summary><c>language</c> is an ISO 639-1 code.</summary>
    public static bool Language(ValidationContext context, string value)
        => InSet(context, value, ReferenceData.Languages.Contains(value), "language", "an ISO 639-1 code (for example en, fr)");

    /// <summary><c>gender</c> is one of M, F, O, N, P.</summary>
    public static bool Gender(ValidationContext context, string value)
        => InSet(context, value, Contains(GenderValues, value), "gender", "one of M, F, O, N, P");

    /// <summary><c>email_subscribe</c> / <c>push_subscribe</c> is one of opted_in, unsubscribed, subscribed.</summary>
    public static bool SubscribeState(ValidationContext context, string value)
        => InSet(context, value, Contains(SubscribeValues, value), "subscription state", "one of opted_in, unsubscribed, subscribed");

    /// <summary><c>subscription_state</c> of a subscription group is subscribed or unsubscribed.</summary>
    public static bool SubscriptionGroupState(ValidationContext context, string value)
        => InSet(context, value, Contains(SubscriptionGroupStates, value), "subscription_state", "subscribed or unsubscribed");

    /// <summary>
    /// <c>time_zone</c> should be an IANA time zone name. Anything else is a warning, not a rejection: Braze sets only
    /// valid time zones and applies the object's other fields either way.
    /// </summary>
    public static bool TimeZone(ValidationContext context, string value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        if (!ReferenceData.TimeZones.Contains(value))
        {
            context.Report(ValidationCodes.StandardAttributeInvalid, string.Create(CultureInfo.InvariantCulture, $"time_zone '{value}' is not an IANA time zone name (for example America/New_York); Braze sets only valid time zones and ignores this one."), ValidationSeverity.Warning);
        }

        return true;
    }

    /// <summary><c>dob</c> is a date <c>yyyy-MM-dd</c>.</summary>
    public static bool DateOfBirth(ValidationContext context, string value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        if (BrazeTime.TryParseDate(value, out var date) && BrazeTime.IsYearInRange(date.Year))
        {
            return true;
        }

        context.Report(ValidationCodes.StandardAttributeInvalid, "dob is not a date in the form yyyy-MM-dd.");
        return false;
    }

    /// <summary><c>phone</c> is an E.164 number (<c>+</c>, country code, at most 15 digits). The value never appears in the message.</summary>
    public static bool Phone(ValidationContext context, string value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        var ok = value.Length is >= 3 and <= 16 && value[0] == '+' && value[1] is >= '1' and <= '9';
        for (var i = 2; ok && i < value.Length; i++)
        {
            ok = value[i] is >= '0' and <= '9';
        }

        if (!ok)
        {
            context.Report(ValidationCodes.StandardAttributeInvalid, "phone is not an E.164 number ('+' then country code and number, at most 15 digits).");
        }

        return ok;
    }

    /// <summary><c>email</c> is a syntactically valid address. The value never appears in the message.</summary>
    public static bool Email(ValidationContext context, string value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        var at = value.LastIndexOf('@');
        var ok = value.Length <= 254 && at > 0 && at < value.Length - 1
            && value.AsSpan().IndexOfAny(" \t\r\n<>(),;:\"") < 0
            && value.IndexOf('@', StringComparison.Ordinal) == at;
        if (ok)
        {
            var domain = value.AsSpan(at + 1);
            ok = domain.IndexOf('.') > 0 && domain[^1] != '.' && !domain.Contains("..", StringComparison.Ordinal) && at <= 64;
        }

        if (!ok)
        {
            context.Report(ValidationCodes.StandardAttributeInvalid, "email is not a syntactically valid address (local@domain.tld).");
        }

        return ok;
    }

    /// <summary><c>current_location</c> has latitude -90..90 and longitude -180..180.</summary>
    public static bool Location(ValidationContext context, double latitude, double longitude)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (double.IsFinite(latitude) && double.IsFinite(longitude) && latitude is >= -90 and <= 90 && longitude is >= -180 and <= 180)
        {
            return true;
        }

        context.Report(ValidationCodes.StandardAttributeInvalid, "current_location needs latitude in -90..90 and longitude in -180..180.");
        return false;
    }

    // ---------------------------------------------------------------- identifiers

    /// <summary>
    /// Identifier count on an attributes, event or purchase object: at least one is required. Several give a
    /// warning (Braze resolves them in its own order; email wins over phone).
    /// </summary>
    public static bool IdentifierCount(ValidationContext context, int count)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (count == 0)
        {
            context.Report(ValidationCodes.IdentifierMissing, "Object has no user identifier; Braze requires one of external_id, user_alias, braze_id, email, phone.");
            return false;
        }

        if (count > 1)
        {
            context.Report(ValidationCodes.IdentifierMultiple, $"Object has {count} user identifiers; Braze uses one (email wins over phone). Send exactly one.", ValidationSeverity.Warning);
        }

        return true;
    }

    /// <summary>An identifier string (external id, braze id, alias name or label) is non-empty.</summary>
    public static bool IdentifierValue(ValidationContext context, string? value, string field)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!string.IsNullOrEmpty(value))
        {
            return true;
        }

        context.Report(ValidationCodes.IdentifierInvalid, $"{field} is empty; Braze requires a non-empty value.");
        return false;
    }

    /// <summary>
    /// Two identifier strings of one object (alias_name and alias_label, app_id and token) are non-empty, each reported
    /// at its own field below the context's current path.
    /// </summary>
    public static void IdentifierPair(ValidationContext context, string firstField, string? first, string secondField, string? second)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Push(firstField);
        IdentifierValue(context, first, firstField);
        context.Pop();
        context.Push(secondField);
        IdentifierValue(context, second, secondField);
        context.Pop();
    }

    // ---------------------------------------------------------------- User Update step

    /// <summary>User Update step JSON is at most 65,536 characters.</summary>
    public static bool UserUpdateStepLength(ValidationContext context, int characters)
    {
        ArgumentNullException.ThrowIfNull(context);
        var max = context.Options.MaxUserUpdateStepCharacters;
        if (characters <= max)
        {
            return true;
        }

        context.Report(ValidationCodes.UserUpdateStepTooLong, $"User Update step JSON is {characters} characters; Braze allows at most {max}.");
        return false;
    }

    /// <summary>Reports something a User Update step must not contain (identifiers, API key, REST endpoint, push token import fields).</summary>
    public static void ForbiddenInUserUpdateStep(ValidationContext context, string what)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Report(ValidationCodes.UserUpdateStepForbidden, $"A User Update step must not contain {what}; the step always updates the user in the journey.");
    }

    /// <summary>Warns on <c>event_properties</c> Liquid in a User Update step: only entry properties (<c>context</c>) are reliably available there.</summary>
    public static bool EventPropertiesReference(ValidationContext context, string value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains("event_properties", StringComparison.Ordinal) || !IsLiquid(value))
        {
            return true;
        }

        context.Report(ValidationCodes.EventPropertiesReference, "Liquid references event_properties, which Braze does not reliably provide in a User Update step; use entry properties ({{context.${name}}}).", ValidationSeverity.Warning);
        return false;
    }

    /// <summary>
    /// Checks a text value inside a User Update step: no Braze REST endpoint URL and no API key field
    /// (the step runs inside Braze), and a warning for <c>event_properties</c> Liquid.
    /// </summary>
    public static bool UserUpdateStepText(ValidationContext context, string value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains("rest.", StringComparison.OrdinalIgnoreCase)
            && (value.Contains(".braze.com", StringComparison.OrdinalIgnoreCase) || value.Contains(".braze.eu", StringComparison.OrdinalIgnoreCase)))
        {
            ForbiddenInUserUpdateStep(context, "a Braze REST endpoint URL");
            return false;
        }

        return CanvasTagReference(context, value) & EventPropertiesReference(context, value);
    }

    /// <summary>
    /// The Canvas Liquid tags <c>canvas_id</c>, <c>canvas_name</c> and <c>canvas_variant_name</c> are not supported in a
    /// User Update step (Braze renders nothing for them). Entry properties of the same name
    /// (<c>{{context.${canvas_name}}}</c>) are fine.
    /// </summary>
    public static bool CanvasTagReference(ValidationContext context, string value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains("canvas_", StringComparison.Ordinal))
        {
            return true;
        }

        foreach (System.Text.RegularExpressions.Match segment in LiquidSegment().Matches(value))
        {
            if (CanvasTag().Match(segment.Value) is { Success: true } tag)
            {
                ForbiddenInUserUpdateStep(context, $"the Canvas Liquid tag {tag.Value} (canvas_id, canvas_name and canvas_variant_name are not supported there)");
                return false;
            }
        }

        return true;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{\{.*?\}\}|\{%.*?%\}", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex LiquidSegment();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\w.'""])(?<!\$\{)\b(canvas_id|canvas_name|canvas_variant_name)\b")]
    private static partial System.Text.RegularExpressions.Regex CanvasTag();

    /// <summary>A key inside a User Update step must not carry an API key.</summary>
    public static bool UserUpdateStepKey(ValidationContext context, string key)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(key);
        if (key.Equals("api_key", StringComparison.OrdinalIgnoreCase) || key.Equals("rest_api_key", StringComparison.OrdinalIgnoreCase) || key.Equals("authorization", StringComparison.OrdinalIgnoreCase))
        {
            ForbiddenInUserUpdateStep(context, "an API key");
            return false;
        }

        return true;
    }

    // ---------------------------------------------------------------- scheduling

    /// <summary>At most 50 recipients per schedule request.</summary>
    public static bool RecipientCount(ValidationContext context, int count)
    {
        ArgumentNullException.ThrowIfNull(context);
        var max = context.Options.MaxRecipients;
        if (count <= max)
        {
            return true;
        }

        context.Report(ValidationCodes.TooManyRecipients, $"Request has {count} recipients; Braze accepts at most {max}.");
        return false;
    }

    /// <summary><c>broadcast: true</c> must not come with <c>recipients</c>.</summary>
    public static bool Broadcast(ValidationContext context, bool broadcast, bool hasRecipients)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!broadcast || !hasRecipients)
        {
            return true;
        }

        context.Report(ValidationCodes.BroadcastWithRecipients, "broadcast is true and recipients are given; Braze requires recipients to be omitted when broadcasting.");
        return false;
    }

    /// <summary><c>in_local_time</c> and <c>at_optimal_time</c> cannot both be true.</summary>
    public static bool ScheduleFlags(ValidationContext context, bool inLocalTime, bool atOptimalTime)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!(inLocalTime && atOptimalTime))
        {
            return true;
        }

        context.Report(ValidationCodes.ScheduleFlagsConflict, "in_local_time and at_optimal_time are both true; choose one.");
        return false;
    }

    // ---------------------------------------------------------------- helpers

    private static bool InSet(ValidationContext context, string value, bool ok, string field, string expected)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (ok)
        {
            return true;
        }

        context.Report(ValidationCodes.StandardAttributeInvalid, string.Create(CultureInfo.InvariantCulture, $"{field} '{value}' is not {expected}."));
        return false;
    }

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i], value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
