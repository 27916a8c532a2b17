using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Braze.Emulator;

/// <summary>
/// The standalone emulator's command line (System.CommandLine): one option per <see cref="BrazeEmulatorOptions"/>
/// setting, with the library's defaults except the port (5080) and the storage (a file under <c>.braze-emulator</c>).
/// </summary>
internal sealed class EmulatorCommandLine
{
    /// <summary>The port the command line listens on unless told otherwise (the library's default is 0, any free port).</summary>
    public const int DefaultPort = 5080;

    /// <summary>The SQLite file the command line uses unless told otherwise (the library's default is in memory).</summary>
    public static readonly string DefaultDatabasePath = Path.Combine(".braze-emulator", "emulator.db");

    private static readonly BrazeEmulatorOptions s_defaults = new();

    private readonly Option<int> _port = Int("--port", "The loopback port (127.0.0.1); 0 picks a free one, which the first output line names.", DefaultPort);
    private readonly Option<string> _apiKey = new("--api-key") { Description = "The REST API key the emulator accepts (Authorization: Bearer <key>).", HelpName = "key", DefaultValueFactory = _ => s_defaults.ApiKey };
    private readonly Option<string> _db = new("--db") { Description = "SQLite file for profiles, events and schedules (created if missing).", HelpName = "path", DefaultValueFactory = _ => DefaultDatabasePath };
    private readonly Option<bool> _inMemory = new("--in-memory") { Description = "Keep everything in memory instead of a file (excludes --db)." };

    private readonly Option<int> _maxObjects = Int("--max-objects-per-request", "Objects per /users/track request.", s_defaults.Validation.MaxObjectsPerRequest);
    private readonly Option<ObjectLimitScope> _objectLimitScope = new("--object-limit-scope")
    {
        Description = "How --max-objects-per-request counts: across the three arrays together (total) or each array separately (per-array, legacy rate limits).",
        HelpName = "total|per-array",
        DefaultValueFactory = _ => s_defaults.Validation.ObjectLimitScope,
        CustomParser = ParseScope,
    };

    private readonly Option<int> _maxBody = Int("--max-request-body-bytes", "Largest request body Braze accepts (413 above it). The emulator reads bodies up to 1 MiB beyond this and answers 413 without reading larger ones.", s_defaults.Validation.MaxRequestBodyBytes);
    private readonly Option<int> _maxProperties = Int("--max-properties-payload-bytes", "Largest event or purchase properties object with nested values, in UTF-8 bytes (at most 102400).", s_defaults.Validation.MaxPropertiesPayloadBytes);
    private readonly Option<int> _maxNested = Int("--max-nested-attribute-bytes", "Largest nested custom attribute, in UTF-8 bytes (at most 102400).", s_defaults.Validation.MaxNestedAttributeBytes);
    private readonly Option<int> _maxArray = Int("--max-array-attribute-length", "Most elements in an array custom attribute.", s_defaults.Validation.MaxArrayAttributeLength);
    private readonly Option<int> _maxPropertiesPerObject = Int("--max-properties-per-object", "Most properties on one event or purchase.", s_defaults.Validation.MaxPropertiesPerObject);
    private readonly Option<int> _maxString = Int("--max-string-length", "Longest string value, property name or attribute key, in code points.", s_defaults.Validation.MaxStringLength);
    private readonly Option<int> _maxRecipients = Int("--max-recipients", "Most recipients in one schedule create request.", s_defaults.Validation.MaxRecipients);
    private readonly Option<int> _maxContext = Int("--max-schedule-context-bytes", "Largest Canvas context or campaign trigger_properties, in UTF-8 bytes.", s_defaults.Validation.MaxScheduleContextBytes);
    private readonly Option<int> _maxStep = Int("--max-user-update-step-characters", "Longest Canvas User Update step JSON, in characters.", s_defaults.Validation.MaxUserUpdateStepCharacters);
    private readonly Option<TimeSpan> _maxScheduleAhead = Duration("--max-schedule-ahead", "How far ahead schedule.time may be.", s_defaults.Validation.MaxScheduleAhead);
    private readonly Option<bool> _assumeUtc = new("--assume-utc-for-unspecified-datetime") { Description = "Take a DateTime of unspecified kind as UTC instead of reporting it." };

