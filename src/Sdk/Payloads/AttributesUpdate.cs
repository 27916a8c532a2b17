using System.Text.Json;
using Braze.Generated;
using Braze.Payloads;
using Braze.Rules;
using Braze.Wire;
using Braze.Shared;

namespace Braze;

/// <summary>Braze's <c>gender</c> values.</summary>
public enum Gender
{
    /// <summary>M.</summary>
    Male,
    /// <summary>F.</summary>
    Female,
    /// <summary>O (other).</summary>
    Other,
    /// <summary>N (not applicable).</summary>
    NotApplicable,
    /// <summary>P (prefer not to say).</summary>
    PreferNotToSay,
}

/// <summary>Values of <c>email_subscribe</c> and <c>push_subscribe</c>.</summary>
public enum SubscriptionState
{
    /// <summary><c>opted_in</c>.</summary>
    OptedIn,
    /// <summary><c>subscribed</c> (neither opted in nor out).</summary>
    Subscribed,
    /// <summary><c>unsubscribed</c>.</summary>
    Unsubscribed,
}

/// <summary>
/// One attributes object of <c>/users/track</c>: the changes to one user's profile. Standard fields have typed
/// setters; custom attributes support every documented operation (set, remove, increment, array add/remove,
/// nested objects with or without merge, arrays of objects with <c>$add</c>/<c>$update</c>/<c>$remove</c>).
/// Setting the same key twice replaces the earlier operation (array add/remove accumulate).
/// </summary>
public sealed class AttributesUpdate
{
    private readonly List<KeyValuePair<string, AttributeOperation>> _entries = [];

    /// <summary>Changes for the user <paramref name="user"/>.</summary>
    public AttributesUpdate(UserId user) => User = user ?? throw new ArgumentNullException(nameof(user));

    private AttributesUpdate()
    {
    }

    /// <summary>Changes without an identifier, for a Canvas User Update step.</summary>
    public static AttributesUpdate ForUserUpdateStep() => new();

    /// <summary>
    /// Creates an alias-only profile: an attributes object with the alias and <c>_update_existing_only: false</c>
    /// (without the flag Braze does not create it).
    /// </summary>
    public static AttributesUpdate CreateAliasOnlyProfile(string aliasName, string aliasLabel)
        => new(UserId.Alias(aliasName, aliasLabel)) { UpdateExistingOnly = false };

    /// <summary>
    /// Imports push tokens for users Braze does not know yet (<c>"push_token_import": true</c>, no identifier): Braze
    /// creates a temporary anonymous profile per token and ignores tokens it already has. Web push tokens cannot be
    /// migrated through the API.
    /// </summary>
    public static AttributesUpdate ImportAnonymousPushTokens(params PushToken[] tokens) => ImportAnonymousPushTokens((IEnumerable<PushToken>)tokens);

    /// <inheritdoc cref="ImportAnonymousPushTokens(PushToken[])"/>
    public static AttributesUpdate ImportAnonymousPushTokens(IEnumerable<PushToken> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var update = new AttributesUpdate { IsAnonymousPushTokenImport = true };
        update.PushTokensOp().Tokens.AddRange(tokens);
        return update;
    }

    /// <summary>The user; null in a Canvas User Update step and in an anonymous push token import.</summary>
    public UserId? User { get; }

    /// <summary>True for an anonymous push token import (<see cref="ImportAnonymousPushTokens(PushToken[])"/>): written with <c>"push_token_import": true</c>.</summary>
    internal bool IsAnonymousPushTokenImport { get; private init; }

    /// <summary><c>_update_existing_only</c>: true updates only existing profiles. Omitted by default.</summary>
    public bool? UpdateExistingOnly { get; set; }

    /// <summary><c>_merge_objects</c>: deep-merge nested objects instead of replacing them; required by <c>$update</c>.</summary>
    public bool? MergeObjects { get; set; }

    /// <summary>Number of attributes changed.</summary>
    internal int Count => _entries.Count;

    /// <summary>The attribute keys, in the order they will be written.</summary>
    internal IEnumerable<string> Keys => _entries.Select(e => e.Key);

    // ------------------------------------------------------------------ standard fields

    /// <summary><c>first_name</c> (null removes it).</summary>
    public AttributesUpdate SetFirstName(string? value) => Put("first_name", value);

    /// <summary><c>last_name</c> (null removes it).</summary>
    public AttributesUpdate SetLastName(string? value) => Put("last_name", value);

    /// <summary><c>email</c> (null removes it).</summary>
    public AttributesUpdate SetEmail(string? value) => Put("email", value);

    /// <summary><c>phone</c>, E.164 (null removes it).</summary>
    public AttributesUpdate SetPhone(string? value) => Put("phone", value);

