
namespace Braze.Emulator;

/// <summary>How a <see cref="BrazeEmulator"/> runs: where it listens, which key it accepts, its limits, storage and faults.</summary>
public sealed class BrazeEmulatorOptions
{
    /// <summary>The loopback port; 0 picks a free one. Default 0.</summary>
    public int Port { get; set; }

    /// <summary>The REST API key the emulator accepts (<c>Authorization: Bearer ...</c>). Default <c>emulator-key</c>.</summary>
    public string ApiKey { get; set; } = "emulator-key";

    /// <summary>SQLite file for profiles, events and schedules. Null keeps everything in memory (for tests).</summary>
    public string? DatabasePath { get; set; }

    /// <summary>The Braze rules the emulator enforces (same defaults as the SDK).</summary>
    public BrazeValidationOptions Validation { get; set; } = new();

    /// <summary><c>/users/track</c> requests per window. Default 3,000.</summary>
    public int TrackRequestsPerWindow { get; set; } = 3000;

    /// <summary>The <c>/users/track</c> window. Default 3 seconds.</summary>
    public TimeSpan TrackWindow { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Requests per window on the other endpoints (Braze: 250,000 per hour). Default 250,000.</summary>
    public int OtherRequestsPerWindow { get; set; } = 250_000;

    /// <summary>The window of the other endpoints. Default 1 hour.</summary>
    public TimeSpan OtherWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Faults injected from the start (also settable at run time through <c>/_emulator/faults</c>).</summary>
    public FaultSettings Faults { get; set; } = new();

    /// <summary>
    /// Keep the bodies of received requests for inspection (<c>/_emulator/requests</c>, <see cref="BrazeEmulator.Requests"/>).
    /// Default true. The method, path, status and fault of each request are kept either way; the body of a request
    /// that failed authentication never is.
    /// </summary>
    public bool RecordRequests { get; set; } = true;

    /// <summary>How many received requests are kept (the oldest are forgotten first); 0 keeps none. Default 10,000.</summary>
    public int MaxRecordedRequests { get; set; } = 10_000;

    /// <summary>
    /// How many bytes of paths and bodies (UTF-8, as received) the kept requests may hold in all; the oldest are
    /// forgotten first, and a body larger than the whole budget is not kept. Default 64 MiB.
    /// </summary>
    public long MaxRecordedBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// The largest body the emulator reads: <see cref="BrazeValidationOptions.MaxRequestBodyBytes"/> plus 1 MiB, so a
    /// body just over Braze's limit still reaches the validator (413 with the validator's error) while a larger one
    /// is answered 413 without being read.
    /// </summary>
    internal long MaxReadBodyBytes => (long)Validation.MaxRequestBodyBytes + ReadBodyMargin;

    /// <summary>How far over <see cref="BrazeValidationOptions.MaxRequestBodyBytes"/> the emulator still reads a body.</summary>
    internal const int ReadBodyMargin = 1024 * 1024;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"Port must be 0 (any free port) to 65535; it is {Port}.", nameof(Port));
        }

        if (string.IsNullOrWhiteSpace(ApiKey) || ApiKey.Any(char.IsWhiteSpace) || ApiKey.Contains('"', StringComparison.Ordinal) || ApiKey.Contains('\'', StringComparison.Ordinal))
        {
            throw new ArgumentException("ApiKey must be non-empty, without spaces or quotes.", nameof(ApiKey));
        }

        ArgumentNullException.ThrowIfNull(Validation);
        ArgumentNullException.ThrowIfNull(Faults);
        Positive(TrackRequestsPerWindow, nameof(TrackRequestsPerWindow));
        Positive(OtherRequestsPerWindow, nameof(OtherRequestsPerWindow));
        if (TrackWindow <= TimeSpan.Zero)
        {
            throw new ArgumentException($"TrackWindow must be positive; it is {TrackWindow}.", nameof(TrackWindow));
        }

        if (OtherWindow <= TimeSpan.Zero)
        {
            throw new ArgumentException($"OtherWindow must be positive; it is {OtherWindow}.", nameof(OtherWindow));
        }

        if (MaxRecordedRequests < 0)
        {
            throw new ArgumentException($"MaxRecordedRequests must not be negative; it is {MaxRecordedRequests}.", nameof(MaxRecordedRequests));
        }

        if (MaxRecordedBytes < 0)
        {
            throw new ArgumentException($"MaxRecordedBytes must not be negative; it is {MaxRecordedBytes}.", nameof(MaxRecordedBytes));
        }

        // The limits themselves (positive, nested payloads at most Braze's 100 KB ceiling); ArgumentOutOfRangeException is an ArgumentException.
        Validation.EnsureValid();

        Faults.Validate();

        static void Positive(int value, string name)
        {
            if (value <= 0)
            {
                throw new ArgumentException($"{name} must be positive; it is {value}.", name);
            }
        }
    }
}

