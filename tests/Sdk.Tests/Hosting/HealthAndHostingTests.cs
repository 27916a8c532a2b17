using Braze.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static Braze.Tests.Support.TrackerKit;

namespace Braze.Tests.Hosting;

/// <summary>The tracker's health check and <c>builder.AddBraze()</c> on a host builder.</summary>
[Collection("Timing")]
public sealed class HealthAndHostingTests
{
    private static async Task<HealthReport> Check(ServiceProvider provider) => await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    private static ServiceProvider Services(InMemoryBraze braze, Action<BrazeOptions>? configure = null, Action<BrazeHealthCheckOptions>? check = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddInMemoryBraze(braze, configure);
        services.AddHealthChecks().AddBraze(configure: check);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task A_delivering_tracker_is_healthy()
    {
        var braze = new InMemoryBraze();
        await using var provider = Services(braze);
        await provider.GetRequiredService<IBrazeTracker>().Track(Event(1));

        var report = await Check(provider);
        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(0, report.Entries["braze"].Data["pending"]);
    }

    [Fact]
    public async Task A_refused_key_makes_it_degraded_while_delivery_is_paused()
    {
        var braze = new InMemoryBraze { Answer = BrazeAnswer.Unauthorized };
        await using var provider = Services(braze, o => { o.Tracker.RedeliveryDelay = TimeSpan.FromSeconds(30); o.Tracker.MaxRedeliveryDelay = TimeSpan.FromSeconds(30); });
        var tracker = provider.GetRequiredService<BrazeTracker>();
        _ = tracker.Track(Event(1));
        await WaitUntil(() => tracker.PausedUntil is not null);

        var entry = (await Check(provider)).Entries["braze"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("401/403", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(InMemoryBraze.ApiKey, entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nearly_full_queue_and_an_old_item_make_it_degraded()
    {
        var braze = new InMemoryBraze { Answer = BrazeAnswer.Outage };
        await using var provider = Services(braze, o => { o.MaxRetryAttempts = 0; o.Tracker.MaxQueueSize = 10; }, c => c.MaxOldestItemAge = TimeSpan.FromMilliseconds(100));
        var tracker = provider.GetRequiredService<IBrazeTracker>();
        for (var i = 0; i < 9; i++)
        {
            _ = tracker.Track(Event(i));
        }

        await Task.Delay(200);
        var entry = (await Check(provider)).Entries["braze"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("9 of 10", entry.Description, StringComparison.Ordinal);
        Assert.Contains("oldest pending item", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void AddBraze_on_a_host_builder_reads_the_Braze_section_and_a_named_workspace_its_own()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Braze:ApiKey"] = "11111111-2222-3333-4444-555555555555",
            ["Braze:BaseUrl"] = "https://rest.fra-01.braze.eu",
            ["Braze:eu:ApiKey"] = "66666666-7777-8888-9999-000000000000",
            ["Braze:eu:BaseUrl"] = "https://rest.fra-02.braze.eu",
        });
        builder.AddBraze();
        builder.AddBraze("eu", o => o.MaxRetryAttempts = 7);
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptionsMonitor<BrazeOptions>>();
        Assert.Equal(new Uri("https://rest.fra-01.braze.eu"), options.Get(Options.DefaultName).BaseUrl);
        Assert.Equal((new Uri("https://rest.fra-02.braze.eu"), 7), (options.Get("eu").BaseUrl, options.Get("eu").MaxRetryAttempts));
        Assert.NotNull(host.Services.GetRequiredService<IBrazeClient>());
        Assert.NotNull(host.Services.GetRequiredKeyedService<IBrazeTracker>("eu"));
    }
}
