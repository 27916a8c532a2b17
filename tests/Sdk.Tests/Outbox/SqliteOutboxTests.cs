using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Braze.Tests.Outbox;

// Runs alone: one test counts the process's open file descriptors, which tests running beside it would change.
[CollectionDefinition("SqliteOutbox", DisableParallelization = true)]
public sealed class SqliteOutboxCollection;

[Collection("SqliteOutbox")]
public sealed class SqliteOutboxTests : IDisposable
{
    private static readonly DateTimeOffset s_time = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_shortLock = TimeSpan.FromMilliseconds(200);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "braze-sqlite-outbox-" + Guid.NewGuid().ToString("N"));

    public SqliteOutboxTests()
    {
        Directory.CreateDirectory(_dir);
    }

    private string File1 => Path.Combine(_dir, "outbox.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static byte[] Json(int n) => Encoding.UTF8.GetBytes($$"""{"n":{{n}}}""");

    private static OutboxEntry Entry(int n, DateTimeOffset at, TrackArray array = TrackArray.Events) => new(array, Json(n), at);

    private static OutboxEntry Entry(int n, string? user) => new(TrackArray.Events, Json(n), s_time.AddSeconds(n), user);

    private static object? Scalar(string path, string sql)
    {
        using var connection = Raw(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static string Text(byte[] payload) => Encoding.UTF8.GetString(payload);

    private static SqliteOutbox Open(string path, TimeProvider? time = null, bool moveDamagedFileAside = false) =>
        new(new SqliteOutboxOptions { Path = path, LockTimeout = s_shortLock, MoveDamagedFileAside = moveDamagedFileAside }, time);

    /// <summary>A connection of the test's own, unpooled so that the file is really closed when it is disposed.</summary>
    private static SqliteConnection Raw(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }

    private static void InsertRaw(string path, int kind, byte[] payload, DateTimeOffset at)
    {
        using var connection = Raw(path);
        Execute(
            connection,
            "INSERT INTO outbox (kind, payload, enqueued_at, attempts) VALUES ($kind, $payload, $at, 0);",
            ("$kind", kind),
            ("$payload", payload),
            ("$at", at.UtcTicks));
    }

    private static string[] DescriptorTargets() => Directory.GetFileSystemEntries("/proc/self/fd")
        .Select(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget ?? string.Empty;
            }
            catch (IOException)
            {
                return string.Empty; // closed between the listing and the read
            }
        })
        .ToArray();

    [Fact]
    public async Task Append_returns_ids_in_order_and_a_later_instance_claims_the_items_oldest_first_with_every_field()
    {
        var at = new DateTimeOffset(2024, 5, 1, 14, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567); // not UTC, sub-millisecond
        long[] ids;
        using (var first = Open(File1))
        {
            ids = await first.AppendAsync([Entry(1, at), Entry(2, at.AddSeconds(1), TrackArray.Attributes), Entry(3, at.AddSeconds(2), TrackArray.Purchases)], CancellationToken.None);
            var more = await first.AppendAsync([Entry(4, at.AddSeconds(3))], CancellationToken.None);
            Assert.Equal(3, ids.Length);
            Assert.True(ids[0] < ids[1] && ids[1] < ids[2], string.Join(",", ids));
            Assert.True(more[0] > ids[2]);
            ids = [.. ids, .. more];
        }

        using var second = Open(File1);
        var items = await second.ClaimAsync(10, CancellationToken.None);

        Assert.Equal(ids, items.Select(i => i.Id));
        Assert.Equal([TrackArray.Events, TrackArray.Attributes, TrackArray.Purchases, TrackArray.Events], items.Select(i => i.Array));
        Assert.Equal(["""{"n":1}""", """{"n":2}""", """{"n":3}""", """{"n":4}"""], items.Select(i => Text(i.Payload)));
        for (var i = 0; i < items.Count; i++)
        {
            Assert.Equal(at.AddSeconds(i).UtcTicks, items[i].EnqueuedAt.UtcTicks);
            Assert.Equal(TimeSpan.Zero, items[i].EnqueuedAt.Offset);
            Assert.Equal(0, items[i].Attempts);
            Assert.Null(items[i].NextAttemptAt);
        }
    }

    [Fact]
    public async Task An_instance_does_not_claim_what_it_appended_and_nothing_is_claimed_twice()
    {
        using (var first = Open(File1))
        {
            await first.AppendAsync([Entry(1, s_time), Entry(2, s_time)], CancellationToken.None);
            Assert.Empty(await first.ClaimAsync(10, CancellationToken.None)); // it holds them from the start
        }

        using var second = Open(File1);
        var newer = await second.AppendAsync([Entry(3, s_time)], CancellationToken.None);

        var claimed = await second.ClaimAsync(1, CancellationToken.None);
        Assert.Equal(["""{"n":1}"""], claimed.Select(i => Text(i.Payload)));
        claimed = await second.ClaimAsync(10, CancellationToken.None);
        Assert.Equal(["""{"n":2}"""], claimed.Select(i => Text(i.Payload)));
        Assert.Empty(await second.ClaimAsync(10, CancellationToken.None));
        Assert.DoesNotContain(newer[0], claimed.Select(i => i.Id));
        Assert.Equal(3, (await second.GetStatsAsync(CancellationToken.None)).Count); // claimed is not removed
    }

    [Fact]
    public async Task A_claim_of_zero_items_returns_none_and_holds_nothing()
    {
        using (var first = Open(File1))
        {
            await first.AppendAsync([Entry(1, s_time)], CancellationToken.None);
        }

        using var second = Open(File1);
        Assert.Empty(await second.ClaimAsync(0, CancellationToken.None));
        Assert.Single(await second.ClaimAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task Defer_counts_each_failed_attempt_and_keeps_the_next_attempt_time_across_a_reopen()
    {
        var next = new DateTimeOffset(2024, 5, 1, 15, 30, 0, TimeSpan.FromHours(3)).AddTicks(42);
        long[] ids;
        using (var first = Open(File1))
        {
            ids = await first.AppendAsync([Entry(1, s_time), Entry(2, s_time)], CancellationToken.None);
            await first.DeferAsync([ids[0]], s_time.AddMinutes(1), "HTTP 503", CancellationToken.None);
            await first.DeferAsync([ids[0]], next, "HTTP 429", CancellationToken.None);
        }

        using var second = Open(File1);
        var items = await second.ClaimAsync(10, CancellationToken.None);

        Assert.Equal(ids, items.Select(i => i.Id));
        Assert.Equal(2, items[0].Attempts);
        Assert.Equal(next.UtcTicks, items[0].NextAttemptAt?.UtcTicks);
        Assert.Equal(0, items[1].Attempts);
        Assert.Null(items[1].NextAttemptAt);
    }

    [Fact]
    public async Task Complete_removes_items_and_stats_report_the_count_the_oldest_and_the_dead_letters()
    {
        long[] ids;
        using (var first = Open(File1))
        {
            var empty = await first.GetStatsAsync(CancellationToken.None);
            Assert.Equal(0, empty.Count);
            Assert.Null(empty.OldestEnqueuedAt);
            Assert.Equal(0, empty.DeadLetters);

            ids = await first.AppendAsync([Entry(1, s_time.AddSeconds(2)), Entry(2, s_time), Entry(3, s_time.AddSeconds(1)), Entry(4, s_time.AddSeconds(3))], CancellationToken.None);
            var stats = await first.GetStatsAsync(CancellationToken.None);
            Assert.Equal(4, stats.Count);
            Assert.Equal(s_time, stats.OldestEnqueuedAt);
            Assert.Equal(0, stats.DeadLetters);

            await first.CompleteAsync([ids[1]], CancellationToken.None);
            await first.CompleteAsync([], CancellationToken.None);
            await first.DeadLetterAsync([ids[3]], "rejected", CancellationToken.None);
            stats = await first.GetStatsAsync(CancellationToken.None);
            Assert.Equal(2, stats.Count);
            Assert.Equal(s_time.AddSeconds(1), stats.OldestEnqueuedAt);
            Assert.Equal(1, stats.DeadLetters);

            await first.CompleteAsync([ids[2]], CancellationToken.None);
        }

        using var second = Open(File1);
        var after = await second.GetStatsAsync(CancellationToken.None);
        Assert.Equal(1, after.Count);
        Assert.Equal(s_time.AddSeconds(2), after.OldestEnqueuedAt);
        Assert.Equal(1, after.DeadLetters);
        Assert.Equal([ids[0]], (await second.ClaimAsync(10, CancellationToken.None)).Select(i => i.Id));
    }

    [Fact]
    public async Task Dead_letters_keep_their_reason_and_replay_brings_them_back_as_new_unowned_items()
    {
        var time = new FakeTimeProvider(s_time.AddHours(5));
        using var outbox = Open(File1, time);
        var ids = await outbox.AppendAsync([Entry(1, s_time), Entry(2, s_time.AddSeconds(1), TrackArray.Purchases), Entry(3, s_time.AddSeconds(2))], CancellationToken.None);
        await outbox.DeferAsync([ids[0]], s_time.AddHours(6), "HTTP 503", CancellationToken.None);
        await outbox.DeadLetterAsync([ids[0], ids[1]], "Braze rejected it: invalid", CancellationToken.None);
        var deadAt = time.GetUtcNow();

        var letters = await outbox.ReadDeadLettersAsync(10, CancellationToken.None);
        Assert.Equal(2, letters.Count);
        Assert.True(letters[0].Id < letters[1].Id);
        Assert.Equal([TrackArray.Events, TrackArray.Purchases], letters.Select(l => l.Array));
        Assert.Equal(["""{"n":1}""", """{"n":2}"""], letters.Select(l => Text(l.Payload)));
        Assert.Equal([s_time, s_time.AddSeconds(1)], letters.Select(l => l.EnqueuedAt));
        Assert.All(letters, l => Assert.Equal(deadAt, l.DeadLetteredAt));
        Assert.All(letters, l => Assert.Equal("Braze rejected it: invalid", l.Reason));
        Assert.Single(await outbox.ReadDeadLettersAsync(1, CancellationToken.None));
        var stats = await outbox.GetStatsAsync(CancellationToken.None);
        Assert.Equal(1, stats.Count);
        Assert.Equal(2, stats.DeadLetters);

        time.Advance(TimeSpan.FromHours(1));
        var replayedAt = time.GetUtcNow();
        Assert.Equal(1, await outbox.ReplayDeadLettersAsync([letters[0].Id, 987_654], CancellationToken.None));
        Assert.Equal(0, await outbox.ReplayDeadLettersAsync([letters[0].Id], CancellationToken.None)); // already moved

        // Unowned: the instance that appended (and dead-lettered) it claims it, as a new item.
        time.Advance(TimeSpan.FromMinutes(1));
        var claimed = await outbox.ClaimAsync(10, CancellationToken.None);
        var item = Assert.Single(claimed);
        Assert.DoesNotContain(item.Id, ids);
        Assert.Equal(TrackArray.Events, item.Array);
        Assert.Equal("""{"n":1}""", Text(item.Payload));
        Assert.Equal(replayedAt, item.EnqueuedAt);
        Assert.Equal(0, item.Attempts);
        Assert.Null(item.NextAttemptAt);
        Assert.Empty(await outbox.ClaimAsync(10, CancellationToken.None));

        var left = Assert.Single(await outbox.ReadDeadLettersAsync(10, CancellationToken.None));
        Assert.Equal(letters[1].Id, left.Id);
        stats = await outbox.GetStatsAsync(CancellationToken.None);
        Assert.Equal(2, stats.Count);
        Assert.Equal(1, stats.DeadLetters);
    }

    [Fact]
    public async Task A_file_open_in_another_outbox_is_refused_naming_it_until_that_one_is_disposed()
    {
        var first = Open(File1);
        try
        {
            await first.AppendAsync([Entry(1, s_time)], CancellationToken.None);

            var clock = Stopwatch.StartNew();
            var ex = Assert.Throws<BrazeException>(() => Open(File1));
            Assert.Contains(Path.GetFullPath(File1), ex.Message, StringComparison.Ordinal);
            Assert.Contains("in use by another process", ex.Message, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), clock.Elapsed.ToString());

            // Asking to move damaged files aside does not move a file that is only busy.
            ex = Assert.Throws<BrazeException>(() => Open(File1, moveDamagedFileAside: true));
            Assert.Contains("in use by another process", ex.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(_dir, "*.damaged-*"));

            // The refused opens did not disturb the owner.
            await first.AppendAsync([Entry(2, s_time)], CancellationToken.None);
        }
        finally
        {
            first.Dispose();
        }

        using var second = Open(File1);
        Assert.Equal(["""{"n":1}""", """{"n":2}"""], (await second.ClaimAsync(10, CancellationToken.None)).Select(i => Text(i.Payload)));
    }

    [Fact]
    public void An_empty_file_is_refused_naming_it()
    {
        File.WriteAllBytes(File1, []);

        var ex = Assert.Throws<BrazeException>(() => Open(File1));

        Assert.Contains(Path.GetFullPath(File1), ex.Message, StringComparison.Ordinal);
        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(File1).Length); // left as it was
    }

    [Fact]
    public void A_file_of_garbage_is_refused_naming_it_and_left_as_it_was()
    {
        var garbage = Garbage();
        File.WriteAllBytes(File1, garbage);

        var ex = Assert.Throws<BrazeException>(() => Open(File1));

        Assert.Contains(Path.GetFullPath(File1), ex.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, File.ReadAllBytes(File1));
    }

    [Fact]
    public void Failed_opens_do_not_leak_file_descriptors()
    {
        if (!Directory.Exists("/proc/self/fd"))
        {
            return; // Linux only
        }

        var empty = Path.Combine(_dir, "empty.db");
        File.WriteAllBytes(empty, []);
        var garbage = Path.Combine(_dir, "garbage.db");
        File.WriteAllBytes(garbage, Garbage());
        var newer = Path.Combine(_dir, "newer.db");
        using (var connection = Raw(newer))
        {
            Execute(connection, "CREATE TABLE t (x); PRAGMA user_version = 99;");
        }

        var before = DescriptorTargets().Length;
        for (var i = 0; i < 20; i++)
        {
            Assert.Throws<BrazeException>(() => Open(empty));
            Assert.Throws<BrazeException>(() => Open(garbage));
            Assert.Throws<BrazeException>(() => Open(newer));
        }

        var after = DescriptorTargets();
        Assert.True(after.Length <= before + 5, $"{before} descriptors before, {after.Length} after");
        Assert.DoesNotContain(after, target => target.StartsWith(_dir, StringComparison.Ordinal));
    }

    [Fact]
    public void Refused_busy_opens_do_not_leak_file_descriptors()
    {
        if (!Directory.Exists("/proc/self/fd"))
        {
            return; // Linux only
        }

        int InDir() => DescriptorTargets().Count(t => t.StartsWith(_dir, StringComparison.Ordinal));
        var owner = Open(File1);
        try
        {
            var before = InDir();
            for (var i = 0; i < 5; i++)
            {
                Assert.Throws<BrazeException>(() => Open(File1));
            }

            // SQLite cannot close a descriptor of a file on which this process holds locks (closing it would drop them),
            // so it keeps one aside for reuse until the owner closes: at most one more, however many opens failed.
            Assert.InRange(InDir(), before, before + 1);
        }
        finally
        {
            owner.Dispose();
        }

        Assert.Equal(0, InDir());
    }

    [Fact]
    public async Task With_MoveDamagedFileAside_a_garbage_file_is_renamed_and_a_fresh_outbox_starts()
    {
        var garbage = Garbage();
        File.WriteAllBytes(File1, garbage);
        var time = new FakeTimeProvider(s_time);

        string aside;
        using (var outbox = Open(File1, time, moveDamagedFileAside: true))
        {
            Assert.NotNull(outbox.MovedAsidePath);
            aside = outbox.MovedAsidePath;
            Assert.StartsWith(Path.GetFullPath(File1) + ".damaged-", aside, StringComparison.Ordinal);
            Assert.Contains("20240501", aside, StringComparison.Ordinal);
            Assert.True(File.Exists(aside));
            Assert.Equal(garbage, File.ReadAllBytes(aside));

            Assert.Equal(0, (await outbox.GetStatsAsync(CancellationToken.None)).Count);
            await outbox.AppendAsync([Entry(1, s_time)], CancellationToken.None);
        }

        using var reopened = Open(File1, moveDamagedFileAside: true);
        Assert.Null(reopened.MovedAsidePath); // a healthy file stays
        Assert.Equal(["""{"n":1}"""], (await reopened.ClaimAsync(10, CancellationToken.None)).Select(i => Text(i.Payload)));
        Assert.Equal(garbage, File.ReadAllBytes(aside));
    }

    [Fact]
    public async Task With_MoveDamagedFileAside_an_empty_file_is_renamed_and_a_fresh_outbox_starts()
    {
        File.WriteAllBytes(File1, []);

        using var outbox = Open(File1, moveDamagedFileAside: true);

        Assert.NotNull(outbox.MovedAsidePath);
        Assert.True(File.Exists(outbox.MovedAsidePath));
        Assert.Equal(0, new FileInfo(outbox.MovedAsidePath).Length);
        Assert.Single(await outbox.AppendAsync([Entry(1, s_time)], CancellationToken.None));
    }

    [Fact]
    public async Task An_undecodable_row_goes_to_the_dead_letters_alone_and_its_neighbours_are_claimed()
    {
        using (var first = Open(File1))
        {
            await first.AppendAsync([Entry(1, s_time)], CancellationToken.None);
        }

        InsertRaw(File1, 7, Json(2), s_time.AddSeconds(1));
        InsertRaw(File1, (int)TrackArray.Events, "not json"u8.ToArray(), s_time.AddSeconds(2));
        InsertRaw(File1, (int)TrackArray.Events, """{"n":3}{"n":4}"""u8.ToArray(), s_time.AddSeconds(3));
        using (var second = Open(File1))
        {
            await second.AppendAsync([Entry(5, s_time.AddSeconds(4))], CancellationToken.None);
        }

        var time = new FakeTimeProvider(s_time.AddDays(1));
        using var third = Open(File1, time);

        // Two at a time: the bad rows take no place among the two.
        var claimed = await third.ClaimAsync(2, CancellationToken.None);
        Assert.Equal(["""{"n":1}""", """{"n":5}"""], claimed.Select(i => Text(i.Payload)));
        Assert.Empty(await third.ClaimAsync(10, CancellationToken.None));

        var letters = await third.ReadDeadLettersAsync(10, CancellationToken.None);
        Assert.Equal(3, letters.Count);
        Assert.Null(letters[0].Array);
        Assert.Equal("""{"n":2}""", Text(letters[0].Payload));
        Assert.Contains("7", letters[0].Reason, StringComparison.Ordinal);
        Assert.Equal(TrackArray.Events, letters[1].Array);
        Assert.Equal("not json", Text(letters[1].Payload));
        Assert.Contains("JSON object", letters[1].Reason, StringComparison.Ordinal);
        Assert.Equal("""{"n":3}{"n":4}""", Text(letters[2].Payload));
        Assert.Contains("JSON object", letters[2].Reason, StringComparison.Ordinal);
        Assert.Equal([s_time.AddSeconds(1), s_time.AddSeconds(2), s_time.AddSeconds(3)], letters.Select(l => l.EnqueuedAt));
        Assert.All(letters, l => Assert.Equal(time.GetUtcNow(), l.DeadLetteredAt));

        var stats = await third.GetStatsAsync(CancellationToken.None);
        Assert.Equal(2, stats.Count);
        Assert.Equal(3, stats.DeadLetters);
    }

    [Fact]
    public async Task The_first_file_format_is_migrated_with_its_times_and_no_attempts()
    {
        using (var connection = Raw(File1))
        {
            Execute(connection, "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, kind INTEGER NOT NULL, payload BLOB NOT NULL, enqueued_at TEXT NOT NULL);");
            const string Insert = "INSERT INTO outbox (kind, payload, enqueued_at) VALUES ($kind, $payload, $at);";
            Execute(connection, Insert, ("$kind", (int)TrackArray.Events), ("$payload", Json(1)), ("$at", "2024-05-01T12:00:00.0000000+00:00"));
            Execute(connection, Insert, ("$kind", (int)TrackArray.Purchases), ("$payload", Json(2)), ("$at", "2024-05-01T14:00:01.2500000+02:00"));
        }

        var appended = s_time.AddDays(1).AddTicks(5);
        using (var outbox = Open(File1))
        {
            var items = await outbox.ClaimAsync(10, CancellationToken.None);

            Assert.Equal(2, items.Count);
            Assert.Equal([TrackArray.Events, TrackArray.Purchases], items.Select(i => i.Array));
            Assert.Equal(["""{"n":1}""", """{"n":2}"""], items.Select(i => Text(i.Payload)));
            Assert.InRange(items[0].EnqueuedAt - s_time, TimeSpan.FromMilliseconds(-1), TimeSpan.FromMilliseconds(1));
            Assert.InRange(items[1].EnqueuedAt - s_time.AddSeconds(1.25), TimeSpan.FromMilliseconds(-1), TimeSpan.FromMilliseconds(1));
            Assert.All(items, i => Assert.Equal(0, i.Attempts));
            Assert.All(items, i => Assert.Null(i.NextAttemptAt));
            Assert.Empty(await outbox.ReadDeadLettersAsync(10, CancellationToken.None));
            var oldest = (await outbox.GetStatsAsync(CancellationToken.None)).OldestEnqueuedAt;
            Assert.NotNull(oldest);
            Assert.InRange(oldest.Value - s_time, TimeSpan.FromMilliseconds(-1), TimeSpan.FromMilliseconds(1));

            // The migrated file goes on working: what this run stores and defers reads back exactly.
            var ids = await outbox.AppendAsync([Entry(3, appended)], CancellationToken.None);
            Assert.True(ids[0] > items[1].Id);
            await outbox.DeferAsync([items[0].Id], appended, "HTTP 503", CancellationToken.None);
        }

        using var reopened = Open(File1);
        var again = await reopened.ClaimAsync(10, CancellationToken.None);
        Assert.Equal(["""{"n":1}""", """{"n":2}""", """{"n":3}"""], again.Select(i => Text(i.Payload)));
        Assert.Equal(appended, again[2].EnqueuedAt);
        Assert.Equal(1, again[0].Attempts);
        Assert.Equal(appended, again[0].NextAttemptAt);
        Assert.Empty(await reopened.ReadDeadLettersAsync(10, CancellationToken.None));
        Assert.Equal(3, (await reopened.GetStatsAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task The_user_key_is_kept_through_append_claim_dead_letters_and_replay()
    {
        const string Alias = "user_alias:6:device:abc";
        long[] ids;
        using (var first = Open(File1))
        {
            ids = await first.AppendAsync([Entry(1, "external_id:user-42"), Entry(2, null), Entry(3, Alias), Entry(4, "email:a@b.c")], CancellationToken.None);
        }

        using var second = Open(File1);
        var items = await second.ClaimAsync(10, CancellationToken.None);
        Assert.Equal(["external_id:user-42", null, Alias, "email:a@b.c"], items.Select(i => i.UserKey));

        await second.DeadLetterAsync([ids[1], ids[2]], "refused", CancellationToken.None);
        var letters = await second.ReadDeadLettersAsync(10, CancellationToken.None);
        Assert.Equal(2, await second.ReplayDeadLettersAsync([.. letters.Select(l => l.Id)], CancellationToken.None));
        var replayed = await second.ClaimAsync(10, CancellationToken.None);
        Assert.Equal(["""{"n":2}""", """{"n":3}"""], replayed.Select(i => Text(i.Payload)));
        Assert.Equal([null, Alias], replayed.Select(i => i.UserKey));
    }

    [Fact]
    public async Task Purge_removes_the_items_and_dead_letters_of_the_given_users_that_this_run_does_not_hold()
    {
        const string U1 = "external_id:u1", U2 = "external_id:u2", U3 = "external_id:u3";
        using (var first = Open(File1))
        {
            var ids = await first.AppendAsync(
                [Entry(1, U1), Entry(2, U1), Entry(3, U2), Entry(4, null), Entry(5, U3), Entry(6, U1), Entry(7, U3), Entry(8, U2)],
                CancellationToken.None);
            await first.DeadLetterAsync([ids[5], ids[6], ids[7]], "refused", CancellationToken.None); // 6 (u1), 7 (u3), 8 (u2)
        }

        using (var second = Open(File1))
        {
            Assert.Equal(["""{"n":1}"""], (await second.ClaimAsync(1, CancellationToken.None)).Select(i => Text(i.Payload))); // held by this run now
            await second.AppendAsync([Entry(9, U1)], CancellationToken.None); // held from the start
            var u2Letter = (await second.ReadDeadLettersAsync(10, CancellationToken.None)).Single(l => Text(l.Payload) == """{"n":8}""");
            Assert.Equal(1, await second.ReplayDeadLettersAsync([u2Letter.Id], CancellationToken.None)); // unowned again

            // 2 (u1), 3 (u2) left by the earlier run, 8 (u2) replayed, and the dead letter 6 (u1).
            Assert.Equal(4, await second.PurgeAsync([U1, U2, "external_id:nobody", U1], CancellationToken.None));
            Assert.Equal(0, await second.PurgeAsync([U1, U2], CancellationToken.None));
            Assert.Equal(0, await second.PurgeAsync([], CancellationToken.None));

            var stats = await second.GetStatsAsync(CancellationToken.None);
            Assert.Equal((4L, 1L), (stats.Count, stats.DeadLetters));
            var letter = Assert.Single(await second.ReadDeadLettersAsync(10, CancellationToken.None));
            Assert.Equal("""{"n":7}""", Text(letter.Payload));
        }

        using var third = Open(File1);
        var left = await third.ClaimAsync(10, CancellationToken.None);
        Assert.Equal(["""{"n":1}""", """{"n":4}""", """{"n":5}""", """{"n":9}"""], left.Select(i => Text(i.Payload)));
        Assert.Equal([U1, null, U3, U1], left.Select(i => i.UserKey));
    }

    [Fact]
    public async Task The_items_not_held_are_counted_per_user_and_by_when_they_were_accepted()
    {
        const string U1 = "external_id:u1", U2 = "external_id:u2";
        using (var first = Open(File1))
        {
            await first.AppendAsync([Entry(1, U1), Entry(2, U2), Entry(3, U1), Entry(4, null)], CancellationToken.None);
        }

        using var second = Open(File1);
        await second.AppendAsync([Entry(5, U1)], CancellationToken.None); // held by this run: its tracker knows it
        Assert.Equal(2L, await second.CountNotHeldAsync([U1], s_time.AddSeconds(10), CancellationToken.None));
        Assert.Equal(1L, await second.CountNotHeldAsync([U1], s_time.AddSeconds(2), CancellationToken.None)); // accepted before: item 1 only
        Assert.Equal(3L, await second.CountNotHeldAsync([U1, U2, U1], s_time.AddSeconds(10), CancellationToken.None));
        Assert.Equal(0L, await second.CountNotHeldAsync([], s_time.AddSeconds(10), CancellationToken.None));

        Assert.Single(await second.ClaimAsync(1, CancellationToken.None)); // item 1: held now
        Assert.Equal(1L, await second.CountNotHeldAsync([U1], s_time.AddSeconds(10), CancellationToken.None));
    }

    [Fact]
    public async Task Purge_removes_what_an_earlier_run_held_once_it_stopped()
    {
        const string U1 = "external_id:u1";
        using (var first = Open(File1))
        {
            await first.AppendAsync([Entry(1, U1), Entry(2, U1)], CancellationToken.None);
            Assert.Equal(0, await first.PurgeAsync([U1], CancellationToken.None)); // its own
        }

        using var second = Open(File1);
        Assert.Equal(2, await second.PurgeAsync([U1], CancellationToken.None));
        Assert.Empty(await second.ClaimAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task Purge_takes_more_keys_than_SQLite_binds_in_one_statement()
    {
        var keys = Enumerable.Range(0, 2_500).Select(i => $"external_id:user-{i}").ToList();
        using (var first = Open(File1))
        {
            var ids = await first.AppendAsync([Entry(1, keys[0]), Entry(2, keys[1_200]), Entry(3, keys[2_499]), Entry(4, "external_id:kept"), Entry(5, keys[2_000])], CancellationToken.None);
            await first.DeadLetterAsync([ids[4]], "refused", CancellationToken.None);
        }

        using var second = Open(File1);
        Assert.Equal(4, await second.PurgeAsync(keys, CancellationToken.None));
        var item = Assert.Single(await second.ClaimAsync(10, CancellationToken.None));
        Assert.Equal("external_id:kept", item.UserKey);
        Assert.Empty(await second.ReadDeadLettersAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task A_version_2_file_is_migrated_in_place_and_keeps_its_rows_without_a_user_key()
    {
        using (var connection = Raw(File1))
        {
            // The format-2 schema exactly as the SDK before format 3 created it, with a row of its run 1 and a dead letter.
            Execute(connection, "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, kind INTEGER NOT NULL, payload BLOB NOT NULL, enqueued_at NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, last_error TEXT, owner INTEGER);");
            Execute(connection, "CREATE TABLE dead_letter (id INTEGER PRIMARY KEY AUTOINCREMENT, kind INTEGER, payload BLOB, enqueued_at INTEGER, dead_lettered_at INTEGER NOT NULL, reason TEXT NOT NULL);");
            Execute(connection, "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);");
            Execute(connection, "INSERT INTO meta (key, value) VALUES ('run', 1);");
            Execute(connection, "INSERT INTO outbox (kind, payload, enqueued_at, attempts, next_attempt_at, last_error, owner) VALUES (1, $payload, $at, 2, $next, 'HTTP 503', 1);", ("$payload", Json(1)), ("$at", s_time.UtcTicks), ("$next", s_time.AddMinutes(1).UtcTicks));
            Execute(connection, "INSERT INTO dead_letter (kind, payload, enqueued_at, dead_lettered_at, reason) VALUES (1, $payload, $at, $at, 'refused');", ("$payload", Json(2)), ("$at", s_time.UtcTicks));
            Execute(connection, "PRAGMA user_version = 2;");
        }

        using (var outbox = Open(File1))
        {
            var item = Assert.Single(await outbox.ClaimAsync(10, CancellationToken.None));
            Assert.Equal(("""{"n":1}""", 2, s_time.AddMinutes(1), (string?)null), (Text(item.Payload), item.Attempts, item.NextAttemptAt!.Value, item.UserKey));
            Assert.Equal("refused", Assert.Single(await outbox.ReadDeadLettersAsync(10, CancellationToken.None)).Reason);
            await outbox.AppendAsync([Entry(3, "external_id:u1")], CancellationToken.None);
        }

        Assert.Equal(3L, Scalar(File1, "PRAGMA user_version;"));
        Assert.Equal(1L, Scalar(File1, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'outbox_user_key';"));
        Assert.Equal(1L, Scalar(File1, "SELECT COUNT(*) FROM pragma_table_info('dead_letter') WHERE name = 'user_key';"));

        using var reopened = Open(File1); // opening a migrated file again changes nothing
        Assert.Equal(1, await reopened.PurgeAsync(["external_id:u1", "external_id:u2"], CancellationToken.None)); // rows without a key stay
        var again = Assert.Single(await reopened.ClaimAsync(10, CancellationToken.None));
        Assert.Equal(("""{"n":1}""", (string?)null), (Text(again.Payload), again.UserKey));
        Assert.Single(await reopened.ReadDeadLettersAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task A_first_format_row_with_an_unreadable_time_is_dead_lettered_alone_and_the_file_opens()
    {
        using (var connection = Raw(File1))
        {
            Execute(connection, "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, kind INTEGER NOT NULL, payload BLOB NOT NULL, enqueued_at TEXT NOT NULL);");
            const string Insert = "INSERT INTO outbox (kind, payload, enqueued_at) VALUES (1, $payload, $at);";
            Execute(connection, Insert, ("$payload", Json(1)), ("$at", "2024-05-01T12:00:00.0000000+00:00"));
            Execute(connection, Insert, ("$payload", Json(2)), ("$at", "yesterday, around noon"));
            Execute(connection, Insert, ("$payload", Json(3)), ("$at", "2024-05-01T12:00:02.0000000+00:00"));
        }

        using var outbox = Open(File1);
        var items = await outbox.ClaimAsync(10, CancellationToken.None);

        Assert.Equal(["""{"n":1}""", """{"n":3}"""], items.Select(i => Text(i.Payload)));
        Assert.Equal([s_time, s_time.AddSeconds(2)], items.Select(i => i.EnqueuedAt));
        var letter = Assert.Single(await outbox.ReadDeadLettersAsync(10, CancellationToken.None));
        Assert.Equal("""{"n":2}""", Text(letter.Payload));
        Assert.Contains("time", letter.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_file_cut_short_is_refused_naming_it_and_moved_aside_when_asked()
    {
        using (var outbox = Open(File1))
        {
            for (var i = 0; i < 20; i++)
            {
                await outbox.AppendAsync([.. Enumerable.Range(0, 100).Select(n => Entry(n, s_time))], CancellationToken.None);
            }
        }

        var cut = File.ReadAllBytes(File1)[..1000];
        File.WriteAllBytes(File1, cut);

        var ex = Assert.Throws<BrazeException>(() => Open(File1));
        Assert.Contains(Path.GetFullPath(File1), ex.Message, StringComparison.Ordinal);

        using var fresh = Open(File1, moveDamagedFileAside: true);
        Assert.NotNull(fresh.MovedAsidePath);
        Assert.Equal(cut, File.ReadAllBytes(fresh.MovedAsidePath));
        Assert.Equal(0, (await fresh.GetStatsAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public void A_file_of_a_newer_format_is_refused_naming_it()
    {
        using (var connection = Raw(File1))
        {
            Execute(connection, "CREATE TABLE outbox (id INTEGER PRIMARY KEY, stuff BLOB); PRAGMA user_version = 99;");
        }

        var ex = Assert.Throws<BrazeException>(() => Open(File1));

        Assert.Contains(Path.GetFullPath(File1), ex.Message, StringComparison.Ordinal);
        Assert.Contains("99", ex.Message, StringComparison.Ordinal);
        using var connection2 = Raw(File1);
        using var version = connection2.CreateCommand();
        version.CommandText = "PRAGMA user_version;";
        Assert.Equal(99L, version.ExecuteScalar()); // untouched
    }

    [Fact]
    public void A_file_of_a_newer_format_is_not_moved_aside_as_damaged()
    {
        using (var connection = Raw(File1))
        {
            Execute(connection, "CREATE TABLE outbox (id INTEGER PRIMARY KEY, stuff BLOB); PRAGMA user_version = 99;");
        }

        // A newer SDK's outbox is not damaged: its items would be lost to that SDK if it were renamed.
        var ex = Assert.Throws<BrazeException>(() => Open(File1, moveDamagedFileAside: true));

        Assert.Contains(Path.GetFullPath(File1), ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir, "*.damaged-*"));
        Assert.True(File.Exists(File1));
    }

    [Fact]
    public async Task A_disposed_outbox_refuses_work_and_disposing_twice_is_harmless()
    {
        var outbox = Open(File1);
        outbox.Dispose();
        await outbox.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await outbox.AppendAsync([Entry(1, s_time)], CancellationToken.None));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await outbox.ClaimAsync(1, CancellationToken.None));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await outbox.GetStatsAsync(CancellationToken.None));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await outbox.ReadDeadLettersAsync(1, CancellationToken.None));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await outbox.PurgeAsync(["external_id:u"], CancellationToken.None));
    }

    [Fact]
    public void The_path_is_the_full_path_and_a_missing_folder_is_created()
    {
        var nested = Path.Combine(_dir, "a", "b", "..", "c", "outbox.db");

        using var outbox = Open(nested);

        Assert.Equal(Path.GetFullPath(nested), outbox.Path);
        Assert.True(File.Exists(Path.Combine(_dir, "a", "c", "outbox.db")));
        Assert.Null(outbox.MovedAsidePath);
    }

    /// <summary>Bytes that are no SQLite database (its header is "SQLite format 3\0").</summary>
    private static byte[] Garbage() => Enumerable.Range(0, 8192).Select(i => (byte)(((i * 37) + 11) % 251)).ToArray();
}
