using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Telemetry;
using Refit;
using Braze;
using Braze.Configuration;
using Braze.Transport;
using Braze.Wire;
using Braze.Sending;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Braze client: <c>services.AddBraze(configuration.GetSection("Braze"))</c>.</summary>
public static class BrazeServiceCollectionExtensions
{
    private const string OtherEndpoints = "other-endpoints";

    /// <summary>Registers <see cref="IBrazeClient"/> bound to a configuration section (ApiKey, BaseUrl, ...), validated on start.</summary>
    /// <returns>The HTTP client builder of the Braze pipeline, to add handlers or configure the primary handler.</returns>
    public static IHttpClientBuilder AddBraze(this IServiceCollection services, IConfiguration configuration)
        => AddBraze(services, Options.Options.DefaultName, configuration);

    /// <summary>Registers <see cref="IBrazeClient"/> configured in code, validated on start.</summary>
    public static IHttpClientBuilder AddBraze(this IServiceCollection services, Action<BrazeOptions> configure)
        => AddBraze(services, Options.Options.DefaultName, configure);

    /// <summary>
    /// Registers a named Braze workspace, resolved as a keyed service: <c>[FromKeyedServices("eu")] IBrazeClient</c>.
    /// The default (unnamed) registration is also resolvable without a key.
    /// </summary>
    public static IHttpClientBuilder AddBraze(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddBrazeCore(services, name, builder => builder.Bind(configuration));
    }

    /// <summary>Registers a named Braze workspace configured in code, resolved as a keyed service.</summary>
    public static IHttpClientBuilder AddBraze(this IServiceCollection services, string name, Action<BrazeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddBrazeCore(services, name, builder => builder.Configure(configure));
    }

    private static IHttpClientBuilder AddBrazeCore(IServiceCollection services, string name, Action<OptionsBuilder<BrazeOptions>> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        var optionsBuilder = services.AddOptions<BrazeOptions>(name);
        configure(optionsBuilder);
        optionsBuilder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BrazeOptions>, BrazeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new BrazeMetrics(sp.GetService<IMeterFactory>()));
        // In a fleet (a coordinator registered for the workspace, as the PostgreSQL outbox does) every pacer keeps to
        // this process's share of the workspace's limits.
        services.AddKeyedSingleton(name, (sp, _) => new BrazeRequestPacer(
            Get(sp, name),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger("Braze.Http"),
            sp.GetRequiredService<BrazeMetrics>(),
            sp.GetKeyedService<IBrazeRateLimitCoordinator>(name)));
        services.AddKeyedSingleton((name, OtherEndpoints), (sp, _) =>
        {
            var options = Get(sp, name);
            return new BrazeRequestPacer(options, options.OtherRateLimitPerWindow, options.OtherRateLimitWindow,
                sp.GetRequiredService<TimeProvider>(), sp.GetService<ILoggerFactory>()?.CreateLogger("Braze.Http"), sp.GetRequiredService<BrazeMetrics>(),
                RateLimitGroup.Other.Name, sp.GetKeyedService<IBrazeRateLimitCoordinator>(name));
        });

        services.AddKeyedSingleton(name, (sp, _) => new BrazeEndpointPacers(
            Get(sp, name), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILoggerFactory>()?.CreateLogger("Braze.Http"), sp.GetRequiredService<BrazeMetrics>(),
            sp.GetKeyedService<IBrazeRateLimitCoordinator>(name)));

        var httpClientName = string.IsNullOrEmpty(name) ? "Braze" : "Braze:" + name;
        Func<IServiceProvider, RefitSettings?> settings = _ => RefitSettings.ForJsonContext(BrazeJsonContext.Default);
        var builder = string.IsNullOrEmpty(name)
            ? services.AddRefitGeneratedClient<IBrazeApi>(settings, httpClientName)
            : services.AddKeyedRefitGeneratedClient<IBrazeApi>(name, settings, httpClientName);

        builder
            .ConfigureHttpClient((sp, http) =>
            {
                http.BaseAddress = Get(sp, name).BaseUrl;
                http.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns timeouts
            })
            // Redirects are not followed: the key would be stripped, but the body (emails, phones) would go to the other
            // host. A 3xx reaches the client as an error that names it.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // HttpClient's own request logging passes raw header values in its structured state at Trace; the SDK logs
            // one line per attempt itself (Log.Response, Debug) with no header and no payload.
            .RemoveAllLoggers();

