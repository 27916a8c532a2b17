// End-to-end delivery benchmark: the background tracker against a naive loop (HttpClient + reflection
// serialization, one request per 75 objects), both sending to a minimal Kestrel sink that runs in a separate
// process, so only client CPU is measured. Usage (from the repository root):
//   dotnet run -c Release --project bench/Delivery.Benchmarks -- [objects=300000]     as fast as they go, tracker vs naive
//   dotnet run -c Release --project bench/Delivery.Benchmarks -- 0 sustained [seconds=60] [tracker-only]
//                                                        75,000 objects/s, tracker vs naive (or the tracker alone)
//   dotnet run -c Release --project bench/Delivery.Benchmarks -- 0 latency [count=200]
//                                                        one event every 100 ms: awaited handle vs a direct TrackAsync
//   dotnet run -c Release --project bench/Delivery.Benchmarks -- 0 identity [seconds=30]
//                                                        75,000 calls/s, the tracker without and with 1 % identity operations
//   dotnet run -c Release --project bench/Delivery.Benchmarks -- 0 fleet [seconds=30] [objects/s=10000] [concurrent]
//                                                        three processes on one PostgreSQL outbox vs one on SQLite (BRAZE_POSTGRES)
//   dotnet run -c Release --project bench/Delivery.Benchmarks -- 0 outbox [seconds=60]
//                                                        75,000 objects/s, the tracker without and with a SQLite outbox
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Braze;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

if (args.Length > 0 && args[0] == "--sink")
{
    await Sink.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
    return;
}

if (args.Length > 0 && args[0] == "--fleet-member")
{
    // One instance of the fleet run: <base-url> <connection-string> <schema> <objects/s> <seconds> [concurrent].
    await Tracked.RunSustainedAsync(new Uri(args[1]), int.Parse(args[4], CultureInfo.InvariantCulture), int.Parse(args[5], CultureInfo.InvariantCulture), postgres: (args[2], args[3]), concurrent: args.Length > 6 && args[6] == "concurrent");
    Console.WriteLine("cpu " + Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds.ToString("R", CultureInfo.InvariantCulture)); // read by the parent: an exited process's CPU time cannot be read on Linux
    return;
}

var objects = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300_000;
var port = Sink.FreePort();
// The sink is this program again: through its apphost, or through the dotnet host when started as `dotnet <dll>`.
var viaHost = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet";
string[] sinkArgs = viaHost
    ? [typeof(Sink).Assembly.Location, "--sink", port.ToString(CultureInfo.InvariantCulture)]
    : ["--sink", port.ToString(CultureInfo.InvariantCulture)];
