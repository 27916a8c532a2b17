using System.Diagnostics;
using Braze.Emulator;
using Microsoft.Extensions.DependencyInjection;

namespace Braze.IntegrationTests;

/// <summary>A process enqueues into the outbox and is killed; a new tracker on the same file delivers everything.</summary>
public sealed class KillTests
{
    internal static Process Start(params string[] args) => Process.Start(new ProcessStartInfo("dotnet", [AppPath(), .. args])
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    })!;

    /// <summary>Starts a tracker on the outbox against an emulator and delivers what it holds; returns the events stored and the numbers delivered.</summary>
    private static async Task<(long Events, long Distinct, HashSet<int> Delivered)> DeliverWhatIsLeftAsync(string outbox)
    {
        await using var emulator = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions { RecordRequests = true });
        await using var provider = SdkAgainstEmulatorTests.Services(emulator, outboxPath: outbox);
        var tracker = provider.GetRequiredService<BrazeTracker>();
        await tracker.StartAsync(CancellationToken.None);
        while ((await tracker.GetOutboxStatsAsync())!.Count > 0 || tracker.PendingCount > 0)
        {
            await tracker.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }

        await tracker.StopAsync(CancellationToken.None);
        var counts = await emulator.Store.CountsAsync();
        var delivered = emulator.Requests.Where(r => r.Status == 201 && r.Body is not null)
            .SelectMany(r => System.Text.Json.JsonDocument.Parse(r.Body!).RootElement.GetProperty("events").EnumerateArray())
            .Select(e => e.GetProperty("properties").GetProperty("i").GetInt32())
            .ToHashSet();
        return (counts.Events, counts.DistinctEvents, delivered);
    }

    [Fact]
    public async Task Every_call_that_returned_before_a_kill_during_group_commits_is_delivered_after_restart()
    {
        var dir = Path.Combine(Path.GetTempPath(), "braze-kill-" + Guid.NewGuid().ToString("N"));
        var outbox = Path.Combine(dir, "outbox.db");
        try
        {
            var confirmed = new HashSet<int>();
            using (var child = Start(outbox, "stream"))
            {
                // Killed (SIGKILL) while eight callers are in the middle of shared commits.
                while (confirmed.Count < 2_000)
                {
                    var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                    Assert.NotNull(line);
                    confirmed.Add(int.Parse(line["ok ".Length..], System.Globalization.CultureInfo.InvariantCulture));
                }

                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync();
            }

            var (_, _, delivered) = await DeliverWhatIsLeftAsync(outbox);
            Assert.Empty(confirmed.Except(delivered));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_second_process_on_the_same_outbox_file_is_refused_with_an_error_naming_it()
    {
        var dir = Path.Combine(Path.GetTempPath(), "braze-kill-" + Guid.NewGuid().ToString("N"));
        var outbox = Path.Combine(dir, "outbox.db");
        try
        {
            using var owner = Start(outbox, "10");
            Assert.Equal("ready", await owner.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)));

            using (var second = Start(outbox, "10"))
            {
                var error = await second.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
                await second.WaitForExitAsync();
                Assert.Equal(3, second.ExitCode);
                Assert.Contains(Path.GetFullPath(outbox), error, StringComparison.Ordinal);
                Assert.Contains("in use by another process", error, StringComparison.Ordinal);
            }

            owner.Kill(entireProcessTree: true);
            await owner.WaitForExitAsync();
            var (events, distinct, _) = await DeliverWhatIsLeftAsync(outbox);
            Assert.Equal((10L, 10L), (events, distinct)); // the owner's ten, once: the refused process queued nothing
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static string AppPath()
    {
        // The helper app is built next to this assembly's build output: .../Sdk.KillTestApp/<config>/net10.0/ or bin/<config>/net10.0.
        var here = AppContext.BaseDirectory;
        var candidates = new[]
        {
            here.Replace("Sdk.IntegrationTests", "Sdk.KillTestApp", StringComparison.Ordinal),
            Path.Combine(here, "..", "..", "..", "..", "Sdk.KillTestApp", "bin", new DirectoryInfo(Path.Combine(here, "..")).Name, "net10.0"),
        };
        foreach (var dir in candidates)
        {
            var dll = Path.Combine(dir, "Braze.Sdk.KillTestApp.dll");
            if (File.Exists(dll))
            {
                return Path.GetFullPath(dll);
            }
        }

        throw new FileNotFoundException("Braze.Sdk.KillTestApp.dll not found near " + here);
    }

    [Fact]
    public async Task Items_enqueued_by_a_killed_process_are_delivered_by_the_next_one()
    {
        const int count = 200;
        var dir = Path.Combine(Path.GetTempPath(), "braze-kill-" + Guid.NewGuid().ToString("N"));
        var outbox = Path.Combine(dir, "outbox.db");
        try
        {
            using (var child = Start(outbox, count.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                Assert.Equal("ready", line);
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync();
            }

            var (_, distinct, _) = await DeliverWhatIsLeftAsync(outbox);
            Assert.Equal(count, distinct);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