        builder.AddResilienceHandler("braze-retry", (pipeline, context) =>
        {
            var options = Get(context.ServiceProvider, name);
            var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
            var metrics = context.ServiceProvider.GetRequiredService<BrazeMetrics>();
            var logger = context.ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger("Braze.Http");
            // Polly's own log lines (one per attempt and event) would repeat the SDK's; its metrics stay on.
            pipeline.ConfigureTelemetry(new TelemetryOptions { LoggerFactory = NullLoggerFactory.Instance });
            pipeline
                .AddTimeout(options.TotalRequestTimeout)
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(1, options.MaxRetryAttempts),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryBaseDelay,
                    MaxDelay = options.RetryMaxDelay,
                    ShouldHandle = args => ValueTask.FromResult(options.MaxRetryAttempts > 0 && BrazeRetryPolicy.ShouldRetry(args.Outcome, BrazeEndpoints.Of(args.Context.GetRequestMessage()))),
                    DelayGenerator = args => ValueTask.FromResult(BrazeRetryPolicy.RateLimitDelay(args.Outcome, time.GetUtcNow(), options.RetryMaxDelay)),
                    OnRetry = args =>
                    {
                        metrics.Retries.Add(1);
                        if (logger is not null)
                        {
                            var outcome = args.Outcome.Exception?.GetType().Name ?? ((int?)args.Outcome.Result?.StatusCode)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown";
                            Log.Retry(logger, BrazeEndpoints.Of(args.Context.GetRequestMessage())?.Path ?? "unknown", args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds, outcome);
                        }

                        return default;
                    },
                })
                .AddTimeout(options.AttemptTimeout);
        });

        builder.AddHttpMessageHandler(sp => new BrazeRateLimitHandler(
            sp.GetRequiredKeyedService<BrazeRequestPacer>(name),
            sp.GetRequiredService<BrazeMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger("Braze.Http"),
            sp.GetRequiredKeyedService<BrazeRequestPacer>((name, OtherEndpoints)),
            sp.GetRequiredKeyedService<BrazeEndpointPacers>(name)));
        builder.AddHttpMessageHandler(sp => new BrazeAuthHandler(sp.GetRequiredService<IOptionsMonitor<BrazeOptions>>(), name));

        // One client per workspace behind two faces: IBrazeClient for users (who may decorate it) and ITrackSender
        // for the tracker, which so never depends on what a decorator of IBrazeClient is.
        services.AddKeyedSingleton(name, (sp, _) => new BrazeClient(
            string.IsNullOrEmpty(name) ? sp.GetRequiredService<IBrazeApi>() : sp.GetRequiredKeyedService<IBrazeApi>(name),
            Get(sp, name),
            sp.GetService<ILogger<BrazeClient>>(),
            sp.GetRequiredService<BrazeMetrics>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton<IBrazeClient>(name, (sp, _) => sp.GetRequiredKeyedService<BrazeClient>(name));
        services.AddKeyedSingleton<ITrackSender>(name, (sp, _) => sp.GetRequiredKeyedService<BrazeClient>(name));
        services.AddKeyedSingleton(name, (sp, _) =>
        {
            var options = Get(sp, name);
            return new BrazeTracker(
                sp.GetRequiredKeyedService<ITrackSender>(name),
                options,
                HasOutbox(sp, name) ? () => sp.GetRequiredKeyedService<IBrazeOutbox>(name) : null,
                sp.GetService<ILogger<BrazeTracker>>(),
                sp.GetRequiredService<BrazeMetrics>(),
                sp.GetRequiredService<TimeProvider>());
        });
        services.AddKeyedSingleton<IBrazeTracker>(name, (sp, _) => sp.GetRequiredKeyedService<BrazeTracker>(name));
        services.AddSingleton<IHostedService>(sp => new TrackerLifetime(sp.GetRequiredKeyedService<BrazeTracker>(name), HasOutbox(sp, name)));
        if (string.IsNullOrEmpty(name))
        {
            services.TryAddSingleton(sp => sp.GetRequiredKeyedService<IBrazeClient>(name));
            services.TryAddSingleton(sp => sp.GetRequiredKeyedService<IBrazeTracker>(name));
            services.TryAddSingleton(sp => sp.GetRequiredKeyedService<BrazeTracker>(name));
        }

        return builder;
    }

    /// <summary>Starts the tracker with the host when it has an outbox to go on from (otherwise it starts on first use) and drains it on shutdown.</summary>
    private sealed class TrackerLifetime(BrazeTracker tracker, bool startEagerly) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => startEagerly ? tracker.StartAsync(cancellationToken) : Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => tracker.StopAsync(cancellationToken);
    }

    /// <summary>True when an outbox is registered for the workspace (for example by <c>AddBrazeSqliteOutbox</c>); it is opened when the tracker starts.</summary>
    private static bool HasOutbox(IServiceProvider services, string name)
        => services.GetService<IServiceProviderIsKeyedService>()?.IsKeyedService(typeof(IBrazeOutbox), name) == true;

    private static BrazeOptions Get(IServiceProvider services, string name)
        => services.GetRequiredService<IOptionsMonitor<BrazeOptions>>().Get(name);
}
