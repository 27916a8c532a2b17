using Braze;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Gives a Braze workspace's background tracker a SQLite outbox: <c>services.AddBrazeSqliteOutbox("braze-outbox.db")</c>.</summary>
public static class BrazeSqliteOutboxServiceCollectionExtensions
{
    /// <summary>Keeps the default workspace's tracked items in the SQLite file <paramref name="path"/> until Braze accepted them.</summary>
    public static IServiceCollection AddBrazeSqliteOutbox(this IServiceCollection services, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return AddBrazeSqliteOutbox(services, string.Empty, o => o.Path = path);
    }

    /// <summary>
    /// Keeps the tracked items of workspace <paramref name="name"/> (the empty name for the default one) in a SQLite file.
    /// The file is opened when the tracker starts (with the host), not at registration.
    /// </summary>
    public static IServiceCollection AddBrazeSqliteOutbox(this IServiceCollection services, string name, Action<SqliteOutboxOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddKeyedSingleton<IBrazeOutbox>(name, (sp, _) =>
        {
            var options = new SqliteOutboxOptions();
            configure(options);
            return new SqliteOutbox(options, sp.GetService<TimeProvider>());
        });
        return services;
    }
}
