namespace Braze.Payloads;

/// <summary>The wire names that depend on <see cref="ScheduleTarget"/>, in one place.</summary>
internal static class ScheduleTargets
{
    /// <summary><c>canvas_id</c> or <c>campaign_id</c>: the field that names the message.</summary>
    public static string IdField(this ScheduleTarget target) => target switch
    {
        ScheduleTarget.Canvas => "canvas_id",
        ScheduleTarget.Campaign => "campaign_id",
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown schedule target."),
    };
}
