using System.Text.Json;

namespace Braze.Cli;

/// <summary>
/// Which lines of an import are done (accepted by Braze, or rejected for good and written to the rejected file): every
/// line up to <see cref="DoneThrough"/>, and those above it in <see cref="DoneAbove"/>. Written atomically (a temporary
/// file, then a rename) every half second and when the import stops, so a resumed import sends again only the lines
/// whose outcome was not recorded: an interruption never makes it send twice what Braze acknowledged before the last
/// write, and a kill -9 at most what it acknowledged in the last half second.
/// </summary>
internal sealed class ImportCheckpoint(string path, string file, long fileLength)
{
    private readonly object _gate = new();
    private readonly SortedSet<long> _doneAbove = [];

    public long DoneThrough { get; private set; }

    public IReadOnlyCollection<long> DoneAbove => _doneAbove;

    public bool IsDone(long line)
    {
        lock (_gate)
        {
            return line <= DoneThrough || _doneAbove.Contains(line);
        }
    }

    public void MarkDone(long line)
    {
        lock (_gate)
        {
            if (line <= DoneThrough)
            {
                return;
            }

            _doneAbove.Add(line);
            while (_doneAbove.Count > 0 && _doneAbove.Min == DoneThrough + 1)
            {
                _doneAbove.Remove(DoneThrough + 1);
                DoneThrough++;
            }
        }
    }

    /// <summary>The checkpoint of <paramref name="file"/> at <paramref name="path"/>, or a new one when there is none or it is of another file (or the file changed size).</summary>
    public static ImportCheckpoint Load(string path, string file)
    {
        var length = new FileInfo(file).Length;
        var checkpoint = new ImportCheckpoint(path, Path.GetFullPath(file), length);
        if (!File.Exists(path))
        {
            return checkpoint;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        if (root.GetProperty("file").GetString() != Path.GetFullPath(file) || root.GetProperty("length").GetInt64() != length)
        {
            throw new InvalidOperationException($"The checkpoint {path} belongs to another file (or the file changed since); delete it to start over.");
        }

        checkpoint.DoneThrough = root.GetProperty("done_through").GetInt64();
        foreach (var line in root.GetProperty("done").EnumerateArray())
        {
            checkpoint._doneAbove.Add(line.GetInt64());
        }

        return checkpoint;
    }

    public void Save()
    {
        var temporary = path + ".tmp";
        lock (_gate)
        {
            using (var stream = File.Create(temporary))
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteString("file", file);
                writer.WriteNumber("length", fileLength);
                writer.WriteNumber("done_through", DoneThrough);
                writer.WriteStartArray("done");
                foreach (var line in _doneAbove)
                {
                    writer.WriteNumberValue(line);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            File.Move(temporary, path, overwrite: true);
        }
    }
}
