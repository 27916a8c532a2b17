using System.Text.Json;
using Braze.Generated;
using Braze.Payloads;
using Braze.Rules;
using Braze.Wire;

namespace Braze;

/// <summary>Which kind of message a schedule belongs to.</summary>
public enum ScheduleTarget
{
    /// <summary>An API-triggered Canvas (<c>/canvas/trigger/schedule/*</c>).</summary>
    Canvas,

    /// <summary>An API-triggered campaign (<c>/campaigns/trigger/schedule/*</c>).</summary>
    Campaign,
}

/// <summary>
/// A request to schedule an API-triggered Canvas or campaign: who (recipients, an audience, or a broadcast to the
/// whole segment), when (<see cref="Schedule"/>), and with which properties.
/// </summary>
public sealed class ScheduleRequest
{
    /// <summary>Creates a request for the Canvas or campaign <paramref name="id"/>.</summary>
    public ScheduleRequest(ScheduleTarget target, string id, Schedule schedule)
    {
        Target = target;
        Id = id ?? throw new ArgumentNullException(nameof(id));
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
    }

    /// <summary>Canvas or campaign.</summary>
    public ScheduleTarget Target { get; }

    /// <summary><c>canvas_id</c> or <c>campaign_id</c>.</summary>
    public string Id { get; }

    /// <summary>When to send.</summary>
    public Schedule Schedule { get; }

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

    /// <summary>Checks every rule of the scheduling endpoints.</summary>
    public PayloadValidationResult Validate(BrazeValidationOptions? options = null)
    {
        var context = new ValidationContext(options);
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
        context.Push("schedule");
        Schedule.Validate(context);
        context.Pop();
        return new PayloadValidationResult([.. context.Errors], false);
    }

    /// <summary>Writes the create body.</summary>
    internal void WriteTo(Utf8JsonWriter writer, BrazeWriteContext context, bool legacyContextName = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var contextName = legacyContextName ? "canvas_entry_properties" : "context";
        writer.WriteStartObject();
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

        writer.WritePropertyName("schedule");
        Schedule.WriteTo(writer);
        writer.WriteEndObject();
    }
}
