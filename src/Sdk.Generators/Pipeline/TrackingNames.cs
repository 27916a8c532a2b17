namespace Braze.Generators;

/// <summary>Names of the pipeline steps, so tests can prove every step caches.</summary>
internal static class TrackingNames
{
    public const string Events = "BrazeEvents";
    public const string Purchases = "BrazePurchases";
    public const string Contexts = "BrazeContexts";
    public const string TriggerProperties = "BrazeTriggerProperties";
    public const string Objects = "BrazeObjects";
    public const string UserAttributes = "BrazeUserAttributes";

    /// <summary>The tracking plan's entries of each type.</summary>
    public const string PlanEntries = "BrazePlanEntries";

    /// <summary>All entries of the compilation, sorted.</summary>
    public const string Plan = "BrazeTrackingPlan";

    /// <summary>Whether the build asks for the plan's files (BrazeTrackingPlanOutput), and the assembly's name.</summary>
    public const string PlanOutput = "BrazeTrackingPlanOutput";

    public static readonly string[] All = [Events, Purchases, Contexts, TriggerProperties, Objects, UserAttributes, PlanEntries, Plan, PlanOutput];
}
