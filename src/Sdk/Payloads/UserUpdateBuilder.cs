
namespace Braze;

/// <summary>
/// Base of the builders the source generator makes for <c>[BrazeUserAttributes]</c> records: the changes to one
/// user's profile (typed per attribute in the generated class, standard fields here), plus events and purchases for
/// the same user. With a user it becomes a <see cref="TrackRequest"/>; without one (<c>UserUpdateStep()</c>) it
/// renders the JSON of a Canvas User Update step.
/// </summary>
/// <typeparam name="TSelf">The generated builder type, so chained calls keep it.</typeparam>
public abstract class UserUpdateBuilder<TSelf>
    where TSelf : UserUpdateBuilder<TSelf>
{
    private readonly List<TrackEvent> _events = [];
    private readonly List<Purchase> _purchases = [];

    /// <summary>Creates the builder over an attributes object.</summary>
    protected UserUpdateBuilder(AttributesUpdate attributes) => Attributes = attributes ?? throw new ArgumentNullException(nameof(attributes));

    /// <summary>The attributes object being built (every custom attribute operation is available on it).</summary>
    public AttributesUpdate Attributes { get; }

    private TSelf Self => (TSelf)this;

    /// <summary><c>first_name</c>.</summary>
    public TSelf SetFirstName(string? value) => Do(a => a.SetFirstName(value));

    /// <summary><c>last_name</c>.</summary>
    public TSelf SetLastName(string? value) => Do(a => a.SetLastName(value));

    /// <summary><c>email</c>.</summary>
    public TSelf SetEmail(string? value) => Do(a => a.SetEmail(value));

    /// <summary><c>phone</c> (E.164).</summary>
    public TSelf SetPhone(string? value) => Do(a => a.SetPhone(value));

    /// <summary><c>dob</c>.</summary>
    public TSelf SetDateOfBirth(DateOnly? value) => Do(a => a.SetDateOfBirth(value));

    /// <summary><c>country</c> (ISO 3166-1 alpha-2).</summary>
    public TSelf SetCountry(string? value) => Do(a => a.SetCountry(value));

    /// <summary><c>language</c> (ISO 639-1).</summary>
    public TSelf SetLanguage(string? value) => Do(a => a.SetLanguage(value));

    /// <summary><c>gender</c>.</summary>
    public TSelf SetGender(Gender? value) => Do(a => a.SetGender(value));

    /// <summary><c>home_city</c>.</summary>
    public TSelf SetHomeCity(string? value) => Do(a => a.SetHomeCity(value));

    /// <summary><c>time_zone</c> (IANA).</summary>
    public TSelf SetTimeZone(string? value) => Do(a => a.SetTimeZone(value));

    /// <summary><c>email_subscribe</c>.</summary>
    public TSelf SetEmailSubscribe(SubscriptionState value) => Do(a => a.SetEmailSubscribe(value));

    /// <summary><c>push_subscribe</c>.</summary>
    public TSelf SetPushSubscribe(SubscriptionState value) => Do(a => a.SetPushSubscribe(value));

    /// <summary><c>subscription_groups</c>.</summary>
    public TSelf SetSubscriptionGroups(params SubscriptionGroupChange[] changes) => Do(a => a.SetSubscriptionGroups(changes));

    /// <summary><c>push_tokens</c>: adds push tokens to the user's profile (not allowed in a User Update step).</summary>
    public TSelf AddPushTokens(params PushToken[] tokens) => Do(a => a.AddPushTokens(tokens));

    /// <summary><c>_merge_objects</c>: deep-merge nested objects (needed by <c>$update</c>).</summary>
    public TSelf MergeObjects(bool merge = true) => Do(a => a.MergeObjects = merge);

    /// <summary><c>_update_existing_only</c>.</summary>
    public TSelf UpdateExistingOnly(bool value = true) => Do(a => a.UpdateExistingOnly = value);

    /// <summary>Tracks an event for the same user (in a User Update step: an event of the journey's user).</summary>
    public TSelf Track(IBrazeEvent properties, BrazeTimestamp at)
    {
        ArgumentNullException.ThrowIfNull(properties);
        _events.Add(Attributes.User is { } user
            ? new TrackEvent(user, properties.BrazeEventName, at, properties)
            : TrackEvent.ForUserUpdateStep(properties.BrazeEventName, at, properties));
        return Self;
    }

    /// <summary>Records a purchase for the same user.</summary>
    public TSelf Purchase(string productId, string currency, decimal price, BrazeTimestamp at, int quantity = 1, IBrazeProperties? properties = null)
    {
        var purchase = Attributes.User is { } user
            ? new Purchase(user, productId, currency, price, at, properties)
            : Braze.Purchase.ForUserUpdateStep(productId, currency, price, at, properties);
        purchase.Quantity = quantity;
        _purchases.Add(purchase);
        return Self;
    }

    /// <summary>The request: this attributes object, then the events and purchases added.</summary>
    public TrackRequest ToTrackRequest()
    {
        var request = new TrackRequest(Attributes.Count > 0 || Attributes.UpdateExistingOnly is not null || Attributes.MergeObjects is not null ? [Attributes] : [], _events, _purchases);
        return request;
    }

    /// <summary>
    /// The JSON of a Canvas User Update step. Throws <see cref="BrazeValidationException"/> when it breaks a rule of
    /// the step (identifiers, more than 65,536 characters, ...) or any value rule.
    /// </summary>
    public string ToJson(BrazeValidationOptions? options = null)
    {
        var request = ToTrackRequest();
        if (Attributes.User is null)
        {
            request.ValidateAsUserUpdateStep(options).ThrowIfInvalid();
        }
        else
        {
            request.Validate(options).ThrowIfInvalid();
        }

        return request.ToJson(options);
    }

    /// <summary>Converts to the request, so a builder can be passed to <c>TrackAsync</c> directly.</summary>
    public static implicit operator TrackRequest(UserUpdateBuilder<TSelf> builder) => (builder ?? throw new ArgumentNullException(nameof(builder))).ToTrackRequest();

    /// <summary>The entries as a nested object (for dictionary members of generated builders).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="values">The entries; a key given twice keeps its last value.</param>
    /// <param name="convert">Converts one value.</param>
    protected static BrazeProperties ToProperties<T>(IEnumerable<KeyValuePair<string, T>> values, Func<T, BrazeValue> convert)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(convert);
        var properties = new BrazeProperties();
        foreach (var (key, value) in values)
        {
            properties[key] = convert(value);
        }

        return properties;
    }

    /// <summary>Applies a change to the attributes object.</summary>
    protected TSelf Do(Action<AttributesUpdate> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        change(Attributes);
        return Self;
    }
}
