using System.Text.Json;
using Braze.Generated;
using Braze.Payloads;
using Braze.Rules;
using Braze.Wire;

namespace Braze;

/// <summary>
/// Who an API-triggered Canvas or campaign goes to and with which properties: what a schedule create
/// (<see cref="ScheduleRequest"/>) and a trigger send (<see cref="TriggerSendRequest"/>) share, checked and written once.
/// </summary>
public abstract class MessageRequest
{
    /// <summary>Creates a request for the Canvas or campaign <paramref name="id"/>.</summary>
    private protected MessageRequest(ScheduleTarget target, string id)
    {
        Target = target;
        Id = id ?? throw new ArgumentNullException(nameof(id));
    }

    /// <summary>Canvas or campaign.</summary>
    public ScheduleTarget Target { get; }

    /// <summary><c>canvas_id</c> or <c>campaign_id</c>.</summary>
    public string Id { get; }

    /// <summary>Specific recipients (at most 50). Leave empty with <see cref="Broadcast"/> or <see cref="Audience"/>.</summary>
    public IReadOnlyList<Recipient> Recipients { get; init; } = [];

    /// <summary>Send to the whole segment of the Canvas or campaign. Must not come with <see cref="Recipients"/>.</summary>
    public bool Broadcast { get; init; }

    /// <summary>A Connected Audience filter object, as JSON.</summary>
    public JsonElement? Audience { get; init; }

    /// <summary>Canvas entry properties for everyone (<c>context</c>, at most 50 KB).</summary>
    public IBrazeProperties? Context { get; init; }

    /// <summary>Campaign trigger properties for everyone (<c>trigger_properties</c>, at most 50 KB).</summary>
    public IBrazeProperties? TriggerProperties { get; init; }

    /// <summary>Campaign <c>send_id</c>, for send tracking.</summary>
    public string? SendId { get; init; }

    internal string IdField => Target.IdField();

    /// <summary>The id, recipients (at most 50), broadcast without recipients, someone to send to, and the properties' rules.</summary>
    private protected void ValidateMessage(ValidationContext context)
    {
        context.Push(IdField);
        BrazeRules.IdentifierValue(context, Id, IdField);
        context.Pop();
        BrazeRules.Broadcast(context, Broadcast, Recipients.Count > 0);
        ScheduleRules.HasTargets(context, Recipients.Count > 0, Audience is { ValueKind: not JsonValueKind.Null }, Broadcast);
        context.Push("recipients");
        BrazeRules.RecipientCount(context, Recipients.Count);
        for (var i = 0; i < Recipients.Count; i++)
        {
            context.Push(i);
            Recipients[i].Validate(context);
            context.Pop();
        }

        context.Pop();
        PayloadChecks.Properties(context, "context", Context, PropertiesUsage.CanvasContext);
        PayloadChecks.Properties(context, "trigger_properties", TriggerProperties, PropertiesUsage.TriggerProperties);
    }

    /// <summary>Writes the fields into the current object (the caller opens and closes it).</summary>
    private protected void WriteMessage(Utf8JsonWriter writer, BrazeWriteContext context, bool legacyContextName)
    {
        var contextName = legacyContextName ? "canvas_entry_properties" : "context";
        writer.WriteString(IdField, Id);
        if (SendId is not null)
        {
            writer.WriteString("send_id", SendId);
        }

        if (Recipients.Count > 0)
        {
            writer.WriteStartArray("recipients");
            foreach (var r in Recipients)
            {
                r.WriteTo(writer, context, contextName);
            }

            writer.WriteEndArray();
        }

        if (Broadcast)
        {
            writer.WriteBoolean("broadcast", true);
        }

        if (Audience is { } audience)
        {
            writer.WritePropertyName("audience");
            audience.WriteTo(writer);
        }

        ObjectWriter.Properties(writer, JsonEncodedText.Encode(contextName), Context, context);
        ObjectWriter.Properties(writer, JsonNames.TriggerProperties, TriggerProperties, context);
    }
}
