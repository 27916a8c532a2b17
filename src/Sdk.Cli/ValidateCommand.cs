using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Braze.Cli;

/// <summary>
/// <c>braze validate FILE|-</c>: checks a <c>/users/track</c> body, a Canvas User Update step JSON or a schedule request
/// with the SDK's JSON validator (the rules the SDK and the emulator apply) and prints every error with its path, code
/// and message. Exit code 0 when valid (warnings allowed), 1 when not.
/// </summary>
internal static class ValidateCommand
{
    private static readonly string[] s_kinds = ["auto", "track", "step", "canvas-schedule", "campaign-schedule", "canvas-send", "campaign-send"];

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The JSON file, or - for standard input." };
        var kind = new Option<string>("--as") { Description = "What the JSON is: " + string.Join(", ", s_kinds) + " (auto: a /users/track body when its objects name users, a User Update step when they do not, a schedule when it has canvas_id or campaign_id and a schedule).", DefaultValueFactory = _ => "auto" };
        kind.AcceptOnlyFromAmong(s_kinds);
        var command = new Command("validate", "Check a /users/track body, a Canvas User Update step JSON or a schedule request, and print every error with its JSON path.") { file, kind };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(file)!, parse.GetValue(kind)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string file, string kind, CancellationToken cancellationToken)
    {
        string json;
        try
        {
            json = file == "-" ? await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false) : await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"error: cannot read {file}: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 1000 });
        }
        catch (JsonException ex)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]not JSON[/]: {ex.Message}");
            return 1;
        }

        using (document)
        {
            var root = document.RootElement;
            var what = kind == "auto" ? Detect(root) : kind;
            var result = what switch
            {
                "step" => BrazePayloadValidator.ValidateUserUpdateStep(json),
                "canvas-schedule" => BrazePayloadValidator.ValidateScheduleCreate(root, ScheduleTarget.Canvas),
                "campaign-schedule" => BrazePayloadValidator.ValidateScheduleCreate(root, ScheduleTarget.Campaign),
                "canvas-send" => BrazePayloadValidator.ValidateTriggerSend(root, ScheduleTarget.Canvas),
                "campaign-send" => BrazePayloadValidator.ValidateTriggerSend(root, ScheduleTarget.Campaign),
                _ => BrazePayloadValidator.ValidateTrackRequest(root),
            };
            Report(what, result);
            return result.IsValid ? 0 : 1;
        }
    }

    /// <summary>A schedule names a Canvas or campaign and has a schedule (or, without one, it is a send); otherwise objects that name users make a /users/track body, objects that do not a User Update step.</summary>
    private static string Detect(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "track";
        }

        var target = root.TryGetProperty("canvas_id", out _) ? "canvas" : root.TryGetProperty("campaign_id", out _) ? "campaign" : null;
        if (target is not null)
        {
            return target + (root.TryGetProperty("schedule", out _) ? "-schedule" : "-send");
        }

        string[] identifiers = ["external_id", "user_alias", "braze_id", "email", "phone"];
        var objects = new[] { "attributes", "events", "purchases" }
            .SelectMany(a => root.TryGetProperty(a, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Where(o => o.ValueKind == JsonValueKind.Object)
            .ToList();
        return objects.Count > 0 && objects.All(o => !identifiers.Any(i => o.TryGetProperty(i, out _))) ? "step" : "track";
    }

    private static void Report(string what, PayloadValidationResult result)
    {
        var errors = result.Errors.Where(e => e.Severity == ValidationSeverity.Error).ToList();
        var warnings = result.Warnings.ToList();
        if (Console.IsOutputRedirected)
        {
            // For scripts and logs: one line per problem, nothing wrapped.
            foreach (var e in errors.Concat(warnings))
            {
                Console.WriteLine($"{(e.Severity == ValidationSeverity.Error ? "error" : "warning")} {(e.Path.Length == 0 ? "(body)" : e.Path)} [{e.Code}] {e.Message}");
            }
        }
        else if (errors.Count + warnings.Count > 0)
        {
            var table = new Table().AddColumns("", "path", "code", "message");
            foreach (var e in errors.Concat(warnings))
            {
                table.AddRow(
                    new Markup(e.Severity == ValidationSeverity.Error ? "[red]error[/]" : "[yellow]warning[/]"),
                    new Text(e.Path.Length == 0 ? "(body)" : e.Path),
                    new Text(e.Code),
                    new Text(e.Message));
            }

            AnsiConsole.Write(table);
        }

        if (result.IsValid)
        {
            AnsiConsole.MarkupLineInterpolated($"[green]valid[/] ({what}): {warnings.Count} warning(s)");
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"[red]invalid[/] ({what}): {errors.Count} error(s), {warnings.Count} warning(s)");
        }
    }
}
