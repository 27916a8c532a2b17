using Braze.Validation;

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

    /// <summary>Keep the body of every received request for inspection (<c>/_emulator/requests</c>). Default true.</summary>
    public bool RecordRequests { get; set; } = true;
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

    /// <summary>True when any fault is on.</summary>
    public bool Any => RateLimited + InternalError + BadGateway + Unavailable + DropBeforeApply + DropAfterApply + Latency > 0;
}
