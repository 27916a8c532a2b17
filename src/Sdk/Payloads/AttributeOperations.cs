using System.Text.Json;
using Braze.Generated;
using Braze.Rules;
using Braze.Wire;
using Braze.Shared;

namespace Braze.Payloads;

/// <summary>One change to one attribute key; writes its JSON value and validates it at the key's path.</summary>
internal abstract class AttributeOperation
{
    public abstract void WriteValue(Utf8JsonWriter writer, BrazeWriteContext context);

    public abstract void Validate(ValidationContext context, StandardFieldKind kind, bool mergeObjects);

    protected static bool NotForStandard(ValidationContext context, StandardFieldKind kind, string operation)
    {
        if (kind == StandardFieldKind.None)
        {
            return true;
        }

        context.Report(ValidationCodes.AttributeOperationInvalid, $"'{operation}' applies to custom attributes only, not to standard profile fields.");
        return false;
    }

    protected static void NestedSize(ValidationContext context, AttributeOperation op)
    {
        if (TryMeasure(context, op, out var bytes))
        {
            BrazeRules.NestedAttributeSize(context, bytes);
        }
    }

    private static bool TryMeasure(ValidationContext context, AttributeOperation op, out int bytes)
    {
        try
        {
            bytes = BrazeJson.Measure(static (w, s) => s.op.WriteValue(w, s.ctx), (op, ctx: new BrazeWriteContext(context.Options)));
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // A value already reported as invalid (Unspecified DateTime, NaN, undefined enum) cannot be written.
            bytes = 0;
            return false;
        }
    }
}

/// <summary>Plain set (or remove with null).</summary>
internal sealed class SetOperation(BrazeValue value) : AttributeOperation
{
    public BrazeValue Value { get; } = value;

    public override void WriteValue(Utf8JsonWriter writer, BrazeWriteContext context)
        => Value.WriteTo(writer, Value.IsNested ? context.ForNestedAttribute() : context);

    public override void Validate(ValidationContext context, StandardFieldKind kind, bool mergeObjects)
    {
        if (Value.IsNull)
        {
            if (kind == StandardFieldKind.Identifier)
            {
                StandardAttributes.CannotRemove(context);
            }

            return;
        }

        if (kind != StandardFieldKind.None)
        {
            ValidateStandard(context, kind);
            return;
        }

        switch (Value.Kind)
        {
            case BrazeValueKind.Array:
                var items = Value.AsArray!;
                var hasObjects = false;
                for (var i = 0; i < items.Count; i++)
                {
                    context.Push(i);
                    if (items[i].Kind == BrazeValueKind.Object)
                    {
                        hasObjects = true;
                        items[i].AsObject!.Validate(context, PropertiesUsage.NestedAttribute);
                    }
                    else
                    {
                        items[i].Validate(context, PropertiesUsage.NestedAttribute, inArray: true);
                    }

                    context.Pop();
                }

                if (hasObjects)
                {
                    NestedSize(context, this);
                }
                else
                {
                    BrazeRules.ArrayAttributeLength(context, items.Count);
                }

                break;
            case BrazeValueKind.Object:
                Value.AsObject!.Validate(context, PropertiesUsage.NestedAttribute);
                NestedSize(context, this);
                break;
            default:
                Value.Validate(context, PropertiesUsage.NestedAttribute);
                break;
        }
    }

    private void ValidateStandard(ValidationContext context, StandardFieldKind kind)
    {
        switch (Value.Kind)
        {
            case BrazeValueKind.String:
                StandardAttributes.ValidateString(context, kind, Value.AsString!);
                break;
            case BrazeValueKind.Boolean when kind == StandardFieldKind.Boolean:
                break;
            case BrazeValueKind.Time or BrazeValueKind.DateTime or BrazeValueKind.Date when kind == StandardFieldKind.Time:
                Value.Validate(context, PropertiesUsage.NestedAttribute);
                break;
            case BrazeValueKind.Liquid:
                Value.Validate(context, PropertiesUsage.NestedAttribute);
                break;
            default:
                StandardAttributes.WrongType(context, kind);
                break;
        }
    }
}

/// <summary><c>{"inc": N}</c>.</summary>
internal sealed class IncrementOperation(BrazeValue by) : AttributeOperation
{
    public override void WriteValue(Utf8JsonWriter writer, BrazeWriteContext context)
    {
        writer.WriteStartObject();
        writer.WritePropertyName(JsonNames.Inc);
        by.WriteTo(writer, context);
        writer.WriteEndObject();
    }