    private readonly Option<int> _trackLimit = Int("--track-limit", "/users/track requests per window (429 above).", s_defaults.TrackRequestsPerWindow);
    private readonly Option<TimeSpan> _trackWindow = Duration("--track-window", "The /users/track window.", s_defaults.TrackWindow);
    private readonly Option<int> _otherLimit = Int("--other-limit", "Requests per window on every other endpoint.", s_defaults.OtherRequestsPerWindow);
    private readonly Option<TimeSpan> _otherWindow = Duration("--other-window", "The window of the other endpoints.", s_defaults.OtherWindow);

    private readonly Option<int> _faultSeed = Int("--fault-seed", "Seed of the random fault choice, for repeatable runs.", s_defaults.Faults.Seed);
    private readonly Option<double> _faultRateLimited = Share("--fault-rate-limited", "Share of requests answered 429 (with the window's reset header).");
    private readonly Option<double> _faultInternalError = Share("--fault-internal-error", "Share answered 500.");
    private readonly Option<double> _faultBadGateway = Share("--fault-bad-gateway", "Share answered 502.");
    private readonly Option<double> _faultUnavailable = Share("--fault-unavailable", "Share answered 503.");
    private readonly Option<double> _faultDropBefore = Share("--fault-drop-before-apply", "Share whose connection is dropped before the request is applied.");
    private readonly Option<double> _faultDropAfter = Share("--fault-drop-after-apply", "Share whose connection is dropped after the request was applied (an ambiguous failure).");
    private readonly Option<double> _faultLatency = Share("--fault-latency", "Share delayed by --fault-latency-ms.");
    private readonly Option<int> _faultLatencyMs = Int("--fault-latency-ms", "The added latency, in milliseconds.", s_defaults.Faults.LatencyMilliseconds);
    private readonly Option<string> _faultPathPrefix = new("--fault-path-prefix") { Description = "Which paths the faults apply to (prefix match).", HelpName = "prefix", DefaultValueFactory = _ => s_defaults.Faults.PathPrefix };

    private readonly Option<bool> _recordRequests = new("--record-requests")
    {
        Description = "Keep the bodies of received requests for /_emulator/requests (true|false). Method, path and status are kept either way; the body of an unauthenticated request never is.",
        HelpName = "true|false",
        DefaultValueFactory = _ => s_defaults.RecordRequests,
    };

    private readonly Option<int> _maxRecordedRequests = Int("--max-recorded-requests", "How many received requests are kept, the oldest forgotten first; 0 keeps none.", s_defaults.MaxRecordedRequests);
    private readonly Option<long> _maxRecordedBytes = new("--max-recorded-bytes") { Description = "How many bytes of paths and bodies the kept requests may hold in all, the oldest forgotten first.", HelpName = "bytes", DefaultValueFactory = _ => s_defaults.MaxRecordedBytes };

    public EmulatorCommandLine()
    {
        Root = new RootCommand("A local Braze-compatible server for development and tests: /users/track, Canvas and campaign scheduling and export on 127.0.0.1, with Braze's rules, rate-limit headers, SQLite profiles and injectable faults. Ctrl+C or SIGTERM stops it.")
        {
            _port, _apiKey, _db, _inMemory,
            _maxObjects, _objectLimitScope, _maxBody, _maxProperties, _maxNested, _maxArray, _maxPropertiesPerObject, _maxString, _maxRecipients, _maxContext, _maxStep, _maxScheduleAhead, _assumeUtc,
            _trackLimit, _trackWindow, _otherLimit, _otherWindow,
            _faultSeed, _faultRateLimited, _faultInternalError, _faultBadGateway, _faultUnavailable, _faultDropBefore, _faultDropAfter, _faultLatency, _faultLatencyMs, _faultPathPrefix,
            _recordRequests, _maxRecordedRequests, _maxRecordedBytes,
        };
        Root.Validators.Add(result =>
        {
            if (result.GetResult(_db) is { Implicit: false } && result.GetResult(_inMemory) is { Implicit: false })
            {
                result.AddError("--db and --in-memory exclude each other.");
            }
        });
    }

