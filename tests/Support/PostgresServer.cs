using System.Diagnostics;
using System.Globalization;

namespace Braze.Tests;

/// <summary>
/// The real PostgreSQL server the PostgreSQL outbox tests use (no mocks, no skipping). <see cref="ConnectionString"/>
/// is <c>BRAZE_POSTGRES</c> when set (.ci/run starts a server with <c>scripts/postgres.sh</c> and exports it). Outside
/// CI, without it, the first use starts a throwaway cluster for this test process (<c>scripts/postgres.sh start</c>,
/// about a second or two; Debian's postgresql package is installed first when the machine has no server) and stops it
/// when the process exits. On CI (<c>CI=true</c>) a missing <c>BRAZE_POSTGRES</c> is an error, never a skip.
/// </summary>
internal static class PostgresServer
{
    private const string Variable = "BRAZE_POSTGRES";
    private static readonly Lazy<string> Server = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// The Npgsql connection string, <c>Host=127.0.0.1;Port=55432;Username=postgres;Database=braze_test</c> (the port
    /// varies); the database may hold other tests' schemas, so give each test its own (<see cref="NewSchema"/>).
    /// </summary>
    public static string ConnectionString => Server.Value;

    /// <summary>A schema name no other test uses: <c>braze_t_</c> and 16 hex digits (lower case, no quoting needed).</summary>
    public static string NewSchema() => "braze_t_" + Guid.NewGuid().ToString("N")[..16];

    private static string Start()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment.Trim();
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"{Variable} is not set. On CI (CI=true), .ci/run must start the PostgreSQL server (scripts/postgres.sh start DIR) "
                + $"and export its connection string as {Variable}; the tests do not start one themselves and do not skip.");
        }

        var root = RepositoryRoot();
        // Under /tmp rather than TMPDIR: run as root, the cluster belongs to the `postgres` user, who must reach it.
        var temp = Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath();
        var directory = Path.Combine(temp, $"braze-postgres-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");

        // --owner-pid: should this process die without running ProcessExit, the script stops the cluster itself.
        var (exitCode, output, errors) = RunScript(root, TimeSpan.FromMinutes(10), "start", directory, "--owner-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var connectionString = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (exitCode != 0 || string.IsNullOrEmpty(connectionString))
        {
            RunScript(root, TimeSpan.FromMinutes(1), "stop", directory);
            throw new InvalidOperationException(
                $"scripts/postgres.sh start {directory} failed (exit code {exitCode}); set {Variable} to use a running server instead.\n{errors}{output}");
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            var (stopCode, _, stopErrors) = RunScript(root, TimeSpan.FromMinutes(1), "stop", directory);
            if (stopCode != 0)
            {
                Console.Error.WriteLine($"scripts/postgres.sh stop {directory} failed (exit code {stopCode}): {stopErrors}");
            }
        };
        return connectionString;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No Sdk.sln above {AppContext.BaseDirectory}: cannot find scripts/postgres.sh to start PostgreSQL; set {Variable} instead.");
    }

    private static (int ExitCode, string Output, string Errors) RunScript(string root, TimeSpan timeout, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("bash")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(Path.Combine(root, "scripts", "postgres.sh"));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start bash for scripts/postgres.sh.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, output.GetAwaiter().GetResult(), $"timed out after {timeout}\n" + errors.GetAwaiter().GetResult());
        }

        process.WaitForExit();
        return (process.ExitCode, output.GetAwaiter().GetResult(), errors.GetAwaiter().GetResult());
    }
}
