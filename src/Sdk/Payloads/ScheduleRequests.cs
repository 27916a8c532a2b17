using System.Text.Json;
using Braze.Generated;

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
public sealed class ScheduleRequest : MessageRequest
{
    /// <summary>Creates a request for the Canvas or campaign <paramref name="id"/>.</summary>
    public ScheduleRequest(ScheduleTarget target, string id, Schedule schedule)
        : base(target, id)
    {
        Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
    }

    /// <summary>When to send.</summary>
    public Schedule Schedule { get; }

    /// <summary>Checks every rule of the scheduling endpoints.</summary>
    public PayloadValidationResult Validate(BrazeValidationOptions? options = null)
    {
        var context = new ValidationContext(options);
        ValidateMessage(context);
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
        WriteMessage(writer, context, legacyContextName);
        writer.WritePropertyName("schedule");
        Schedule.WriteTo(writer);
        writer.WriteEndObject();
    }
}
