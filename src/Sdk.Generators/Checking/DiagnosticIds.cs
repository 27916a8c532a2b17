namespace Braze.Generators.Checking;

/// <summary>
/// The Braze diagnostic ids and the keys of the properties a diagnostic carries to its code fix. Compiled into the
/// analyzer and, as a linked file, into <c>Braze.Sdk.CodeFixes</c>: one statement of each id.
/// </summary>
internal static class DiagnosticIds
{
    public const string NotPartial = "BRZ0001";
    public const string EventName = "BRZ0002";
    public const string PropertyName = "BRZ0003";
    public const string ReservedName = "BRZ0004";
    public const string DuplicateName = "BRZ0005";
    public const string TooManyProperties = "BRZ0006";
    public const string UnsupportedType = "BRZ0007";
    public const string TimeInCollection = "BRZ0008";
    public const string AmbiguousDateTime = "BRZ0009";
    public const string StandardField = "BRZ0010";
    public const string IdentifierField = "BRZ0011";
    public const string UnsupportedDeclaration = "BRZ0012";
    public const string TrackingPlanDrift = "BRZ0013";
    public const string NotInTrackingPlan = "BRZ0014";
    public const string ConflictingTypes = "BRZ0015";

    /// <summary>
    /// The property holding the wire name a code fix writes: the valid name the analyzer planned for the diagnostic's
    /// member (BRZ0003, BRZ0004, BRZ0005, BRZ0010) or event (BRZ0002), or the member's own wire name, which the strings
    /// that replace a collection of times keep (BRZ0008). Absent when there is none, or the fix could not edit it (an
    /// inherited member).
    /// </summary>
    public const string SuggestedName = "BrazeSuggestedName";

    /// <summary>The property holding the line a BRZ0014 code fix adds to <see cref="TrackingPlanUnshipped"/>.</summary>
    public const string PlanLine = "BrazeTrackingPlanLine";

    /// <summary>The reviewed tracking plan of the released versions (docs/tracking-plan.md).</summary>
    public const string TrackingPlanShipped = "BrazeTrackingPlan.Shipped.txt";

    /// <summary>The tracking plan's changes since the last release: new entries, and <c>*REMOVED*</c> shipped ones.</summary>
    public const string TrackingPlanUnshipped = "BrazeTrackingPlan.Unshipped.txt";
}
