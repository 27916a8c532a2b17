using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Braze.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

using Braze.Tests.Audit;

namespace Braze.Tests.Support;

/// <summary>A primary HTTP handler standing in for Braze: records every request, answers with a scripted responder.</summary>
internal sealed class FakeBraze : HttpMessageHandler
{
    private int _calls;

    public ConcurrentQueue<Recorded> Requests { get; } = new();

    /// <summary>Answers a request; the default answers 201 success with processed counts.</summary>
    public Func<Recorded, int, HttpResponseMessage> Responder { get; set; } = (_, _) => Json(HttpStatusCode.Created, """{"message":"success"}""");

    public int Calls => Volatile.Read(ref _calls);

    public static HttpResponseMessage Json(HttpStatusCode status, string body, Action<HttpResponseMessage>? headers = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        headers?.Invoke(response);
        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Off the caller's thread, as a real server is: a responder that blocks must not block the SDK's loop.
        await Task.Yield();
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new Recorded(request.Method.Method, request.RequestUri!.PathAndQuery, request.Headers.Authorization?.ToString(), request.Content?.Headers.ContentType?.MediaType, body, BrazeEndpoints.Of(request));
        Requests.Enqueue(recorded);
        var n = Interlocked.Increment(ref _calls);
        var response = Responder(recorded, n);
        response.RequestMessage = request;
        return response;
    }

    public sealed record Recorded(string Method, string Path, string? Authorization, string? ContentType, string Body, BrazeEndpoint? Endpoint);
}

/// <summary>A DI container with AddBraze over a <see cref="FakeBraze"/>, and captured logs.</summary>
internal sealed class ClientFixture : IDisposable
{
    public const string ApiKey = "11111111-2222-3333-4444-555555555555";

    public ClientFixture(Action<BrazeOptions>? configure = null, string? outboxPath = null)
    {
        var services = new ServiceCollection();
        if (outboxPath is not null)
        {
            services.AddBrazeSqliteOutbox(outboxPath);
        }

        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new AuditLoggerProvider()));
        services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = true);
        services.AddBraze(o =>
            {
                o.ApiKey = ApiKey;
                o.BaseUrl = BrazeInstances.US01;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
                o.RetryMaxDelay = TimeSpan.FromMilliseconds(50);
                configure?.Invoke(o);
            })
            .ConfigurePrimaryHttpMessageHandler(() => Fake);
        Provider = services.BuildServiceProvider();
        Client = Provider.GetRequiredService<IBrazeClient>();
        Logs = Provider.GetRequiredService<FakeLogCollector>();
    }

    public FakeBraze Fake { get; } = new();

    public ServiceProvider Provider { get; }

    public IBrazeClient Client { get; }

    public FakeLogCollector Logs { get; }

    public void Dispose() => Provider.Dispose();
}
