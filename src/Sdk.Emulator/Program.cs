using System.CommandLine;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;
using Braze.Emulator;

// dotnet run --project src/Sdk.Emulator [-- --port 5080 --api-key KEY --db PATH | --in-memory ...]; --help lists every option.
// Exit codes: 0 after Ctrl+C / SIGTERM (or --help), 1 when the emulator cannot start, 2 for a usage error.
var commandLine = new EmulatorCommandLine();
commandLine.Root.SetAction((parse, _) => EmulatorHost.RunAsync(commandLine.ToOptions(parse)));
var parsed = commandLine.Root.Parse(args);
if (parsed.Action is ParseErrorAction)
{
    foreach (var error in parsed.Errors)
    {
        await Console.Error.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
    }

    return EmulatorHost.UsageError();
}

// Signals are the emulator's own business (EmulatorHost), not System.CommandLine's.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }).ConfigureAwait(false);

namespace Braze.Emulator
{
    /// <summary>Runs the standalone emulator until Ctrl+C (SIGINT), SIGTERM or SIGQUIT, then stops it gracefully.</summary>
    internal static class EmulatorHost
    {
        /// <summary>Exit code of a usage error (an unknown option, a value that does not parse or is out of range).</summary>
        public const int UsageExitCode = 2;

        /// <summary>The first output line starts with this, followed by the base URL: machine-readable for scripts and tests.</summary>
        public const string ListeningPrefix = "Braze emulator listening on ";

        public static int UsageError()
        {
            Console.Error.WriteLine("Usage: Braze.Sdk.Emulator [options]. Run with --help to list them.");
            return UsageExitCode;
        }

        public static async Task<int> RunAsync(BrazeEmulatorOptions options)
        {
            try
            {
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync("error: " + OptionMessage(ex)).ConfigureAwait(false);
                return UsageError();
            }

            // A first signal stops the emulator gracefully (requests in flight get BrazeEmulator.ShutdownTimeout); a
            // second one while stopping is left to the runtime, which ends the process at once.
            var stop = new TaskCompletionSource<PosixSignal>(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnSignal(PosixSignalContext context) => context.Cancel = stop.TrySetResult(context.Signal);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);

            BrazeEmulator emulator;
            try
            {
                emulator = await BrazeEmulator.StartAsync(options).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
            {
                await Console.Error.WriteLineAsync($"error: the emulator could not start on 127.0.0.1:{options.Port} with storage {Storage(options)}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }

            await using (emulator.ConfigureAwait(false))
            {
                WriteBanner(emulator, options);
                var signal = await stop.Task.ConfigureAwait(false);
                Console.WriteLine($"{signal}: stopping.");
            }

            Console.WriteLine("Stopped.");
            return 0;
        }

        private static void WriteBanner(BrazeEmulator emulator, BrazeEmulatorOptions options)
        {
            var url = emulator.BaseUrl.ToString();
            Console.WriteLine(ListeningPrefix + url);
            Console.WriteLine($"API key: {emulator.ApiKey}");
            Console.WriteLine($"Storage: {Storage(options)}");
            if (options.Faults.Any)
            {
                var f = options.Faults;
                var shares = new[]
                {
                    ("429", f.RateLimited), ("500", f.InternalError), ("502", f.BadGateway), ("503", f.Unavailable),
                    ("dropped before apply", f.DropBeforeApply), ("dropped after apply", f.DropAfterApply), ($"{f.LatencyMilliseconds} ms latency", f.Latency),
                };
                Console.WriteLine($"Faults on {f.PathPrefix}* (seed {f.Seed}): {string.Join(", ", shares.Where(s => s.Item2 > 0).Select(s => $"{s.Item1} {s.Item2:0.###}"))}");
            }

            // What AddBraze(configuration.GetSection("Braze")) binds: Braze:BaseUrl and Braze:ApiKey; as environment
            // variables (read by the default hosts' configuration) the ':' is written '__'.
            Console.WriteLine("Point the SDK at it: AddBraze(builder.Configuration.GetSection(\"Braze\")) reads Braze:BaseUrl and Braze:ApiKey,");
            Console.WriteLine("for example from these environment variables (the default hosts read environment variables into configuration):");
            Console.WriteLine($"  Braze__BaseUrl={url}");
            Console.WriteLine($"  Braze__ApiKey={emulator.ApiKey}");
            Console.WriteLine("Ctrl+C or SIGTERM stops it.");
        }

        private static string Storage(BrazeEmulatorOptions options)
            => options.DatabasePath is null ? "in memory" : Path.GetFullPath(options.DatabasePath);

        /// <summary>"--option: message", without the exception's "(Parameter ...)" and "Actual value was" decorations.</summary>
        private static string OptionMessage(ArgumentException ex)
        {
            var message = ex.Message.Split('\n')[0].TrimEnd();
            var suffix = $" (Parameter '{ex.ParamName}')";
            message = message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
            if (ex is ArgumentOutOfRangeException { ActualValue: { } actual })
            {
                message += $" It is {actual}.";
            }

            return EmulatorCommandLine.OptionOf(ex.ParamName) is { } option ? $"{option}: {message}" : message;
        }
    }
}
