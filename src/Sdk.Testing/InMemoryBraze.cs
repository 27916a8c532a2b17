using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Braze.Testing;

/// <summary>
/// An in-memory Braze for unit tests, no network: the SDK's real <see cref="IBrazeClient"/> and
/// <see cref="IBrazeTracker"/> (the same validation, the same exceptions, the same wire JSON, retries, pauses and
/// deferrals) send to it, and it records every request and answers as told (<see cref="Answer"/>,
/// <see cref="AnswerNext"/>). Use <see cref="Client"/> and <see cref="Tracker"/> directly, or put it under a service
/// collection with <see cref="InMemoryBrazeServiceCollectionExtensions.AddInMemoryBraze"/>. It stores no profiles: for
/// what Braze does with the data (exports, merges, deletes), test against the emulator (<c>Braze.Sdk.Emulator</c>).
/// </summary>
public sealed class InMemoryBraze : IAsyncDisposable, IDisposable
{
    /// <summary>The API key the test setup uses (any well-formed key does: nothing checks it).</summary>
    public const string ApiKey = "00000000-0000-4000-8000-000000000000";

    private readonly object _gate = new();
    private readonly Queue<BrazeAnswer> _next = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<RecordedObject> _accepted = [];
    private readonly Action<BrazeOptions>? _configure;
    private ServiceProvider? _services;
    private BrazeAnswer _answer = BrazeAnswer.Accepted;

    /// <summary>An in-memory Braze; <paramref name="configure"/> adjusts the options of its own <see cref="Client"/> and <see cref="Tracker"/>.</summary>
    public InMemoryBraze(Action<BrazeOptions>? configure = null) => _configure = configure;

    /// <summary>The answer to every request no <see cref="AnswerNext"/> answer is queued for. Default <see cref="BrazeAnswer.Accepted"/>.</summary>
    public BrazeAnswer Answer
    {
        get
        {
            lock (_gate)
            {
                return _answer;
            }
        }

        set
        {
            ArgumentNullException.ThrowIfNull(value);
            lock (_gate)
            {
                _answer = value;
            }
        }
    }

    /// <summary>Every request received so far, oldest first, with its answer (retries included: each attempt is one).</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Every <c>/users/track</c> object accepted so far (not the ones a minor error named), in the order received.</summary>
    public IReadOnlyList<RecordedObject> Accepted
    {
        get
        {
            lock (_gate)
            {
                return [.. _accepted];
            }
        }
    }

    /// <summary>The accepted events.</summary>
    public IReadOnlyList<RecordedObject> Events => [.. Accepted.Where(o => o.Array == TrackArray.Events)];

    /// <summary>The accepted purchases.</summary>
    public IReadOnlyList<RecordedObject> Purchases => [.. Accepted.Where(o => o.Array == TrackArray.Purchases)];

    /// <summary>The accepted attributes objects.</summary>
    public IReadOnlyList<RecordedObject> Attributes => [.. Accepted.Where(o => o.Array == TrackArray.Attributes)];

    /// <summary>The SDK's client over this Braze (its own services, made on first use, with <see cref="UseTestDefaults"/>).</summary>
    public IBrazeClient Client => Services.GetRequiredService<IBrazeClient>();

    /// <summary>The SDK's background tracker over this Braze (made on first use; flush it before asserting).</summary>
    public IBrazeTracker Tracker => Services.GetRequiredService<IBrazeTracker>();

    private ServiceProvider Services
    {
        get
        {
            lock (_gate)
            {
                if (_services is null)
                {
                    var services = new ServiceCollection();
                    services.AddInMemoryBraze(this, _configure);
                    _services = services.BuildServiceProvider();
                }

                return _services;
            }
        }
    }

