using System.Diagnostics;
using Braze.Emulator;
using Microsoft.Extensions.DependencyInjection;

namespace Braze.IntegrationTests;

/// <summary>A process enqueues into the outbox and is killed; a new tracker on the same file delivers everything.</summary>
public sealed class KillTests
{
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
            using (var child = Process.Start(new ProcessStartInfo("dotnet", [AppPath(), outbox, count.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!)
            {
                var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                Assert.Equal("ready", line);
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync();
            }

            await using var emulator = await BrazeEmulator.StartAsync();
            await using var provider = SdkAgainstEmulatorTests.Services(emulator, outboxPath: outbox);
            var tracker = provider.GetRequiredService<BrazeTracker>();
            await tracker.StartAsync(CancellationToken.None);
            await tracker.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));

            var counts = await emulator.Store.CountsAsync();
            Assert.Equal(count, counts.DistinctEvents);
            Assert.Equal(0, (await tracker.GetOutboxStatsAsync())!.Count);
            await tracker.StopAsync(CancellationToken.None);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
