using System.Text.Json;
using Braze.Generated;
using Braze.Wire;

namespace Braze.Payloads;

/// <summary>Small writing steps shared by the object writers, so each field is written one way.</summary>
internal static class ObjectWriter
{
    /// <summary>The fields every event and purchase starts with: identifier and <c>app_id</c>.</summary>
    public static void Head(Utf8JsonWriter writer, UserId? user, string? appId)
    {
        user?.WriteTo(writer);
        if (appId is not null)
        {
            writer.WriteString(JsonNames.AppId, appId);
        }
    }

    /// <summary>The fields every event and purchase ends with: <c>time</c>, <c>properties</c>, <c>_update_existing_only</c>.</summary>
    public static void Tail(Utf8JsonWriter writer, BrazeTimestamp time, IBrazeProperties? properties, bool? updateExistingOnly, BrazeWriteContext context)
    {
        writer.WritePropertyName(JsonNames.Time);
        time.WriteValue(writer, context);
        Properties(writer, JsonNames.Properties, properties, context);
        if (updateExistingOnly is { } flag)
        {
            writer.WriteBoolean(JsonNames.UpdateExistingOnly, flag);
        }
    }

    /// <summary>Writes <c>"name": {...}</c> when <paramref name="properties"/> is not null.</summary>
    public static void Properties(Utf8JsonWriter writer, JsonEncodedText name, IBrazeProperties? properties, BrazeWriteContext context)
    {
        if (properties is null)
        {
            return;
        }

        writer.WritePropertyName(name);
        properties.WriteTo(writer, context);
    }

    /// <summary>Writes <c>"name": [...]</c> when <paramref name="items"/> is not empty.</summary>
    public static void Array<T>(Utf8JsonWriter writer, JsonEncodedText name, IReadOnlyList<T> items, Action<Utf8JsonWriter, T, BrazeWriteContext> write, BrazeWriteContext context)
    {
        if (items.Count == 0)
        {
            return;
        }

        writer.WritePropertyName(name);
        writer.WriteStartArray();
        for (var i = 0; i < items.Count; i++)
        {
            write(writer, items[i], context);
        }

        writer.WriteEndArray();
    }
}
