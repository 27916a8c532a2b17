using Braze.Emulator;
using Braze.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Braze.IntegrationTests;

/// <summary>The tracker over the PostgreSQL outbox, delivering to the emulator over HTTP: two instances on one schema stand for a fleet.</summary>
public sealed class PostgreSqlOutboxTrackerTests
{
    private static readonly DateTimeOffset s_time = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static ServiceProvider Instance(BrazeEmulator emulator, string schema, TimeSpan? claimInterval = null, Action<BrazeOptions>? configure = null, bool shareRateLimits = true)
    {
        var services = new ServiceCollection();
        services.AddBrazePostgreSqlOutbox(string.Empty, o =>
        {
            o.ConnectionString = PostgresServer.ConnectionString;
            o.Schema = schema;
            o.FleetHeartbeat = TimeSpan.FromMilliseconds(200);
            o.ShareRateLimits = shareRateLimits;
        });
        services.AddBraze(o =>
        {
            o.ApiKey = emulator.ApiKey;
            o.BaseUrl = emulator.BaseUrl;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(200);
            o.Tracker.OutboxClaimInterval = claimInterval ?? TimeSpan.FromSeconds(30);
            configure?.Invoke(o);
        });
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Three_instances_keep_to_their_share_of_a_lowered_rate_limit_and_make_no_429s_of_their_own(bool share)
    {
        // The workspace's limit, lowered: 24 /users/track requests per second (windows aligned on the clock, as Braze's).
        const int Limit = 24;
        var schema = PostgresServer.NewSchema();
        await using var emulator = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions { TrackRequestsPerWindow = Limit, TrackWindow = TimeSpan.FromSeconds(1) });
        var fleet = Enumerable.Range(0, 3).Select(_ => Instance(emulator, schema, configure: o =>
        {
            o.RateLimitPerWindow = Limit; // each instance is told the workspace's limit; the fleet divides it
            o.RateLimitWindow = TimeSpan.FromSeconds(1);
            o.MaxRetryAttempts = 10;
            o.Validation.MaxObjectsPerRequest = 4; // many small requests: the limit, not the objects, is the bound
            o.Tracker.Linger = TimeSpan.Zero;
        }, shareRateLimits: share)).ToList();
        try
        {
            var trackers = fleet.Select(p => p.GetRequiredService<IBrazeTracker>()).ToList();
            foreach (var tracker in trackers)
            {
                await ((IHostedService)tracker).StartAsync(CancellationToken.None);
            }

            if (share)
            {
                var outboxes = fleet.Select(p => p.GetRequiredService<PostgreSqlOutbox>()).ToList();
                for (var wait = 0; wait < 100 && outboxes.Any(o => o.Instances != 3); wait++)
                {
                    await Task.Delay(50); // every instance heard of the two others
                }

                Assert.All(outboxes, o => Assert.Equal(3, o.Instances));
            }

            var handles = new List<TrackHandle>();
            for (var i = 0; i < 3 * 160; i++)
            {
                handles.Add(trackers[i % 3].Track(new TrackEvent(UserId.External($"rl{i}"), "paced", s_time, new BrazeProperties { { "i", i } })));
            }

            await Task.WhenAll(handles.Select(h => h.Completion)).WaitAsync(TimeSpan.FromSeconds(90));
            var tracks = emulator.Requests.Where(r => r.Path.StartsWith("/users/track", StringComparison.Ordinal)).ToList();
            var refused = tracks.Count(r => r.Status == 429);
            Assert.Equal(480L, (await emulator.Store.CountsAsync()).DistinctEvents);
            if (share)
            {
                Assert.Equal(0, refused);
            }
            else
            {
                Assert.True(refused > 0, "three instances each using the whole limit should overrun it (the test's control)");
            }
        }
        finally
        {
            foreach (var provider in fleet)
            {
                await provider.DisposeAsync();
            }

            await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE;", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>An instance that cannot reach Braze (nothing listens on its base URL): its items stay leased to it, deferred.</summary>
    private static ServiceProvider Unreachable(BrazeEmulator emulator, string schema)
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return Instance(emulator, schema, configure: o =>
        {
            o.BaseUrl = new Uri($"http://127.0.0.1:{port}");
            o.MaxRetryAttempts = 0;
            o.Tracker.RedeliveryDelay = TimeSpan.FromMilliseconds(100);
        });
    }

    [Fact]
    public async Task An_identify_on_one_instance_waits_for_the_users_items_another_instance_holds()
    {
        var schema = PostgresServer.NewSchema();
        await using var emulator = await BrazeEmulator.StartAsync();
        var visitor = UserId.Alias("fleet-visitor", "device");
        try
        {
            var stuck = Unreachable(emulator, schema);
            var first = stuck.GetRequiredService<IBrazeTracker>();
            await ((IHostedService)first).StartAsync(CancellationToken.None);
            var held = first.Track(new TrackEvent(visitor, "browsed", s_time));
            await Task.Delay(300); // its first attempt failed: deferred, still leased to the first instance

            await using var other = Instance(emulator, schema, claimInterval: TimeSpan.FromMilliseconds(100));
            var second = other.GetRequiredService<IBrazeTracker>();
            await ((IHostedService)second).StartAsync(CancellationToken.None);
            var identify = second.IdentifyUsersAsync([new UserIdentification("fleet-user", visitor)]);
            await Task.Delay(1_000);
            Assert.False(identify.IsCompleted); // the first instance still holds an earlier item of the visitor
            Assert.False(held.IsCompleted);

            await stuck.DisposeAsync(); // stops: its lease ends, the second instance claims and delivers the item
            await identify.WaitAsync(TimeSpan.FromSeconds(30));

            var log = emulator.Requests.ToList();
            var track = log.FindIndex(r => r.Path.StartsWith("/users/track", StringComparison.Ordinal) && r.Status is >= 200 and < 300 && r.Body!.Contains("fleet-visitor", StringComparison.Ordinal));
            var identified = log.FindIndex(r => r.Path.StartsWith("/users/identify", StringComparison.Ordinal));
            Assert.True(track >= 0 && identified > track, $"track at {track}, identify at {identified}");
        }
        finally
        {
            await DropAsync(schema);
        }
    }

    [Fact]
    public async Task A_deletion_on_one_instance_purges_what_another_instance_held_once_it_lets_go()
    {
        var schema = PostgresServer.NewSchema();
        await using var emulator = await BrazeEmulator.StartAsync();
        var user = UserId.External("fleet-gone");
        try
        {
            var stuck = Unreachable(emulator, schema);
            var first = stuck.GetRequiredService<IBrazeTracker>();
            await ((IHostedService)first).StartAsync(CancellationToken.None);
            for (var i = 0; i < 3; i++)
            {
                _ = first.Track(new TrackEvent(user, "clicked", s_time.AddSeconds(i)));
            }

            await Task.Delay(300);
            await using var other = Instance(emulator, schema, claimInterval: TimeSpan.FromMilliseconds(100));
            var second = other.GetRequiredService<IBrazeTracker>();
            await ((IHostedService)second).StartAsync(CancellationToken.None);
            var deletion = second.DeleteUsersAsync([user]);
            await Task.Delay(1_000);
            Assert.False(deletion.IsCompleted); // in flight elsewhere: neither purged from under it nor overtaken

            await stuck.DisposeAsync();
            var result = await deletion.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(3, result.PurgedItems);
            Assert.Equal(0L, await Count(schema));
            Assert.DoesNotContain(emulator.Requests, r => r.Path.StartsWith("/users/track", StringComparison.Ordinal) && r.Body!.Contains("fleet-gone", StringComparison.Ordinal));
        }
        finally
        {
            await DropAsync(schema);
        }
    }

    private static async Task DropAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE;", connection);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_429_one_instance_gets_pauses_the_others_until_the_reset()
    {
        var schema = PostgresServer.NewSchema();
        await using var emulator = await BrazeEmulator.StartAsync();
        await using var one = Instance(emulator, schema);
        await using var two = Instance(emulator, schema);
        var first = one.GetRequiredService<PostgreSqlOutbox>();
        var second = two.GetRequiredService<PostgreSqlOutbox>();
        try
        {
            var until = DateTimeOffset.UtcNow.AddSeconds(5);
            ((IBrazeRateLimitCoordinator)first).Pause("/users/track", until);
            Assert.Equal(until, first.PausedUntil("/users/track"));
            for (var wait = 0; wait < 100 && second.PausedUntil("/users/track") is null; wait++)
            {
                await Task.Delay(50);
            }

            Assert.True(Math.Abs((second.PausedUntil("/users/track")!.Value - until).TotalMilliseconds) < 1, "the pause is read back as written (microseconds)");
            Assert.Null(second.PausedUntil("other"));
        }
        finally
        {
            await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE;", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Two_instances_share_one_outbox_and_what_one_left_the_other_delivers()
    {
        var schema = PostgresServer.NewSchema();
        await using var emulator = await BrazeEmulator.StartAsync();
        try
        {
            // The first instance accepts items while Braze is unreachable for it, then stops: its items stay in PostgreSQL.
            emulator.Faults = new FaultSettings { Unavailable = 1 };
            await using (var first = Instance(emulator, schema))
            {
                var tracker = first.GetRequiredService<IBrazeTracker>();
                await ((IHostedService)tracker).StartAsync(CancellationToken.None);
                for (var i = 0; i < 150; i++)
                {
                    _ = tracker.Track(new TrackEvent(UserId.External($"pg{i % 10}"), "fleet_event", s_time.AddSeconds(i), new BrazeProperties { { "i", i } }));
                }

                await ((IHostedService)tracker).StopAsync(CancellationToken.None);
            }

            Assert.Equal(150L, await Count(schema));

            // The second instance claims them and delivers every one, once.
            emulator.Faults = new FaultSettings();
            await using var second = Instance(emulator, schema);
            var other = second.GetRequiredService<IBrazeTracker>();
            await ((IHostedService)other).StartAsync(CancellationToken.None);
            await other.FlushAsync();
            for (var wait = 0; wait < 100 && await Count(schema) > 0; wait++)
            {
                await Task.Delay(100);
            }

            Assert.Equal(0L, await Count(schema));
            var counts = await emulator.Store.CountsAsync();
            Assert.Equal((150L, 150L), (counts.Events, counts.DistinctEvents));
        }
        finally
        {
            await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE;", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task<long> Count(string schema)
    {
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {schema}.outbox_items;", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Items_enqueued_in_a_business_transaction_are_sent_only_when_it_commits()
    {
        var schema = PostgresServer.NewSchema();
        await using var emulator = await BrazeEmulator.StartAsync();
        try
        {
            await using var instance = Instance(emulator, schema, claimInterval: TimeSpan.FromMilliseconds(200));
            var tracker = instance.GetRequiredService<IBrazeTracker>();
            await ((IHostedService)tracker).StartAsync(CancellationToken.None);
            var outbox = instance.GetRequiredService<PostgreSqlOutbox>();

            await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString);
            await connection.OpenAsync();
            await using (var committed = await connection.BeginTransactionAsync())
            {
                var ids = await outbox.EnqueueAsync(new TrackRequest().Add(new TrackEvent(UserId.External("order-1"), "order_placed", s_time)), committed);
                Assert.Single(ids);
                await committed.CommitAsync();
            }

            await using (var rolledBack = await connection.BeginTransactionAsync())
            {
                await outbox.EnqueueAsync(new TrackRequest().Add(new TrackEvent(UserId.External("order-2"), "order_placed", s_time)), rolledBack);
                await rolledBack.RollbackAsync();
            }

            await Assert.ThrowsAsync<BrazeValidationException>(async () => await outbox.EnqueueAsync(new TrackRequest().Add(new TrackEvent(UserId.External("order-3"), "", s_time)), await connection.BeginTransactionAsync()));

            for (var wait = 0; wait < 100 && (await emulator.Store.CountsAsync()).Events == 0; wait++)
            {
                await Task.Delay(100);
            }

            await Task.Delay(500); // time enough for a rolled-back item to be claimed, had it existed
            Assert.NotNull(await emulator.Store.GetProfileAsync("order-1"));
            Assert.Null(await emulator.Store.GetProfileAsync("order-2"));
            Assert.Equal(1L, (await emulator.Store.CountsAsync()).Events);
            Assert.Equal(0L, await Count(schema));
        }
        finally
        {
            await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE;", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
