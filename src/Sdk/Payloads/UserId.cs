using System.Text.Json;
using Braze.Generated;
using Braze.Rules;
using Braze.Wire;

namespace Braze;

/// <summary>Which identifier a <see cref="UserId"/> holds.</summary>
public enum UserIdKind
{
    /// <summary><c>external_id</c>: your own user id.</summary>
    External = 0,
    /// <summary><c>user_alias</c>: an alias name and label.</summary>
    Alias = 1,
    /// <summary><c>braze_id</c>: the Braze-assigned id.</summary>
    BrazeId = 2,
    /// <summary><c>email</c>.</summary>
    Email = 3,
    /// <summary><c>phone</c> (E.164).</summary>
    Phone = 4,
}

/// <summary>
/// Exactly one Braze user identifier: external id, user alias, braze id, email or phone. A closed union: the
/// factories are the only way to make one, so an object can never carry zero or two identifiers.
/// <see cref="ToString"/> redacts email and phone, so a <see cref="UserId"/> is safe to log.
/// </summary>
public sealed class UserId : IEquatable<UserId>
{
    private UserId(UserIdKind kind, string value, string? aliasLabel = null)
    {
        Kind = kind;
        Value = value;
        AliasLabel = aliasLabel;
    }

    /// <summary>Which identifier this is.</summary>
    public UserIdKind Kind { get; }

    /// <summary>The identifier's value (for an alias: its name).</summary>
    public string Value { get; }

    /// <summary>The alias label, for <see cref="UserIdKind.Alias"/>; otherwise null.</summary>
    public string? AliasLabel { get; }

    /// <summary>A user by <c>external_id</c>.</summary>
    public static UserId External(string externalId) => new(UserIdKind.External, externalId ?? throw new ArgumentNullException(nameof(externalId)));

    /// <summary>A user by <c>user_alias</c> (<c>alias_name</c> and <c>alias_label</c>, both required).</summary>
    public static UserId Alias(string aliasName, string aliasLabel)
        => new(UserIdKind.Alias, aliasName ?? throw new ArgumentNullException(nameof(aliasName)), aliasLabel ?? throw new ArgumentNullException(nameof(aliasLabel)));

    /// <summary>A user by <c>braze_id</c>.</summary>
    public static UserId BrazeId(string brazeId) => new(UserIdKind.BrazeId, brazeId ?? throw new ArgumentNullException(nameof(brazeId)));

    /// <summary>A user by <c>email</c>. If several profiles share it, Braze updates the most recently updated one with an external id.</summary>
    public static UserId Email(string email) => new(UserIdKind.Email, email ?? throw new ArgumentNullException(nameof(email)));

    /// <summary>A user by <c>phone</c> (E.164, for example <c>+14155552671</c>).</summary>
    public static UserId Phone(string phone) => new(UserIdKind.Phone, phone ?? throw new ArgumentNullException(nameof(phone)));