using var sink = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, sinkArgs)
{
    UseShellExecute = false,
    RedirectStandardOutput = true,
})!;
await sink.StandardOutput.ReadLineAsync(); // "ready"
var baseUrl = new Uri($"http://127.0.0.1:{port}");
try
{
    Console.WriteLine($"objects per run: {objects:N0}; client process, {Environment.ProcessorCount} cores; sink in process {sink.Id}");
    if (args.Length > 1 && args[1] == "latency")
    {
        // What a caller that awaits its handle pays for the tracker, against the one-request call it replaces.
        var count = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200;
        await Latency.RunAsync(baseUrl, count);
        return;
    }

    if (args.Length > 1 && args[1] == "outbox")
    {
        // What durability costs: the same producer at Braze's ceiling, the tracker alone, without and then with the
        // SQLite outbox (every item inserted before Track returns and deleted once Braze accepted it).
        var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 60;
        await Tracked.RunSustainedAsync(baseUrl, 75_000, 2); // warm-up of each, so neither run pays the JIT
        using (var warmUpFile = new TempOutbox())
        {
            await Tracked.RunSustainedAsync(baseUrl, 75_000, 2, warmUpFile.Path);
        }

        Sustained? memory = null, durable = null;
        var without = await Measure($"BrazeTracker without outbox, 75,000 objects/s for {seconds} s", async () => memory = await Tracked.RunSustainedAsync(baseUrl, 75_000, seconds, reportGc: true), 75_000 * seconds);
        Result with;
        // A fresh file per run, deleted afterwards with its WAL: an outbox file left behind would be claimed by the next run.
        using (var file = new TempOutbox())
        {
            with = await Measure($"BrazeTracker with SQLite outbox, 75,000 objects/s for {seconds} s", async () => durable = await Tracked.RunSustainedAsync(baseUrl, 75_000, seconds, file.Path, reportGc: true), 75_000 * seconds);
        }

        Console.WriteLine();
        Console.WriteLine($"                     cores used   objects/request   gen0   gen1   gen2   objects/s");
        Console.WriteLine($"  without outbox     {without.CoresUsed,10:F3}   {memory!.ObjectsPerRequest,15:F1}   {memory.Gen0,4}   {memory.Gen1,4}   {memory.Gen2,4}   {without.ObjectsPerSecond,9:N0}");
        Console.WriteLine($"  with SQLite outbox {with.CoresUsed,10:F3}   {durable!.ObjectsPerRequest,15:F1}   {durable.Gen0,4}   {durable.Gen1,4}   {durable.Gen2,4}   {with.ObjectsPerSecond,9:N0}");
        Console.WriteLine($"client CPU, with / without outbox: {with.CoresUsed / without.CoresUsed:F2}x (per object: {with.CpuPerMillion / without.CpuPerMillion:F2}x)");
        // A CPU figure only counts at the rate asked for: a producer that fell behind spends less because it does less.
        static string AtRate(Result r) => r.ObjectsPerSecond >= 75_000 * 0.99 ? "" : $" (but only {r.ObjectsPerSecond:N0} objects/s were sustained, not 75,000)";
        Console.WriteLine($"targets: with outbox <= 1 core at 75,000/s: {Verdict(with.CoresUsed <= 1 && AtRate(with).Length == 0)}{AtRate(with)}; without <= 0.25 cores: {Verdict(without.CoresUsed <= 0.25 && AtRate(without).Length == 0)}{AtRate(without)}; no gen2: {Verdict(memory.Gen2 == 0 && durable.Gen2 == 0)}; 70+ objects per request: {Verdict(memory.ObjectsPerRequest >= 70 && durable.ObjectsPerRequest >= 70)}");
        return;
    }

    if (args.Length > 1 && args[1] == "fleet")
    {
        // Issue 16: three processes sharing one PostgreSQL outbox against one process with the SQLite outbox, each
        // producing at the same rate; BRAZE_POSTGRES names the server (scripts/postgres.sh start DIR prints one).
        var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;
        var rate = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10_000;
        // "concurrent": each 10 ms step's items are enqueued together (EnqueueAsync, awaited as a group), as the request
        // handlers of a web service do, instead of one blocking Track after the other (each waiting for its own commit).
        var concurrent = args.Length > 4 && args[4] == "concurrent";
        var connection = Environment.GetEnvironmentVariable("BRAZE_POSTGRES") ?? throw new InvalidOperationException("Set BRAZE_POSTGRES to a server's connection string (scripts/postgres.sh start DIR prints one).");
        using (var warmUp = new TempOutbox())
        {
            await Tracked.RunSustainedAsync(baseUrl, rate, 2, warmUp.Path, concurrent: concurrent);
        }

        Result single;
        using (var file = new TempOutbox())
        {
            single = await Measure($"one process, SQLite outbox, {rate:N0} objects/s for {seconds} s{(concurrent ? ", concurrent producers" : "")}", () => Tracked.RunSustainedAsync(baseUrl, rate, seconds, file.Path, concurrent: concurrent), rate * seconds);
        }

        var schema = "braze_bench_" + Guid.NewGuid().ToString("N")[..12];
        var self = viaHost ? [typeof(Sink).Assembly.Location] : Array.Empty<string>();
        var watch = Stopwatch.StartNew();
        var members = Enumerable.Range(0, 3).Select(_ => Process.Start(new ProcessStartInfo(Environment.ProcessPath!,
            [.. self, "--fleet-member", baseUrl.ToString(), connection, schema, rate.ToString(CultureInfo.InvariantCulture), seconds.ToString(CultureInfo.InvariantCulture), concurrent ? "concurrent" : "sequential"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        })!).ToList();
        var cpu = TimeSpan.Zero;
        foreach (var member in members)
        {
            foreach (var line in (await member.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.StartsWith("cpu ", StringComparison.Ordinal))
                {
                    cpu += TimeSpan.FromSeconds(double.Parse(line[4..], CultureInfo.InvariantCulture));
                }
                else
                {
                    Console.WriteLine(line);
                }
            }

            await member.WaitForExitAsync();
            member.Dispose();
        }

        watch.Stop();
        var fleetObjects = 3 * rate * seconds;
        var fleetRate = fleetObjects / watch.Elapsed.TotalSeconds;
        var fleetCpuPerMillion = cpu.TotalSeconds / fleetObjects * 1_000_000;
        Console.WriteLine($"three processes, one PostgreSQL outbox, {rate:N0} objects/s each for {seconds} s: {fleetRate:N0} objects/s combined, {fleetCpuPerMillion:F2} CPU-s per million objects, {cpu.TotalSeconds / watch.Elapsed.TotalSeconds:F2} cores busy, {watch.Elapsed.TotalSeconds:F1} s (including each process's start and final flush)");
        Console.WriteLine($"fleet / single: {fleetRate / single.ObjectsPerSecond:F2}x objects/s, {fleetCpuPerMillion / single.CpuPerMillion:F2}x CPU per object");
        return;
    }

    if (args.Length > 1 && args[1] == "identity")
    {
        // The causal order's cost: the tracker at Braze's ceiling without identity operations (the baseline), then with
        // 1 % of the calls identity operations (alias, identify, merge in turn), each followed by an item of its user,
        // which the tracker holds until the operation was answered.
        var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;
        await Tracked.RunSustainedAsync(baseUrl, 75_000, 2); // warm-up
        await Tracked.RunSustainedAsync(baseUrl, 75_000, 2, identityEvery: 100);
        var plain = await Measure($"BrazeTracker, 75,000 objects/s for {seconds} s, no identity operations (baseline)", () => Tracked.RunSustainedAsync(baseUrl, 75_000, seconds), 75_000 * seconds);
        var mixed = await Measure($"BrazeTracker, 75,000 calls/s for {seconds} s, 1 % identity operations", () => Tracked.RunSustainedAsync(baseUrl, 75_000, seconds, identityEvery: 100), 75_000 * seconds);
        Console.WriteLine();
        Console.WriteLine($"with 1 % identity operations / without: {mixed.ObjectsPerSecond / plain.ObjectsPerSecond:F2}x calls/s, {mixed.CpuPerMillion / plain.CpuPerMillion:F2}x CPU per call, {mixed.BytesPerObject / plain.BytesPerObject:F2}x allocated per call");
        return;
    }

    if (args.Length > 1 && args[1] == "sustained")
    {
        // Braze's ceiling for one workspace, produced at that rate (750 events every 10 ms) for N seconds.
        // The naive loop is fed the same way, so both CPU figures are per object at the same rate.
        var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 60;
        if (args.Length > 3 && args[3] == "tracker-only")
        {
            // For a profiler: the tracker alone at Braze's ceiling.
            await Measure($"BrazeTracker, typed properties, 75,000 objects/s for {seconds} s", () => Tracked.RunSustainedAsync(baseUrl, 75_000, seconds, reportGc: true), 75_000 * seconds);
            return;
        }

        await Naive.RunSustainedAsync(baseUrl, 75_000, 2); // warm-up
        await Tracked.RunSustainedAsync(baseUrl, 75_000, 2);
        var naiveSustained = await Measure($"naive loop, 75,000 objects/s for {seconds} s", () => Naive.RunSustainedAsync(baseUrl, 75_000, seconds), 75_000 * seconds);
        var trackerSustained = await Measure($"BrazeTracker, typed properties, 75,000 objects/s for {seconds} s", () => Tracked.RunSustainedAsync(baseUrl, 75_000, seconds, reportGc: true), 75_000 * seconds);
        Console.WriteLine();
        Console.WriteLine($"client CPU per object at 75,000/s, tracker / naive: {trackerSustained.CpuPerMillion / naiveSustained.CpuPerMillion:F2}x  (naive / tracker: {naiveSustained.CpuPerMillion / trackerSustained.CpuPerMillion:F2}x)");
        Tracked.ReportAllocationShare(trackerSustained);
        return;
    }

    if (args.Length > 1 && args[1] == "tracker-only")
    {
        // For a profiler (dotnet-trace collect -- <exe> N tracker-only): the typed tracker alone.
        await Measure("BrazeTracker, typed properties", () => Tracked.RunAsync(baseUrl, objects, typed: true), objects);
        return;
    }

    await Naive.RunAsync(baseUrl, 20_000); // warm-up
    await Tracked.RunAsync(baseUrl, 20_000, typed: true);
    await Tracked.RunAsync(baseUrl, 20_000, typed: false);
    var naive = await Measure("naive loop (HttpClient + reflection JSON, 75/request)", () => Naive.RunAsync(baseUrl, objects), objects);
    var tracker = await Measure("BrazeTracker, typed properties (what generated code does)", () => Tracked.RunAsync(baseUrl, objects, typed: true), objects);
    var dynamic = await Measure("BrazeTracker, dynamic BrazeProperties", () => Tracked.RunAsync(baseUrl, objects, typed: false), objects);
    Console.WriteLine();
    Console.WriteLine($"client CPU per object, tracker / naive: {tracker.CpuPerMillion / naive.CpuPerMillion:F2}x  (naive / tracker: {naive.CpuPerMillion / tracker.CpuPerMillion:F2}x)");
    Console.WriteLine($"client CPU per object, dynamic / naive: {dynamic.CpuPerMillion / naive.CpuPerMillion:F2}x");
    Console.WriteLine($"allocated per object, tracker typed: {tracker.BytesPerObject:F0} B; dynamic: {dynamic.BytesPerObject:F0} B; naive: {naive.BytesPerObject:F0} B");
    Tracked.ReportAllocationShare(tracker);
}
finally
{
    sink.Kill();
}

static async Task<Result> Measure(string name, Func<Task> run, int objects)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    var process = Process.GetCurrentProcess();
    var cpu0 = process.TotalProcessorTime;
    var alloc0 = GC.GetTotalAllocatedBytes(precise: true);
    var gen2 = GC.CollectionCount(2);
    var gen0 = GC.CollectionCount(0);
    var watch = Stopwatch.StartNew();
    await run();
    watch.Stop();
    process.Refresh();
    var cpu = process.TotalProcessorTime - cpu0;
    var result = new Result(
        objects / watch.Elapsed.TotalSeconds,
        cpu.TotalSeconds / objects * 1_000_000,
        (GC.GetTotalAllocatedBytes(precise: true) - alloc0) / (double)objects,
        GC.CollectionCount(0) - gen0,
        GC.CollectionCount(2) - gen2,
        cpu.TotalSeconds / watch.Elapsed.TotalSeconds);
    Console.WriteLine($"{name}: {result.ObjectsPerSecond:N0} objects/s, {result.CpuPerMillion:F2} CPU-s per million objects, {result.CoresUsed:F2} cores busy, {result.BytesPerObject:F0} B allocated per object, gen0 {result.Gen0}, gen2 {result.Gen2}, {watch.Elapsed.TotalSeconds:F1} s");
    return result;
}

