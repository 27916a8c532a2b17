using Braze.Shared;

namespace Braze;

/// <summary>How the per-request object limit of <c>/users/track</c> is counted.</summary>
public enum ObjectLimitScope
{
    /// <summary>Current Braze rule: the limit applies to attributes + events + purchases together (75 by default).</summary>
    Total = 0,

    /// <summary>Legacy rate limits: the limit applies to each array separately (75 each, 225 in all).</summary>
    PerArray = 1,
}

/// <summary>
/// The limits and switches of Braze's rules that the SDK and the emulator enforce. Defaults are the current
/// documented values (see <c>docs/validation.md</c>); each is settable for accounts on other contracts.
/// </summary>
public sealed class BrazeValidationOptions
{
    /// <summary>The shared default instance. Do not mutate it; create your own instead.</summary>
    internal static BrazeValidationOptions Default { get; } = new();

    /// <summary>Objects per <c>/users/track</c> request. Default 75.</summary>
    public int MaxObjectsPerRequest { get; set; } = BrazeLimits.MaxObjectsPerRequest;

    /// <summary>Whether <see cref="MaxObjectsPerRequest"/> counts the three arrays together (default) or each separately.</summary>
    public ObjectLimitScope ObjectLimitScope { get; set; } = ObjectLimitScope.Total;

    /// <summary>Largest request body in bytes. Default 4,000,000 (Braze documents 4 MB).</summary>
    public int MaxRequestBodyBytes { get; set; } = BrazeLimits.MaxRequestBodyBytes;

    /// <summary>Largest event or purchase <c>properties</c> object, in UTF-8 bytes, when it contains arrays or objects. Default 51,200 (50 KB); Braze's current pages allow up to 102,400.</summary>
    public int MaxPropertiesPayloadBytes { get; set; } = BrazeLimits.MaxNestedPayloadBytes;

    /// <summary>Largest nested custom attribute object or array of objects, in UTF-8 bytes. Default 51,200 (50 KB).</summary>
    public int MaxNestedAttributeBytes { get; set; } = BrazeLimits.MaxNestedPayloadBytes;

    /// <summary>Most elements in an array custom attribute. Default 500.</summary>
    public int MaxArrayAttributeLength { get; set; } = BrazeLimits.MaxArrayAttributeLength;

    /// <summary>Most properties on one event or purchase. Default 256.</summary>
    public int MaxPropertiesPerObject { get; set; } = BrazeLimits.MaxPropertiesPerObject;

    /// <summary>Longest string value, property name or attribute key, in Unicode code points. Default 255.</summary>
    public int MaxStringLength { get; set; } = BrazeLimits.MaxStringLength;

    /// <summary>Most recipients in one schedule create request. Default 50.</summary>
    public int MaxRecipients { get; set; } = BrazeLimits.MaxRecipients;

    /// <summary>Largest Canvas <c>context</c> or campaign <c>trigger_properties</c>, in UTF-8 bytes. Default 51,200 (50 KB).</summary>
    public int MaxScheduleContextBytes { get; set; } = BrazeLimits.MaxScheduleContextBytes;

    /// <summary>
    /// How far ahead <c>schedule.time</c> may be. Default 90 days (a project decision: Braze's scheduling pages set
    /// no number, and a schedule months away is more often a wrong year than a plan).
    /// </summary>
    public TimeSpan MaxScheduleAhead { get; set; } = TimeSpan.FromDays(BrazeLimits.MaxScheduleAheadDays);

    /// <summary>Longest Canvas User Update step JSON, in characters. Default 65,536.</summary>
    public int MaxUserUpdateStepCharacters { get; set; } = BrazeLimits.MaxUserUpdateStepCharacters;

    /// <summary>
    /// When true, a <see cref="DateTime"/> of kind <see cref="DateTimeKind.Unspecified"/> is taken as UTC.
    /// When false (default) it is a validation error, because its meaning is ambiguous.
    /// </summary>
    public bool AssumeUtcForUnspecifiedDateTime { get; set; }

    /// <summary>Checks that the limits themselves make sense; throws <see cref="ArgumentOutOfRangeException"/> otherwise.</summary>
    internal void EnsureValid()
    {
        Positive(MaxObjectsPerRequest, nameof(MaxObjectsPerRequest));
        Positive(MaxRequestBodyBytes, nameof(MaxRequestBodyBytes));
        Positive(MaxPropertiesPayloadBytes, nameof(MaxPropertiesPayloadBytes));
        Positive(MaxNestedAttributeBytes, nameof(MaxNestedAttributeBytes));
        Positive(MaxArrayAttributeLength, nameof(MaxArrayAttributeLength));
        Positive(MaxPropertiesPerObject, nameof(MaxPropertiesPerObject));
        Positive(MaxStringLength, nameof(MaxStringLength));
        Positive(MaxRecipients, nameof(MaxRecipients));
        Positive(MaxScheduleContextBytes, nameof(MaxScheduleContextBytes));
        Positive(MaxUserUpdateStepCharacters, nameof(MaxUserUpdateStepCharacters));
        if (MaxScheduleAhead <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxScheduleAhead), MaxScheduleAhead, "MaxScheduleAhead must be positive.");
        }
        if (MaxPropertiesPayloadBytes > BrazeLimits.MaxNestedPayloadBytesCeiling)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPropertiesPayloadBytes), MaxPropertiesPayloadBytes, "Braze accepts at most 100 KB (102,400 bytes) of event properties.");
        }

        if (MaxNestedAttributeBytes > BrazeLimits.MaxNestedPayloadBytesCeiling)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxNestedAttributeBytes), MaxNestedAttributeBytes, "Braze accepts at most 100 KB (102,400 bytes) per nested custom attribute.");
        }

        static void Positive(int value, string name)
        {
            if (value <= 0)
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be greater than zero.");
            }
        }
    }
}
