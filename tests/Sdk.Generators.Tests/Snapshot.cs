using System.Runtime.CompilerServices;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace Braze.Generators.Tests;

/// <summary>
/// Snapshot assertions in Verify's file convention: the expected text lives in <c>Snapshots/&lt;Test&gt;.verified.cs</c>
/// beside the tests; a mismatch writes <c>&lt;Test&gt;.received.cs</c> and fails with a unified diff; setting
/// <c>UPDATE_SNAPSHOTS=1</c> accepts the received text.
/// </summary>
internal static class Snapshot
{
    public static void Verify(string actual, string name, [CallerFilePath] string sourceFile = "")
    {
        // The project's Snapshots folder, found from the test source upward (tests sit in folders that mirror the
        // generator's) when it exists (a developer's build), else the copy in the output folder (CI, where
        // deterministic builds map source paths to /_/).
        var directory = SourceSnapshots(Path.GetDirectoryName(sourceFile));
        if (directory is null)
        {
            directory = Path.Combine(AppContext.BaseDirectory, "Snapshots");
            Directory.CreateDirectory(directory);
        }
        var verified = Path.Combine(directory, name + ".verified.cs");
        var received = Path.Combine(directory, name + ".received.cs");
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        var expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, actual);
        Assert.Fail($"Snapshot {name} differs (set UPDATE_SNAPSHOTS=1 to accept {received}):\n{Diff(expected ?? string.Empty, actual)}");
    }

    private static string? SourceSnapshots(string? directory)
    {
        for (var d = directory; !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
        {
            var candidate = Path.Combine(d, "Snapshots");
            if (Directory.Exists(candidate) && Directory.GetFiles(candidate, "*.verified.cs").Length > 0)
            {
                return candidate;
            }
        }

        return null;
    }

    private static string Diff(string expected, string actual)
    {
        var diff = InlineDiffBuilder.Diff(expected, actual);
        var lines = new List<string> { "--- verified", "+++ received" };
        foreach (var line in diff.Lines)
        {
            lines.Add(line.Type switch
            {
                ChangeType.Inserted => "+ " + line.Text,
                ChangeType.Deleted => "- " + line.Text,
                _ => "  " + line.Text,
            });
        }

        return string.Join('\n', lines.Where((l, i) => i < 2 || !l.StartsWith("  ", StringComparison.Ordinal) || Near(diff.Lines, i - 2)));
    }

    private static bool Near(List<DiffPiece> lines, int index)
    {
        for (var i = Math.Max(0, index - 2); i <= Math.Min(lines.Count - 1, index + 2); i++)
        {
            if (lines[i].Type != ChangeType.Unchanged)
            {
                return true;
            }
        }

        return false;
    }
}