static string Verdict(bool met) => met ? "met" : "NOT met";

internal sealed record Result(double ObjectsPerSecond, double CpuPerMillion, double BytesPerObject, int Gen0, int Gen2, double CoresUsed);

/// <summary>What a sustained tracker run saw: objects per request (whether batches still fill) and the collections of each generation.</summary>
internal sealed record Sustained(double ObjectsPerRequest, int Gen0, int Gen1, int Gen2);

/// <summary>A path for an outbox file that does not exist yet (SQLite refuses an empty file as damaged), deleted with its WAL and shared memory.</summary>
internal sealed class TempOutbox : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"braze-bench-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            File.Delete(Path + suffix);
        }
    }
}

/// <summary>
/// Latency at low load: <c>await tracker.Track(e)</c> (the handle completes when the sink answered) against
/// <c>await client.TrackAsync(new TrackRequest().Add(e))</c>, the direct call it replaces, through the same workspace
/// (same HTTP pipeline, pacer and connection pool) to the same sink.
/// </summary>
internal static class Latency
{
    private const int WarmUp = 20;

    public static async Task RunAsync(Uri baseUrl, int count)
    {
        await using var provider = Tracked.Provider(baseUrl);
        var tracker = provider.GetRequiredService<IBrazeTracker>();
        var client = provider.GetRequiredService<IBrazeClient>();
        var viaTracker = new List<double>(count);
        var direct = new List<double>(count);
        // One event every 100 ms, the two paths taking turns: the pipe is idle before every call (low load, where a
        // zero linger sends at once), and interleaving spreads the machine's drifting noise over both paths alike.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        for (var i = 0; i < (WarmUp + count) * 2; i++)
        {
            await timer.WaitForNextTickAsync();
            var e = Tracked.Event(i); // made before the clock starts: the caller's object, not what either path costs
            var useTracker = i % 2 == 0;
            var start = Stopwatch.GetTimestamp();
            if (useTracker)
            {
                await tracker.Track(e);
            }
            else
            {
                (await client.TrackAsync(new TrackRequest().Add(e))).EnsureSuccess();
            }

            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (i >= WarmUp * 2)
            {
                (useTracker ? viaTracker : direct).Add(ms);
            }
        }

        var t = Stats.Of(viaTracker);
        var d = Stats.Of(direct);
        Console.WriteLine($"latency at one event every 100 ms, {count} calls each after a warm-up of {WarmUp} each, interleaved:");
        Console.WriteLine($"  await tracker.Track(e)                              p50 {t.P50,7:F3} ms   p99 {t.P99,7:F3} ms   mean {t.Mean,7:F3} ms");
        Console.WriteLine($"  await client.TrackAsync(new TrackRequest().Add(e))  p50 {d.P50,7:F3} ms   p99 {d.P99,7:F3} ms   mean {d.Mean,7:F3} ms");
        Console.WriteLine($"  tracker - direct                                    p50 {t.P50 - d.P50,7:+0.000;-0.000} ms   p99 {t.P99 - d.P99,7:+0.000;-0.000} ms   mean {t.Mean - d.Mean,7:+0.000;-0.000} ms");
        Console.WriteLine($"target: tracker p50 within 2 ms of the direct call: {(t.P50 - d.P50 <= 2 ? "met" : "NOT met")}");
    }

