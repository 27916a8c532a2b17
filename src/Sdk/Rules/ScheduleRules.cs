using System.Globalization;
using Braze.Generated;
using Braze.Shared;

namespace Braze.Rules;

/// <summary>Rules of the scheduling endpoints (spec §8) that are not plain value rules, shared by the typed and JSON faces.</summary>
internal static class ScheduleRules
{
    /// <summary>Recipients are identified by external_user_id, user_alias, braze_id or email; phone is not accepted.</summary>
    public static void RecipientPhone(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Report(ValidationCodes.NotAllowed, "Recipients cannot be identified by phone; use external_user_id, user_alias, braze_id or email.");
    }

    /// <summary>
    /// Recipient options: email needs <c>prioritization</c>; <c>send_to_existing_only</c> is not allowed with a user
    /// alias; <c>send_to_existing_only: false</c> needs <c>attributes</c>.
    /// </summary>
    public static void RecipientOptions(ValidationContext context, bool byEmail, bool hasPrioritization, bool byAlias, bool? sendToExistingOnly, bool hasAttributes)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (byEmail && !hasPrioritization)
        {
            context.Push("prioritization");
            context.Report(ValidationCodes.Required, "prioritization is required when a recipient is given by email (for example [\"identified\", \"most_recently_updated\"]).");
            context.Pop();
        }

        if (sendToExistingOnly is not null && byAlias)
        {
            context.Push("send_to_existing_only");
            context.Report(ValidationCodes.NotAllowed, "send_to_existing_only is not allowed with user_alias.");
            context.Pop();
        }

        if (sendToExistingOnly == false && !hasAttributes)
        {
            context.Push("send_to_existing_only");
            context.Report(ValidationCodes.Required, "send_to_existing_only: false needs attributes to create the user with.");
            context.Pop();
        }
    }

    /// <summary>
    /// A create goes to someone: <c>recipients</c>, an <c>audience</c>, or <c>broadcast: true</c> (the whole segment).
    /// Reported at <c>recipients</c>.
    /// </summary>
    public static bool HasTargets(ValidationContext context, bool hasRecipients, bool hasAudience, bool broadcast)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (hasRecipients || hasAudience || broadcast)
        {
            return true;
        }

        context.Push("recipients");
        context.Report(ValidationCodes.RecipientsRequired, "The request has no recipients, no audience and no \"broadcast\": true; Braze refuses it. Set broadcast to send to the whole segment.");
        context.Pop();
        return false;
    }

    /// <summary>
    /// The window of <c>schedule.time</c>, checked at the context's path (the time): at most
    /// <see cref="BrazeValidationOptions.MaxScheduleAhead"/> ahead; with <c>in_local_time</c> (a wall-clock time) refused
    /// only once it has passed in every time zone (the last is UTC-12), and with <c>at_optimal_time</c> once its whole
    /// date has. A UTC time in the past is Braze's to judge (it sends at once), so it is not checked.
    /// </summary>
    /// <param name="context">Where to report.</param>
    /// <param name="timeTicks">The time as parsed (UTC ticks; for the flags, the wall clock read as UTC).</param>
    /// <param name="inLocalTime">The time is a wall-clock time in each user's zone.</param>
    /// <param name="atOptimalTime">Only the date counts.</param>
    /// <param name="now">The current time.</param>
    public static bool Window(ValidationContext context, long timeTicks, bool inLocalTime, bool atOptimalTime, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        var max = context.Options.MaxScheduleAhead;
        if (timeTicks - now.UtcTicks > max.Ticks)
        {
            context.Report(ValidationCodes.ScheduleTooFarAhead, string.Create(CultureInfo.InvariantCulture, $"schedule.time is {TimeSpan.FromTicks(timeTicks - now.UtcTicks).TotalDays:0.#} days ahead; a schedule may be at most {max.TotalDays:0.##} days ahead (MaxScheduleAhead)."));
            return false;
        }

        var lastInstant = timeTicks + TimeSpan.FromHours(BrazeLimits.LatestUtcOffsetHours).Ticks + (atOptimalTime ? TimeSpan.TicksPerDay : 0);
        if ((inLocalTime || atOptimalTime) && lastInstant < now.UtcTicks)
        {
            context.Report(ValidationCodes.ScheduleTimePassed, inLocalTime
                ? "schedule.time in local time has already passed in every time zone; Braze refuses it."
                : "The date of an at_optimal_time schedule has already passed in every time zone; Braze refuses it.");
            return false;
        }

        return true;
    }
}
