using Braze.Generated;

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
}
