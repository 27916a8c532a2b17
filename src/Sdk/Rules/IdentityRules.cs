using Braze.Generated;
using Braze.Shared;

namespace Braze.Rules;

/// <summary>Rules of the identity endpoints (<c>/users/alias/new</c>, <c>/users/identify</c>, rename, remove, merge, delete; spec §13), shared by both faces.</summary>
internal static class IdentityRules
{
    /// <summary>Values of <c>merge_behavior</c> on <c>/users/identify</c>.</summary>
    public static readonly IReadOnlyList<string> MergeBehaviors = ["merge", "none"];

    /// <summary>
    /// An identity request holds 1 to 50 items in <paramref name="field"/>, or, when it is null (<c>/users/delete</c>
    /// and <c>/users/identify</c>, whose lists count together), in the whole request, reported at its root: an empty
    /// request is refused by Braze, and so is a 51st item.
    /// </summary>
    public static bool ItemCount(ValidationContext context, string? field, int count)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (count is > 0 and <= BrazeLimits.MaxIdentityItems)
        {
            return true;
        }

        if (field is not null)
        {
            context.Push(field);
        }

        context.Report(count == 0 ? ValidationCodes.Required : ValidationCodes.TooManyObjects, count == 0
            ? "The request has no items; Braze needs at least one."
            : $"The request has {count} items; Braze accepts at most {BrazeLimits.MaxIdentityItems} in one call.");
        if (field is not null)
        {
            context.Pop();
        }

        return false;
    }

    /// <summary><c>merge_behavior</c> is <c>merge</c> or <c>none</c> (null when absent or valid).</summary>
    public static bool MergeBehavior(ValidationContext context, string? invalidValue)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (invalidValue is null)
        {
            return true;
        }

        using var scope = context.Enter("merge_behavior");
        context.Report(ValidationCodes.NotAllowed, "merge_behavior is merge or none.");
        return false;
    }

    /// <summary>A subscription group update names its users in one or more lists, but not emails and phones together.</summary>
    public static bool SubscriptionUsers(ValidationContext context, int lists, bool emailsAndPhones)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (lists > 0 && !emailsAndPhones)
        {
            return true;
        }

        context.Report(lists == 0 ? ValidationCodes.Required : ValidationCodes.NotAllowed, lists == 0
            ? "A subscription group update needs external_ids, emails or phones."
            : "A subscription group update cannot hold both emails and phones; send them in two updates.");
        return false;
    }

    /// <summary>An identifier of a kind the endpoint does not take, reported at the current path.</summary>
    public static void WrongIdentifier(ValidationContext context, string expected)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Report(ValidationCodes.IdentifierInvalid, $"This endpoint takes {expected} here.");
    }
}