    private sealed record Stats(double P50, double P99, double Mean)
    {
        /// <summary>Nearest-rank percentiles: each is a latency that was measured, never an interpolation.</summary>
        public static Stats Of(List<double> samples)
        {
            var sorted = samples.Order().ToArray();
            double Rank(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
            return new Stats(Rank(0.50), Rank(0.99), sorted.Average());
        }
    }
}

internal static class Payload
{
    public static readonly DateTimeOffset Time = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
}

/// <summary>What a team writes without the SDK: POCOs, reflection-based System.Text.Json, one request per 75 events.</summary>
internal static class Naive
{
    public static async Task RunAsync(Uri baseUrl, int objects)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "bench");
        var batches = Enumerable.Range(0, (objects + 74) / 75).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (b, ct) =>
        {
            var count = Math.Min(75, objects - (b * 75));
            var events = new List<NaiveEvent>(count);
            for (var i = 0; i < count; i++)
            {
                events.Add(Event((b * 75) + i));
            }

            using var response = await http.PostAsJsonAsync("/users/track", new { events }, ct);
            response.EnsureSuccessStatusCode();
        });
    }

    /// <summary>The same loop fed like <see cref="Tracked.RunSustainedAsync"/>: 1/100 of the rate every 10 ms, a request per 75 events, 4 in flight.</summary>
    public static async Task RunSustainedAsync(Uri baseUrl, int perSecond, int seconds)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "bench");
        using var slots = new SemaphoreSlim(4);
        var perStep = perSecond / 100;
        var total = perSecond * seconds;
        var start = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        var events = new List<NaiveEvent>(75);
        var n = 0;
        while (n < total)
        {
            var due = Math.Min(total, (int)(Stopwatch.GetElapsedTime(start).TotalSeconds * perSecond) + perStep);
            for (; n < due; n++)
            {
                events.Add(Event(n));
                if (events.Count == 75 || n == total - 1)
                {
                    await slots.WaitAsync();
                    _ = SendAsync(http, events, slots);
                    events = new List<NaiveEvent>(75);
                }
            }

            await timer.WaitForNextTickAsync();
        }

        for (var i = 0; i < 4; i++)
        {
            await slots.WaitAsync();
        }
    }

    private static async Task SendAsync(HttpClient http, List<NaiveEvent> events, SemaphoreSlim slots)
    {
        try
        {
            using var response = await http.PostAsJsonAsync("/users/track", new { events });
            response.EnsureSuccessStatusCode();
        }
        finally
        {
            slots.Release();
        }
    }

    private static NaiveEvent Event(int n) => new("user" + n, "rented_movie", Payload.Time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        new Dictionary<string, object> { ["movie"] = "The Sad Egg", ["director"] = "Dan Alexander", ["price"] = 4.99m, ["released_at"] = "2024-05-01T00:00:00.000Z", ["rank"] = n });

    private sealed record NaiveEvent(
        [property: System.Text.Json.Serialization.JsonPropertyName("external_id")] string ExternalId,
        [property: System.Text.Json.Serialization.JsonPropertyName("name")] string Name,
        [property: System.Text.Json.Serialization.JsonPropertyName("time")] string Time,
        [property: System.Text.Json.Serialization.JsonPropertyName("properties")] Dictionary<string, object> Properties);
}

