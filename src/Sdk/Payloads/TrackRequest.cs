using System.Buffers;
using System.Text.Json;
using Braze.Generated;
using Braze.Payloads;
using Braze.Rules;
using Braze.Wire;

namespace Braze;

/// <summary>
/// The body of <c>POST /users/track</c>: attributes objects, events and purchases. It may hold any number of
/// objects; <c>BrazeClient</c> splits it into requests within Braze's per-request limits.
/// </summary>
public sealed class TrackRequest
{
    /// <summary>Creates an empty request.</summary>
    public TrackRequest()
    {
    }

    /// <summary>Creates a request from the given objects.</summary>
    public TrackRequest(IEnumerable<AttributesUpdate>? attributes = null, IEnumerable<TrackEvent>? events = null, IEnumerable<Purchase>? purchases = null)
    {
        if (attributes is not null)
        {
            Attributes.AddRange(attributes);
        }

        if (events is not null)
        {
            Events.AddRange(events);
        }

        if (purchases is not null)
        {
            Purchases.AddRange(purchases);
        }
    }

    /// <summary>User attributes objects (<c>attributes</c>).</summary>
    public List<AttributesUpdate> Attributes { get; } = [];

    /// <summary>Custom events (<c>events</c>).</summary>
    public List<TrackEvent> Events { get; } = [];

    /// <summary>Purchases (<c>purchases</c>).</summary>
    public List<Purchase> Purchases { get; } = [];

    /// <summary>Total number of objects.</summary>
    public int Count => Attributes.Count + Events.Count + Purchases.Count;

    /// <summary>Adds an attributes object.</summary>
    public TrackRequest Add(AttributesUpdate attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        Attributes.Add(attributes);
        return this;
    }

    /// <summary>Adds an event.</summary>
    public TrackRequest Add(TrackEvent trackEvent)
    {
        ArgumentNullException.ThrowIfNull(trackEvent);
        Events.Add(trackEvent);
        return this;
    }

    /// <summary>Adds a purchase.</summary>
    public TrackRequest Add(Purchase purchase)
    {
        ArgumentNullException.ThrowIfNull(purchase);
        Purchases.Add(purchase);
        return this;
    }

    /// <summary>
    /// Checks every object against every rule and returns all errors at once, with paths into this request
    /// (<c>events[3].properties.movie</c>). The per-request object limit is not checked here, because the client
    /// chunks; use <see cref="ValidateAsSingleRequest"/> to check a body that is sent as is.
    /// </summary>
    public PayloadValidationResult Validate(BrazeValidationOptions? options = null)
    {
        var context = new ValidationContext(options);
        ValidateObjects(context);
        return new PayloadValidationResult([.. context.Errors], requestRejected: false);
    }

    /// <summary>Like <see cref="Validate"/>, and also checks the object count and body size of one request.</summary>
    internal PayloadValidationResult ValidateAsSingleRequest(BrazeValidationOptions? options = null)
    {
        var context = new ValidationContext(options);
        ValidateObjects(context);
        var requestOk = BrazeRules.ObjectCount(context, Attributes.Count, Events.Count, Purchases.Count);
        if (!context.HasErrors)
        {
            requestOk &= BrazeRules.RequestBodySize(context, BrazeJson.Measure(static (w, s) => s.Item1.WriteTo(w, s.Item2), (this, new BrazeWriteContext(context.Options))));
        }

        return new PayloadValidationResult([.. context.Errors], !requestOk);
    }

    /// <summary>
    /// Validates the objects as the content of a Canvas User Update step: no identifiers, Liquid allowed in
    /// values, at most 65,536 characters of JSON. Use <see cref="ToJson"/> to render it.
    /// </summary>
    public PayloadValidationResult ValidateAsUserUpdateStep(BrazeValidationOptions? options = null)
    {
        var context = new ValidationContext(options, userUpdateStep: true);
        ValidateObjects(context);
        var ok = true;
        if (!context.HasErrors)
        {
            ok = BrazeRules.UserUpdateStepLength(context, ToJson(options).Length);
        }

        return new PayloadValidationResult([.. context.Errors], !ok);
    }

    /// <summary>Writes the request body. Empty arrays are omitted. Validate first: invalid times cannot be written.</summary>
    internal void WriteTo(Utf8JsonWriter writer, BrazeWriteContext context)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        ObjectWriter.Array(writer, TrackArray.Attributes.EncodedName(), Attributes, static (w, a, c) => a.WriteTo(w, c), context);
        ObjectWriter.Array(writer, TrackArray.Events.EncodedName(), Events, static (w, e, c) => e.WriteTo(w, c), context);
        ObjectWriter.Array(writer, TrackArray.Purchases.EncodedName(), Purchases, static (w, p, c) => p.WriteTo(w, c), context);
        writer.WriteEndObject();
    }

    /// <summary>The request body as a JSON string (also the JSON of a Canvas User Update step; see <see cref="ValidateAsUserUpdateStep"/>).</summary>
    public string ToJson(BrazeValidationOptions? options = null)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);

        // Relaxed escaping: Liquid in a User Update step is rendered before Braze parses the JSON, so quotes such as
        // 'now' must stay literal instead of becoming \u0027. The output is valid JSON either way.
        using (var writer = new Utf8JsonWriter(buffer, BrazeJson.WriterOptions))
        {
            WriteTo(writer, new BrazeWriteContext(options));
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal void ValidateObjects(ValidationContext context)
    {
        ValidateList(context, TrackArray.Attributes, Attributes, static (c, a) => a.Validate(c));
        ValidateList(context, TrackArray.Events, Events, static (c, e) => e.Validate(c));
        ValidateList(context, TrackArray.Purchases, Purchases, static (c, p) => p.Validate(c));
    }

    private static void ValidateList<T>(ValidationContext context, TrackArray array, List<T> items, Action<ValidationContext, T> validate)
    {
        if (items.Count == 0)
        {
            return;
        }

        context.Push(array.Name());
        for (var i = 0; i < items.Count; i++)
        {
            context.Push(i);
            context.ObjectRoot = context.Depth;
            validate(context, items[i]);
            context.Pop();
        }

        context.ObjectRoot = 0;
        context.Pop();
    }
}
