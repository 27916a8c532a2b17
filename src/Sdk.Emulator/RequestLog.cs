using System.Collections;

namespace Braze.Emulator;

/// <summary>
/// The received requests kept for inspection, bounded by count and by bytes (the oldest are forgotten first), so a
/// client that keeps sending cannot grow the emulator's memory without limit. An entry costs the UTF-8 length of its
/// path and of its body as received; a body larger than the whole byte budget is not kept
/// (the entry is, without it).
/// </summary>
internal sealed class RequestLog(int maxRequests, long maxBytes) : IReadOnlyCollection<ReceivedRequest>
{
    private readonly object _gate = new();
    private readonly Queue<(ReceivedRequest Request, long Size)> _entries = new();
    private long _bytes;

    /// <summary>Bytes held by the kept entries (paths and bodies, as received).</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <inheritdoc />
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Keeps a request, forgetting the oldest ones until both bounds hold. <paramref name="body"/> is dropped when it alone is over the byte budget.</summary>
    public void Add(string method, string path, int status, ReadOnlySpan<byte> body, bool keepBody, string? fault)
    {
        if (maxRequests == 0)
        {
            return;
        }

        long size = path.Length;
        string? text = null;
        if (keepBody && !body.IsEmpty && size + body.Length <= maxBytes)
        {
            size += body.Length;
            text = System.Text.Encoding.UTF8.GetString(body);
        }

        var request = new ReceivedRequest(method, path, status, text, fault);
        lock (_gate)
        {
            _entries.Enqueue((request, size));
            _bytes += size;
            while (_entries.Count > maxRequests || _bytes > maxBytes)
            {
                _bytes -= _entries.Dequeue().Size;
            }
        }
    }

    /// <summary>Forgets every entry.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _bytes = 0;
        }
    }

    /// <summary>A snapshot, oldest first.</summary>
    public IEnumerator<ReceivedRequest> GetEnumerator()
    {
        ReceivedRequest[] snapshot;
        lock (_gate)
        {
            snapshot = [.. _entries.Select(e => e.Request)];
        }

        return ((IEnumerable<ReceivedRequest>)snapshot).GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
