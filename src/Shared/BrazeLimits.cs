// Shared source: compiled into Braze.Sdk and into the netstandard2.0 generator (see src/Shared/README.md).
namespace Braze.Shared;

/// <summary>
/// Braze's documented default limits (spec §3 to §9): the one place they are written. The runtime's
/// <c>BrazeValidationOptions</c> defaults, the analyzer's diagnostics, the client and the emulator all read these.
/// </summary>
internal static class BrazeLimits
{
    /// <summary>Characters (code points) in a string value, a name or an event name.</summary>
    public const int MaxStringLength = 255;

    /// <summary>Properties Braze captures per event or purchase.</summary>
    public const int MaxPropertiesPerObject = 256;

    /// <summary>Attributes + events + purchases in one <c>/users/track</c> request.</summary>
    public const int MaxObjectsPerRequest = 75;

    /// <summary>Bytes in one request body.</summary>
    public const int MaxRequestBodyBytes = 4_000_000;

    /// <summary>Bytes of JSON in event or purchase properties that hold arrays or objects, and in one nested custom attribute.</summary>
    public const int MaxNestedPayloadBytes = 51_200;

    /// <summary>The most an account can raise <see cref="MaxNestedPayloadBytes"/> to.</summary>
    public const int MaxNestedPayloadBytesCeiling = 102_400;

    /// <summary>Elements of an array custom attribute.</summary>
    public const int MaxArrayAttributeLength = 500;

    /// <summary>Recipients of one schedule request.</summary>
    public const int MaxRecipients = 50;

    /// <summary>Bytes of JSON in Canvas <c>context</c> or campaign <c>trigger_properties</c>.</summary>
    public const int MaxScheduleContextBytes = 51_200;

    /// <summary>Characters of JSON in a Canvas User Update step.</summary>
    public const int MaxUserUpdateStepCharacters = 65_536;

    /// <summary>Identifiers of one <c>/users/export/ids</c> request.</summary>
    public const int MaxExportIdentifiers = 50;

    /// <summary>The purchase <c>quantity</c> range.</summary>
    public const int MinQuantity = 1;

    /// <inheritdoc cref="MinQuantity"/>
    public const int MaxQuantity = 100;

    /// <summary>Requests to <c>/users/track</c> per <see cref="UsersTrackWindowSeconds"/> (spec §2).</summary>
    public const int UsersTrackRequestsPerWindow = 3_000;

    /// <summary>The window of <see cref="UsersTrackRequestsPerWindow"/>, in seconds.</summary>
    public const int UsersTrackWindowSeconds = 3;

    /// <summary>Requests per hour to the other endpoints (scheduling, broadcasts, export), shared (spec §2).</summary>
    public const int OtherRequestsPerHour = 250_000;

    /// <summary>
    /// Levels of objects and arrays below an attributes, event or purchase object (project decision: Braze documents
    /// none, and a body nested deeper than a JSON reader takes fails as a whole; this keeps the whole request well
    /// inside the usual 64 levels, so a deep value is its own object's error).
    /// </summary>
    public const int MaxNestingDepth = 32;

    /// <summary>
    /// The depth to which a body is read when it is judged, far past <see cref="MaxNestingDepth"/>: an object nested
    /// deeper than the rule allows is that object's error, not a malformed request, up to this depth. Deeper than this
    /// the body is refused as a whole, because parsing time grows with the square of the depth (a 4 MB body of
    /// 1,000-deep chains takes about 2 s to read; unbounded, a hostile body could hold a reader for minutes).
    /// </summary>
    public const int MaxDocumentDepth = 1000;

    /// <summary>Items in one identity request (aliases, identifications, renames, removals, merges, deletions): Braze's 50.</summary>
    public const int MaxIdentityItems = 50;

    /// <summary>How many days ahead a schedule may be by default (a project decision; Braze documents none).</summary>
    public const int MaxScheduleAheadDays = 90;

    /// <summary>
    /// The earliest UTC offset of any time zone, in hours (UTC-12): an <c>in_local_time</c> wall-clock time has passed
    /// in every zone once it has passed there.
    /// </summary>
    public const int LatestUtcOffsetHours = 12;

    /// <summary>The latest year Braze stores a time for (the earliest is 0).</summary>
    public const int MaxYear = 3000;
}
