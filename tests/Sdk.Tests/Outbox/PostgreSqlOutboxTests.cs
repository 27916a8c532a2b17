using System.Text;
using Npgsql;

namespace Braze.Tests.Outbox;

/// <summary>
/// The PostgreSQL outbox on a real server (started by .ci/run, or by the test run itself on a developer's machine):
/// each test has a schema of its own. Several instances stand for a fleet's pods.
/// </summary>
public sealed class PostgreSqlOutboxTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_time = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _schema = PostgresServer.NewSchema();
    private readonly List<PostgreSqlOutbox> _opened = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var outbox in _opened)
        {
            await outbox.DisposeAsync();
        }

        await Sql($"DROP SCHEMA IF EXISTS {_schema} CASCADE;");
    }

    private PostgreSqlOutbox Open(TimeSpan? lease = null, TimeSpan? retention = null)
    {
        var outbox = new PostgreSqlOutbox(new PostgreSqlOutboxOptions { ConnectionString = PostgresServer.ConnectionString, Schema = _schema, LeaseDuration = lease ?? TimeSpan.FromMinutes(2), DeadLetterRetention = retention });
        _opened.Add(outbox);
        return outbox;
    }

    private static async Task<object?> Sql(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static OutboxEntry Entry(int n, TrackArray array = TrackArray.Events) => new(array, Encoding.UTF8.GetBytes($$"""{"n":{{n}}}"""), s_time.AddSeconds(n));

    private static string Text(byte[] payload) => Encoding.UTF8.GetString(payload);

    [Fact]
    public async Task Appended_items_are_held_by_their_instance_and_handed_to_another_when_it_stops()
    {
        var a = Open();
        var ids = await a.AppendAsync([Entry(1), Entry(2, TrackArray.Attributes), Entry(3)], CancellationToken.None);
        Assert.Equal(3, ids.Length);
        Assert.True(ids[0] < ids[1] && ids[1] < ids[2]);

        var b = Open();
        Assert.Empty(await b.ClaimAsync(10, CancellationToken.None)); // a holds them

        await a.DisposeAsync(); // a graceful stop hands them back at once
        var claimed = await b.ClaimAsync(10, CancellationToken.None);
        Assert.Equal(ids, claimed.Select(i => i.Id));
        Assert.Equal(["""{"n":1}""", """{"n":2}""", """{"n":3}"""], claimed.Select(i => Text(i.Payload)));
        Assert.Equal(TrackArray.Attributes, claimed[1].Array);
        Assert.Equal(s_time.AddSeconds(2), claimed[1].EnqueuedAt);
        Assert.Equal(0, b.LeasesTakenOver);
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_and_the_old_owner_can_no_longer_complete()
    {
        var stalled = Open();
        var ids = await stalled.AppendAsync([Entry(1), Entry(2)], CancellationToken.None);
        await Sql($"UPDATE {_schema}.outbox_items SET lease_until = now() - interval '1 second';"); // paused past its lease

        var other = Open();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        long measured = 0;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "braze.outbox.leases_taken_over")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref measured, value));
        listener.Start();
        var taken = await other.ClaimAsync(10, CancellationToken.None);
        Assert.Equal(ids, taken.Select(i => i.Id));
        Assert.Equal(2, other.LeasesTakenOver);
        Assert.True(Interlocked.Read(ref measured) >= 2); // other instances of the test process may add theirs

        await stalled.CompleteAsync(ids, CancellationToken.None); // fenced: it no longer owns them
        await stalled.DeadLetterAsync(ids, "late", CancellationToken.None);
        await stalled.DeferAsync(ids, s_time, "late", CancellationToken.None);
        Assert.Equal(2L, (await other.GetStatsAsync(CancellationToken.None)).Count);
        Assert.Equal(0L, (await other.GetStatsAsync(CancellationToken.None)).DeadLetters);

        await other.CompleteAsync(ids, CancellationToken.None);
        Assert.Equal(0L, (await other.GetStatsAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Leases_are_renewed_while_the_instance_runs()
    {
        var a = Open(TimeSpan.FromSeconds(3));
        await a.AppendAsync([Entry(1)], CancellationToken.None);
        await Sql($"UPDATE {_schema}.outbox_items SET lease_until = now() + interval '1 second';");
        Assert.Equal(1, await a.RenewLeasesAsync());
        var until = (DateTime)(await Sql($"SELECT lease_until FROM {_schema}.outbox_items;"))!;
        var now = (DateTime)(await Sql("SELECT now();"))!;
        Assert.InRange((until - now).TotalSeconds, 2, 3.5);
    }

    [Fact]
    public async Task Deferred_items_carry_their_attempts_and_next_time_to_the_next_owner()
    {
        var a = Open();
        var ids = await a.AppendAsync([Entry(1)], CancellationToken.None);
        var next = s_time.AddMinutes(5);
        await a.DeferAsync(ids, next, "503", CancellationToken.None);
        await a.DeferAsync(ids, next, "503", CancellationToken.None);
        await a.DisposeAsync();

        var item = Assert.Single(await Open().ClaimAsync(10, CancellationToken.None));
        Assert.Equal(2, item.Attempts);
        Assert.Equal(next, item.NextAttemptAt);
        Assert.Equal("503", await Sql($"SELECT last_error FROM {_schema}.outbox_items;"));
    }

    [Fact]
    public async Task Dead_letters_keep_the_reason_and_replay_to_the_fleet()
    {
        var a = Open();
        var ids = await a.AppendAsync([Entry(1), Entry(2)], CancellationToken.None);
        await a.DeadLetterAsync([ids[0]], "Braze refused it", CancellationToken.None);
        var letter = Assert.Single(await a.ReadDeadLettersAsync(10, CancellationToken.None));
        Assert.Equal(("""{"n":1}""", "Braze refused it", TrackArray.Events), (Text(letter.Payload), letter.Reason, letter.Array!.Value));
        Assert.Equal(new OutboxStats(1, s_time.AddSeconds(2), 1).Count, (await a.GetStatsAsync(CancellationToken.None)).Count);

        Assert.Equal(1, await a.ReplayDeadLettersAsync([letter.Id], CancellationToken.None));
        var replayed = Assert.Single(await Open().ClaimAsync(10, CancellationToken.None)); // unowned: any instance claims it
        Assert.Equal("""{"n":1}""", Text(replayed.Payload));
        var stats = await a.GetStatsAsync(CancellationToken.None);
        Assert.Equal((2L, 0L, s_time.AddSeconds(1)), (stats.Count, stats.DeadLetters, stats.OldestEnqueuedAt!.Value));
    }

    [Fact]
    public async Task Dead_letters_past_their_retention_are_deleted_in_batches()
    {
        var a = Open(retention: TimeSpan.FromDays(30));
        var ids = await a.AppendAsync([Entry(1), Entry(2)], CancellationToken.None);
        await a.DeadLetterAsync(ids, "refused", CancellationToken.None);
        await Sql($"UPDATE {_schema}.outbox_dead_letters SET dead_lettered_at = now() - interval '31 days' WHERE id = (SELECT min(id) FROM {_schema}.outbox_dead_letters);");
        await a.RenewLeasesAsync();
        var kept = Assert.Single(await a.ReadDeadLettersAsync(10, CancellationToken.None));
        Assert.Equal("""{"n":2}""", Text(kept.Payload));
    }

    [Fact]
    public async Task Concurrent_claimers_never_get_the_same_item()
    {
        var writer = Open();
        var ids = await writer.AppendAsync([.. Enumerable.Range(0, 600).Select(i => Entry(i))], CancellationToken.None);
        await writer.DisposeAsync();

        var fleet = Enumerable.Range(0, 3).Select(_ => Open()).ToList();
        var claims = await Task.WhenAll(fleet.Select(async outbox =>
        {
            var mine = new List<long>();
            while (true)
            {
                var page = await outbox.ClaimAsync(25, CancellationToken.None);
                if (page.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(page.Select(i => i.Id));
            }
        }));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(ids.Length, all.Count);
        Assert.Equal(ids.Order(), all.Order());
    }

    [Fact]
    public async Task The_schema_is_created_once_and_a_newer_format_is_refused()
    {
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Open().GetStatsAsync(CancellationToken.None).AsTask()));
        Assert.Equal(1L, await Sql($"SELECT count(*) FROM {_schema}.outbox_schema;"));

        await Sql($"INSERT INTO {_schema}.outbox_schema (version) VALUES ({PostgreSqlOutbox.SchemaVersion + 1});");
        var error = await Assert.ThrowsAsync<BrazeException>(() => Open().GetStatsAsync(CancellationToken.None).AsTask());
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Braze")]
    [InlineData("x; drop table y")]
    [InlineData("")]
    public void Options_refuse_a_schema_that_is_not_a_plain_identifier(string schema)
        => Assert.Throws<ArgumentException>(() => new PostgreSqlOutboxOptions { ConnectionString = "Host=x", Schema = schema }.Validate());
}