/// <summary>The SDK: AddBraze + IBrazeTracker, every event validated, serialized once, batched and paced.</summary>
internal static class Tracked
{
    private static readonly DateTimeOffset s_released = DateTimeOffset.Parse("2024-05-01T00:00:00Z", CultureInfo.InvariantCulture);

    /// <summary>The services a host would have: the default workspace, with the SQLite outbox when <paramref name="outboxPath"/> is given.</summary>
    internal static ServiceProvider Provider(Uri baseUrl, string? outboxPath = null, (string Connection, string Schema)? postgres = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddBraze(o =>
        {
            o.ApiKey = "bench";
            o.BaseUrl = baseUrl;
        });
        if (outboxPath is not null)
        {
            services.AddBrazeSqliteOutbox(outboxPath);
        }

        if (postgres is { } pg)
        {
            services.AddBrazePostgreSqlOutbox(string.Empty, o =>
            {
                o.ConnectionString = pg.Connection;
                o.Schema = pg.Schema;
            });
        }

        return services.BuildServiceProvider();
    }

    /// <summary>The event every tracker run sends (typed properties, the way generated code writes them).</summary>
    internal static TrackEvent Event(int n) => new(UserId.External("user" + n), "rented_movie", Payload.Time, new RentedMovie("The Sad Egg", "Dan Alexander", 4.99m, s_released, n));