    public override void Validate(ValidationContext context, StandardFieldKind kind, bool mergeObjects)
    {
        if (!NotForStandard(context, kind, "inc"))
        {
            return;
        }

        context.Push("inc");
        if (by.Kind == BrazeValueKind.Liquid)
        {
            by.Validate(context, PropertiesUsage.NestedAttribute);
        }
        else if (by.Kind != BrazeValueKind.Integer)
        {
            AttributeRules.IncrementNotInteger(context);
        }

        context.Pop();
    }
}

/// <summary><c>{"add": [...], "remove": [...]}</c> on an array attribute.</summary>
internal sealed class ArrayOperation : AttributeOperation
{
    public List<BrazeValue> Add { get; } = [];

    public List<BrazeValue> Remove { get; } = [];

    public override void WriteValue(Utf8JsonWriter writer, BrazeWriteContext context)
    {
        writer.WriteStartObject();
        WriteList(writer, JsonNames.Add, Add, context);
        WriteList(writer, JsonNames.Remove, Remove, context);
        writer.WriteEndObject();
    }

    public override void Validate(ValidationContext context, StandardFieldKind kind, bool mergeObjects)
    {
        if (!NotForStandard(context, kind, "add/remove"))
        {
            return;
        }

        ValidateList(context, "add", Add);
        ValidateList(context, "remove", Remove);
    }

    private static void ValidateList(ValidationContext context, string name, List<BrazeValue> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        context.Push(name);
        for (var i = 0; i < values.Count; i++)
        {
            context.Push(i);
            values[i].Validate(context, PropertiesUsage.NestedAttribute, inArray: true);
            context.Pop();
        }

        BrazeRules.ArrayAttributeLength(context, values.Count);
        context.Pop();
    }

    private static void WriteList(Utf8JsonWriter writer, JsonEncodedText name, List<BrazeValue> values, BrazeWriteContext context)
    {
        if (values.Count == 0)
        {
            return;
        }

        writer.WritePropertyName(name);
        writer.WriteStartArray();
        foreach (var v in values)
        {
            v.WriteTo(writer, context);
        }

        writer.WriteEndArray();
    }
}

/// <summary>An entry of <c>$update</c> or <c>$remove</c>.</summary>
internal sealed record ObjectArrayMatch(string IdentifierKey, BrazeValue IdentifierValue, IBrazeProperties? NewObject);

/// <summary><c>{"$add": [...], "$update": [...], "$remove": [...]}</c> on an array of objects.</summary>
internal sealed class ObjectArrayOperation : AttributeOperation
{
    public List<IBrazeProperties> Adds { get; } = [];

    public List<ObjectArrayMatch> Updates { get; } = [];

    public List<ObjectArrayMatch> Removes { get; } = [];

    public override void WriteValue(Utf8JsonWriter writer, BrazeWriteContext context)
    {
        var nested = context.ForNestedAttribute();
        writer.WriteStartObject();
        if (Adds.Count > 0)
        {
            writer.WritePropertyName(JsonNames.DollarAdd);
            writer.WriteStartArray();
            foreach (var a in Adds)
            {
                a.WriteTo(writer, nested);
            }

            writer.WriteEndArray();
        }

        WriteMatches(writer, JsonNames.DollarUpdate, Updates, nested);
        WriteMatches(writer, JsonNames.DollarRemove, Removes, nested);
        writer.WriteEndObject();
    }

    public override void Validate(ValidationContext context, StandardFieldKind kind, bool mergeObjects)
    {
        if (!NotForStandard(context, kind, "$add/$update/$remove"))
        {
            return;
        }

        if (Adds.Count > 0)
        {
            context.Push("$add");
            for (var i = 0; i < Adds.Count; i++)
            {
                context.Push(i);
                Adds[i].Validate(context, PropertiesUsage.NestedAttribute);
                context.Pop();
            }

            context.Pop();
        }

        if (Updates.Count > 0)
        {
            context.Push("$update");
            if (!mergeObjects)
            {
                AttributeRules.UpdateNeedsMerge(context);
            }

            ValidateMatches(context, Updates);
            context.Pop();
        }

        if (Removes.Count > 0)
        {
            context.Push("$remove");
            ValidateMatches(context, Removes);
            context.Pop();
        }

        NestedSize(context, this);
    }

