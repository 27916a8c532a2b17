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

    public static readonly string[] All = [Events, Purchases, Contexts, TriggerProperties, Objects, UserAttributes];
}
