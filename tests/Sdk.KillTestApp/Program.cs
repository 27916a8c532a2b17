// Helper for the outbox kill test: enqueues N events into a tracker with an outbox while Braze is unreachable,
// prints "ready" once every enqueue returned (so every event is durable), then waits to be killed.
//   Braze.Sdk.KillTestApp <outbox-path> <count>
using System.Globalization;
using Braze;
using Microsoft.Extensions.DependencyInjection;

var outbox = args[0];
var count = int.Parse(args[1], CultureInfo.InvariantCulture);
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
for (var i = 0; i < count; i++)
{
    await tracker.EnqueueAsync(new TrackEvent(UserId.External("killed"), "before_kill", new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(i),
        new BrazeProperties { { "i", i } }));
}

Console.WriteLine("ready");
await Task.Delay(Timeout.Infinite);
