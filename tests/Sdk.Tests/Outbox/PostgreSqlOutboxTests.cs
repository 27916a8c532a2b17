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

    private static OutboxEntry Entry(int n, string? user) => new(TrackArray.Events, Encoding.UTF8.GetBytes($$"""{"n":{{n}}}"""), s_time.AddSeconds(n), user);

    /// <summary>The payloads of a table's rows, in id order, comma-separated.</summary>
    private async Task<string?> Payloads(string table) => (await Sql($"SELECT string_agg(convert_from(payload, 'UTF8'), ',' ORDER BY id) FROM {_schema}.{table};")) as string;

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
    public async Task The_user_key_is_kept_through_append_enqueue_claim_dead_letters_and_replay()
    {
        const string Alias = "user_alias:6:device:abc";
        var a = Open();
        var ids = await a.AppendAsync([Entry(1, "external_id:user-42"), Entry(2, null), Entry(3, Alias)], CancellationToken.None);
        await using (var connection = new NpgsqlConnection(PostgresServer.ConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await a.EnqueueAsync(new TrackRequest().Add(new TrackEvent(UserId.Email("a@b.c"), "signed_up", s_time.AddSeconds(4))), transaction);
            await transaction.CommitAsync();
        }

        await a.DeadLetterAsync([ids[1], ids[2]], "refused", CancellationToken.None);
        Assert.Equal("-," + Alias, await Sql($"SELECT string_agg(coalesce(user_key, '-'), ',' ORDER BY id) FROM {_schema}.outbox_dead_letters;"));
        var letters = await a.ReadDeadLettersAsync(10, CancellationToken.None);
        Assert.Equal(2, await a.ReplayDeadLettersAsync([.. letters.Select(l => l.Id)], CancellationToken.None));
        await a.DisposeAsync();

        var claimed = await Open().ClaimAsync(10, CancellationToken.None);
        Assert.Equal(4, claimed.Count);
        Assert.Equal(["external_id:user-42", null, Alias, "email:a@b.c"], claimed.Select(i => i.UserKey));
        Assert.Equal(["""{"n":1}""", """{"n":2}""", """{"n":3}"""], claimed.Take(3).Select(i => Text(i.Payload)));
    }

    [Fact]
    public async Task Purge_removes_the_given_users_unleased_items_and_dead_letters_and_nothing_under_a_live_lease()
    {
        const string U1 = "external_id:u1", U2 = "external_id:u2", U3 = "external_id:u3";
        var left = Open();
        await left.AppendAsync([Entry(1, U1), Entry(2, U2), Entry(3, null), Entry(4, U3), Entry(5, U1)], CancellationToken.None);
        var letters = await left.AppendAsync([Entry(6, U1), Entry(7, U3)], CancellationToken.None);
        await left.DeadLetterAsync(letters, "refused", CancellationToken.None);
        await left.DisposeAsync(); // a graceful stop: items 1 to 5 belong to nobody now

        var purger = Open();
        var own = Assert.Single(await purger.ClaimAsync(1, CancellationToken.None)); // item 1 (u1): leased by this instance
        Assert.Equal(U1, own.UserKey);
        await purger.AppendAsync([Entry(8, U1)], CancellationToken.None); // leased by this instance from the start

        var live = Open();
        await live.AppendAsync([Entry(9, U1)], CancellationToken.None); // in flight on another instance
        var stalled = Open();
        var expired = await stalled.AppendAsync([Entry(10, U1), Entry(11, U2)], CancellationToken.None);
        await Sql($"UPDATE {_schema}.outbox_items SET lease_until = now() - interval '1 second' WHERE id IN ({expired[0]}, {expired[1]});"); // paused past its lease

        // 2 (u2) and 5 (u1) unleased, 10 (u1) and 11 (u2) under an expired lease, and the dead letter 6 (u1).
        Assert.Equal(5, await purger.PurgeAsync([U1, U2, "external_id:nobody", U1], CancellationToken.None));
        Assert.Equal(0, await purger.PurgeAsync([U1, U2], CancellationToken.None));
        Assert.Equal(0, await purger.PurgeAsync([], CancellationToken.None));

        Assert.Equal("""{"n":1},{"n":3},{"n":4},{"n":8},{"n":9}""", await Payloads("outbox_items"));
        Assert.Equal("""{"n":7}""", await Payloads("outbox_dead_letters"));

        // Once the other instance lets go, its items are no longer in flight and a purge takes them.
        await live.DisposeAsync();
        Assert.Equal(1, await purger.PurgeAsync([U1], CancellationToken.None));
        Assert.Equal("""{"n":1},{"n":3},{"n":4},{"n":8}""", await Payloads("outbox_items"));
        await purger.CompleteAsync([own.Id], CancellationToken.None); // what it holds is still its own to finish
        Assert.Equal("""{"n":3},{"n":4},{"n":8}""", await Payloads("outbox_items"));
    }

    [Fact]
    public async Task A_database_that_is_not_there_yet_is_tried_again_not_given_up_on()
    {
        var database = "braze_late_" + Guid.NewGuid().ToString("N")[..12];
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { Database = database }.ConnectionString;
        await using var outbox = new PostgreSqlOutbox(new PostgreSqlOutboxOptions { ConnectionString = connection, Schema = _schema });
        await Assert.ThrowsAnyAsync<Npgsql.NpgsqlException>(async () => await outbox.AppendAsync([Entry(1)], CancellationToken.None)); // no such database yet

        await Sql($"CREATE DATABASE {database};");
        try
        {
            Assert.Single(await outbox.AppendAsync([Entry(1)], CancellationToken.None)); // the migration runs again, and succeeds
        }
        finally
        {
            await outbox.DisposeAsync();
            Npgsql.NpgsqlConnection.ClearAllPools();
            await Sql($"DROP DATABASE {database} WITH (FORCE);");
        }
    }

    [Fact]
    public async Task A_users_item_is_not_claimed_while_another_live_instance_holds_an_earlier_one()
    {
        const string U = "external_id:u", V = "external_id:v";
        var holder = Open();
        await holder.AppendAsync([Entry(1, U)], CancellationToken.None); // in flight on a live instance
        var left = Open();
        await left.AppendAsync([Entry(2, U), Entry(3, V), Entry(4, null)], CancellationToken.None);
        await left.DisposeAsync(); // nobody's now

        var claimer = Open();
        Assert.Equal(["""{"n":3}""", """{"n":4}"""], (await claimer.ClaimAsync(10, CancellationToken.None)).Select(i => Text(i.Payload)));

        await holder.DisposeAsync(); // lets go of item 1: now both of U's items are claimed, in order
        Assert.Equal(["""{"n":1}""", """{"n":2}"""], (await claimer.ClaimAsync(10, CancellationToken.None)).Select(i => Text(i.Payload)));
    }

    [Fact]
    public async Task The_items_this_instance_does_not_hold_are_counted_per_user_and_by_when_they_were_accepted()
    {
        const string U1 = "external_id:u1", U2 = "external_id:u2";
        var mine = Open();
        var other = Open();
        await mine.AppendAsync([Entry(1, U1)], CancellationToken.None);
        await other.AppendAsync([Entry(2, U1), Entry(3, U2), Entry(4, U1)], CancellationToken.None);
        await using (var left = Open())
        {
            await left.AppendAsync([Entry(5, U1)], CancellationToken.None);
        }

        // Items 2 and 4 (another instance's) and 5 (nobody's since its instance stopped); not item 1, which is this one's.
        Assert.Equal(3L, await mine.CountNotHeldAsync([U1], s_time.AddSeconds(10), CancellationToken.None));
        Assert.Equal(1L, await mine.CountNotHeldAsync([U1], s_time.AddSeconds(3), CancellationToken.None));
        Assert.Equal(4L, await mine.CountNotHeldAsync([U1, U2], s_time.AddSeconds(10), CancellationToken.None));
        Assert.Equal(2L, await other.CountNotHeldAsync([U1], s_time.AddSeconds(10), CancellationToken.None)); // 1 and 5
    }

    [Fact]
    public async Task A_version_1_schema_is_migrated_and_keeps_its_rows_without_a_user_key()
    {
        var items = $"{_schema}.outbox_items";
        var letters = $"{_schema}.outbox_dead_letters";
        // The version-1 schema exactly as the package before version 2 created it, with an item and a dead letter.
        await Sql($"""
            CREATE SCHEMA {_schema};
            CREATE TABLE {_schema}.outbox_schema (version integer NOT NULL);
            CREATE TABLE {items} (
                id bigserial PRIMARY KEY,
                array_kind smallint NOT NULL,
                payload bytea NOT NULL,
                enqueued_at timestamptz NOT NULL,
                attempts integer NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NULL,
                last_error text NULL,
                lease_owner uuid NULL,
                lease_until timestamptz NULL);
            CREATE INDEX outbox_items_claim ON {items} (enqueued_at, id);
            CREATE INDEX outbox_items_owner ON {items} (lease_owner);
            CREATE TABLE {letters} (
                id bigserial PRIMARY KEY,
                array_kind smallint NOT NULL,
                payload bytea NOT NULL,
                enqueued_at timestamptz NOT NULL,
                dead_lettered_at timestamptz NOT NULL,
                reason text NOT NULL);
            INSERT INTO {_schema}.outbox_schema (version) VALUES (1);
            """);
        await Sql($$"""INSERT INTO {{items}} (array_kind, payload, enqueued_at, attempts) VALUES (1, convert_to('{"n":1}', 'UTF8'), '2024-05-01T12:00:01Z', 3);""");
        await Sql($$"""INSERT INTO {{letters}} (array_kind, payload, enqueued_at, dead_lettered_at, reason) VALUES (1, convert_to('{"n":2}', 'UTF8'), '2024-05-01T12:00:02Z', now(), 'refused');""");

        var outbox = Open();
        Assert.Equal(0, await outbox.PurgeAsync(["external_id:u1"], CancellationToken.None)); // rows without a key stay
        var item = Assert.Single(await outbox.ClaimAsync(10, CancellationToken.None));
        Assert.Equal(("""{"n":1}""", 3, s_time.AddSeconds(1), (string?)null), (Text(item.Payload), item.Attempts, item.EnqueuedAt, item.UserKey));
        Assert.Equal("refused", Assert.Single(await outbox.ReadDeadLettersAsync(10, CancellationToken.None)).Reason);

        Assert.Equal("1,2,3", await Sql($"SELECT string_agg(version::text, ',' ORDER BY version) FROM {_schema}.outbox_schema;"));
        Assert.Equal(1L, await Sql($"SELECT count(*) FROM pg_indexes WHERE schemaname = '{_schema}' AND indexname = 'outbox_items_user_key';"));

        // The migrated schema goes on working with keys.
        await outbox.AppendAsync([Entry(3, "external_id:u1")], CancellationToken.None);
        await outbox.DisposeAsync();
        Assert.Equal(1, await Open().PurgeAsync(["external_id:u1"], CancellationToken.None));
        Assert.Equal("""{"n":1}""", await Payloads("outbox_items"));
    }

    [Fact]
    public async Task The_schema_is_created_once_and_a_newer_format_is_refused()
    {
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Open().GetStatsAsync(CancellationToken.None).AsTask()));
        Assert.Equal("1,2,3", await Sql($"SELECT string_agg(version::text, ',' ORDER BY version) FROM {_schema}.outbox_schema;")); // each step once

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
