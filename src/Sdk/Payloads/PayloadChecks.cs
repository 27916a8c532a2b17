using Braze.Generated;
using Braze.Rules;

namespace Braze.Payloads;

/// <summary>
/// The parts of the typed walk that several model types share: each applies the rules of <c>Rules/</c> to a model
/// value (an identifier, a nested value, a properties object), reporting at the context's current path.
/// </summary>
internal static class PayloadChecks
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

    /// <summary><c>$identifier_value</c> is a string, number or boolean.</summary>
    public static bool IdentifierValue(ValidationContext context, BrazeValue value)
    {
        ArgumentNullException.ThrowIfNull(context);
        switch (value.Kind)
        {
            case BrazeValueKind.String:
                return BrazeRules.StringValue(context, value.AsString!);
            case BrazeValueKind.Integer or BrazeValueKind.Decimal or BrazeValueKind.Boolean:
                return true;
            case BrazeValueKind.Float:
                return BrazeRules.Number(context, value.AsDouble!.Value);
            case BrazeValueKind.Liquid:
                value.Validate(context, PropertiesUsage.NestedAttribute);
                return true;
            default:
                AttributeRules.InvalidIdentifierValue(context);
                return false;
        }
    }

    /// <summary>Context or trigger properties: their own value rules plus the 50 KB limit.</summary>
    public static void Properties(ValidationContext context, string field, IBrazeProperties? properties, PropertiesUsage usage)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (properties is null)
        {
            return;
        }

        context.Push(field);
        properties.Validate(context, usage);
        if (PropertiesValidation.TryMeasure(context, properties, out var bytes))
        {
            BrazeRules.ScheduleContextSize(context, bytes);
        }

        context.Pop();
    }
}
