using System.Globalization;

namespace Braze.Emulator;

/// <summary>Fixed windows per endpoint group (like Braze: limits reset at the window boundary, not rolling).</summary>
internal sealed class RateLimitWindows(BrazeEmulatorOptions options, TimeProvider time)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (long WindowStart, int Count)> _windows = [];

    /// <summary>Counts the request; sets the three headers; returns false when it is over the limit.</summary>
    public bool TryAcquire(HttpContext context, string group)
    {
        var (limit, window) = group == "track"
            ? (options.TrackRequestsPerWindow, options.TrackWindow)
            : (options.OtherRequestsPerWindow, options.OtherWindow);
        var now = time.GetUtcNow();
        var windowTicks = window.Ticks;
        var start = now.UtcTicks / windowTicks * windowTicks;
        int count;
        lock (_gate)
        {
            var current = _windows.TryGetValue(group, out var w) && w.WindowStart == start ? w.Count : 0;
            count = current + 1;
            _windows[group] = (start, count);
        }

        var reset = new DateTimeOffset(start + windowTicks, TimeSpan.Zero);
        SetHeaders(context, limit, Math.Max(0, limit - count), reset);
        return count <= limit;
    }

    /// <summary>Sets the three headers from the current window without counting a request (for answers such as 401).</summary>
    public void Peek(HttpContext context, string group)
    {
        var (limit, window) = group == "track"
            ? (options.TrackRequestsPerWindow, options.TrackWindow)
            : (options.OtherRequestsPerWindow, options.OtherWindow);
        var start = time.GetUtcNow().UtcTicks / window.Ticks * window.Ticks;
        int count;
        lock (_gate)
        {
            count = _windows.TryGetValue(group, out var w) && w.WindowStart == start ? w.Count : 0;
        }

        SetHeaders(context, limit, Math.Max(0, limit - count), new DateTimeOffset(start + window.Ticks, TimeSpan.Zero));
    }

    /// <summary>The end of the current window of a group (for an injected 429).</summary>
    public DateTimeOffset WindowEnd(string group)
    {
        var window = group == "track" ? options.TrackWindow : options.OtherWindow;
        var now = time.GetUtcNow().UtcTicks;
        return new DateTimeOffset((now / window.Ticks * window.Ticks) + window.Ticks, TimeSpan.Zero);
    }

    public void Reset()
    {
        lock (_gate)
        {
            _windows.Clear();
        }
    }

    public static void SetHeaders(HttpContext context, int limit, int remaining, DateTimeOffset reset)
    {
        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);

        // Epoch seconds, rounded up so a client never wakes before the window turned.
        var seconds = (reset.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
        headers["X-RateLimit-Reset"] = seconds.ToString(CultureInfo.InvariantCulture);
    }
}
