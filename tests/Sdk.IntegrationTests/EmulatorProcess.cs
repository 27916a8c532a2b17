using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Braze.IntegrationTests;

/// <summary>
/// The standalone emulator as a separate process, started the way a user or CI starts it:
/// <c>dotnet Braze.Sdk.Emulator.dll --port 0 --in-memory ...</c> (the executable the test project builds beside itself).
/// It reads the listening URL from the banner's first line and stops the process with SIGTERM, as <c>docker stop</c> does.
/// </summary>
internal sealed class EmulatorProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "Braze emulator listening on ";
    private const string BannerEnd = "Ctrl+C or SIGTERM stops it.";

    /// <summary>How long a start may take on a loaded two-core machine.</summary>
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly StringBuilder _error = new();
    private Task? _pump;

    private EmulatorProcess(Process process, Uri baseUrl, string apiKey, IReadOnlyList<string> banner)
    {
        _process = process;
        BaseUrl = baseUrl;
        ApiKey = apiKey;
        Banner = banner;
    }

    /// <summary>The emulator executable, copied beside the test assembly by the project reference.</summary>
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "Braze.Sdk.Emulator.dll");

    public Uri BaseUrl { get; }

    public string ApiKey { get; }

    /// <summary>The banner's lines, from the listening line to "Ctrl+C or SIGTERM stops it.".</summary>
    public IReadOnlyList<string> Banner { get; }

    /// <summary>Standard output after the banner, so far.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts an emulator on a free port in memory with <paramref name="args"/> added; returns once it listens.</summary>
    public static async Task<EmulatorProcess> StartAsync(params string[] args)
    {
        var process = Process.Start(StartInfo(["--port", "0", "--in-memory", .. args]))!;
        var error = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (error)
                {
                    error.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        try
        {
            var banner = new List<string>();
            using var timeout = new CancellationTokenSource(s_startTimeout);
            while (banner.Count == 0 || banner[^1] != BannerEnd)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    await process.WaitForExitAsync(timeout.Token);
                    throw new InvalidOperationException($"The emulator exited with {process.ExitCode} before listening: {string.Join(" | ", banner)} {error}");
                }

                banner.Add(line);
            }

            Assert.StartsWith(ListeningPrefix, banner[0], StringComparison.Ordinal);
            var apiKey = args.Select((a, i) => (a, i)).Where(x => x.a == "--api-key").Select(x => args[x.i + 1]).LastOrDefault() ?? "emulator-key";
            var emulator = new EmulatorProcess(process, new Uri(banner[0][ListeningPrefix.Length..]), apiKey, banner);
            lock (error)
            {
                emulator._error.Append(error);
            }

            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (emulator._error)
                    {
                        emulator._error.AppendLine(e.Data);
                    }
                }
            };
            emulator._pump = emulator.PumpAsync();
            return emulator;
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Runs the emulator with <paramref name="args"/> to its end (for --help and usage errors).</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        using var timeout = new CancellationTokenSource(s_startTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }

    public HttpClient Client(string? key = null)
    {
        var http = new HttpClient { BaseAddress = BaseUrl };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + (key ?? ApiKey));
        return http;
    }

    /// <summary>Sends <paramref name="signal"/> (SIGTERM by default) and waits up to <paramref name="within"/> for the exit; returns the exit code.</summary>
    public async Task<int> StopAsync(PosixSignal signal = PosixSignal.SIGTERM, TimeSpan? within = null)
    {
        Signal(signal);
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
        if (_pump is not null)
        {
            await _pump;
        }

        return _process.ExitCode;
    }

    public void Signal(PosixSignal signal)
    {
        var number = Number(signal);
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            throw new PlatformNotSupportedException("Signals are sent on Linux and macOS only.");
        }

        if (Kill(_process.Id, number) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {number}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>
    /// True when the process ignores <paramref name="signal"/> because it inherited "ignore" from its parent (a shell
    /// runs background jobs with SIGINT and SIGQUIT ignored, and the runtime keeps them so): then no program can see it.
    /// </summary>
    public bool InheritedIgnore(PosixSignal signal)
    {
        var status = $"/proc/{_process.Id}/status";
        if (!OperatingSystem.IsLinux() || !File.Exists(status))
        {
            return false;
        }

        var mask = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))?["SigIgn:".Length..].Trim();
        return mask is not null && (Convert.ToUInt64(mask, 16) & (1UL << (Number(signal) - 1))) != 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                var code = await StopAsync();
                Assert.True(code == 0, $"The emulator exited with {code} on SIGTERM: {Error}");
            }
            finally
            {
                Kill(_process);
            }
        }

        _process.Dispose();
    }

    private static int Number(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGTERM => 15,
        PosixSignal.SIGINT => 2,
        PosixSignal.SIGQUIT => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "SIGTERM, SIGINT or SIGQUIT."),
    };

    private async Task PumpAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            _output.Enqueue(line);
        }
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> args) => new("dotnet", [DllPath, .. args])
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
        // Started from the test's folder: nothing there is read by the emulator (it is given --in-memory).
        WorkingDirectory = AppContext.BaseDirectory,
    };

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
