using System.Text.Json;
using Braze.Payloads;
using Braze.Rules;
using Braze.Shared;
using Braze.Wire;

namespace Braze.Emulator;

public sealed partial class BrazeEmulator
{
    private async Task TrackAsync(HttpContext context)
    {
        var body = Body(context);
        var validation = BrazePayloadValidator.ValidateTrackRequest(body, _options.Validation);
        if (validation.IsRequestRejected)
        {
            var errors = validation.Errors.Where(e => e.Severity == ValidationSeverity.Error).ToList();
            if (errors.Any(e => e.Code == ValidationCodes.BodyTooLarge))
            {
                await Answer(context, 413, "Request Entity Too Large", errors).ConfigureAwait(false);
            }
            else if (errors.Any(e => e.Code == ValidationCodes.TooManyObjects))
            {
                await Answer(context, 400, "Max Input Length Exceeded", errors).ConfigureAwait(false);
            }
            else
            {
                await Answer(context, 400, errors.Count > 0 ? $"Bad Request: {errors[0].Message}" : "Bad Request", errors).ConfigureAwait(false);
            }

            return;
        }

        using var document = JsonDocument.Parse(body, BrazePayloadValidator.DocumentOptions);
        var counts = await Store.ApplyTrackAsync(document.RootElement, validation, context.RequestAborted).ConfigureAwait(false);
        await Json(context, 201, w =>
        {
            w.WriteString("message", "success");
            w.WriteNumber("attributes_processed", counts.Attributes);
            w.WriteNumber("events_processed", counts.Events);
            w.WriteNumber("purchases_processed", counts.Purchases);
            var minor = validation.Errors.Where(e => e.Severity == ValidationSeverity.Error).ToList();
            if (minor.Count == 0)
            {
                return;
            }

            // Minor errors: the rejected objects are named; everything else was applied.
            w.WriteStartArray("errors");
            foreach (var e in minor)
            {
                w.WriteStartObject();
                w.WriteString("type", e.Message);
                if (PayloadValidationResult.TryGetObject(e.Path, out var array, out var index))
                {
                    w.WriteString("input_array", array.Name());
                    w.WriteNumber("index", index);
                }

                w.WriteString("path", e.Path);
                w.WriteString("code", e.Code);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>/users/track/sync</c>: one object, validated (any problem is a 400, there are no minor errors), applied, and
    /// answered 201 with the user's profile after the update, in the export's form.
    /// </summary>
    private async Task TrackSyncAsync(HttpContext context)
    {
        if (await ParseAsync(context) is not { } document)
        {
            return;
        }

        using (document)
        {
            var body = document.RootElement;
            var validation = BrazePayloadValidator.ValidateTrackSync(body, _options.Validation);
            if (!validation.IsValid)
            {
                await Reject(context, validation).ConfigureAwait(false);
                return;
            }

            await Store.ApplyTrackAsync(body, validation, context.RequestAborted).ConfigureAwait(false);
            var obj = TrackArrays.All.Select(a => body.TryGetProperty(a.Name(), out var list) ? list : default)
                .First(list => list.ValueKind == JsonValueKind.Array && list.GetArrayLength() == 1)[0];
            var exported = JsonDocument.Parse(await Store.ExportAsync(QueryOf(obj), context.RequestAborted).ConfigureAwait(false));
            using (exported)
            {
                await Json(context, 201, w =>
                {
                    w.WritePropertyName("users");
                    exported.RootElement.GetProperty("users").WriteTo(w);
                    w.WriteString("message", "success");
                }).ConfigureAwait(false);
            }
        }

        static ExportQuery QueryOf(JsonElement obj)
        {
            string? Text(string field) => obj.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (Text("external_id") is { } externalId)
            {
                return new ExportQuery { ExternalIds = [externalId] };
            }

            if (obj.TryGetProperty("user_alias", out var alias))
            {
                return new ExportQuery { UserAliases = [(alias.GetProperty("alias_name").GetString()!, alias.GetProperty("alias_label").GetString()!)] };
            }

            return new ExportQuery { BrazeId = Text("braze_id"), EmailAddress = Text("braze_id") is null ? Text("email") : null, Phone = Text("braze_id") is null && Text("email") is null ? Text("phone") : null };
        }
    }

    private async Task ExportAsync(HttpContext context)
    {
        if (await ParseAsync(context) is not { } document)
        {
            return;
        }

        ExportQuery query;
        using (document)
        {
            if (!TryReadExportQuery(document.RootElement, out query, out var problem))
            {
                await Answer(context, 400, problem).ConfigureAwait(false);
                return;
            }
        }

        if (query.IdentifierCount is 0 or > BrazeLimits.MaxExportIdentifiers)
        {
            await Answer(context, 400, $"Give 1 to 50 identifiers (external_ids, user_aliases, braze_id, email_address, phone); this request has {query.IdentifierCount}.").ConfigureAwait(false);
            return;
        }

        var bytes = await Store.ExportAsync(query, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = 201;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Reads the identifiers of an export body; every field is optional but must have its documented type.</summary>
    private static bool TryReadExportQuery(JsonElement root, out ExportQuery query, out string problem)
    {
        query = new ExportQuery();
        problem = string.Empty;
        if (root.ValueKind != JsonValueKind.Object)
        {
            problem = "Bad Request: the body must be a JSON object.";
            return false;
        }

        List<string> externalIds = [], fields = [];
        List<(string, string)> aliases = [];
        if (!StringArray(root, "external_ids", externalIds, ref problem) || !StringArray(root, "fields_to_export", fields, ref problem))
        {
            return false;
        }

        if (root.TryGetProperty("user_aliases", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                problem = "user_aliases must be an array of {\"alias_name\", \"alias_label\"} objects.";
                return false;
            }

            var i = 0;
            foreach (var alias in list.EnumerateArray())
            {
                if (alias.ValueKind != JsonValueKind.Object
                    || !alias.TryGetProperty("alias_name", out var name) || name.ValueKind != JsonValueKind.String
                    || !alias.TryGetProperty("alias_label", out var label) || label.ValueKind != JsonValueKind.String)
                {
                    problem = $"user_aliases[{i}] needs string alias_name and alias_label.";
                    return false;
                }

                aliases.Add((name.GetString()!, label.GetString()!));
                i++;
            }
        }

        string? brazeId = null, email = null, phone = null;
        if (!OptionalString(root, "braze_id", ref brazeId, ref problem) || !OptionalString(root, "email_address", ref email, ref problem)
            || !OptionalString(root, "phone", ref phone, ref problem))
        {
            return false;
        }

        query = new ExportQuery { ExternalIds = externalIds, UserAliases = aliases, BrazeId = brazeId, EmailAddress = email, Phone = phone, FieldsToExport = fields };
        return true;

        static bool StringArray(JsonElement root, string field, List<string> into, ref string problem)
        {
            if (!root.TryGetProperty(field, out var list))
            {
                return true;
            }

            if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
            {
                problem = $"{field} must be an array of strings.";
                return false;
            }

            into.AddRange(list.EnumerateArray().Select(x => x.GetString()!));
            return true;
        }

        static bool OptionalString(JsonElement root, string field, ref string? value, ref string problem)
        {
            if (!root.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (v.ValueKind != JsonValueKind.String)
            {
                problem = $"{field} must be a string.";
                return false;
            }

            value = v.GetString();
            return true;
        }
    }

    private async Task CreateScheduleAsync(HttpContext context, ScheduleTarget target)
    {
        var canvas = target == ScheduleTarget.Canvas;
        if (await ParseAsync(context) is not { } document)
        {
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            var validation = BrazePayloadValidator.ValidateScheduleCreate(root, target, _options.Validation);
            if (!validation.IsValid)
            {
                await Reject(context, validation).ConfigureAwait(false);
                return;
            }

            var id = root.GetProperty(target.IdField()).GetString()!;
            var (scheduleId, dispatchId) = await Store.CreateScheduleAsync(canvas ? "canvas" : "campaign", id, root, context.RequestAborted).ConfigureAwait(false);
            await Json(context, 201, w =>
            {
                w.WriteString("dispatch_id", dispatchId);
                w.WriteString("schedule_id", scheduleId);
                w.WriteString("message", "success");
            }).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A trigger send: validated like a schedule create without the schedule, answered 201 with a <c>dispatch_id</c>.
    /// The emulator delivers no messages; the send is in the request log (<c>/_emulator/requests</c>).
    /// </summary>
    private async Task TriggerSendAsync(HttpContext context, ScheduleTarget target)
    {
        if (await ParseAsync(context) is not { } document)
        {
            return;
        }

        using (document)
        {
            var validation = BrazePayloadValidator.ValidateTriggerSend(document.RootElement, target, _options.Validation);
            if (!validation.IsValid)
            {
                await Reject(context, validation).ConfigureAwait(false);
                return;
            }

            await Json(context, 201, w =>
            {
                w.WriteString("dispatch_id", Guid.NewGuid().ToString("N"));
                w.WriteString("message", "success");
            }).ConfigureAwait(false);
        }
    }

    private async Task UpdateScheduleAsync(HttpContext context, ScheduleTarget target)
    {
        var canvas = target == ScheduleTarget.Canvas;
        if (await ParseAsync(context) is not { } document)
        {
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            var validation = BrazePayloadValidator.ValidateScheduleUpdate(root, target, _options.Validation);
            if (!validation.IsValid)
            {
                await Reject(context, validation).ConfigureAwait(false);
                return;
            }

            var outcome = await Store.UpdateScheduleAsync(canvas ? "canvas" : "campaign", root.GetProperty(target.IdField()).GetString()!,
                root.GetProperty("schedule_id").GetString()!, root.GetProperty("schedule"), refuseStartedLocalTime: !canvas, context.RequestAborted).ConfigureAwait(false);
            await (outcome switch
            {
                ScheduleUpdate.Updated => Answer(context, 200, "success"),
                ScheduleUpdate.LocalTimeStarted => Answer(context, 400, "Bad Request: the campaign was scheduled in local time and that time has already passed in some time zone; it can no longer be updated."),
                _ => Answer(context, 404, $"No {(canvas ? "Canvas" : "campaign")} schedule with this schedule_id for this {(target.IdField())}."),
            }).ConfigureAwait(false);
        }
    }

    private async Task DeleteScheduleAsync(HttpContext context, ScheduleTarget target)
    {
        var canvas = target == ScheduleTarget.Canvas;
        if (await ParseAsync(context) is not { } document)
        {
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            var validation = BrazePayloadValidator.ValidateScheduleDelete(root, target, _options.Validation);
            if (!validation.IsValid)
            {
                await Reject(context, validation).ConfigureAwait(false);
                return;
            }

            var found = await Store.DeleteScheduleAsync(canvas ? "canvas" : "campaign", root.GetProperty(target.IdField()).GetString()!,
                root.GetProperty("schedule_id").GetString()!, context.RequestAborted).ConfigureAwait(false);
            await (found
                ? Answer(context, 200, "success")
                : Answer(context, 404, $"No {(canvas ? "Canvas" : "campaign")} schedule with this schedule_id for this {(target.IdField())}.")).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// An identity endpoint (<c>/users/alias/new</c>, identify, rename, remove, merge, delete): validated like Braze (a
    /// problem anywhere is a 400 naming it), applied to the stored profiles, answered 201 with the fields Braze sends.
    /// </summary>
    private async Task UserOperationAsync(HttpContext context, string path)
    {
        if (await ParseAsync(context) is not { } document)
        {
            return;
        }

        using (document)
        {
            var validation = BrazePayloadValidator.ValidateUserOperation(document.RootElement, path, _options.Validation);
            if (!validation.IsValid)
            {
                await Reject(context, validation).ConfigureAwait(false);
                return;
            }

            var outcome = await Store.ApplyIdentityAsync(path, document.RootElement, context.RequestAborted).ConfigureAwait(false);
            await Json(context, 201, w =>
            {
                switch (path)
                {
                    case "/users/alias/new" or "/users/identify":
                        w.WriteNumber("aliases_processed", outcome.Processed);
                        break;
                    case "/users/delete":
                        w.WriteNumber("deleted", outcome.Processed);
                        break;
                    case "/users/external_ids/rename":
                        Strings(w, "external_ids", outcome.Succeeded);
                        Strings(w, "rename_errors", outcome.Errors);
                        break;
                    case "/users/external_ids/remove":
                        Strings(w, "removed_ids", outcome.Succeeded);
                        Strings(w, "removal_errors", outcome.Errors);
                        break;
                    default:
                        break;
                }

                w.WriteString("message", "success");
            }).ConfigureAwait(false);
        }

        static void Strings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
        {
            writer.WriteStartArray(name);
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }
    }

    private async Task ScheduledBroadcastsAsync(HttpContext context)
    {
        var endText = context.Request.Query["end_time"].ToString();
        if (!BrazeTime.TryParse(endText, out var end))
        {
            await Answer(context, 400, "end_time is required, ISO 8601.").ConfigureAwait(false);
            return;
        }

        var schedules = await Store.SchedulesAsync().ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        await Json(context, 200, w =>
        {
            w.WriteStartArray("scheduled_broadcasts");
            foreach (var (_, target, targetId, body) in schedules)
            {
                using var doc = JsonDocument.Parse(body, BrazePayloadValidator.DocumentOptions);
                var time = doc.RootElement.GetProperty("schedule").GetProperty("time").GetString();
                if (!BrazeTime.TryParse(time, out var at) || at > end || at < now)
                {
                    continue;
                }

                // Braze's id is the Canvas or campaign identifier; name is its dashboard name, which the emulator does not
                // know, so it repeats the identifier. The schedule id is not part of Braze's answer.
                w.WriteStartObject();
                w.WriteString("name", targetId);
                w.WriteString("id", targetId);
                w.WriteString("type", target == "canvas" ? "Canvas" : "Campaign");
                w.WriteStartArray("tags");
                w.WriteEndArray();
                w.WriteString("next_send_time", BrazeTime.Format(at));
                var local = doc.RootElement.GetProperty("schedule").TryGetProperty("in_local_time", out var l) && l.ValueKind == JsonValueKind.True;
                var optimal = doc.RootElement.GetProperty("schedule").TryGetProperty("at_optimal_time", out var o) && o.ValueKind == JsonValueKind.True;
                w.WriteString("schedule_type", local ? "local_time_zones" : optimal ? "intelligent_delivery" : "UTC");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("message", "success");
        }).ConfigureAwait(false);
    }

    /// <summary>The body as a document every string of which can be read, or null after answering 400 with the reason.</summary>
    private static async Task<JsonDocument?> ParseAsync(HttpContext context)
    {
        if (BrazePayloadValidator.TryParse(Body(context), out var document, out var problem))
        {
            return document;
        }

        await Answer(context, 400, $"Bad Request: {problem}").ConfigureAwait(false);
        return null;
    }

    private static Task Reject(HttpContext context, PayloadValidationResult validation)
    {
        var first = validation.Errors.FirstOrDefault(e => e.Severity == ValidationSeverity.Error);
        return Answer(context, 400, first is null ? "Bad Request" : $"{first.Path}: {first.Message}", validation.Errors);
    }

    private void MapAdmin(WebApplication app)
    {
        app.MapGet("/_emulator/requests", (HttpContext c) => Json(c, 200, w =>
        {
            w.WriteNumber("count", RequestCount);
            w.WriteStartArray("requests");
            foreach (var r in _requests)
            {
                w.WriteStartObject();
                w.WriteString("method", r.Method);
                w.WriteString("path", r.Path);
                w.WriteNumber("status", r.Status);
                if (r.Fault is not null)
                {
                    w.WriteString("fault", r.Fault);
                }

                if (r.Body is not null)
                {
                    w.WriteString("body", r.Body);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }));
        app.MapGet("/_emulator/duplicates", async (HttpContext c) =>
        {
            var duplicates = await Store.DuplicatesAsync().ConfigureAwait(false);
            var counts = await Store.CountsAsync().ConfigureAwait(false);
            await Json(c, 200, w =>
            {
                w.WriteNumber("events", counts.Events);
                w.WriteNumber("distinct_events", counts.DistinctEvents);
                w.WriteNumber("purchases", counts.Purchases);
                w.WriteNumber("distinct_purchases", counts.DistinctPurchases);
                w.WriteNumber("extra_copies", duplicates.Sum(d => d.Count - 1));
                w.WriteStartArray("duplicates");
                foreach (var (e, count) in duplicates)
                {
                    w.WriteStartObject();
                    w.WriteString("object", e);
                    w.WriteNumber("count", count);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }).ConfigureAwait(false);
        });
        app.MapGet("/_emulator/faults", (HttpContext c) => Json(c, 200, w =>
        {
            w.WritePropertyName("faults");
            FaultInjector.Write(w, Faults);
        }));
        app.MapPost("/_emulator/faults", async (HttpContext c) =>
        {
            try
            {
                using var doc = JsonDocument.Parse(Body(c), BrazePayloadValidator.DocumentOptions);
                Faults = FaultInjector.Parse(doc.RootElement);
            }
            catch (ArgumentException ex)
            {
                await Answer(c, 400, ex.Message).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
            {
                await Answer(c, 400, "Fault settings must be a JSON object of numbers, for example {\"rate_limited\": 0.1}.").ConfigureAwait(false);
                return;
            }

            await Json(c, 200, w =>
            {
                w.WritePropertyName("faults");
                FaultInjector.Write(w, Faults);
            }).ConfigureAwait(false);
        });
        app.MapPost("/_emulator/reset", async (HttpContext c) =>
        {
            await ResetAsync().ConfigureAwait(false);
            await Answer(c, 200, "reset").ConfigureAwait(false);
        });
        app.MapGet("/_emulator/profiles/{externalId}", async (HttpContext c) =>
        {
            var externalId = (string)c.Request.RouteValues["externalId"]!;
            var profile = await Store.GetProfileAsync(externalId).ConfigureAwait(false);
            if (profile is null)
            {
                await Answer(c, 404, "No profile with this external_id.").ConfigureAwait(false);
                return;
            }

            c.Response.ContentType = "application/json";
            await c.Response.WriteAsync(profile.ToJsonString()).ConfigureAwait(false);
        });
    }
}
