using System.CommandLine;
using Braze.Cli;

// braze validate FILE|- · braze import FILE · braze emulator [options]; --help on each. Exit codes: 0 done (valid,
// imported), 1 errors found (invalid payload, rejected lines, emulator failed to start), 2 usage, 130 interrupted.
var root = new RootCommand("The Braze .NET SDK's command-line tool: check payloads, import files of users' data through the tracker, run the local emulator.")
{
    ValidateCommand.Create(),
    ImportCommand.Create(),
    EmulatorCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