    /// <summary><c>home_city</c> (null removes it).</summary>
    public AttributesUpdate SetHomeCity(string? value) => Put("home_city", value);

    /// <summary><c>dob</c>, written <c>yyyy-MM-dd</c> (null removes it).</summary>
    public AttributesUpdate SetDateOfBirth(DateOnly? value) => Put("dob", value is { } d ? BrazeTime.Format(d) : null);

    /// <summary><c>country</c>, ISO 3166-1 alpha-2 (null removes it).</summary>
    public AttributesUpdate SetCountry(string? value) => Put("country", value);

    /// <summary><c>language</c>, ISO 639-1 (null removes it).</summary>
    public AttributesUpdate SetLanguage(string? value) => Put("language", value);

    /// <summary><c>gender</c> (null: unknown).</summary>
    public AttributesUpdate SetGender(Gender? value) => Put("gender", value switch
    {
        null => null,
        Gender.Male => "M",
        Gender.Female => "F",
        Gender.Other => "O",
        Gender.NotApplicable => "N",
        Gender.PreferNotToSay => "P",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    });

    /// <summary><c>time_zone</c>, an IANA name such as <c>America/New_York</c> (null removes it).</summary>
    public AttributesUpdate SetTimeZone(string? value) => Put("time_zone", value);

    /// <summary><c>email_subscribe</c>.</summary>
    public AttributesUpdate SetEmailSubscribe(SubscriptionState value) => Put("email_subscribe", Wire(value));

    /// <summary><c>push_subscribe</c>.</summary>
    public AttributesUpdate SetPushSubscribe(SubscriptionState value) => Put("push_subscribe", Wire(value));

    /// <summary><c>push_tokens</c>: adds push tokens to this (identified) user's profile.</summary>
    public AttributesUpdate AddPushTokens(params PushToken[] tokens) => AddPushTokens((IEnumerable<PushToken>)tokens);

    /// <summary><c>push_tokens</c>: adds push tokens to this (identified) user's profile.</summary>
    public AttributesUpdate AddPushTokens(IEnumerable<PushToken> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        PushTokensOp().Tokens.AddRange(tokens);
        return this;
    }

    /// <summary><c>subscription_groups</c>: subscribe or unsubscribe the user from subscription groups.</summary>
    public AttributesUpdate SetSubscriptionGroups(params SubscriptionGroupChange[] changes) => SetSubscriptionGroups((IEnumerable<SubscriptionGroupChange>)changes);

    /// <summary><c>subscription_groups</c>: subscribe or unsubscribe the user from subscription groups.</summary>
    public AttributesUpdate SetSubscriptionGroups(IEnumerable<SubscriptionGroupChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return Put("subscription_groups", new SubscriptionGroupsOperation([.. changes]));
    }

    /// <summary><c>current_location</c>.</summary>
    public AttributesUpdate SetCurrentLocation(double latitude, double longitude)
        => Put("current_location", new LocationOperation(latitude, longitude));

    /// <summary><c>email_open_tracking_disabled</c>.</summary>
    public AttributesUpdate SetEmailOpenTrackingDisabled(bool value) => Put("email_open_tracking_disabled", value);

    /// <summary><c>email_click_tracking_disabled</c>.</summary>
    public AttributesUpdate SetEmailClickTrackingDisabled(bool value) => Put("email_click_tracking_disabled", value);

    // ------------------------------------------------------------------ custom attributes

    /// <summary>
    /// Sets a custom attribute (or a standard field by its wire name). <see cref="BrazeValue.Null"/> removes it;
    /// an array replaces the whole array; an object replaces the nested object (or merges, with <see cref="MergeObjects"/>).
    /// </summary>
    public AttributesUpdate Set(string key, BrazeValue value)
    {
        CheckKey(key);
        return Put(key, new SetOperation(value));
    }

    /// <summary>Removes an attribute (sets it to null).</summary>
    public AttributesUpdate Remove(string key) => Set(key, BrazeValue.Null);

    /// <summary>Increments an integer attribute by <paramref name="by"/> (negative decrements): <c>{"inc": by}</c>.</summary>
    public AttributesUpdate Increment(string key, long by)
    {
        CheckKey(key);
        return Put(key, new IncrementOperation(BrazeValue.From(by)));
    }

    /// <summary>Increments by a Liquid expression (Canvas User Update step only), for example <c>{{context.${points}}}</c>.</summary>
    public AttributesUpdate Increment(string key, BrazeValue by)
    {
        CheckKey(key);
        return Put(key, new IncrementOperation(by));
    }

    /// <summary>Adds values to an array attribute (<c>{"add": [...]}</c>); Braze keeps values unique and drops the oldest beyond the max length.</summary>
    public AttributesUpdate AddToArray(string key, params BrazeValue[] values) => AddToArray(key, (IEnumerable<BrazeValue>)values);

