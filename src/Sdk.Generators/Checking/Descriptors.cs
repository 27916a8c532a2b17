using System.Globalization;
using Braze.Shared;
using Microsoft.CodeAnalysis;

namespace Braze.Generators.Checking;

/// <summary>
/// The one catalog of Braze diagnostics (ids in <see cref="DiagnosticIds"/>). Each has a page at
/// <c>docs/diagnostics/BRZxxxx.md</c>.
/// </summary>
internal static class Descriptors
{
    private const string Category = "Braze";
    private const string HelpRoot = "https://github.com/braze-dotnet/braze-sdk/blob/main/docs/diagnostics/";

    // The limits and reserved names in the texts come from the shared tables, so a text never states another rule.
    private static readonly string MaxLength = BrazeLimits.MaxStringLength.ToString(CultureInfo.InvariantCulture);
    private static readonly string MaxProperties = BrazeLimits.MaxPropertiesPerObject.ToString(CultureInfo.InvariantCulture);

    public static readonly DiagnosticDescriptor NotPartial = Create(DiagnosticIds.NotPartial, "Braze payload type must be partial",
        "'{0}' is marked [{1}] but is not partial (and every containing type must be partial too), so no code can be generated for it",
        "The source generator adds the payload writer to the type, which needs a partial declaration.", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor EventName = Create(DiagnosticIds.EventName, "Invalid Braze event name",
        "The event name of '{0}' is {1}; Braze requires a non-empty name of at most " + MaxLength + " characters",
        "Braze rejects events without a name; names longer than " + MaxLength + " characters are not accepted.", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor PropertyName = Create(DiagnosticIds.PropertyName, "Invalid Braze property name",
        "Property name '{0}' of '{1}' is invalid: {2}",
        "Braze property names are non-empty, at most " + MaxLength + " characters and do not start with '$'; nested object keys also have no space, '.' or '$'.", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor ReservedName = Create(DiagnosticIds.ReservedName, "Reserved Braze property name",
        "Property name '{0}' is reserved in {1} properties; Braze answers \"Invalid 'properties' field\"",
        "Custom event properties cannot use " + Quoted(PropertyNames.ReservedInEvent) + "; purchase properties cannot use " + Quoted(PropertyNames.ReservedInPurchase) + ".", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor DuplicateName = Create(DiagnosticIds.DuplicateName, "Duplicate Braze property name",
        "Members '{0}' and '{1}' both become the property '{2}'",
        "Two members map to the same wire name after the naming policy or [BrazeProperty]; one would overwrite the other.", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor TooManyProperties = Create(DiagnosticIds.TooManyProperties, "Too many Braze properties",
        "'{0}' has {1} properties; Braze captures at most " + MaxProperties + " per event or purchase",
        "Braze keeps only the first " + MaxProperties + " properties of an event or purchase; the SDK treats more as an error.", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnsupportedType = Create(DiagnosticIds.UnsupportedType, "Unsupported Braze property type",
        "Member '{0}' has type '{1}', which cannot be sent to Braze; use a string, number, bool, time, enum, Guid, Uri, a collection of those or a [BrazeObject] record",
        "Only types with a defined Braze representation are supported; mark the member [BrazeIgnore] to leave it out.", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor TimeInCollection = Create(DiagnosticIds.TimeInCollection, "Time inside a collection",
        "Member '{0}' is a collection of times; Braze does not accept datetimes inside arrays",
        "Braze rejects datetime values inside arrays. Send the times as separate properties, or as strings if they are only labels.", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor AmbiguousDateTime = Create(DiagnosticIds.AmbiguousDateTime, "DateTime member has an ambiguous time zone",
        "Member '{0}' is a DateTime; a value of kind Unspecified fails validation at run time, prefer DateTimeOffset",
        "A DateTime of kind Unspecified has no time zone. The SDK rejects it unless AssumeUtcForUnspecifiedDateTime is set; DateTimeOffset is unambiguous.", DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor StandardField = Create(DiagnosticIds.StandardField, "Custom attribute named like a standard profile field with another type",
        "Member '{0}' becomes '{1}', Braze's standard profile field, but has type '{2}' (the field takes {3})",
        "Any attribute key that is a Braze profile field sets that field, with its own type and format. A member of the field's type is set through the builder's typed standard method (SetFirstName, SetDateOfBirth, ...); any other type is an error. Rename the member or map it with [BrazeProperty] to a custom attribute name.", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor IdentifierField = Create(DiagnosticIds.IdentifierField, "Identifier or push token field on a user attributes record",
        "Member '{0}' becomes '{1}', which identifies the user or imports push tokens; it cannot be an attribute and is forbidden in a Canvas User Update step",
        "Identifiers come from the UserId given to Update(user); push token import and control flags are not attributes.", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnsupportedDeclaration = Create(DiagnosticIds.UnsupportedDeclaration, "Braze payload type cannot be generated",
        "'{0}' cannot be a Braze payload type: {1}",
        "The generator writes one non-generic partial declaration per payload type. Generic types (or types nested in generic types), static classes and types with more than one Braze marker attribute are not supported.", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor TrackingPlanDrift = Create(DiagnosticIds.TrackingPlanDrift, "Tracking plan entry does not match the code",
        "'{0}' in {1}: {2}",
        "A name in " + DiagnosticIds.TrackingPlanShipped + " that the code no longer sends with that type was removed, renamed or retyped: dashboards, segments and Canvases built on it stop receiving data. The change is accepted by the line '*REMOVED*<entry>' in " + DiagnosticIds.TrackingPlanUnshipped + ". Lines of " + DiagnosticIds.TrackingPlanUnshipped + " must match the code too.",
        DiagnosticSeverity.Warning, WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor NotInTrackingPlan = Create(DiagnosticIds.NotInTrackingPlan, "Name not in the tracking plan",
        "'{0}' is not in the tracking plan{1}",
        "The project has a tracking plan (" + DiagnosticIds.TrackingPlanShipped + " / " + DiagnosticIds.TrackingPlanUnshipped + "), and a record sends a name with a Braze type that neither file lists. Add the line to " + DiagnosticIds.TrackingPlanUnshipped + " (the code fix does) so that the new name is reviewed.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor ConflictingTypes = Create(DiagnosticIds.ConflictingTypes, "Name sent with conflicting Braze types",
        "{0} '{1}' is sent as {2} here but as {3}; Braze keeps one data type per name",
        "Braze infers one data type per custom attribute (and reports, segments and filters event and purchase properties by one type per name): values of another type are rejected or stored as the wrong type. Use one Braze type for a name in every record, or give one of them another name.",
        DiagnosticSeverity.Warning, WellKnownDiagnosticTags.CompilationEnd);

    /// <summary><c>'a', 'b' or 'c'</c>.</summary>
    private static string Quoted(string[] names)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < names.Length; i++)
        {
            text.Append(i == 0 ? string.Empty : i == names.Length - 1 ? " or " : ", ").Append('\'').Append(names[i]).Append('\'');
        }

        return text.ToString();
    }

    private static DiagnosticDescriptor Create(string id, string title, string message, string description, DiagnosticSeverity severity, params string[] tags)
        => new(id, title, message, Category, severity, isEnabledByDefault: true, description: description, helpLinkUri: HelpRoot + id + ".md", customTags: tags);
}
