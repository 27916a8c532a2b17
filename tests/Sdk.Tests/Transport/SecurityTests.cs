using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Braze.Configuration;

using Braze.Tests.Support;

namespace Braze.Tests.Transport;

public class SecurityTests
{
    [Fact]
    public async Task Key_email_and_phone_never_appear_in_logs_or_exceptions()
    {
        using var f = new ClientFixture();
        f.Fake.Responder = (_, _) => FakeBraze.Json(HttpStatusCode.Unauthorized, """{"message":"Unauthorized"}""");
        var request = new TrackRequest()
            .Add(new AttributesUpdate(UserId.Email("ann@example.com")).SetPhone("+14155552671"))
            .Add(new TrackEvent(UserId.Phone("+14155552671"), "x", DateTimeOffset.UtcNow));

        var ex = await Assert.ThrowsAsync<BrazeTrackException>(() => f.Client.TrackAsync(request));

        var texts = f.Logs.GetSnapshot().Select(r => r.Message + " " + r.Exception).Append(ex.ToString()).Append(ex.Result.Failures[0].Exception.ToString()).ToList();
        Assert.NotEmpty(f.Logs.GetSnapshot());
        Assert.All(texts, t =>
        {
            Assert.DoesNotContain(ClientFixture.ApiKey, t, StringComparison.Ordinal);
            Assert.DoesNotContain("ann@example.com", t, StringComparison.Ordinal);
            Assert.DoesNotContain("4155552671", t, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Options_and_user_ids_do_not_show_secrets()
    {
        var options = new BrazeOptions { ApiKey = ClientFixture.ApiKey, BaseUrl = BrazeInstances.EU01 };
        Assert.DoesNotContain(ClientFixture.ApiKey, options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("ann", UserId.Email("ann@example.com").ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("555", UserId.Phone("+15555550100").ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("key\n", "whitespace")]
    [InlineData(" key", "whitespace")]
    [InlineData("\"key\"", "quoted")]
    [InlineData("'key'", "quoted")]
    [InlineData("", "required")]
    public void Bad_keys_fail_on_start_without_echoing_the_key(string key, string expected)
    {
        var result = new BrazeOptionsValidator().Validate(null, new BrazeOptions { ApiKey = key, BaseUrl = BrazeInstances.US01 });
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.OrdinalIgnoreCase);
        if (key.Trim('"', '\'', ' ', '\n').Length > 0)
        {
            Assert.DoesNotContain(key, result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("http://rest.iad-01.braze.com", false)]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("https://rest.fra-01.braze.eu", true)]
    [InlineData("https://braze.internal.example", true)]
    public void Only_https_or_loopback_base_urls_are_accepted(string url, bool ok)
    {
        var result = new BrazeOptionsValidator().Validate(null, new BrazeOptions { ApiKey = "k", BaseUrl = new Uri(url) });
        Assert.Equal(ok, result.Succeeded);
    }

    [Fact]
    public void Invalid_options_fail_when_the_client_is_resolved()
    {
        var services = new ServiceCollection();
        services.AddBraze(o => o.BaseUrl = new Uri("http://rest.iad-01.braze.com"));
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<BrazeOptions>>().Get(Options.DefaultName));
        Assert.Contains("ApiKey is required", ex.Message, StringComparison.Ordinal);
        Assert.Contains("HTTPS", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Named_workspaces_resolve_as_keyed_clients()
    {
        var services = new ServiceCollection();
        services.AddBraze("us", o => { o.ApiKey = "a"; o.BaseUrl = BrazeInstances.US01; });
        services.AddBraze("eu", o => { o.ApiKey = "b"; o.BaseUrl = BrazeInstances.EU01; });
        using var provider = services.BuildServiceProvider();
        var us = (BrazeClient)provider.GetRequiredKeyedService<IBrazeClient>("us");
        var eu = (BrazeClient)provider.GetRequiredKeyedService<IBrazeClient>("eu");
        Assert.Equal(BrazeInstances.US01, us.Options.BaseUrl);
        Assert.Equal(BrazeInstances.EU01, eu.Options.BaseUrl);
    }

    [Theory]
    [InlineData("US-01", "https://rest.iad-01.braze.com/")]
    [InlineData("eu-02", "https://rest.fra-02.braze.eu/")]
    [InlineData("US10", "https://rest.us-10.braze.com/")]
    [InlineData("KR-01", "https://rest.kr-01.braze.com/")]
    public void Instances_resolve_by_name(string name, string url)
    {
        Assert.True(BrazeInstances.TryGet(name, out var uri));
        Assert.Equal(url, uri.ToString());
        Assert.False(BrazeInstances.TryGet("US-09", out _));
    }
}
