using System.Text.Json;
using Braze.Generated;
using Braze.Payloads;

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

    /// <summary>Who gets the message and with which properties: the part a schedule shares with a trigger send.</summary>
    internal MessageFields Fields => new(Target, Id, Recipients, Broadcast, Audience, Context, TriggerProperties, SendId);

    /// <summary>Checks every rule of the scheduling endpoints.</summary>
    public PayloadValidationResult Validate(BrazeValidationOptions? options = null)
    {
        var context = new ValidationContext(options);
        Fields.Validate(context);
        context.Push("schedule");
        Schedule.Validate(context);
        context.Pop();
        return new PayloadValidationResult([.. context.Errors], false);
    }

    /// <summary>Writes the create body.</summary>
    internal void WriteTo(Utf8JsonWriter writer, BrazeWriteContext context, bool legacyContextName = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        Fields.WriteTo(writer, context, legacyContextName);
        writer.WritePropertyName("schedule");
        Schedule.WriteTo(writer);
        writer.WriteEndObject();
    }
}
