using System.Globalization;
using Braze.Emulator;

// dotnet run --project src/Sdk.Emulator [-- --port 5080] [--api-key KEY] [--db PATH | --in-memory]
var options = new BrazeEmulatorOptions { Port = 5080, DatabasePath = Path.Combine(".braze-emulator", "emulator.db") };
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port":
            options.Port = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--api-key":
            options.ApiKey = args[++i];
            break;
        case "--db":
            options.DatabasePath = args[++i];
            break;
        case "--in-memory":
            options.DatabasePath = null;
            break;
        case "--track-limit":
            options.TrackRequestsPerWindow = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Use --port N, --api-key KEY, --db PATH, --in-memory, --track-limit N.");
            return 2;
    }
}

await using var emulator = await BrazeEmulator.StartAsync(options);
Console.WriteLine($"Braze emulator listening on {emulator.BaseUrl}");
Console.WriteLine($"API key: {emulator.ApiKey}");
Console.WriteLine($"Storage: {(options.DatabasePath is null ? "in memory" : Path.GetFullPath(options.DatabasePath))}");
Console.WriteLine("Set BRAZE_BASE_URL and BRAZE_API_KEY to these values to point the SDK at it. Ctrl+C stops.");
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
await stop.Task;
return 0;
