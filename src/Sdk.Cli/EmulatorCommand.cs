using System.CommandLine;
using System.CommandLine.Help;
using Braze.Emulator;

namespace Braze.Cli;

/// <summary><c>braze emulator</c>: the emulator's own command line and host (every option), as a subcommand.</summary>
internal static class EmulatorCommand
{
    public static Command Create()
    {
        var line = new EmulatorCommandLine();
        var command = new Command("emulator", line.Root.Description);
        foreach (var option in line.Root.Options.Where(o => o is not HelpOption and not VersionOption))
        {
            command.Options.Add(option);
        }

        foreach (var validator in line.Root.Validators)
        {
            command.Validators.Add(validator);
        }

        command.SetAction((parse, _) => EmulatorHost.RunAsync(line.ToOptions(parse)));
        return command;
    }
}
