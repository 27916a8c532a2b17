using Microsoft.Extensions.Options;

namespace Braze.Configuration;

/// <summary>Validates <see cref="BrazeOptions"/> on start, with messages that say what to fix (never the key itself).</summary>
internal sealed class BrazeOptionsValidator : IValidateOptions<BrazeOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, BrazeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var key = options.ApiKey;
        if (string.IsNullOrWhiteSpace(key))
        {
            failures.Add("Braze:ApiKey is required (a REST API key from Settings > APIs and Identifiers).");
        }
        else if (key.Trim().Length != key.Length)
        {
            failures.Add("Braze:ApiKey has leading or trailing whitespace (a trailing newline from a secret file?); Braze answers 401 for it.");
        }
        else if (key[0] is '"' or '\'' || key[^1] is '"' or '\'')
        {
            failures.Add("Braze:ApiKey is quoted; give the key without quotes (Braze answers 401 Unauthorized for a quoted key).");
        }
        else if (!IsHeaderSafe(key))
        {
            failures.Add("Braze:ApiKey holds characters that cannot be sent in an HTTP header (only visible ASCII can); Braze keys are UUIDs such as 'a1b2c3d4-...'.");
        }

        if (options.BaseUrl is null)
        {
            failures.Add("Braze:BaseUrl is required: your workspace's REST endpoint, for example https://rest.iad-01.braze.com (see BrazeInstances).");
        }
        else if (!options.BaseUrl.IsAbsoluteUri)
        {
            failures.Add("Braze:BaseUrl must be an absolute URL.");
        }
        else if (options.BaseUrl.Scheme != Uri.UriSchemeHttps && !(options.BaseUrl.Scheme == Uri.UriSchemeHttp && options.BaseUrl.IsLoopback))
        {
            failures.Add($"Braze:BaseUrl must use HTTPS ({options.BaseUrl.Scheme}:// is allowed only for loopback hosts such as the local emulator).");
        }

        if (options.MaxConcurrentRequests < 1)
        {
            failures.Add("Braze:MaxConcurrentRequests must be at least 1.");
        }

        if (options.RateLimitPerWindow < 1 || options.RateLimitWindow <= TimeSpan.Zero)
        {
            failures.Add("Braze:RateLimitPerWindow and RateLimitWindow must be positive.");
        }

        if (options.OtherRateLimitPerWindow < 1 || options.OtherRateLimitWindow <= TimeSpan.Zero)
        {
            failures.Add("Braze:OtherRateLimitPerWindow and OtherRateLimitWindow must be positive.");
        }

        if (options.MaxRetryAttempts < 0 || options.RetryBaseDelay <= TimeSpan.Zero || options.RetryMaxDelay < options.RetryBaseDelay)
        {
            failures.Add("Braze:MaxRetryAttempts must be >= 0 and 0 < RetryBaseDelay <= RetryMaxDelay.");
        }

        if (options.AttemptTimeout <= TimeSpan.Zero || options.TotalRequestTimeout < options.AttemptTimeout)
        {
            failures.Add("Braze:AttemptTimeout must be positive and TotalRequestTimeout at least as long.");
        }

        if (options.SlowDownBelowRemainingFraction is < 0 or >= 1)
        {
            failures.Add("Braze:SlowDownBelowRemainingFraction must be in [0, 1).");
        }

        var tracker = options.Tracker;
        if (tracker.MaxQueueSize < 1 || tracker.FlushInterval <= TimeSpan.Zero || tracker.ShutdownTimeout <= TimeSpan.Zero)
        {
            failures.Add("Braze:Tracker: MaxQueueSize, FlushInterval and ShutdownTimeout must be positive.");
        }

        if (tracker.Linger < TimeSpan.Zero)
        {
            failures.Add("Braze:Tracker:Linger must not be negative.");
        }

        if (tracker.OutboxClaimInterval <= TimeSpan.Zero)
        {
            failures.Add("Braze:Tracker: OutboxClaimInterval must be positive.");
        }

        if (tracker.RedeliveryDelay <= TimeSpan.Zero || tracker.MaxRedeliveryDelay < tracker.RedeliveryDelay || tracker.DeadLetterAfter <= TimeSpan.Zero)
        {
            failures.Add("Braze:Tracker: RedeliveryDelay and DeadLetterAfter must be positive, and MaxRedeliveryDelay at least RedeliveryDelay.");
        }

        try
        {
            options.Validation.EnsureValid();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            failures.Add($"Braze:Validation: {ex.Message}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>True when <paramref name="key"/> can go in an <c>Authorization</c> header as is: visible ASCII only.</summary>
    internal static bool IsHeaderSafe(string key)
    {
        foreach (var c in key)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return key.Length > 0;
    }
}