    /// <summary>The root command; its action is set by the caller.</summary>
    public RootCommand Root { get; }

    /// <summary>The emulator options a successful parse stands for (not yet validated: see <see cref="BrazeEmulatorOptions.Validate"/>).</summary>
    public BrazeEmulatorOptions ToOptions(ParseResult parse) => new()
    {
        Port = parse.GetValue(_port),
        ApiKey = parse.GetValue(_apiKey)!,
        DatabasePath = parse.GetValue(_inMemory) ? null : parse.GetValue(_db),
        Validation = new BrazeValidationOptions
        {
            MaxObjectsPerRequest = parse.GetValue(_maxObjects),
            ObjectLimitScope = parse.GetValue(_objectLimitScope),
            MaxRequestBodyBytes = parse.GetValue(_maxBody),
            MaxPropertiesPayloadBytes = parse.GetValue(_maxProperties),
            MaxNestedAttributeBytes = parse.GetValue(_maxNested),
            MaxArrayAttributeLength = parse.GetValue(_maxArray),
            MaxPropertiesPerObject = parse.GetValue(_maxPropertiesPerObject),
            MaxStringLength = parse.GetValue(_maxString),
            MaxRecipients = parse.GetValue(_maxRecipients),
            MaxScheduleContextBytes = parse.GetValue(_maxContext),
            MaxUserUpdateStepCharacters = parse.GetValue(_maxStep),
            MaxScheduleAhead = parse.GetValue(_maxScheduleAhead),
            AssumeUtcForUnspecifiedDateTime = parse.GetValue(_assumeUtc),
        },
        TrackRequestsPerWindow = parse.GetValue(_trackLimit),
        TrackWindow = parse.GetValue(_trackWindow),
        OtherRequestsPerWindow = parse.GetValue(_otherLimit),
        OtherWindow = parse.GetValue(_otherWindow),
        Faults = new FaultSettings
        {
            Seed = parse.GetValue(_faultSeed),
            RateLimited = parse.GetValue(_faultRateLimited),
            InternalError = parse.GetValue(_faultInternalError),
            BadGateway = parse.GetValue(_faultBadGateway),
            Unavailable = parse.GetValue(_faultUnavailable),
            DropBeforeApply = parse.GetValue(_faultDropBefore),
            DropAfterApply = parse.GetValue(_faultDropAfter),
            Latency = parse.GetValue(_faultLatency),
            LatencyMilliseconds = parse.GetValue(_faultLatencyMs),
            PathPrefix = parse.GetValue(_faultPathPrefix)!,
        },
        RecordRequests = parse.GetValue(_recordRequests),
        MaxRecordedRequests = parse.GetValue(_maxRecordedRequests),
        MaxRecordedBytes = parse.GetValue(_maxRecordedBytes),
    };