    /// <summary>
    /// The identifier as one text naming it exactly: <c>external_id:</c>, <c>braze_id:</c>, <c>email:</c> or
    /// <c>phone:</c> and the value, or <c>user_alias:</c>, the label's length, <c>:</c>, the label, <c>:</c> and the
    /// name. What an outbox stores beside an item (<see cref="OutboxEntry.UserKey"/>) to find a user's items. Not for
    /// logs: unlike <see cref="ToString"/> it shows email addresses and phone numbers.
    /// </summary>
    public string Key => Kind == UserIdKind.Alias
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"user_alias:{AliasLabel!.Length}:{AliasLabel}:{Value}")
        : FieldName + ":" + Value;

    /// <summary>
    /// The user a <c>/users/track</c> object as JSON names (<c>external_id</c>, then <c>user_alias</c>, <c>braze_id</c>,
    /// <c>email</c>, <c>phone</c>); null when it names none (or the object is not one).
    /// </summary>
    internal static UserId? Of(JsonElement trackObject)
    {
        if (trackObject.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? Text(string field) => trackObject.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (Text(JsonNames.ExternalId.Value) is { } external)
        {
            return External(external);
        }

        if (trackObject.TryGetProperty(JsonNames.UserAlias.Value, out var alias) && alias.ValueKind == JsonValueKind.Object
            && alias.TryGetProperty(JsonNames.AliasName.Value, out var name) && name.ValueKind == JsonValueKind.String
            && alias.TryGetProperty(JsonNames.AliasLabel.Value, out var label) && label.ValueKind == JsonValueKind.String)
        {
            return Alias(name.GetString()!, label.GetString()!);
        }

        return Text(JsonNames.BrazeId.Value) is { } braze ? BrazeId(braze)
            : Text(JsonNames.Email.Value) is { } email ? Email(email)
            : Text(JsonNames.Phone.Value) is { } phone ? Phone(phone)
            : null;
    }

    /// <summary>The identifier a <see cref="Key"/> names; null when the text is not one.</summary>
    internal static UserId? FromKey(string? key)
    {
        var colon = key?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (colon < 0)
        {
            return null;
        }

        var value = key![(colon + 1)..];
        switch (key.AsSpan(0, colon))
        {
            case "external_id": return External(value);
            case "braze_id": return BrazeId(value);
            case "email": return Email(value);
            case "phone": return Phone(value);
            case "user_alias":
                var lengthEnd = value.IndexOf(':', StringComparison.Ordinal);
                return lengthEnd > 0
                    && int.TryParse(value.AsSpan(0, lengthEnd), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
                    && lengthEnd + 1 + length < value.Length && value[lengthEnd + 1 + length] == ':'
                    ? Alias(value[(lengthEnd + 2 + length)..], value.Substring(lengthEnd + 1, length))
                    : null;
            default: return null;
        }
    }

    /// <summary>The wire name of the identifier field on <c>/users/track</c> objects.</summary>
    internal string FieldName => Kind switch
    {
        UserIdKind.External => "external_id",
        UserIdKind.Alias => "user_alias",
        UserIdKind.BrazeId => "braze_id",
        UserIdKind.Email => "email",
        _ => "phone",
    };

    /// <summary>Writes the identifier as a property of the current JSON object (<c>"external_id": "..."</c> or <c>"user_alias": {...}</c>).</summary>
    internal void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (Kind)
        {
            case UserIdKind.External:
                writer.WriteString(JsonNames.ExternalId, Value);
                break;
            case UserIdKind.Alias:
                writer.WritePropertyName(JsonNames.UserAlias);
                WriteAliasObject(writer);
                break;
            case UserIdKind.BrazeId:
                writer.WriteString(JsonNames.BrazeId, Value);
                break;
            case UserIdKind.Email:
                writer.WriteString(JsonNames.Email, Value);
                break;
            default:
                writer.WriteString(JsonNames.Phone, Value);
                break;
        }
    }

    /// <summary>Writes <c>{"alias_name": ..., "alias_label": ...}</c>; only for <see cref="UserIdKind.Alias"/>.</summary>
    internal void WriteAliasObject(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (Kind != UserIdKind.Alias)
        {
            throw new InvalidOperationException("Not a user alias.");
        }

        writer.WriteStartObject();
        writer.WriteString(JsonNames.AliasName, Value);
        writer.WriteString(JsonNames.AliasLabel, AliasLabel);
        writer.WriteEndObject();
    }

    /// <summary>Checks the identifier's value at the path of its field (the context points at the owning object).</summary>
    internal void Validate(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Push(FieldName);
        switch (Kind)
        {
            case UserIdKind.Alias:
                BrazeRules.IdentifierPair(context, "alias_name", Value, "alias_label", AliasLabel);
                break;
            case UserIdKind.Email:
                if (BrazeRules.IdentifierValue(context, Value, "email"))
                {
                    BrazeRules.Email(context, Value);
                }

                break;
            case UserIdKind.Phone:
                if (BrazeRules.IdentifierValue(context, Value, "phone"))
                {
                    BrazeRules.Phone(context, Value);
                }

                break;
            default:
                BrazeRules.IdentifierValue(context, Value, FieldName);
                break;
        }

        context.Pop();
    }

    /// <inheritdoc />
    public bool Equals(UserId? other)
        => other is not null && Kind == other.Kind && string.Equals(Value, other.Value, StringComparison.Ordinal) && string.Equals(AliasLabel, other.AliasLabel, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as UserId);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Value, AliasLabel);

    /// <summary>A log-safe description: email and phone are redacted.</summary>
    public override string ToString() => Kind switch
    {
        UserIdKind.External => $"external_id:{Value}",
        UserIdKind.Alias => $"user_alias:{AliasLabel}/{Value}",
        UserIdKind.BrazeId => $"braze_id:{Value}",
        UserIdKind.Email => "email:[redacted]",
        _ => "phone:[redacted]",
    };

#pragma warning disable CS1591
    public static bool operator ==(UserId? left, UserId? right) => Equals(left, right);
    public static bool operator !=(UserId? left, UserId? right) => !Equals(left, right);
#pragma warning restore CS1591
}

/// <summary>
/// The id Braze gives a scheduled send (<c>schedule_id</c>), kept to update or delete it. A type of its own so that
/// it cannot be swapped with the Canvas or campaign id beside it. Equal when the ids are.
/// </summary>
public sealed class ScheduleId : IEquatable<ScheduleId>
{
    /// <summary>Wraps the id Braze sent.</summary>
    /// <param name="value">The id as Braze sent it.</param>
    public ScheduleId(string value) => Value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>The id as Braze sent it.</summary>
    public string Value { get; }

    /// <summary>Same id.</summary>
    public static bool operator ==(ScheduleId? left, ScheduleId? right) => Equals(left, right);

    /// <summary>Different ids.</summary>
    public static bool operator !=(ScheduleId? left, ScheduleId? right) => !Equals(left, right);

    /// <inheritdoc />
    public bool Equals(ScheduleId? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ScheduleId);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
