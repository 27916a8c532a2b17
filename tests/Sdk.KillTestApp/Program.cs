// Helper for the outbox kill tests. Braze is unreachable, so everything stays in the outbox.
//   Braze.Sdk.KillTestApp <outbox-path> <count>
//     enqueues <count> events, prints "ready" once every enqueue returned (so every event is durable), then waits
//     to be killed.
//   Braze.Sdk.KillTestApp <outbox-path> stream
//     eight callers enqueue events without end (Track and EnqueueAsync, so group commits are shared and in flight at
//     any moment) and print "ok <n>" as soon as the call for event n returned; the test kills the process mid-stream.
//   Braze.Sdk.KillTestApp fleet <connection-string> <schema> <base-url> <api-key> <prefix> <count>
//     one instance of a fleet on the PostgreSQL outbox (3 s leases, a look for orphaned items every second), delivering
//     to <base-url>: enqueues <count> events of users "<prefix>-<i % 50>", prints "ready", then delivers until killed.
// A start that cannot open the outbox (another process owns it) prints the error to stderr and exits with code 3.
using System.Globalization;
using Braze;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

if (args[0] == "fleet")
{
    return await FleetInstanceAsync(args);
}

var outbox = args[0];
var services = new ServiceCollection();
services.AddBraze(o =>
{
    o.ApiKey = "kill-test";
    o.BaseUrl = new Uri("http://127.0.0.1:9"); // discard port: nothing answers
    o.MaxRetryAttempts = 1000;
});
services.AddBrazeSqliteOutbox(outbox);
var provider = services.BuildServiceProvider();
var tracker = provider.GetRequiredService<IBrazeTracker>();
var time = new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);
TrackEvent Event(int i) => new(UserId.External("killed"), "before_kill", time.AddSeconds(i), new BrazeProperties { { "i", i } });

try
{
    if (args[1] == "stream")
    {
        var next = -1;
        var output = Console.Out;
        var callers = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (c % 2 == 0)
                {
                    _ = tracker.Track(Event(i)); // returns once durable; the handle is not awaited
                }
                else
                {
                    await tracker.EnqueueAsync(Event(i));
                }

                lock (output)
                {
                    output.WriteLine("ok " + i.ToString(CultureInfo.InvariantCulture));
                    output.Flush();
                }
            }
        }));
        await Task.WhenAll(callers);
    }
    else
    {
        var count = int.Parse(args[1], CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
        {
            await tracker.EnqueueAsync(Event(i));
        }

        Console.WriteLine("ready");
        await Task.Delay(Timeout.Infinite);
    }
}
catch (BrazeException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 3;
}

return 0;

static async Task<int> FleetInstanceAsync(string[] args)
{
    var services = new ServiceCollection();
    services.AddBrazePostgreSqlOutbox(string.Empty, o =>
    {
        o.ConnectionString = args[1];
        o.Schema = args[2];
        o.LeaseDuration = TimeSpan.FromSeconds(3);
    });
    services.AddBraze(o =>
    {
        o.BaseUrl = new Uri(args[3]);
        o.ApiKey = args[4];
        o.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
        o.RetryMaxDelay = TimeSpan.FromMilliseconds(200);
        o.Tracker.RedeliveryDelay = TimeSpan.FromMilliseconds(200);
        o.Tracker.MaxRedeliveryDelay = TimeSpan.FromSeconds(1);
        o.Tracker.OutboxClaimInterval = TimeSpan.FromSeconds(1);
    });
    await using var provider = services.BuildServiceProvider();
    var tracker = provider.GetRequiredService<IBrazeTracker>();
    await ((IHostedService)tracker).StartAsync(CancellationToken.None);
    var time = new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);
    var count = int.Parse(args[6], CultureInfo.InvariantCulture);
    for (var i = 0; i < count; i++)
    {
        await tracker.EnqueueAsync(new TrackEvent(UserId.External($"{args[5]}-{i % 50}"), "fleet_event", time.AddSeconds(i), new BrazeProperties { { "i", i }, { "instance", args[5] } }));
    }

    Console.WriteLine("ready");
    await Task.Delay(Timeout.Infinite);
    return 0;
}
