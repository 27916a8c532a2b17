using System.Buffers;
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
/// <param name="Body">The body, when recording is on and it fits <see cref="BrazeEmulatorOptions.MaxRecordedBytes"/>; never for a request that failed authentication or was over the read limit.</param>
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
    private readonly RequestLog _requests;
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
        _requests = new RequestLog(options.MaxRecordedRequests, options.MaxRecordedBytes);
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

    /// <summary>
    /// Requests received so far, oldest first: the most recent ones within <see cref="BrazeEmulatorOptions.MaxRecordedRequests"/>
    /// and <see cref="BrazeEmulatorOptions.MaxRecordedBytes"/>. A request that failed authentication is kept with its
    /// method, path and status 401, never with its body. Each enumeration is a snapshot.
    /// </summary>
    public IReadOnlyCollection<ReceivedRequest> Requests => _requests;

    /// <summary>Bytes of paths and bodies held by <see cref="Requests"/> (UTF-8, as received).</summary>
    public long RecordedBytes => _requests.Bytes;

    /// <summary>Number of requests received.</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>Starts an emulator on a loopback port.</summary>
    public static async Task<BrazeEmulator> StartAsync(BrazeEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new BrazeEmulatorOptions();
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // The emulator never takes over the process's signals (the default console lifetime would swallow Ctrl+C
        // and SIGTERM of the application that embeds it); the command line handles them itself (Program.cs).
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        // Stopping waits for requests in flight at most this long, then aborts them.
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = ShutdownTimeout);
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            // A backstop for bodies without Content-Length; the middleware answers 413 itself (ReadBodyAsync).
            k.Limits.MaxRequestBodySize = options.MaxReadBodyBytes;
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
            var group = path.StartsWith("/users/track", StringComparison.Ordinal) ? "track" : "other";
            if (!Authorized(context))
            {
                // Authentication comes first: the body of an unauthenticated request is neither read nor recorded
                // (the request line and the 401 are). Like every Braze answer, a 401 carries the rate-limit headers;
                // it does not use up the window.
                try
                {
                    _windows.Peek(context, group);
                    await Answer(context, 401, "Unauthorized: send the REST API key as 'Authorization: Bearer <key>', unquoted.").ConfigureAwait(false);
                }
                finally
                {
                    Record(context, path, [], null);
                }

                return;
            }

            var (body, refusal) = await ReadBodyAsync(context, _options.MaxReadBodyBytes).ConfigureAwait(false);
            if (body is null)
            {
                try
                {
                    if (refusal is { } answer && !context.RequestAborted.IsCancellationRequested)
                    {
                        // The rest of the body is not read: close the connection instead of draining it.
                        context.Response.Headers.Connection = "close";
                        await Answer(context, answer.Status, answer.Message).ConfigureAwait(false);
                    }
                }
                finally
                {
                    Record(context, path, [], null);
                }

                return;
            }

            context.Items[BodyKey] = body;
            string? fault = null;
            var recorded = false;
            try
            {
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
        app.MapPost("/users/track/sync", TrackSyncAsync);
        app.MapPost("/users/export/ids", ExportAsync);
        app.MapPost("/canvas/trigger/schedule/create", (HttpContext c) => CreateScheduleAsync(c, ScheduleTarget.Canvas));
        app.MapPost("/campaigns/trigger/schedule/create", (HttpContext c) => CreateScheduleAsync(c, ScheduleTarget.Campaign));
        app.MapPost("/canvas/trigger/schedule/update", (HttpContext c) => UpdateScheduleAsync(c, ScheduleTarget.Canvas));
        app.MapPost("/campaigns/trigger/schedule/update", (HttpContext c) => UpdateScheduleAsync(c, ScheduleTarget.Campaign));
        app.MapPost("/canvas/trigger/schedule/delete", (HttpContext c) => DeleteScheduleAsync(c, ScheduleTarget.Canvas));
        app.MapPost("/campaigns/trigger/schedule/delete", (HttpContext c) => DeleteScheduleAsync(c, ScheduleTarget.Campaign));
        app.MapGet("/messages/scheduled_broadcasts", ScheduledBroadcastsAsync);
        app.MapPost("/canvas/trigger/send", (HttpContext c) => TriggerSendAsync(c, ScheduleTarget.Canvas));
        app.MapPost("/campaigns/trigger/send", (HttpContext c) => TriggerSendAsync(c, ScheduleTarget.Campaign));
        foreach (var path in BrazePayloadValidator.UserOperationPaths)
        {
            app.MapPost(path, (HttpContext c) => UserOperationAsync(c, path));
        }

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

    /// <summary>
    /// Reads the body, at most <paramref name="limit"/> bytes: a larger one (by its Content-Length, before reading
    /// anything, or as it arrives) is refused with 413, a malformed one with Kestrel's status; a body cut off by the
    /// client is refused without an answer (null, null).
    /// </summary>
    private static async Task<(byte[]? Body, (int Status, string Message)? Refusal)> ReadBodyAsync(HttpContext context, long limit)
    {
        var request = context.Request;
        if (request.ContentLength is 0 || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            return ([], null);
        }

        limit = Math.Min(limit, Array.MaxLength);
        var tooLarge = (413, $"Request Entity Too Large: the emulator reads at most {limit:N0} bytes per request.");
        if (request.ContentLength > limit)
        {
            return (null, tooLarge);
        }

        try
        {
            if (request.ContentLength is { } length)
            {
                var exact = new byte[length];
                await request.Body.ReadExactlyAsync(exact, context.RequestAborted).ConfigureAwait(false);
                return (exact, null);
            }

            using var memory = new MemoryStream();
            var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                int read;
                while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
                {
                    if (memory.Length + read > limit)
                    {
                        return (null, tooLarge);
                    }

                    memory.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }

            return (memory.ToArray(), null);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own limit (a body without Content-Length over MaxRequestBodySize) or a malformed body.
            return (null, ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? tooLarge : (ex.StatusCode, "Bad Request: the body could not be read."));
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client went away (or sent less than its Content-Length): nobody to answer.
            context.Abort();
            return (null, null);
        }
    }

    private void Record(HttpContext context, string path, byte[] body, string? fault)
    {
        var status = context.RequestAborted.IsCancellationRequested || fault is nameof(Fault.DropAfterApply) or nameof(Fault.DropBeforeApply) ? 0 : context.Response.StatusCode;
        _requests.Add(context.Request.Method, path + context.Request.QueryString, status, body, _options.RecordRequests, fault);
    }

    /// <summary>How long stopping waits for requests in flight before aborting them.</summary>
    internal static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(2);

    /// <summary>A host lifetime that leaves the process's signals alone: the emulator stops when it is disposed, and only then.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
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