/// <summary>
/// Faults the emulator injects into a seeded random share of requests (0..1 each): 429s (with a reset header),
/// 500/502/503 answers, added latency, and connections dropped before or after the request is applied.
/// </summary>
public sealed class FaultSettings
{
    /// <summary>Seed of the random choice, for repeatable runs.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Share answered 429.</summary>
    public double RateLimited { get; set; }

    /// <summary>Share answered 500.</summary>
    public double InternalError { get; set; }

    /// <summary>Share answered 502.</summary>
    public double BadGateway { get; set; }

    /// <summary>Share answered 503.</summary>
    public double Unavailable { get; set; }

    /// <summary>Share whose connection is dropped before the request is applied.</summary>
    public double DropBeforeApply { get; set; }

    /// <summary>Share whose connection is dropped after the request was applied (an ambiguous failure).</summary>
    public double DropAfterApply { get; set; }

    /// <summary>Share delayed by <see cref="LatencyMilliseconds"/>.</summary>
    public double Latency { get; set; }

    /// <summary>Added latency.</summary>
    public int LatencyMilliseconds { get; set; }

    /// <summary>Which paths the faults apply to (prefix match). Default <c>/users/track</c>.</summary>
    public string PathPrefix { get; set; } = "/users/track";

    /// <summary>Throws <see cref="ArgumentException"/> when a share is outside 0..1, the shares of the answers add up to more than 1, or the latency is negative.</summary>
    public void Validate()
    {
        foreach (var (share, name) in new[]
        {
            (RateLimited, nameof(RateLimited)), (InternalError, nameof(InternalError)), (BadGateway, nameof(BadGateway)), (Unavailable, nameof(Unavailable)),
            (DropBeforeApply, nameof(DropBeforeApply)), (DropAfterApply, nameof(DropAfterApply)), (Latency, nameof(Latency)),
        })
        {
            if (!(share >= 0 && share <= 1))
            {
                throw new ArgumentException($"The fault share {name} must be between 0 and 1; it is {share}.", name);
            }
        }

        if (RateLimited + InternalError + BadGateway + Unavailable + DropBeforeApply + DropAfterApply > 1.000001)
        {
            throw new ArgumentException($"The shares of 429, 500, 502, 503 and dropped connections add up to more than 1 ({RateLimited + InternalError + BadGateway + Unavailable + DropBeforeApply + DropAfterApply:0.###}).", nameof(BrazeEmulatorOptions.Faults));
        }

        if (LatencyMilliseconds < 0)
        {
            throw new ArgumentException("LatencyMilliseconds must not be negative.", nameof(LatencyMilliseconds));
        }

        ArgumentNullException.ThrowIfNull(PathPrefix);
    }

    /// <summary>True when any fault is on.</summary>
    public bool Any => RateLimited + InternalError + BadGateway + Unavailable + DropBeforeApply + DropAfterApply + Latency > 0;
}