    /// <summary>Adds values to an array attribute (<c>{"add": [...]}</c>); Braze keeps values unique and drops the oldest beyond the max length.</summary>
    public AttributesUpdate AddToArray(string key, IEnumerable<BrazeValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArrayOp(key).Add.AddRange(values);
        return this;
    }

    /// <summary>Removes values from an array attribute (<c>{"remove": [...]}</c>).</summary>
    public AttributesUpdate RemoveFromArray(string key, params BrazeValue[] values) => RemoveFromArray(key, (IEnumerable<BrazeValue>)values);

    /// <summary>Removes values from an array attribute (<c>{"remove": [...]}</c>).</summary>
    public AttributesUpdate RemoveFromArray(string key, IEnumerable<BrazeValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArrayOp(key).Remove.AddRange(values);
        return this;
    }

    /// <summary>Sets a nested object attribute. It replaces the stored object unless <see cref="MergeObjects"/> is true.</summary>
    public AttributesUpdate SetObject(string key, IBrazeProperties value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Set(key, BrazeValue.From(value));
    }

    /// <summary>Sets an array of objects attribute (replacing it).</summary>
    public AttributesUpdate SetObjects(string key, params IBrazeProperties[] values) => SetObjects(key, (IEnumerable<IBrazeProperties>)values);

    /// <summary>Sets an array of objects attribute (replacing it).</summary>
    public AttributesUpdate SetObjects(string key, IEnumerable<IBrazeProperties> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Set(key, BrazeValue.Array(values.Select(BrazeValue.From)));
    }

    /// <summary>Appends objects to an array of objects (<c>$add</c>).</summary>
    public AttributesUpdate AddObjects(string key, params IBrazeProperties[] values) => AddObjects(key, (IEnumerable<IBrazeProperties>)values);

    /// <summary>Appends objects to an array of objects (<c>$add</c>).</summary>
    public AttributesUpdate AddObjects(string key, IEnumerable<IBrazeProperties> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectArrayOp(key).Adds.AddRange(values);
        return this;
    }

    /// <summary>
    /// Updates the objects whose <paramref name="identifierKey"/> equals <paramref name="identifierValue"/>
    /// (<c>$update</c>), merging <paramref name="newObject"/> into them. Braze requires <see cref="MergeObjects"/> = true.
    /// </summary>
    public AttributesUpdate UpdateObjects(string key, string identifierKey, BrazeValue identifierValue, IBrazeProperties newObject)
    {
        ArgumentNullException.ThrowIfNull(identifierKey);
        ArgumentNullException.ThrowIfNull(newObject);
        ObjectArrayOp(key).Updates.Add(new(identifierKey, identifierValue, newObject));
        return this;
    }

    /// <summary>Removes every object whose <paramref name="identifierKey"/> equals <paramref name="identifierValue"/> (<c>$remove</c>).</summary>
    public AttributesUpdate RemoveObjects(string key, string identifierKey, BrazeValue identifierValue)
    {
        ArgumentNullException.ThrowIfNull(identifierKey);
        ObjectArrayOp(key).Removes.Add(new(identifierKey, identifierValue, null));
        return this;
    }

    // ------------------------------------------------------------------ writing and validation

    /// <summary>Writes the attributes object.</summary>
    internal void WriteTo(Utf8JsonWriter writer, BrazeWriteContext context)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        User?.WriteTo(writer);
        if (IsAnonymousPushTokenImport)
        {
            writer.WriteBoolean(JsonNames.PushTokenImport, true);
        }

        if (UpdateExistingOnly is { } updateOnly)
        {
            writer.WriteBoolean(JsonNames.UpdateExistingOnly, updateOnly);
        }

        if (MergeObjects is { } merge)
        {
            writer.WriteBoolean(JsonNames.MergeObjects, merge);
        }

        foreach (var (key, op) in _entries)
        {
            writer.WritePropertyName(key);
            op.WriteValue(writer, context);
        }

