using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Braze.Emulator;
using Braze.Tests;
using Npgsql;
using Xunit.Abstractions;

namespace Braze.IntegrationTests;

/// <summary>
/// Issue 16's chaos test: three tracker processes share one PostgreSQL outbox and deliver to the emulator with faults
/// on; one is killed (-9) once its items are durable, another is paused (SIGSTOP) past its lease and resumed. Every
/// item is delivered, nothing stays behind, and the duplicates stay within the ambiguous failures plus what the two
/// disturbed instances held. <c>BRAZE_FLEET_OBJECTS</c> sets the items per process (CI: 1,000; the run: 10,000).
/// </summary>
public sealed class FleetChaosTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_fleet_with_one_instance_killed_and_one_paused_delivers_everything()
    {
        var perProcess = int.TryParse(Environment.GetEnvironmentVariable("BRAZE_FLEET_OBJECTS"), out var n) && n > 0 ? n : 1000;
        var schema = PostgresServer.NewSchema();
        await using var emulator = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions
        {
            RecordRequests = true,
            Faults = new FaultSettings { Seed = 7, Unavailable = 0.05, DropAfterApply = 0.02, DropBeforeApply = 0.02, Latency = 0.1, LatencyMilliseconds = 20 },
        });
        var processes = new List<Process>();
        try
        {
            foreach (var name in (string[])["killed", "paused", "steady"])
            {
                processes.Add(KillTests.Start("fleet", PostgresServer.ConnectionString, schema, emulator.BaseUrl.ToString(), emulator.ApiKey, name, perProcess.ToString(CultureInfo.InvariantCulture)));
            }

            foreach (var process in processes)
            {
                Assert.Equal("ready", await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120)));
            }

            // Every item is durable now. Kill one instance outright; pause another past its 3 s lease, then resume it.
            processes[0].Kill(entireProcessTree: true);
            await Signal("STOP", processes[1].Id);
            await Task.Delay(TimeSpan.FromSeconds(5));
            await Signal("CONT", processes[1].Id);

            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (await Count(schema) > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }

            Assert.Equal(0L, await Count(schema));
            var counts = await emulator.Store.CountsAsync();
            var ambiguous = emulator.Requests.Where(r => r.Fault == nameof(FaultSettings.DropAfterApply) && r.Body is not null)
                .Sum(r => JsonDocument.Parse(r.Body!).RootElement.TryGetProperty("events", out var events) ? events.GetArrayLength() : 0);
            var duplicates = counts.Events - counts.DistinctEvents;
            output.WriteLine($"{3 * perProcess} items; stored {counts.Events}, distinct {counts.DistinctEvents}; duplicates {duplicates}, objects in ambiguous requests {ambiguous}");
            Assert.Equal(3L * perProcess, counts.DistinctEvents);
            Assert.InRange(duplicates, 0, ambiguous + (2L * perProcess)); // ambiguous failures plus what the killed and the paused instance held
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                await process.WaitForExitAsync();
                process.Dispose();
            }

            await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE;", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task Signal(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    private static async Task<long> Count(string schema)
    {
        await using var connection = new NpgsqlConnection(PostgresServer.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {schema}.outbox_items;", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
