using Braze.Generated;

namespace Braze.Rules;

/// <summary>Identifier rules shared by the typed attributes, event and purchase objects.</summary>
internal static class ObjectRules
{
    /// <summary>
    /// A /users/track object needs its identifier; a User Update step object must have none (the typed API
    /// makes "several" impossible).
    /// </summary>
    public static void Identifier(ValidationContext context, UserId? user)
    {
        if (context.IsUserUpdateStep)
        {
            if (user is not null)
            {
                context.Push(user.FieldName);
                BrazeRules.ForbiddenInUserUpdateStep(context, "a user identifier");
                context.Pop();
            }

            return;
        }

        if (user is null)
        {
            BrazeRules.IdentifierCount(context, 0);
            return;
        }

        user.Validate(context);
    }
}