    /// <summary>
    /// Options for tests: this class's <see cref="ApiKey"/>, Braze's US-01 address (never contacted), and short retry
    /// and redelivery delays, so that a test of a 5xx or an outage takes milliseconds, not the production backoff.
    /// </summary>
    public static void UseTestDefaults(BrazeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ApiKey = ApiKey;
        options.BaseUrl = BrazeInstances.US01;
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
        options.RetryMaxDelay = TimeSpan.FromMilliseconds(20);
        options.Tracker.FlushInterval = TimeSpan.FromMilliseconds(20);
        options.Tracker.RedeliveryDelay = TimeSpan.FromMilliseconds(10);
        options.Tracker.MaxRedeliveryDelay = TimeSpan.FromMilliseconds(100);
        options.Tracker.ShutdownTimeout = TimeSpan.FromSeconds(2);
    }

    /// <summary>Queues one-off answers: the next requests get these, in order, before <see cref="Answer"/> applies again.</summary>
    public void AnswerNext(params BrazeAnswer[] answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        lock (_gate)
        {
            foreach (var answer in answers)
            {
                _next.Enqueue(answer ?? throw new ArgumentException("An answer is null.", nameof(answers)));
            }
        }
    }

    /// <summary>Forgets the recorded requests and objects and the queued answers; <see cref="Answer"/> becomes <see cref="BrazeAnswer.Accepted"/>.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _requests.Clear();
            _accepted.Clear();
            _next.Clear();
            _answer = BrazeAnswer.Accepted;
        }
    }

    /// <summary>The in-memory endpoint as the primary handler of the SDK's HTTP pipeline (what <c>AddInMemoryBraze</c> installs).</summary>
    public HttpMessageHandler CreateHandler() => new Endpoint(this);

    /// <summary>Stops the tracker of <see cref="Tracker"/> (delivering what it holds) and releases the services.</summary>
    public async ValueTask DisposeAsync()
    {
        ServiceProvider? services;
        lock (_gate)
        {
            services = _services;
            _services = null;
        }

        if (services is not null)
        {
            await services.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>As <see cref="DisposeAsync"/>, blocking.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private (BrazeAnswer Answer, RecordedRequest Request) Receive(string method, string path, string body)
    {
        lock (_gate)
        {
            var answer = _next.Count > 0 ? _next.Dequeue() : _answer;
            var request = new RecordedRequest(method, path, body, answer);
            _requests.Add(request);
            return (answer, request);
        }
    }

    /// <summary>The body of a success on <paramref name="path"/>, and the objects it accepted (for <c>/users/track</c>).</summary>
    private string Success(string path, string body, BrazeAnswer answer)
    {
        using var document = JsonDocument.Parse(body.Length == 0 ? "{}" : body);
        var root = document.RootElement;
        int Count(params string[] fields) => root.ValueKind != JsonValueKind.Object ? 0
            : fields.Sum(f => root.TryGetProperty(f, out var a) && a.ValueKind == JsonValueKind.Array ? a.GetArrayLength() : 0);
        string Strings(string array, string field) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(array, out var a) && a.ValueKind == JsonValueKind.Array
            ? JsonSerializer.Serialize(a.EnumerateArray().Select(e => (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(field, out var v) ? v.GetString() : e.ValueKind == JsonValueKind.String ? e.GetString() : null) ?? string.Empty).ToArray(), InMemoryJson.Default.StringArray)
            : "[]";
        var id = Guid.NewGuid().ToString("N");
        switch (path)
        {
            case "/users/track":
                return Track(root, answer);
            case "/users/track/sync":
                var synced = root.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array).SelectMany(p => p.Value.EnumerateArray()).FirstOrDefault();
                return $$"""{"message":"success","users":[{{(synced.ValueKind == JsonValueKind.Object ? synced.GetRawText() : "{}")}}]}""";
            case "/users/alias/new":
            case "/users/identify":
                return $$"""{"message":"success","aliases_processed":{{Count("user_aliases", "aliases_to_identify", "emails_to_identify")}}}""";
            case "/users/delete":
                return $$"""{"message":"success","deleted":{{Count("external_ids", "user_aliases", "braze_ids", "email_addresses")}}}""";
            case "/users/external_ids/rename":
                return $$"""{"message":"success","external_ids":{{Strings("external_id_renames", "new_external_id")}},"rename_errors":[]}""";
            case "/users/external_ids/remove":
                return $$"""{"message":"success","removed_ids":{{Strings("external_ids", "")}},"removal_errors":[]}""";
            case "/users/export/ids":
                return """{"message":"success","users":[],"invalid_user_ids":[]}""";
            case "/messages/scheduled_broadcasts":
                return """{"message":"success","scheduled_broadcasts":[]}""";
            default:
                // Schedule creates answer a schedule id, sends a dispatch id; everything else just success.
                return path.EndsWith("/schedule/create", StringComparison.Ordinal)
                    ? $$"""{"message":"success","schedule_id":"{{id}}","dispatch_id":"{{id}}"}"""
                    : path.EndsWith("/trigger/send", StringComparison.Ordinal)
                        ? $$"""{"message":"success","dispatch_id":"{{id}}"}"""
                        : """{"message":"success"}""";
        }
    }

    private string Track(JsonElement root, BrazeAnswer answer)
    {
        var processed = new Dictionary<TrackArray, int> { [TrackArray.Attributes] = 0, [TrackArray.Events] = 0, [TrackArray.Purchases] = 0 };
        var errors = new StringBuilder();
        foreach (var (array, field) in new[] { (TrackArray.Attributes, "attributes"), (TrackArray.Events, "events"), (TrackArray.Purchases, "purchases") })
        {
            if (!root.TryGetProperty(field, out var objects) || objects.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var index = 0;
            foreach (var item in objects.EnumerateArray())
            {
                var error = answer.MinorErrors.FirstOrDefault(e => e.Array == array && e.Index == index);
                if (error.Message is not null)
                {
                    errors.Append(errors.Length == 0 ? string.Empty : ",")
                        .Append(CultureInfo.InvariantCulture, $$"""{"type":{{JsonSerializer.Serialize(error.Message, InMemoryJson.Default.String)}},"input_array":"{{field}}","index":{{index}}}""");
                }
                else
                {
                    string? name = array switch
                    {
                        TrackArray.Events => item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null,
                        TrackArray.Purchases => item.TryGetProperty("product_id", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null,
                        _ => null,
                    };
                    _accepted.Add(new RecordedObject(array, UserId.Of(item), name, item.Clone()));
                    processed[array]++;
                }

                index++;
            }
        }

        var counts = $"\"attributes_processed\":{processed[TrackArray.Attributes]},\"events_processed\":{processed[TrackArray.Events]},\"purchases_processed\":{processed[TrackArray.Purchases]}";
        return errors.Length == 0 ? $"{{\"message\":\"success\",{counts}}}" : $"{{\"message\":\"success\",{counts},\"errors\":[{errors}]}}";
    }

    /// <summary>The primary handler: records, then answers (or refuses the connection) as the test says.</summary>
    private sealed class Endpoint(InMemoryBraze braze) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var path = request.RequestUri?.AbsolutePath ?? "/";
            var (answer, _) = braze.Receive(request.Method.Method, request.RequestUri?.PathAndQuery ?? "/", body);
            if (answer.Status is not { } status)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (InMemoryBraze answers Outage).");
            }

            string json;
            if ((int)status is >= 200 and < 300)
            {
                lock (braze._gate)
                {
                    json = braze.Success(path, body, answer);
                }
            }
            else
            {
                json = $$"""{"message":"{{answer.Name}} (InMemoryBraze)"}""";
            }

            var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json"), RequestMessage = request };
            var reset = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            response.Headers.TryAddWithoutValidation("X-RateLimit-Limit", "250000");
            response.Headers.TryAddWithoutValidation("X-RateLimit-Remaining", status == HttpStatusCode.TooManyRequests ? "0" : "249999");
            response.Headers.TryAddWithoutValidation("X-RateLimit-Reset", reset);
            return response;
        }
    }
}

/// <summary>The JSON the in-memory Braze writes, without reflection.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]), TypeInfoPropertyName = "StringArray")]
internal sealed partial class InMemoryJson : System.Text.Json.Serialization.JsonSerializerContext;