        writer.WriteEndObject();
    }

    /// <summary>Checks every rule; the context's current path points at this object (for example <c>attributes[0]</c>).</summary>
    internal void Validate(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!IsAnonymousPushTokenImport)
        {
            PayloadChecks.Identifier(context, User);
        }
        else if (context.IsUserUpdateStep)
        {
            context.Push("push_token_import");
            BrazeRules.ForbiddenInUserUpdateStep(context, "push token import fields (push_token_import)");
            context.Pop();
        }
        else
        {
            context.Push("push_token_import");
            AttributeRules.AnonymousPushTokenImport(context, hasExternalOrBrazeId: false, hasTokens: Find("push_tokens") is var i and >= 0 && ((PushTokensOperation)_entries[i].Value).Tokens.Count > 0);
            context.Pop();
        }

        if (User is { Kind: UserIdKind.Email } && Find("phone") >= 0)
        {
            BrazeRules.IdentifierCount(context, 2);
        }

        if (User is { Kind: UserIdKind.Email or UserIdKind.Phone } && Find(User.FieldName) >= 0)
        {
            // The identifier field and the attribute would be the same JSON key, written twice.
            context.Push(User.FieldName);
            BrazeRules.DuplicateName(context, User.FieldName);
            context.Pop();
        }

        foreach (var (key, op) in _entries)
        {
            context.Push(key);
            var kind = StandardFields.KindOf(key);
            if (kind == StandardFieldKind.None)
            {
                BrazeRules.CustomAttributeName(context, key);
                if (context.IsUserUpdateStep)
                {
                    BrazeRules.UserUpdateStepKey(context, key);
                }
            }

            op.Validate(context, kind, MergeObjects == true);
            context.Pop();
        }
    }

    private static string Wire(SubscriptionState state) => state switch
    {
        SubscriptionState.OptedIn => "opted_in",
        SubscriptionState.Subscribed => "subscribed",
        SubscriptionState.Unsubscribed => "unsubscribed",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    private static void CheckKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var kind = StandardFields.KindOf(key);
        if (kind is StandardFieldKind.Identifier or StandardFieldKind.ControlFlag)
        {
            throw new ArgumentException($"'{key}' is not an attribute: identifiers come from the UserId and flags from the UpdateExistingOnly / MergeObjects properties.", nameof(key));
        }
    }

    private AttributesUpdate Put(string key, string? value) => Put(key, new SetOperation(BrazeValue.From(value)));

    private AttributesUpdate Put(string key, bool value) => Put(key, new SetOperation(BrazeValue.From(value)));

    private AttributesUpdate Put(string key, AttributeOperation op)
    {
        var i = Find(key);
        if (i >= 0)
        {
            _entries[i] = new(key, op);
        }
        else
        {
            _entries.Add(new(key, op));
        }

        return this;
    }

    private int Find(string key)
    {
        for (var i = 0; i < _entries.Count; i++)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private ArrayOperation ArrayOp(string key)
    {
        CheckKey(key);
        var i = Find(key);
        if (i >= 0 && _entries[i].Value is ArrayOperation existing)
        {
            return existing;
        }

        var op = new ArrayOperation();
        Put(key, op);
        return op;
    }

    private PushTokensOperation PushTokensOp()
    {
        var i = Find("push_tokens");
        if (i >= 0 && _entries[i].Value is PushTokensOperation existing)
        {
            return existing;
        }

        var op = new PushTokensOperation();
        Put("push_tokens", op);
        return op;
    }

    private ObjectArrayOperation ObjectArrayOp(string key)
    {
        CheckKey(key);
        var i = Find(key);
        if (i >= 0 && _entries[i].Value is ObjectArrayOperation existing)
        {
            return existing;
        }

        var op = new ObjectArrayOperation();
        Put(key, op);
        return op;
    }
}

/// <summary>One push token for <c>push_tokens</c>.</summary>
public sealed class PushToken
{
    /// <summary>Creates the value.</summary>
    /// <param name="appId">The app identifier (API key of the app in Braze), not the REST API key.</param>
    /// <param name="token">The push token.</param>
    /// <param name="deviceId">The device id, optional.</param>
    public PushToken(string appId, string token, string? deviceId = null)
    {
        AppId = appId ?? throw new ArgumentNullException(nameof(appId));
        Token = token ?? throw new ArgumentNullException(nameof(token));
        DeviceId = deviceId;
    }

    /// <summary>The app identifier (API key of the app in Braze), not the REST API key.</summary>
    public string AppId { get; }

    /// <summary>The push token.</summary>
    public string Token { get; }

    /// <summary>The device id, optional.</summary>
    public string? DeviceId { get; }
}

/// <summary>One change to a subscription group: <c>{"subscription_group_id": ..., "subscription_state": ...}</c>.</summary>
public sealed class SubscriptionGroupChange
{
    /// <summary>Creates the value.</summary>
    /// <param name="subscriptionGroupId">The subscription group id.</param>
    /// <param name="subscribed">True for <c>subscribed</c>, false for <c>unsubscribed</c>.</param>
    public SubscriptionGroupChange(string subscriptionGroupId, bool subscribed)
    {
        SubscriptionGroupId = subscriptionGroupId ?? throw new ArgumentNullException(nameof(subscriptionGroupId));
        Subscribed = subscribed;
    }

    /// <summary>The subscription group id.</summary>
    public string SubscriptionGroupId { get; }

    /// <summary>True for <c>subscribed</c>, false for <c>unsubscribed</c>.</summary>
    public bool Subscribed { get; }
}

