using Braze;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL outbox of the Braze tracker.</summary>
public static class BrazePostgreSqlOutboxServiceCollectionExtensions
{
    /// <summary>
    /// Keeps the default workspace's tracker items in PostgreSQL (schema <c>braze</c>), shared by every instance of
    /// the service that uses the same database and schema.
    /// </summary>
    public static IServiceCollection AddBrazePostgreSqlOutbox(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        return AddBrazePostgreSqlOutbox(services, string.Empty, o => o.ConnectionString = connectionString);
    }

    /// <summary>
    /// Keeps the tracker items of the workspace <paramref name="name"/> in PostgreSQL, configured by
    /// <paramref name="configure"/>. The outbox is also registered as <see cref="PostgreSqlOutbox"/> (keyed by
    /// <paramref name="name"/>, and unkeyed for the default workspace), for enqueueing in a business transaction, and,
    /// unless <see cref="PostgreSqlOutboxOptions.ShareRateLimits"/> is off, as the workspace's
    /// <see cref="IBrazeRateLimitCoordinator"/>.
    /// </summary>
    public static IServiceCollection AddBrazePostgreSqlOutbox(this IServiceCollection services, string name, Action<PostgreSqlOutboxOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddKeyedSingleton(name, (sp, _) =>
        {
            var options = new PostgreSqlOutboxOptions();
            configure(options);
            return new PostgreSqlOutbox(options, sp.GetService<System.Diagnostics.Metrics.IMeterFactory>());
        });
        services.AddKeyedSingleton<IBrazeOutbox>(name, (sp, key) => sp.GetRequiredKeyedService<PostgreSqlOutbox>(key));
        var probe = new PostgreSqlOutboxOptions();
        configure(probe);
        if (probe.ShareRateLimits)
        {
            // The workspace's pacers keep to this instance's share of the rate limits, and a 429 pauses the fleet.
            services.AddKeyedSingleton<IBrazeRateLimitCoordinator>(name, (sp, key) => sp.GetRequiredKeyedService<PostgreSqlOutbox>(key));
        }
        if (name.Length == 0)
        {
            services.AddSingleton(sp => sp.GetRequiredKeyedService<PostgreSqlOutbox>(string.Empty));
        }

        return services;
    }
}
