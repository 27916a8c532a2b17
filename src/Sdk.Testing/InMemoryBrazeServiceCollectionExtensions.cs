using Braze;
using Braze.Testing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts the SDK of a service under test on an <see cref="InMemoryBraze"/>.</summary>
public static class InMemoryBrazeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Braze SDK (<c>AddBraze</c>: <see cref="IBrazeClient"/>, <see cref="IBrazeTracker"/>) with
    /// <see cref="InMemoryBraze.UseTestDefaults"/> and then <paramref name="configure"/>, sending to
    /// <paramref name="braze"/> instead of the network; <paramref name="braze"/> is registered too, for assertions.
    /// Call it instead of the service's own <c>AddBraze</c> (or after it: the last registration wins).
    /// </summary>
    public static IHttpClientBuilder AddInMemoryBraze(this IServiceCollection services, InMemoryBraze braze, Action<BrazeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(braze);
        services.AddSingleton(braze);
        return services.AddBraze(o =>
            {
                InMemoryBraze.UseTestDefaults(o);
                configure?.Invoke(o);
            })
            .ConfigurePrimaryHttpMessageHandler(braze.CreateHandler);
    }
}
