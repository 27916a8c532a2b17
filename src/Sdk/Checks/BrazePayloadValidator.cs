using System.Text;
using System.Text.Json;
using Braze.Generated;
using Braze.Rules;
using Braze.Shared;
using Braze.Wire;

namespace Braze;

/// <summary>
/// Validates Braze payloads given as JSON: a <c>/users/track</c> body or Canvas User Update step JSON. It reports
/// with the same paths and codes as the typed model, because both call the same rule functions
/// (<see cref="BrazeRules"/>). Malformed JSON gives one clear error, never an exception.
/// </summary>
public static partial class BrazePayloadValidator
{
    /// <summary>How deep a body is read: deeper than the nesting rule allows, so a deep object is that object's error.</summary>
    internal static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = BrazeLimits.MaxDocumentDepth };

    /// <summary>Validates a <c>/users/track</c> body given as text.</summary>
    public static PayloadValidationResult ValidateTrackRequest(string json, BrazeValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return ValidateTrackRequest(Encoding.UTF8.GetBytes(json), options);
    }

    /// <summary>Validates a <c>/users/track</c> body given as UTF-8 bytes, including its size.</summary>
    public static PayloadValidationResult ValidateTrackRequest(ReadOnlySpan<byte> utf8Json, BrazeValidationOptions? options = null)
    {
        var context = new ValidationContext(options);
        if (!BrazeRules.RequestBodySize(context, utf8Json.Length))
        {
            return Result(context, requestRejected: true);
        }

        if (!TryParse(context, utf8Json, out var document))
        {
            return Result(context, requestRejected: true);
        }

        using (document)
        {
            var ok = TrackBody(context, document.RootElement);
            return Result(context, !ok);
        }
    }

    /// <summary>
    /// Validates a <c>/users/track/sync</c> body: a <c>/users/track</c> body with exactly one object. Any problem refuses
    /// the request (the answer is synchronous, so there are no minor errors).
    /// </summary>
    internal static PayloadValidationResult ValidateTrackSync(JsonElement body, BrazeValidationOptions? options = null)
    {
        var track = ValidateTrackRequest(body, options);
        var context = new ValidationContext(options);
        if (!track.IsRequestRejected && body.ValueKind == JsonValueKind.Object)
        {
            var count = 0;
            foreach (var array in TrackArrays.All)
            {
                count += body.TryGetProperty(array.Name(), out var list) && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 0;
            }

            BrazeRules.SyncObjectCount(context, count);
        }

        return new PayloadValidationResult([.. track.Errors, .. context.Errors], requestRejected: !track.IsValid || context.HasErrors);
    }

    /// <summary>Validates a parsed <c>/users/track</c> body (its size is measured as compact JSON).</summary>
    public static PayloadValidationResult ValidateTrackRequest(JsonElement body, BrazeValidationOptions? options = null)
    {
        var context = new ValidationContext(options);
        if (!IsReadable(context, body))
        {
            return Result(context, requestRejected: true);
        }

        var ok = BrazeRules.RequestBodySize(context, Measure(body));
        ok &= TrackBody(context, body);
        return Result(context, !ok);
    }

    /// <summary>
    /// Validates the JSON of a Canvas User Update step: at most 65,536 characters; top-level keys only
    /// <c>attributes</c>, <c>events</c>, <c>purchases</c>; no identifiers, API key, REST endpoint or push token
    /// import fields. Liquid is allowed in values (also unquoted, and <c>{% ... %}</c> tags);
    /// <c>event_properties</c> references give a warning.
    /// </summary>
    public static PayloadValidationResult ValidateUserUpdateStep(string json, BrazeValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        var context = new ValidationContext(options, userUpdateStep: true);
        var ok = BrazeRules.UserUpdateStepLength(context, json.Length);
        if (!TryParse(context, Encoding.UTF8.GetBytes(LiquidText.MaskForJson(json)), out var document))
        {
            return Result(context, requestRejected: true);
        }

        using (document)
        {
            ok &= StepBody(context, document.RootElement);
            return Result(context, !ok);
        }
    }

    private static PayloadValidationResult Result(ValidationContext context, bool requestRejected)
        => new([.. context.Errors], requestRejected) { DropsNestedAttributes = context.DropsNestedAttributes };

    private static bool TryParse(ValidationContext context, ReadOnlySpan<byte> utf8Json, out JsonDocument document)
    {
        if (TryParse(utf8Json, out document, out var problem))
        {
            return true;
        }

        context.Report(ValidationCodes.MalformedJson, problem);
        return false;
    }

    /// <summary>
    /// Parses a body for judging: valid UTF-8, valid JSON (read to any depth) and valid Unicode in every string, so
    /// nothing read from the document later can throw. Otherwise a sentence saying what is wrong, and where.
    /// </summary>
    internal static bool TryParse(ReadOnlySpan<byte> utf8Json, out JsonDocument document, out string problem)
    {
        document = null!;
        if (BrazeJson.UnicodeProblem(utf8Json) is { } unicode)
        {
            problem = unicode;
            return false;
        }

        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray(), DocumentOptions);
            problem = string.Empty;
            return true;
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, byte {ex.BytePositionInLine + 1}" : string.Empty;
            problem = Depth(utf8Json) > BrazeLimits.MaxDocumentDepth
                ? $"The body nests objects and arrays more than {BrazeLimits.MaxDocumentDepth} levels deep{where}; it is not read (an object nested past {BrazeLimits.MaxNestingDepth} levels is refused alone only up to that depth)."
                : $"The body is not valid JSON{where}.";
            return false;
        }
    }

    /// <summary>The deepest nesting of objects and arrays in JSON text (strings skipped), to explain a refusal.</summary>
    private static int Depth(ReadOnlySpan<byte> utf8Json)
    {
        int depth = 0, max = 0;
        var inString = false;
        for (var i = 0; i < utf8Json.Length; i++)
        {
            var b = utf8Json[i];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    i++;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (b == (byte)'"')
            {
                inString = true;
            }
            else if (b is (byte)'{' or (byte)'[')
            {
                max = Math.Max(max, ++depth);
            }
            else if (b is (byte)'}' or (byte)']')
            {
                depth--;
            }
        }

        return max;
    }

    /// <summary>A parsed element given by the caller may still hold invalid Unicode (the parser does not check strings).</summary>
    private static bool IsReadable(ValidationContext context, JsonElement element)
    {
        string? problem;
        try
        {
#if NET9_0_OR_GREATER
            problem = BrazeJson.UnicodeProblem(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element));
#else
            problem = BrazeJson.UnicodeProblem(Encoding.UTF8.GetBytes(element.GetRawText()));
#endif
        }
        catch (InvalidOperationException)
        {
            problem = "The body is not valid UTF-8.";
        }

        if (problem is null)
        {
            return true;
        }

        context.Report(ValidationCodes.MalformedJson, problem);
        return false;
    }

    private static int Measure(JsonElement element)
        => BrazeJson.Measure(static (w, e) => e.WriteTo(w), element);

    // ---------------------------------------------------------------- request bodies

    private static bool TrackBody(ValidationContext context, JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            context.Report(ValidationCodes.MalformedJson, "The body must be a JSON object with attributes, events and/or purchases arrays.");
            return false;
        }

        var counts = new int[3];
        foreach (var property in body.EnumerateObject())
        {
            if (!TrackArrays.TryParse(property.Name, out var array))
            {
                using (context.Enter(property.Name))
                {
                    context.Report(ValidationCodes.NotAllowed, "Unknown top-level field; /users/track reads only attributes, events and purchases.", ValidationSeverity.Warning);
                }

                continue;
            }

            counts[(int)array] = ObjectArray(context, property, array);
        }

        return BrazeRules.ObjectCount(context, counts[0], counts[1], counts[2]);
    }

    private static bool StepBody(ValidationContext context, JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            context.Report(ValidationCodes.MalformedJson, "User Update step JSON must be an object with attributes, events and/or purchases arrays.");
            return false;
        }

        var ok = true;
        foreach (var property in body.EnumerateObject())
        {
            if (!TrackArrays.TryParse(property.Name, out var array))
            {
                using (context.Enter(property.Name))
                {
                    BrazeRules.ForbiddenInUserUpdateStep(context, $"the top-level key '{property.Name}' (only attributes, events and purchases are allowed)");
                }

                ok = false;
                continue;
            }

            ObjectArray(context, property, array);
        }

        return ok;
    }

    private static int ObjectArray(ValidationContext context, JsonProperty property, TrackArray array)
    {
        using var scope = context.Enter(property.Name);
        if (property.Value.ValueKind != JsonValueKind.Array)
        {
            context.Report(ValidationCodes.InvalidType, $"{property.Name} must be an array of objects.");
            return 0;
        }

        var index = 0;
        foreach (var item in property.Value.EnumerateArray())
        {
            using (context.Enter(index))
            {
                context.ObjectRoot = context.Depth;
                if (item.ValueKind != JsonValueKind.Object)
                {
                    context.Report(ValidationCodes.InvalidType, "Each element must be a JSON object.");
                }
                else
                {
                    switch (array)
                    {
                        case TrackArray.Attributes:
                            AttributesObject(context, item);
                            break;
                        case TrackArray.Events:
                            EventObject(context, item);
                            break;
                        case TrackArray.Purchases:
                            PurchaseObject(context, item);
                            break;
                        default:
                            throw new InvalidOperationException($"Unknown track array {array}.");
                    }
                }
            }

            index++;
        }

        context.ObjectRoot = 0;
        return index;
    }
}