    private static void ValidateMatches(ValidationContext context, List<ObjectArrayMatch> matches)
    {
        for (var i = 0; i < matches.Count; i++)
        {
            var m = matches[i];
            context.Push(i);
            context.Push("$identifier_key");
            BrazeRules.PropertyName(context, m.IdentifierKey, PropertiesUsage.NestedAttribute);
            context.Pop();
            context.Push("$identifier_value");
            PayloadChecks.IdentifierValue(context, m.IdentifierValue);
            context.Pop();
            if (m.NewObject is not null)
            {
                context.Push("$new_object");
                m.NewObject.Validate(context, PropertiesUsage.NestedAttribute);
                context.Pop();
            }

            context.Pop();
        }
    }

    private static void WriteMatches(Utf8JsonWriter writer, JsonEncodedText name, List<ObjectArrayMatch> matches, BrazeWriteContext context)
    {
        if (matches.Count == 0)
        {
            return;
        }

        writer.WritePropertyName(name);
        writer.WriteStartArray();
        foreach (var m in matches)
        {
            writer.WriteStartObject();
            writer.WriteString(JsonNames.IdentifierKey, m.IdentifierKey);
            writer.WritePropertyName(JsonNames.IdentifierValue);
            m.IdentifierValue.WriteTo(writer, context);
            if (m.NewObject is not null)
            {
                writer.WritePropertyName(JsonNames.NewObject);
                m.NewObject.WriteTo(writer, context);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}

/// <summary><c>subscription_groups</c>.</summary>
internal sealed class SubscriptionGroupsOperation(IReadOnlyList<SubscriptionGroupChange> changes) : AttributeOperation
{
    public override void WriteValue(Utf8JsonWriter writer, BrazeWriteContext context)
    {
        writer.WriteStartArray();
        foreach (var c in changes)
        {
            writer.WriteStartObject();
            writer.WriteString(JsonNames.SubscriptionGroupId, c.SubscriptionGroupId);
            writer.WriteString(JsonNames.SubscriptionState, c.Subscribed ? "subscribed" : "unsubscribed");
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    public override void Validate(ValidationContext context, StandardFieldKind kind, bool mergeObjects)
    {
        for (var i = 0; i < changes.Count; i++)
        {
            context.Push(i);
            context.Push("subscription_group_id");
            BrazeRules.IdentifierValue(context, changes[i].SubscriptionGroupId, "subscription_group_id");
            context.Pop();
            context.Pop();
        }
    }
}

/// <summary><c>current_location</c>.</summary>
internal sealed class LocationOperation(double latitude, double longitude) : AttributeOperation
{
    public override void WriteValue(Utf8JsonWriter writer, BrazeWriteContext context)
    {
        writer.WriteStartObject();
        writer.WriteNumber(JsonNames.Longitude, longitude);
        writer.WriteNumber(JsonNames.Latitude, latitude);
        writer.WriteEndObject();
    }

    public override void Validate(ValidationContext context, StandardFieldKind kind, bool mergeObjects)
        => BrazeRules.Location(context, latitude, longitude);
}

/// <summary><c>push_tokens</c>: <c>[{"app_id": ..., "token": ..., "device_id": ...}]</c>.</summary>
internal sealed class PushTokensOperation : AttributeOperation
{
    private static readonly JsonEncodedText s_appId = JsonEncodedText.Encode("app_id");
    private static readonly JsonEncodedText s_token = JsonEncodedText.Encode("token");
    private static readonly JsonEncodedText s_deviceId = JsonEncodedText.Encode("device_id");

    public List<PushToken> Tokens { get; } = [];

    public override void WriteValue(Utf8JsonWriter writer, BrazeWriteContext context)
    {
        writer.WriteStartArray();
        foreach (var t in Tokens)
        {
            writer.WriteStartObject();
            writer.WriteString(s_appId, t.AppId);
            writer.WriteString(s_token, t.Token);
            if (t.DeviceId is { } device)
            {
                writer.WriteString(s_deviceId, device);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    public override void Validate(ValidationContext context, StandardFieldKind kind, bool mergeObjects)
    {
        if (context.IsUserUpdateStep)
        {
            BrazeRules.ForbiddenInUserUpdateStep(context, "push token import fields (push_tokens)");
            return;
        }

        for (var i = 0; i < Tokens.Count; i++)
        {
            context.Push(i);
            AttributeRules.PushToken(context, Tokens[i].AppId, Tokens[i].Token);
            context.Pop();
        }
    }
}
