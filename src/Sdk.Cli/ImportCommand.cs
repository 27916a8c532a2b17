using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Braze.Cli;

/// <summary>
/// <c>braze import FILE</c>: streams an NDJSON or CSV file (<see cref="ImportSource"/>) through the SDK's tracker to
/// Braze (or the emulator), with a live progress bar. Each line is checked with the SDK's rules first; a line that
/// breaks one, and a line Braze rejects, is written with its errors to the rejected file. The checkpoint records which
/// lines are done, so an interrupted import (Ctrl+C, a crash, a deploy) resumes where it stopped without sending again
/// what Braze acknowledged. Exit code 0 when every line was accepted, 1 when some were rejected, 130 when interrupted.
/// </summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The NDJSON (.ndjson, .jsonl, .json) or CSV (.csv) file." };
        var format = new Option<string?>("--format") { Description = "ndjson or csv (default: from the file's extension)." };
        format.AcceptOnlyFromAmong("ndjson", "csv");
        var rejected = new Option<string?>("--rejected") { Description = "Where rejected lines go with their errors, as NDJSON (default: FILE.rejected.ndjson)." };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "The checkpoint file that makes the import resumable (default: FILE.checkpoint.json)." };
        var apiKey = new Option<string?>("--api-key") { Description = "The REST API key (default: the Braze__ApiKey environment variable)." };
        var baseUrl = new Option<string?>("--base-url") { Description = "The REST endpoint, for example https://rest.iad-01.braze.com or the emulator's (default: Braze__BaseUrl)." };
        var rate = new Option<int>("--rate") { Description = "At most this many lines a second (0: as fast as Braze's rate limit allows).", DefaultValueFactory = _ => 0 };
        var command = new Command("import", "Import an NDJSON or CSV file of attributes, events and purchases through the tracker, resumable, with a progress bar.")
        {
            file, format, rejected, checkpoint, apiKey, baseUrl, rate,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var csv = (parse.GetValue(format) ?? (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "csv" : "ndjson")) == "csv";
            return RunAsync(
                path,
                csv,
                parse.GetValue(rejected) ?? path + ".rejected.ndjson",
                parse.GetValue(checkpoint) ?? path + ".checkpoint.json",
                parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("Braze__ApiKey"),
                parse.GetValue(baseUrl) ?? Environment.GetEnvironmentVariable("Braze__BaseUrl"),
                parse.GetValue(rate),
                cancellationToken);
        });
        return command;
    }

    private sealed class Counts
    {
        public long Accepted;
        public long Rejected;
        public long Skipped;
        public long Read;
    }

    private static async Task<int> RunAsync(string path, bool csv, string rejectedPath, string checkpointPath, string? apiKey, string? baseUrl, int rate, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            await Console.Error.WriteLineAsync($"error: {path} does not exist.").ConfigureAwait(false);
            return 2;
        }

        if (string.IsNullOrEmpty(apiKey) || !Uri.TryCreate(baseUrl, UriKind.Absolute, out var endpoint))
        {
            await Console.Error.WriteLineAsync("error: give --api-key and --base-url (or the Braze__ApiKey and Braze__BaseUrl environment variables).").ConfigureAwait(false);
            return 2;
        }

        ImportCheckpoint checkpoint;
        try
        {
            checkpoint = ImportCheckpoint.Load(checkpointPath, path);
        }
        catch (Exception ex) when (ex is InvalidOperationException or JsonException or KeyNotFoundException)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return 2;
        }

        if (checkpoint.DoneThrough > 0 || checkpoint.DoneAbove.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"resuming {path}: lines up to {checkpoint.DoneThrough} and {checkpoint.DoneAbove.Count} more are done");
        }

        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true));
        services.AddBraze(o =>
        {
            o.ApiKey = apiKey;
            o.BaseUrl = endpoint;
            o.Tracker.ShutdownTimeout = TimeSpan.FromSeconds(10);
        });
        var counts = new Counts();
        var total = ImportSource.Count(path, csv);
        await using var rejectedFile = new StreamWriter(rejectedPath, append: true, new UTF8Encoding(false));
        var rejectedGate = new object();
        void Reject(ImportSource.Line line, IEnumerable<(string Path, string Code, string Message)> errors)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, Braze.Wire.BrazeJson.WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteNumber("line", line.Number);
                writer.WriteStartArray("errors");
                foreach (var (at, code, message) in errors)
                {
                    writer.WriteStartObject();
                    writer.WriteString("path", at);
                    writer.WriteString("code", code);
                    writer.WriteString("message", message);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteString("input", line.Text);
                writer.WriteEndObject();
            }

            lock (rejectedGate)
            {
                rejectedFile.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
            }

            Interlocked.Increment(ref counts.Rejected);
            checkpoint.MarkDone(line.Number);
        }

        var interrupted = false;
        var pending = new List<Task>();
        await using (var provider = services.BuildServiceProvider())
        {
            var tracker = provider.GetRequiredService<BrazeTracker>();
            await tracker.StartAsync(CancellationToken.None).ConfigureAwait(false);
            using var saver = new Timer(_ => checkpoint.Save(), null, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500));
            var watch = Stopwatch.StartNew();
            await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask("importing", maxValue: Math.Max(1, total));
                    void Show()
                    {
                        var done = Interlocked.Read(ref counts.Accepted) + Interlocked.Read(ref counts.Rejected) + Interlocked.Read(ref counts.Skipped);
                        task.Value = done;
                        task.Description = $"accepted {Interlocked.Read(ref counts.Accepted):N0}, rejected {Interlocked.Read(ref counts.Rejected):N0}, {done / Math.Max(0.001, watch.Elapsed.TotalSeconds):N0}/s";
                    }

                    try
                    {
                        foreach (var line in ImportSource.Read(path, csv))
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                            counts.Read++;
                            if (checkpoint.IsDone(line.Number))
                            {
                                counts.Skipped++;
                                continue;
                            }

                            if (rate > 0 && counts.Read - counts.Skipped > watch.Elapsed.TotalSeconds * rate)
                            {
                                await Task.Delay(TimeSpan.FromSeconds((counts.Read - counts.Skipped) / (double)rate) - watch.Elapsed, cancellationToken).ConfigureAwait(false);
                            }

                            if (line.Payload is null)
                            {
                                Reject(line, [(string.Empty, "malformed_line", line.Problem!)]);
                                continue;
                            }

                            var validation = Validate(line);
                            if (!validation.IsValid)
                            {
                                Reject(line, validation.Errors.Where(e => e.Severity == ValidationSeverity.Error).Select(e => (e.Path, e.Code, e.Message)));
                                continue;
                            }

                            var handle = await tracker.EnqueueJsonAsync(line.Array, line.Payload, UserOf(line.Payload), cancellationToken).ConfigureAwait(false);
                            pending.Add(handle.Completion.ContinueWith(
                                t =>
                                {
                                    if (t.IsCompletedSuccessfully)
                                    {
                                        Interlocked.Increment(ref counts.Accepted);
                                        checkpoint.MarkDone(line.Number);
                                    }
                                    else if (t.Exception?.InnerException is BrazeDeliveryException { KeptInOutbox: false } failure && !failure.Message.StartsWith("The tracker stopped", StringComparison.Ordinal))
                                    {
                                        Reject(line, [(string.Empty, "rejected_by_braze", failure.Message)]);
                                    }

                                    // Not sent because the import stopped: not done, sent again on resume.
                                },
                                CancellationToken.None,
                                TaskContinuationOptions.ExecuteSynchronously,
                                TaskScheduler.Default));
                            if (counts.Read % 200 == 0)
                            {
                                Show();
                            }
                        }

                        await tracker.FlushAsync(cancellationToken).ConfigureAwait(false);
                        while (pending.Any(t => !t.IsCompleted))
                        {
                            Show();
                            await Task.WhenAny(Task.WhenAll(pending), Task.Delay(200, cancellationToken)).ConfigureAwait(false);
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        interrupted = true;
                    }

                    Show();
                }).ConfigureAwait(false);

            // Stopping delivers what is queued within the shutdown timeout; the rest is not marked done.
            await tracker.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await Task.WhenAll(pending).ConfigureAwait(false);
        }

        checkpoint.Save();
        await rejectedFile.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        var summary = $"{counts.Accepted:N0} accepted, {counts.Rejected:N0} rejected, {counts.Skipped:N0} already done";
        Console.WriteLine(interrupted ? $"interrupted: {summary}; run the same command to resume" : $"imported: {summary}");
        if (counts.Rejected > 0)
        {
            Console.WriteLine($"rejected lines and their errors: {rejectedPath}");
        }

        return interrupted ? 130 : counts.Rejected > 0 ? 1 : 0;
    }

    /// <summary>The line's object checked as the only object of a /users/track body (the rules of the SDK and the emulator).</summary>
    private static PayloadValidationResult Validate(ImportSource.Line line)
    {
        var field = line.Array switch { TrackArray.Events => "events", TrackArray.Purchases => "purchases", _ => "attributes" };
        var body = new byte[line.Payload!.Length + field.Length + 7];
        var prefix = Encoding.UTF8.GetBytes($"{{\"{field}\":[");
        prefix.CopyTo(body, 0);
        line.Payload.CopyTo(body, prefix.Length);
        body[^2] = (byte)']';
        body[^1] = (byte)'}';
        return BrazePayloadValidator.ValidateTrackRequest(body);
    }

    private static UserId? UserOf(byte[] payload)
    {
        using var document = JsonDocument.Parse(payload);
        return UserId.Of(document.RootElement);
    }
}