    public static async Task RunAsync(Uri baseUrl, int objects, bool typed)
    {
        await using var provider = Provider(baseUrl);
        var tracker = provider.GetRequiredService<IBrazeTracker>();
        var released = s_released;
        for (var n = 0; n < objects; n++)
        {
            if (typed)
            {
                await tracker.EnqueueAsync(new TrackEvent(UserId.External("user" + n), "rented_movie", Payload.Time, new RentedMovie("The Sad Egg", "Dan Alexander", 4.99m, released, n)));
                continue;
            }

            var properties = new BrazeProperties
            {
                { "movie", "The Sad Egg" },
                { "director", "Dan Alexander" },
                { "price", 4.99m },
                { "released_at", released },
                { "rank", n },
            };
            await tracker.EnqueueAsync(new TrackEvent(UserId.External("user" + n), "rented_movie", Payload.Time, properties));
        }

        await tracker.FlushAsync();
    }

    /// <summary>
    /// Splits a typed tracker run's allocation per object into the caller's own objects (the event, its user id and
    /// id string, the properties record: created by the benchmark, not the SDK), the serialized payload, and the rest,
    /// which is what the SDK adds per object.
    /// </summary>
    public static void ReportAllocationShare(Result tracker)
    {
        const int count = 100_000;
        var keep = new TrackEvent[1024];
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var n = 0; n < count; n++)
        {
            keep[n & 1023] = new TrackEvent(UserId.External("user" + n), "rented_movie", Payload.Time, new RentedMovie("The Sad Egg", "Dan Alexander", 4.99m, s_released, n));
        }

