using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace Braze.IntegrationTests;

/// <summary>Over real HTTP, a redirect is not followed: the body never reaches the other host.</summary>
public sealed class RedirectTests
{
    [Fact]
    public async Task A_307_from_the_base_url_is_an_error_and_the_other_host_gets_nothing()
    {
        using var elsewhere = Listen(out var elsewhereUrl);
        using var braze = Listen(out var brazeUrl);
        var elsewhereHits = 0;
        var serveElsewhere = Task.Run(async () =>
        {
            while (elsewhere.IsListening)
            {
                try
                {
                    var context = await elsewhere.GetContextAsync();
                    Interlocked.Increment(ref elsewhereHits);
                    context.Response.StatusCode = 201;
                    context.Response.Close();
                }
                catch (Exception) when (!elsewhere.IsListening)
                {
                    return;
                }
            }
        });
        var serveBraze = Task.Run(async () =>
        {
            var context = await braze.GetContextAsync();
            context.Response.StatusCode = 307;
            context.Response.RedirectLocation = elsewhereUrl + "users/track";
            context.Response.Close();
        });

        var services = new ServiceCollection();
        services.AddBraze(o => { o.ApiKey = "11111111-2222-3333-4444-555555555555"; o.BaseUrl = new Uri(brazeUrl); });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IBrazeClient>();

        var ex = await Assert.ThrowsAsync<BrazeTrackException>(() => client.TrackAsync(new TrackEvent(UserId.Email("ann@example.com"), "e", DateTimeOffset.UtcNow)));
        await serveBraze.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.TemporaryRedirect, ex.StatusCode);
        Assert.False(ex.IsOutcomeUnknown);
        Assert.Contains("does not follow redirects", ex.Result.Failures[0].Exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref elsewhereHits));
        elsewhere.Stop();
        await serveElsewhere.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static HttpListener Listen(out string url)
    {
        // A free loopback port: bind port 0, read it, release it, listen on it.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        url = $"http://127.0.0.1:{port}/";
        var listener = new HttpListener();
        listener.Prefixes.Add(url);
        listener.Start();
        return listener;
    }
}
