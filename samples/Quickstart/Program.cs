// The Braze .NET SDK quickstart. Runs against the embedded Braze emulator unless BRAZE_API_KEY and
// BRAZE_BASE_URL are set, in which case it talks to your real Braze workspace.
//   dotnet run --project samples/Quickstart
using System.Text.Json;
using Braze;
using Braze.Emulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var apiKey = Environment.GetEnvironmentVariable("BRAZE_API_KEY");
var baseUrl = Environment.GetEnvironmentVariable("BRAZE_BASE_URL");
BrazeEmulator? emulator = null;
if (string.IsNullOrEmpty(apiKey) || string.IsNullOrEmpty(baseUrl))
{
    emulator = await BrazeEmulator.StartAsync();
    apiKey = emulator.ApiKey;
    baseUrl = emulator.BaseUrl.ToString();
    Step($"No BRAZE_API_KEY / BRAZE_BASE_URL: started the local Braze emulator at {baseUrl}");
}
else
{
    Step($"Using the Braze workspace at {baseUrl}");
}

try
{
    var builder = Host.CreateApplicationBuilder(args);
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddBraze(o =>
    {
        o.ApiKey = apiKey;
        o.BaseUrl = new Uri(baseUrl);
    });
    using var host = builder.Build();
    await host.StartAsync();
    var braze = host.Services.GetRequiredService<IBrazeClient>();
    var tracker = host.Services.GetRequiredService<IBrazeTracker>();

    var user = UserId.External("quickstart-user-1");
    var now = DateTimeOffset.UtcNow;

    // 1. A profile update through the builder generated from [BrazeUserAttributes] MemberProfile (typed setters, one
    //    per attribute and operation), with an event and a purchase for the same user: one validated, chunked call.
    var request = MemberProfile.Update(user)
        .SetFirstName("Ann")                                           // standard fields come with every builder
        .SetCountry("US")
        .SetEmailSubscribe(SubscriptionState.OptedIn)
        .SetVipMember(true)                                            // "vip_member": true
        .IncrementLoyaltyPoints(50)                                    // {"inc": 50}
        .AddFavoriteGenres("noir", "drama")                            // {"add": [...]}
        .Track(new RentedMovie("The Sad Egg", "Dan Alexander", 4.99m, new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero), ["drama"]), at: now)
        .Purchase("popcorn", "USD", 3.50m, now, quantity: 2, properties: new Popcorn(Size: "large", Butter: true));
    var result = await braze.TrackAsync(request);
    Step($"Tracked: {result.AttributesProcessed} profile(s), {result.EventsProcessed} event(s), {result.PurchasesProcessed} purchase(s) in {result.RequestCount} request(s)");

    // 2. A deliberate mistake, to show what happens to bad input: it never leaves the process, and every broken rule
    //    is reported with its JSON path. (This failure is the demonstration, not a problem with your setup.)
    Step("Demonstration: sending an event with two deliberately broken property names ...");
    try
    {
        await braze.TrackAsync(new TrackEvent(user, "rented_movie", now, new BrazeProperties { { "time", "reserved name" }, { "$price", 1 } }));
    }
    catch (BrazeValidationException ex)
    {
        Step("... rejected before sending, as expected:");
        foreach (var error in ex.Errors)
        {
            Console.WriteLine($"     {error.Path}: {error.Message}");
        }
    }

    // 3. Background delivery with a handle per item.
    var handle = await tracker.EnqueueAsync(new TrackEvent(user, "finished_movie", now.AddHours(2)));
    await handle;
    Step("Background tracker: 'finished_movie' accepted by Braze");

    // 4. Schedule, reschedule and cancel an API-triggered Canvas.
    var canvasId = Environment.GetEnvironmentVariable("BRAZE_CANVAS_ID") ?? "quickstart-canvas";
    var scheduled = await braze.ScheduleCanvasAsync(canvasId, [user], Schedule.AtLocalTime(now.UtcDateTime.Date.AddDays(1).AddHours(9)),
        context: new WelcomeContext("WELCOME10", now.AddDays(7)));      // generated from [BrazeContext]
    Step($"Scheduled Canvas {canvasId}: schedule_id {scheduled.ScheduleId}");
    await braze.UpdateCanvasScheduleAsync(canvasId, scheduled.ScheduleId, Schedule.AtLocalTime(now.UtcDateTime.Date.AddDays(2).AddHours(9)));
    Step("Rescheduled it for the day after, 09:00 in each user's time zone");
    await braze.DeleteCanvasScheduleAsync(canvasId, scheduled.ScheduleId);
    Step("Deleted the schedule");

    // 5. The JSON of a Canvas User Update step: no identifiers, Liquid references to entry properties.
    var step = new TrackRequest()
        .Add(AttributesUpdate.ForUserUpdateStep().Set("last_coupon", WelcomeContext.Liquid.CouponCode).Increment("loyalty_points", 10))
        .Add(TrackEvent.ForUserUpdateStep("used_coupon", BrazeTimestamp.FromText("{{ 'now' | date: '%Y-%m-%dT%H:%M:%SZ' }}")));
    step.ValidateAsUserUpdateStep().ThrowIfInvalid();
    var stepJson = step.ToJson();
    Step($"User Update step JSON ({stepJson.Length} of 65,536 characters; valid: {BrazePayloadValidator.ValidateUserUpdateStep(stepJson).IsValid}):");
    Console.WriteLine("     " + stepJson);

    // 6. Read the profile back.
    if (emulator is not null)
    {
        var export = await braze.ExportUsersAsync([user.Value]);
        Step("Profile as stored by the emulator:");
        Console.WriteLine(JsonSerializer.Serialize(export.Users[0], QuickstartJson.Default.JsonElement));
    }

    await host.StopAsync();
    Step("Done.");
    return 0;
}
finally
{
    if (emulator is not null)
    {
        await emulator.DisposeAsync();
    }
}

static void Step(string text) => Console.WriteLine($"==> {text}");

/// <summary>The custom attributes of a member profile: the generator writes MemberProfile.Update(user) and its typed setters.</summary>
[BrazeUserAttributes]
public partial record MemberProfile(bool VipMember, int LoyaltyPoints, IReadOnlyList<string> FavoriteGenres);

/// <summary>The properties of the custom event "rented_movie".</summary>
[BrazeEvent("rented_movie")]
public partial record RentedMovie(string Movie, string Director, decimal Price, DateTimeOffset ReleasedAt, IReadOnlyList<string> Genres);

/// <summary>Purchase properties.</summary>
[BrazePurchase]
public partial record Popcorn(string Size, bool Butter);

/// <summary>Canvas entry properties of the welcome Canvas.</summary>
[BrazeContext]
public partial record WelcomeContext(string CouponCode, DateTimeOffset ExpiresAt);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(JsonElement))]
internal sealed partial class QuickstartJson : System.Text.Json.Serialization.JsonSerializerContext;
