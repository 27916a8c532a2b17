using Braze.Emulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

using Braze.Tests.Audit;
using Microsoft.Extensions.Logging;

namespace Braze.IntegrationTests;

[BrazeEvent("rented_movie")]                              // the source generator writes an allocation-free writer
public partial record RentedMovie(string Movie, decimal Price, DateTimeOffset ReleasedAt, IReadOnlyList<string> Genres);

[BrazeUserAttributes]                                     // ... and a typed update builder
public partial record MemberProfile(bool VipMember, int LoyaltyPoints, IReadOnlyList<string> FavoriteGenres);

[BrazeContext]                                            // Canvas entry properties, with typed Liquid references
public partial record WelcomeContext(string CouponCode, DateTimeOffset ExpiresAt);

/// <summary>
/// The README's "In 20 lines" sample, compiled and run against the emulator. A second test reads README.md and
/// checks that every line of the sample appears here, so the README cannot drift from code that works.
/// </summary>
public sealed class ReadmeSampleTests
{
    [Fact]
    public async Task The_readme_sample_runs()
    {
        await using var emulator = await BrazeEmulator.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Braze:ApiKey"] = emulator.ApiKey;
        builder.Configuration["Braze:BaseUrl"] = emulator.BaseUrl.ToString();
        var released = new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var tomorrowAt9 = DateTime.UtcNow.Date.AddDays(1).AddHours(9);
        var expires = DateTimeOffset.UtcNow.AddDays(7);
        const string canvasId = "readme-canvas";

        builder.Services.AddBraze(builder.Configuration.GetSection("Braze"));   // "Braze": { "ApiKey": ..., "BaseUrl": ... }
        builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new AuditLoggerProvider());
        using var host = builder.Build();
        var braze = host.Services.GetRequiredService<IBrazeClient>();
        var tracker = host.Services.GetRequiredService<IBrazeTracker>();

        var user = UserId.External("user1");
        await braze.TrackAsync(MemberProfile.Update(user)         // validated, ISO-8601 normalized, chunked, paced, retried
            .SetVipMember(true).IncrementLoyaltyPoints(50).AddFavoriteGenres("noir")
            .Track(new RentedMovie("The Sad Egg", 4.99m, released, ["drama"]), at: DateTimeOffset.UtcNow));

        var scheduled = await braze.ScheduleCanvasAsync(canvasId, [user], Schedule.AtLocalTime(tomorrowAt9), context: new WelcomeContext("WELCOME10", expires));
        string stepJson = MemberProfile.UserUpdateStep().SetVipMemberLiquid("{{context.${vip}}}").ToJson();   // Canvas User Update step
        await tracker.Track(new RentedMovie("Noir", 2.99m, released, []).ToEvent(user, DateTimeOffset.UtcNow));  // background, awaitable

        var profile = (await emulator.Store.GetProfileAsync("user1"))!;
        Assert.True(profile["custom_attributes"]!["vip_member"]!.GetValue<bool>());
        Assert.Equal(50, profile["custom_attributes"]!["loyalty_points"]!.GetValue<int>());
        Assert.Equal(2, profile["custom_events"]![0]!["count"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(scheduled.ScheduleId.Value));
        Assert.Equal("""{"attributes":[{"vip_member":{{context.${vip}}}}]}""", stepJson);
    }

    [Fact]
    public void Every_line_of_the_readme_sample_is_in_this_test()
    {
        var copies = Path.Combine(AppContext.BaseDirectory, "ReadmeSample");
        var readme = File.ReadAllText(Path.Combine(copies, "README.md"));
        var start = readme.IndexOf("## In 20 lines", StringComparison.Ordinal);
        var block = readme[(readme.IndexOf("```csharp", start, StringComparison.Ordinal) + 9)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        var test = File.ReadAllText(Path.Combine(copies, "ReadmeSampleTests.cs.txt"));
        // Its using lines are there for a reader who copies it (the docs-samples test compiles it as written); this test's own are its namespace's.
        foreach (var line in block.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal)))
        {
            Assert.True(test.Contains(line, StringComparison.Ordinal), $"README line not covered by a test: {line}");
        }
    }
}
