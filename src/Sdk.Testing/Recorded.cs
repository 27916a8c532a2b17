using System.Net;
using System.Text.Json;

namespace Braze.Testing;

/// <summary>One HTTP request the SDK sent to <see cref="InMemoryBraze"/>, with the answer it got.</summary>
public sealed class RecordedRequest
{
    internal RecordedRequest(string method, string path, string body, BrazeAnswer answer)
    {
        Method = method;
        Path = path;
        Body = body;
        Answer = answer;
    }

    /// <summary>The HTTP method.</summary>
    public string Method { get; }

    /// <summary>The path and query (<c>/users/track</c>).</summary>
    public string Path { get; }

    /// <summary>The body as sent: the wire JSON (empty for a request without one).</summary>
    public string Body { get; }

    /// <summary>How it was answered.</summary>
    public BrazeAnswer Answer { get; }

    /// <summary>The status answered (null: no connection).</summary>
    public HttpStatusCode? Status => Answer.Status;

    /// <summary>The body parsed (dispose it, or use <see cref="Body"/>).</summary>
    public JsonDocument Json() => JsonDocument.Parse(Body.Length == 0 ? "null" : Body);

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Path} -> {Answer}";
}

/// <summary>
/// An object of <c>/users/track</c> that <see cref="InMemoryBraze"/> accepted, read back from the wire JSON: whose it
/// is, which array it came in, its name (events) or product (purchases), and the object as sent.
/// </summary>
public sealed class RecordedObject
{
    internal RecordedObject(TrackArray array, UserId? user, string? name, JsonElement json)
    {
        Array = array;
        User = user;
        Name = name;
        Json = json;
    }

    /// <summary><c>attributes</c>, <c>events</c> or <c>purchases</c>.</summary>
    public TrackArray Array { get; }

    /// <summary>The user, as identified in the object (null when it names none the SDK knows).</summary>
    public UserId? User { get; }

    /// <summary>The event's <c>name</c> or the purchase's <c>product_id</c>; null for attributes.</summary>
    public string? Name { get; }

    /// <summary>The object as sent.</summary>
    public JsonElement Json { get; }

    /// <summary>A field of the object (<c>properties</c>, <c>time</c>, an attribute), or null.</summary>
    public JsonElement? this[string field] => Json.TryGetProperty(field, out var value) ? value : null;

    /// <summary>A property of an event or purchase (<c>properties.movie</c>), or null.</summary>
    public JsonElement? Property(string name) => this["properties"] is { ValueKind: JsonValueKind.Object } properties && properties.TryGetProperty(name, out var value) ? value : null;

    /// <inheritdoc />
    public override string ToString() => $"{Array.ToString().ToLowerInvariant()}: {Name ?? "(attributes)"} for {User}";
}