        var caller = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)count;
        var payload = Braze.Wire.BrazeJson.Measure(static (w, e) => e.WriteTo(w, Braze.Generated.BrazeWriteContext.Default), keep[0]);
        var sdk = tracker.BytesPerObject - caller;
        var onTrack = TrackSideBytesPerObject();
        Console.WriteLine($"allocated per object, typed tracker: {tracker.BytesPerObject:F0} B = caller's objects {caller:F0} B + SDK {sdk:F0} B; payload {payload} B, so the SDK adds payload + {sdk - payload:F0} B");
        Console.WriteLine($"  of the SDK's share: {onTrack:F0} B in Track itself (validation, the serialized payload, the queue entry), {sdk - onTrack:F0} B in batching and HTTP");
    }

    /// <summary>What <c>Track</c> allocates on the calling thread per item, with the caller's objects made beforehand.</summary>
    private static double TrackSideBytesPerObject()
    {
        const int count = 20_000;
        var services = new ServiceCollection();
        services.AddBraze(o =>
        {
            o.ApiKey = "bench";
            o.BaseUrl = new Uri("http://127.0.0.1:9"); // never reached: measured before the loop sends
            o.Tracker.FlushInterval = TimeSpan.FromHours(1);
            o.Tracker.ShutdownTimeout = TimeSpan.FromMilliseconds(100);
        });
        using var provider = services.BuildServiceProvider();
        var tracker = provider.GetRequiredService<IBrazeTracker>();
        var events = Enumerable.Range(0, count + 1000).Select(n => new TrackEvent(UserId.External("user" + n), "rented_movie", Payload.Time, new RentedMovie("The Sad Egg", "Dan Alexander", 4.99m, s_released, n))).ToArray();
        for (var n = 0; n < 1000; n++)
        {
            _ = tracker.Track(events[count + n]); // warm-up
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var n = 0; n < count; n++)
        {
            _ = tracker.Track(events[n]);
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)count;
    }

    /// <summary>
    /// Produces <paramref name="perSecond"/> events per second in 10 ms steps for <paramref name="seconds"/> seconds, then
    /// flushes; through a SQLite outbox at <paramref name="outboxPath"/> when given. With <paramref name="reportGc"/> it
    /// prints the collections of each generation from the first event to the end of the flush.
    /// </summary>
    public static async Task<Sustained> RunSustainedAsync(Uri baseUrl, int perSecond, int seconds, string? outboxPath = null, bool reportGc = false, (string Connection, string Schema)? postgres = null, int identityEvery = 0, bool concurrent = false)
    {
        await using var provider = Provider(baseUrl, outboxPath, postgres);
        var tracker = provider.GetRequiredService<IBrazeTracker>();
        var released = s_released;
        var perStep = perSecond / 100;
        // Counts the SDK's own braze.requests measurements: objects per request shows whether batches still fill.
        long requests = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Braze.Sdk" && instrument.Name == "braze.requests")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref requests, value));
        listener.Start();
        var total = perSecond * seconds;
        // Counted from the first event to the end of the flush (not the provider's start or disposal): gen1 shows what
        // outlives a gen0 collection, gen2 what outlives two; the target is none of the latter.
        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var gen2 = GC.CollectionCount(2);
        var start = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        var n = 0;
        var mostPending = 0; // a backlog is what lives long enough to be promoted: items wait in the queue, alive
        var operations = new List<Task>();
        var step = new List<Task<TrackHandle>>();
        while (n < total)
        {
            // Catch up to where the clock says production should be (timer ticks can be late).
            var due = Math.Min(total, (int)(Stopwatch.GetElapsedTime(start).TotalSeconds * perSecond) + perStep);
            for (; n < due; n++)
            {
                if (identityEvery > 0 && n % identityEvery == 0)
                {
                    // An identity operation for the user of the next item, which waits for its answer.
                    operations.Add((n / identityEvery % 3) switch
                    {
                        0 => tracker.CreateAliasesAsync([new NewUserAlias("device" + n, "device", "user" + (n + 1))]),
                        1 => tracker.IdentifyUsersAsync([new UserIdentification("user" + (n + 1), UserId.Alias("device" + (n - identityEvery), "device"))]),
                        _ => tracker.MergeUsersAsync([new UserMerge(UserId.External("user" + (n - identityEvery + 1)), UserId.External("user" + (n + 1)))]),
                    });
                    continue;
                }

                var trackEvent = new TrackEvent(UserId.External("user" + n), "rented_movie", Payload.Time, new RentedMovie("The Sad Egg", "Dan Alexander", 4.99m, released, n));
                if (concurrent)
                {
                    step.Add(tracker.EnqueueAsync(trackEvent).AsTask());
                }
                else
                {
                    _ = tracker.Track(trackEvent);
                }
            }

            if (step.Count > 0)
            {
                await Task.WhenAll(step); // the step's callers, each waiting for its item to be stored, together
                step.Clear();
            }

            mostPending = Math.Max(mostPending, tracker.PendingCount);
            await timer.WaitForNextTickAsync();
        }

        await Task.WhenAll(operations);
        await tracker.FlushAsync();
        var sustained = new Sustained(
            total / (double)Math.Max(1, Interlocked.Read(ref requests)),
            GC.CollectionCount(0) - gen0,
            GC.CollectionCount(1) - gen1,
            GC.CollectionCount(2) - gen2);
        Console.WriteLine($"  {total:N0} objects in {Interlocked.Read(ref requests):N0} requests: {sustained.ObjectsPerRequest:F1} objects per request");
        if (reportGc)
        {
            // CollectionCount(n) counts collections of generation n or older, so each figure includes the older ones.
            Console.WriteLine($"  collections during the run: gen0 {sustained.Gen0}, gen1 {sustained.Gen1}, gen2 {sustained.Gen2} (each includes the older generations' collections); most items pending after a 10 ms step: {mostPending:N0}");
        }

        return sustained;
    }
}

