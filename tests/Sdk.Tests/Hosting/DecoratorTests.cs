using Braze.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Braze.Tests.Hosting;

/// <summary>A user's decorator of <see cref="IBrazeClient"/> (as Scrutor's Decorate does it) leaves the tracker working.</summary>
public sealed class DecoratorTests
{
    [Fact]
    public async Task A_decorated_client_sees_its_calls_and_the_tracker_still_delivers()
    {
        var fake = new FakeBraze();
        var services = new ServiceCollection();
        services.AddBraze(o =>
            {
                o.ApiKey = ClientFixture.ApiKey;
                o.BaseUrl = BrazeInstances.US01;
                o.Tracker.FlushInterval = TimeSpan.FromMilliseconds(20);
            })
            .ConfigurePrimaryHttpMessageHandler(() => fake);
        Decorate(services);
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IBrazeClient>();
        var counting = Assert.IsType<CountingClient>(client);
        await client.TrackAsync(new TrackEvent(UserId.External("u1"), "direct", DateTimeOffset.UtcNow));
        Assert.Equal(1, counting.TrackCalls);

        var tracker = provider.GetRequiredService<IBrazeTracker>();
        await tracker.Track(new TrackEvent(UserId.External("u2"), "background", DateTimeOffset.UtcNow)).Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, fake.Requests.Count);
        Assert.Equal(1, counting.TrackCalls); // the tracker goes to the pipeline, not through the user's decorator
    }

    /// <summary>Replaces every registration of <see cref="IBrazeClient"/> with a decorator over what it produced.</summary>
    private static void Decorate(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var d = services[i];
            if (d.ServiceType != typeof(IBrazeClient))
            {
                continue;
            }

            services[i] = d.IsKeyedService
                ? ServiceDescriptor.KeyedSingleton<IBrazeClient>(d.ServiceKey, (sp, key) => new CountingClient((IBrazeClient)d.KeyedImplementationFactory!(sp, key)))
                : ServiceDescriptor.Singleton<IBrazeClient>(sp => new CountingClient((IBrazeClient)d.ImplementationFactory!(sp)));
        }
    }

    private sealed class CountingClient(IBrazeClient inner) : IBrazeClient
    {
        private int _trackCalls;

        public int TrackCalls => Volatile.Read(ref _trackCalls);

        public Task<TrackResult> TrackAsync(TrackRequest request, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _trackCalls);
            return inner.TrackAsync(request, cancellationToken);
        }

        public Task<ScheduleResult> ScheduleAsync(ScheduleRequest request, CancellationToken cancellationToken = default) => inner.ScheduleAsync(request, cancellationToken);

        public Task UpdateScheduleAsync(ScheduleTarget target, string id, ScheduleId scheduleId, Schedule schedule, CancellationToken cancellationToken = default)
            => inner.UpdateScheduleAsync(target, id, scheduleId, schedule, cancellationToken);

        public Task DeleteScheduleAsync(ScheduleTarget target, string id, ScheduleId scheduleId, CancellationToken cancellationToken = default)
            => inner.DeleteScheduleAsync(target, id, scheduleId, cancellationToken);

        public Task<IReadOnlyList<ScheduledBroadcast>> ListScheduledBroadcastsAsync(DateTimeOffset endTime, CancellationToken cancellationToken = default)
            => inner.ListScheduledBroadcastsAsync(endTime, cancellationToken);

        public Task<UsersExport> ExportUsersAsync(IEnumerable<string> externalIds, CancellationToken cancellationToken = default) => inner.ExportUsersAsync(externalIds, cancellationToken);

        public Task<UsersExport> ExportUsersAsync(UsersExportRequest request, CancellationToken cancellationToken = default) => inner.ExportUsersAsync(request, cancellationToken);

        public Task<System.Text.Json.JsonElement> TrackSyncAsync(TrackRequest request, CancellationToken cancellationToken = default) => inner.TrackSyncAsync(request, cancellationToken);

        public Task<string?> TriggerSendAsync(TriggerSendRequest request, CancellationToken cancellationToken = default) => inner.TriggerSendAsync(request, cancellationToken);

        public Task<int> CreateAliasesAsync(IEnumerable<NewUserAlias> aliases, CancellationToken cancellationToken = default) => inner.CreateAliasesAsync(aliases, cancellationToken);

        public Task UpdateAliasesAsync(IEnumerable<UserAliasUpdate> updates, CancellationToken cancellationToken = default) => inner.UpdateAliasesAsync(updates, cancellationToken);

        public Task<int> IdentifyUsersAsync(IEnumerable<UserIdentification> identifications, MergeBehavior mergeBehavior = MergeBehavior.Merge, CancellationToken cancellationToken = default)
            => inner.IdentifyUsersAsync(identifications, mergeBehavior, cancellationToken);

        public Task<ExternalIdsResult> RenameExternalIdsAsync(IEnumerable<ExternalIdRename> renames, CancellationToken cancellationToken = default) => inner.RenameExternalIdsAsync(renames, cancellationToken);

        public Task<ExternalIdsResult> RemoveExternalIdsAsync(IEnumerable<string> deprecatedExternalIds, CancellationToken cancellationToken = default) => inner.RemoveExternalIdsAsync(deprecatedExternalIds, cancellationToken);

        public Task MergeUsersAsync(IEnumerable<UserMerge> merges, CancellationToken cancellationToken = default) => inner.MergeUsersAsync(merges, cancellationToken);

        public Task SetSubscriptionStatusAsync(IEnumerable<SubscriptionStatusUpdate> updates, CancellationToken cancellationToken = default) => inner.SetSubscriptionStatusAsync(updates, cancellationToken);

        public Task<DeleteUsersResult> DeleteUsersAsync(IEnumerable<UserId> users, CancellationToken cancellationToken = default) => inner.DeleteUsersAsync(users, cancellationToken);
    }
}
