using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Braze;

/// <summary>What <see cref="Microsoft.Extensions.DependencyInjection.BrazeHealthChecksBuilderExtensions.AddBraze"/> reports as unhealthy.</summary>
public sealed class BrazeHealthCheckOptions
{
    /// <summary>The share of the tracker's queue (<c>Braze:Tracker:MaxQueueSize</c>) in use above which the check reports. Default 0.9.</summary>
    public double QueueFullRatio { get; set; } = 0.9;

    /// <summary>How old the oldest pending item may be before the check reports (an outage, a wrong key, a rate limit). Default 5 minutes.</summary>
    public TimeSpan MaxOldestItemAge { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// The background tracker's health: Healthy while it delivers; the registration's failure status (Degraded by default)
/// when delivery is paused by a 401/403, when the queue is nearly full, or when its oldest pending item is older than
/// <see cref="BrazeHealthCheckOptions.MaxOldestItemAge"/>. The data holds counts and times only.
/// </summary>
internal sealed class BrazeHealthCheck(BrazeTracker tracker, BrazeOptions options, BrazeHealthCheckOptions check, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = time.GetUtcNow();
        var pending = tracker.PendingCount;
        var oldest = tracker.OldestPendingAt;
        var paused = tracker.PausedUntil;
        var data = new Dictionary<string, object>
        {
            ["pending"] = pending,
            ["max_queue_size"] = options.Tracker.MaxQueueSize,
            ["deferred"] = tracker.DeferredCount,
        };
        if (oldest is { } at)
        {
            data["oldest_pending_age_seconds"] = Math.Round((now - at).TotalSeconds, 1);
        }

        var problems = new List<string>();
        if (paused is { } until && until > now)
        {
            data["paused_until"] = until;
            problems.Add($"delivery is paused until {until:O}: Braze refused the API key (401/403)");
        }

        if (pending >= options.Tracker.MaxQueueSize * check.QueueFullRatio)
        {
            problems.Add($"the queue holds {pending} of {options.Tracker.MaxQueueSize} items");
        }

        if (oldest is { } first && now - first > check.MaxOldestItemAge)
        {
            problems.Add($"the oldest pending item is {(now - first).TotalSeconds:F0} s old (more than {check.MaxOldestItemAge.TotalSeconds:F0} s)");
        }

        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"delivering; {pending} item(s) pending", data)
            : new HealthCheckResult(context.Registration.FailureStatus, "Braze delivery: " + string.Join("; ", problems), data: data));
    }
}