/// <summary>Hand-written the way the source generator writes properties: pre-encoded names, no allocation.</summary>
internal sealed record RentedMovie(string Movie, string Director, decimal Price, DateTimeOffset ReleasedAt, int Rank) : IBrazeProperties
{
    private static readonly System.Text.Json.JsonEncodedText s_movie = System.Text.Json.JsonEncodedText.Encode("movie");
    private static readonly System.Text.Json.JsonEncodedText s_director = System.Text.Json.JsonEncodedText.Encode("director");
    private static readonly System.Text.Json.JsonEncodedText s_price = System.Text.Json.JsonEncodedText.Encode("price");
    private static readonly System.Text.Json.JsonEncodedText s_released = System.Text.Json.JsonEncodedText.Encode("released_at");
    private static readonly System.Text.Json.JsonEncodedText s_rank = System.Text.Json.JsonEncodedText.Encode("rank");

    public void WriteTo(System.Text.Json.Utf8JsonWriter writer, Braze.Generated.BrazeWriteContext context)
    {
        writer.WriteStartObject();
        writer.WriteString(s_movie, Movie);
        writer.WriteString(s_director, Director);
        writer.WriteNumber(s_price, Price);
        writer.WritePropertyName(s_released);
        context.WriteTime(writer, ReleasedAt);
        writer.WriteNumber(s_rank, Rank);
        writer.WriteEndObject();
    }

    public void Validate(Braze.Generated.ValidationContext context, Braze.Generated.PropertiesUsage usage)
    {
        context.Push("movie");
        Braze.Generated.PropertiesValidation.StringValue(context, Movie);
        context.Pop();
        context.Push("director");
        Braze.Generated.PropertiesValidation.StringValue(context, Director);
        context.Pop();
        context.Push("released_at");
        Braze.Generated.PropertiesValidation.Time(context, ReleasedAt);
        context.Pop();
    }
}

/// <summary>A minimal Kestrel endpoint answering like Braze (201, rate-limit headers), as cheap as possible.</summary>
internal static class Sink
{
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var body = "{\"message\":\"success\"}"u8.ToArray();
        app.MapPost("/users/track", async (HttpContext context) =>
        {
            var buffer = new byte[16 * 1024];
            while (await context.Request.Body.ReadAsync(buffer) > 0)
            {
            }

            context.Response.StatusCode = 201;
            context.Response.ContentType = "application/json";
            context.Response.Headers["X-RateLimit-Limit"] = "1000000";
            context.Response.Headers["X-RateLimit-Remaining"] = "999999";
            context.Response.Headers["X-RateLimit-Reset"] = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3).ToString(CultureInfo.InvariantCulture);
            await context.Response.Body.WriteAsync(body);
        });
        var identity = "{\"aliases_processed\":1,\"message\":\"success\"}"u8.ToArray();
        foreach (var path in (string[])["/users/alias/new", "/users/identify", "/users/merge"])
        {
            app.MapPost(path, async (HttpContext context) =>
            {
                await context.Request.Body.CopyToAsync(Stream.Null);
                context.Response.StatusCode = 201;
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(identity);
            });
        }

        await app.StartAsync();
        Console.WriteLine("ready");
        await app.WaitForShutdownAsync();
    }
}
