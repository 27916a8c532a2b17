using Braze;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary><c>services.AddHealthChecks().AddBraze()</c>: the background tracker's health.</summary>
public static class BrazeHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check of the tracker of the workspace <paramref name="workspace"/> (the default one when null): it reports
    /// <paramref name="failureStatus"/> (Degraded by default) while delivery is paused by a 401/403, the queue is nearly
    /// full, or the oldest pending item is too old (<see cref="BrazeHealthCheckOptions"/>).
    /// </summary>
    public static IHealthChecksBuilder AddBraze(this IHealthChecksBuilder builder, string? workspace = null, Action<BrazeHealthCheckOptions>? configure = null, HealthStatus failureStatus = HealthStatus.Degraded, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var name = workspace ?? Options.Options.DefaultName;
        var check = new BrazeHealthCheckOptions();
        configure?.Invoke(check);
        return builder.Add(new HealthCheckRegistration(
            string.IsNullOrEmpty(name) ? "braze" : "braze-" + name,
            sp => new BrazeHealthCheck(
                sp.GetRequiredKeyedService<BrazeTracker>(name),
                sp.GetRequiredService<IOptionsMonitor<BrazeOptions>>().Get(name),
                check,
                sp.GetService<TimeProvider>() ?? TimeProvider.System),
            failureStatus,
            tags));
    }
}
