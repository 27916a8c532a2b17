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

    private static ServiceProvider Instance(BrazeEmulator emulator, string schema, TimeSpan? claimInterval = null)
    {
        var services = new ServiceCollection();
        services.AddBrazePostgreSqlOutbox(string.Empty, o =>
        {
            o.ConnectionString = PostgresServer.ConnectionString;
            o.Schema = schema;
        });
        services.AddBraze(o =>
        {
            o.ApiKey = emulator.ApiKey;
            o.BaseUrl = emulator.BaseUrl;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(200);
            o.Tracker.OutboxClaimInterval = claimInterval ?? TimeSpan.FromSeconds(30);
        });
        return services.BuildServiceProvider();
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
