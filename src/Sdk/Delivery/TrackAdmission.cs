using System.Text.Json;
using Braze.Generated;
using Braze.Rules;
using Braze.Sending;
using Braze.Transport;
using Microsoft.Extensions.Logging;

namespace Braze.Delivery;

/// <summary>
/// What an item must pass to be accepted by the tracker: every Braze rule, and a size that fits one request. The
/// accepted item leaves as the JSON object it will be sent as, so nothing about it can fail later but Braze itself.
/// </summary>
internal sealed partial class TrackAdmission(BrazeValidationOptions options, BrazeMetrics? metrics, ILogger logger)
{
    // One collector per thread, reused: admitting a valid item allocates only its payload.
    [ThreadStatic]
    private static ValidationContext? t_context;

    private readonly BrazeWriteContext _writeContext = new(options);

    /// <summary>The event as it will be sent; throws <see cref="BrazeValidationException"/> when it breaks a rule.</summary>
    public byte[] Admit(TrackEvent item) => Admit(item, "event", static (c, x) => x.Validate(c), static (w, x, c) => x.WriteTo(w, c));

    /// <summary>The purchase as it will be sent; throws <see cref="BrazeValidationException"/> when it breaks a rule.</summary>
    public byte[] Admit(Purchase item) => Admit(item, "purchase", static (c, x) => x.Validate(c), static (w, x, c) => x.WriteTo(w, c));

    /// <summary>The attributes object as it will be sent; throws <see cref="BrazeValidationException"/> when it breaks a rule.</summary>
    public byte[] Admit(AttributesUpdate item) => Admit(item, "attributes", static (c, x) => x.Validate(c), static (w, x, c) => x.WriteTo(w, c));

    private byte[] Admit<T>(T item, string root, Action<ValidationContext, T> validate, Action<Utf8JsonWriter, T, BrazeWriteContext> write)
    {
        ArgumentNullException.ThrowIfNull(item);
        var context = t_context is { } cached && ReferenceEquals(cached.Options, options) ? cached : new ValidationContext(options);
        t_context = null;
        context.Reset();
        context.Push(root);
        context.ObjectRoot = context.Depth;
        validate(context, item);
        context.Pop();
        byte[]? payload = null;
        if (!context.HasErrors)
        {
            payload = TrackChunker.SerializeObject(item, write, _writeContext);
            context.Push(root);
            BrazeRules.RequestBodySize(context, payload.Length + TrackChunker.EnvelopeBytes);
            context.Pop();
        }

        if (context.HasErrors)
        {
            metrics?.ObjectsRejected.Add(1);
            throw new BrazeValidationException([.. context.Errors]);
        }

        // Accepted with warnings (an array Braze will truncate): the caller has no result object here, so the log says it.
        var warnings = context.Errors; // no errors are left here, only warnings (an index loop: no enumerator per item)
        for (var i = 0; i < warnings.Count; i++)
        {
            LogWarning(logger, warnings[i].Path, warnings[i].Code, warnings[i].Message);
        }

        t_context = context;
        return payload!;
    }

    [LoggerMessage(30, LogLevel.Warning, "Braze tracker accepted an item with a warning at {Path} [{Code}]: {Message}")]
    private static partial void LogWarning(ILogger logger, string path, string code, string message);
}
