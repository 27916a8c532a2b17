// Helper for the outbox kill tests. Braze is unreachable, so everything stays in the outbox.
//   Braze.Sdk.KillTestApp <outbox-path> <count>
//     enqueues <count> events, prints "ready" once every enqueue returned (so every event is durable), then waits
//     to be killed.
//   Braze.Sdk.KillTestApp <outbox-path> stream
//     eight callers enqueue events without end (Track and EnqueueAsync, so group commits are shared and in flight at
//     any moment) and print "ok <n>" as soon as the call for event n returned; the test kills the process mid-stream.
// A start that cannot open the outbox (another process owns it) prints the error to stderr and exits with code 3.
using System.Globalization;
using Braze;
using Microsoft.Extensions.DependencyInjection;

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
