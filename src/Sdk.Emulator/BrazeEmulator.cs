using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Braze.Emulator;

/// <summary>One request the emulator received.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path and query.</param>
/// <param name="Status">Status answered (0 when the connection was dropped).</param>
/// <param name="Body">The body, when recording is on.</param>
/// <param name="Fault">The injected fault, if any.</param>
public sealed record ReceivedRequest(string Method, string Path, int Status, string? Body, string? Fault);

/// <summary>
/// A local Braze-compatible server on loopback: the same endpoints, the same rules (the SDK's own validator), the
/// same rate-limit headers, profiles in SQLite, and injectable faults. Start it from tests or a sample:
/// <code>await using var emulator = await BrazeEmulator.StartAsync();  // emulator.BaseUrl, emulator.ApiKey</code>
/// </summary>
public sealed partial class BrazeEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly BrazeEmulatorOptions _options;
    private readonly RateLimitWindows _windows;
    private readonly FaultInjector _faults;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly byte[] _apiKeyBytes;
    private long _requestCount;

    private BrazeEmulator(WebApplication app, BrazeEmulatorOptions options, ProfileStore store)
    {
        _app = app;
        _options = options;
        Store = store;
        _windows = new RateLimitWindows(options, TimeProvider.System);
        _faults = new FaultInjector(options.Faults);
        _apiKeyBytes = Encoding.UTF8.GetBytes(options.ApiKey);
    }

    /// <summary>The base URL to give the SDK (<c>http://127.0.0.1:port</c>).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The API key the emulator accepts.</summary>
    public string ApiKey => _options.ApiKey;

    /// <summary>The profile store, for inspection.</summary>
    public ProfileStore Store { get; }

    /// <summary>The faults in force; assign to change them at run time.</summary>
    public FaultSettings Faults
    {
        get => _faults.Settings;
        set
        {
            value ??= new FaultSettings();
            value.Validate();
            _faults.Settings = value;
        }
    }

    /// <summary>Requests received so far (the most recent <see cref="BrazeEmulatorOptions.MaxRecordedRequests"/> are kept).</summary>
    public IReadOnlyCollection<ReceivedRequest> Requests => _requests;

    /// <summary>Number of requests received.</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>Starts an emulator on a loopback port.</summary>
    public static async Task<BrazeEmulator> StartAsync(BrazeEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new BrazeEmulatorOptions();
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            k.Limits.MaxRequestBodySize = options.Validation.MaxRequestBodyBytes + (1024 * 1024);
        });
        var app = builder.Build();
        var store = new ProfileStore(options.DatabasePath, options.Validation);
        var emulator = new BrazeEmulator(app, options, store);
        emulator.Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator.BaseUrl = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        return emulator;
    }

    /// <summary>Forgets profiles, events, schedules, received requests and rate-limit windows.</summary>
    public async Task ResetAsync()
    {
        await Store.ResetAsync().ConfigureAwait(false);
        _requests.Clear();
        Interlocked.Exchange(ref _requestCount, 0);
        _windows.Reset();
    }

    /// <summary>Stops the server and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Store.Dispose();
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? string.Empty;
            Interlocked.Increment(ref _requestCount);
            var body = await ReadBodyAsync(context).ConfigureAwait(false);
            context.Items[BodyKey] = body;
            string? fault = null;
            var recorded = false;
            try
            {
                var group = path.StartsWith("/users/track", StringComparison.Ordinal) ? "track" : "other";
                if (!Authorized(context))
                {
                    // Like every Braze answer, a 401 carries the rate-limit headers; it does not use up the window.
                    _windows.Peek(context, group);
                    await Answer(context, 401, "Unauthorized: send the REST API key as 'Authorization: Bearer <key>', unquoted.").ConfigureAwait(false);
                    return;
                }

                if (path.StartsWith("/_emulator", StringComparison.Ordinal))
                {
                    await next(context).ConfigureAwait(false);
                    return;
                }

                if (!_windows.TryAcquire(context, group))
                {
                    await Answer(context, 429, "Rate Limited").ConfigureAwait(false);
                    return;
                }

                var (drawn, latency) = _faults.Draw(path);
                fault = drawn == Fault.None ? null : drawn.ToString();
                if (latency > 0)
                {
                    await Task.Delay(latency, context.RequestAborted).ConfigureAwait(false);
                }

                switch (drawn)
                {
                    case Fault.RateLimited:
                        RateLimitWindows.SetHeaders(context, group == "track" ? _options.TrackRequestsPerWindow : _options.OtherRequestsPerWindow, 0, _windows.WindowEnd(group));
                        await Answer(context, 429, "Rate Limited").ConfigureAwait(false);
                        return;
                    case Fault.InternalError:
                        await Answer(context, 500, "Internal Server Error (injected)").ConfigureAwait(false);
                        return;
                    case Fault.BadGateway:
                        await Answer(context, 502, "Bad Gateway (injected)").ConfigureAwait(false);
                        return;
                    case Fault.Unavailable:
                        await Answer(context, 503, "Service Unavailable (injected)").ConfigureAwait(false);
                        return;
                    case Fault.DropBeforeApply:
                        // Recorded before the drop: a client that sees the drop must also see the request in the log.
                        Record(context, path, body, fault);
                        recorded = true;
                        context.Abort();
                        return;
                    case Fault.DropAfterApply:
                        // Apply for real, then drop the connection instead of answering: an ambiguous failure.
                        var real = context.Response.Body;
                        context.Response.Body = Stream.Null;
                        await next(context).ConfigureAwait(false);
                        context.Response.Body = real;
                        Record(context, path, body, fault);
                        recorded = true;
                        context.Abort();
                        return;
                    default:
                        await next(context).ConfigureAwait(false);
                        await AnswerUnmatchedAsync(context).ConfigureAwait(false);
                        return;
                }
            }
            finally
            {
                if (!recorded)
                {
                    Record(context, path, body, fault);
                }
            }
        });

        app.MapPost("/users/track", TrackAsync);
        app.MapPost("/users/export/ids", ExportAsync);
        app.MapPost("/canvas/trigger/schedule/create", (HttpContext c) => CreateScheduleAsync(c, ScheduleTarget.Canvas));
        app.MapPost("/campaigns/trigger/schedule/create", (HttpContext c) => CreateScheduleAsync(c, ScheduleTarget.Campaign));
        app.MapPost("/canvas/trigger/schedule/update", (HttpContext c) => UpdateScheduleAsync(c, ScheduleTarget.Canvas));
        app.MapPost("/campaigns/trigger/schedule/update", (HttpContext c) => UpdateScheduleAsync(c, ScheduleTarget.Campaign));
        app.MapPost("/canvas/trigger/schedule/delete", (HttpContext c) => DeleteScheduleAsync(c, ScheduleTarget.Canvas));
        app.MapPost("/campaigns/trigger/schedule/delete", (HttpContext c) => DeleteScheduleAsync(c, ScheduleTarget.Campaign));
        app.MapGet("/messages/scheduled_broadcasts", ScheduledBroadcastsAsync);
        MapAdmin(app);
    }

    private const string BodyKey = "braze.body";

    /// <summary>Readable JSON (quotes and angle brackets unescaped); the answers are never embedded in HTML.</summary>
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private bool Authorized(HttpContext context)
    {
        // Exactly "Bearer <key>": a quoted key, another scheme or a wrong key is a 401, as on Braze. Compared in
        // constant time; the key itself is never logged, recorded or echoed.
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }

        var given = Encoding.UTF8.GetBytes(header[7..]);
        return CryptographicOperations.FixedTimeEquals(given, _apiKeyBytes);
    }

    /// <summary>Routing leaves 404 (unknown path) and 405 (wrong method) without a body; Braze answers JSON.</summary>
    private static async Task AnswerUnmatchedAsync(HttpContext context)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        if (context.Response.StatusCode == StatusCodes.Status404NotFound)
        {
            await Answer(context, 404, "Not Found").ConfigureAwait(false);
        }
        else if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed)
        {
            await Answer(context, 405, "Method Not Allowed").ConfigureAwait(false);
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength is 0 || HttpMethods.IsGet(context.Request.Method))
        {
            return [];
        }

        using var memory = new MemoryStream();
        await context.Request.Body.CopyToAsync(memory, context.RequestAborted).ConfigureAwait(false);
        return memory.ToArray();
    }

    private void Record(HttpContext context, string path, byte[] body, string? fault)
    {
        var status = context.RequestAborted.IsCancellationRequested || fault is nameof(Fault.DropAfterApply) or nameof(Fault.DropBeforeApply) ? 0 : context.Response.StatusCode;
        _requests.Enqueue(new ReceivedRequest(context.Request.Method, path + context.Request.QueryString, status, _options.RecordRequests && body.Length > 0 ? Encoding.UTF8.GetString(body) : null, fault));
        while (_requests.Count > _options.MaxRecordedRequests && _requests.TryDequeue(out _))
        {
        }
    }

    private static byte[] Body(HttpContext context) => (byte[])context.Items[BodyKey]!;

    private static Task Answer(HttpContext context, int status, string message, IReadOnlyList<ValidationError>? errors = null)
        => Json(context, status, w =>
        {
            w.WriteString("message", message);
            if (errors is { Count: > 0 })
            {
                w.WriteStartArray("errors");
                foreach (var e in errors.Where(e => e.Severity == ValidationSeverity.Error))
                {
                    w.WriteStringValue($"{e.Path}: {e.Message}");
                }

                w.WriteEndArray();
            }
        });

    private static async Task Json(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