    /// <summary>The command-line option of an options property named in a validation message (<see cref="ArgumentException.ParamName"/>).</summary>
    public static string? OptionOf(string? property) => property switch
    {
        nameof(BrazeEmulatorOptions.Port) => "--port",
        nameof(BrazeEmulatorOptions.ApiKey) => "--api-key",
        nameof(BrazeValidationOptions.MaxObjectsPerRequest) => "--max-objects-per-request",
        nameof(BrazeValidationOptions.MaxRequestBodyBytes) => "--max-request-body-bytes",
        nameof(BrazeValidationOptions.MaxPropertiesPayloadBytes) => "--max-properties-payload-bytes",
        nameof(BrazeValidationOptions.MaxNestedAttributeBytes) => "--max-nested-attribute-bytes",
        nameof(BrazeValidationOptions.MaxArrayAttributeLength) => "--max-array-attribute-length",
        nameof(BrazeValidationOptions.MaxPropertiesPerObject) => "--max-properties-per-object",
        nameof(BrazeValidationOptions.MaxStringLength) => "--max-string-length",
        nameof(BrazeValidationOptions.MaxRecipients) => "--max-recipients",
        nameof(BrazeValidationOptions.MaxScheduleContextBytes) => "--max-schedule-context-bytes",
        nameof(BrazeValidationOptions.MaxUserUpdateStepCharacters) => "--max-user-update-step-characters",
        nameof(BrazeValidationOptions.MaxScheduleAhead) => "--max-schedule-ahead",
        nameof(BrazeEmulatorOptions.TrackRequestsPerWindow) => "--track-limit",
        nameof(BrazeEmulatorOptions.TrackWindow) => "--track-window",
        nameof(BrazeEmulatorOptions.OtherRequestsPerWindow) => "--other-limit",
        nameof(BrazeEmulatorOptions.OtherWindow) => "--other-window",
        nameof(FaultSettings.RateLimited) => "--fault-rate-limited",
        nameof(FaultSettings.InternalError) => "--fault-internal-error",
        nameof(FaultSettings.BadGateway) => "--fault-bad-gateway",
        nameof(FaultSettings.Unavailable) => "--fault-unavailable",
        nameof(FaultSettings.DropBeforeApply) => "--fault-drop-before-apply",
        nameof(FaultSettings.DropAfterApply) => "--fault-drop-after-apply",
        nameof(FaultSettings.Latency) => "--fault-latency",
        nameof(FaultSettings.LatencyMilliseconds) => "--fault-latency-ms",
        nameof(FaultSettings.PathPrefix) => "--fault-path-prefix",
        nameof(BrazeEmulatorOptions.MaxRecordedRequests) => "--max-recorded-requests",
        nameof(BrazeEmulatorOptions.MaxRecordedBytes) => "--max-recorded-bytes",
        _ => null,
    };

    private static Option<int> Int(string name, string description, int defaultValue)
        => new(name) { Description = description, HelpName = "n", DefaultValueFactory = _ => defaultValue };

    private static Option<double> Share(string name, string description)
        => new(name) { Description = description + " Between 0 and 1.", HelpName = "share", DefaultValueFactory = _ => 0 };

    private static Option<TimeSpan> Duration(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = description + " A number with ms, s, m, h or d (3s, 500ms, 1h, 90d), or a TimeSpan (00:00:03).",
        HelpName = "duration",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseDuration(result, name),
    };

    private static TimeSpan ParseDuration(ArgumentResult result, string name)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value.Trim() : string.Empty;
        foreach (var (suffix, unit) in new[] { ("ms", TimeSpan.FromMilliseconds(1)), ("s", TimeSpan.FromSeconds(1)), ("m", TimeSpan.FromMinutes(1)), ("h", TimeSpan.FromHours(1)), ("d", TimeSpan.FromDays(1)) })
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var count)
                && double.IsFinite(count) && Math.Abs(count * unit.Ticks) < TimeSpan.MaxValue.Ticks)
            {
                return TimeSpan.FromTicks((long)(count * unit.Ticks));
            }
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span))
        {
            return span;
        }

        result.AddError($"Cannot parse '{text}' for option '{name}' as a duration: use 3s, 500ms, 1m, 1h or 00:00:03.");
        return default;
    }

    private static ObjectLimitScope ParseScope(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value.Trim() : string.Empty;
        switch (text.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant())
        {
            case "TOTAL":
                return ObjectLimitScope.Total;
            case "PERARRAY":
                return ObjectLimitScope.PerArray;
            default:
                result.AddError($"Cannot parse '{text}' for option '--object-limit-scope': use total or per-array.");
                return default;
        }
    }
}
