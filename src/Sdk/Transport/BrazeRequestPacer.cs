using System.Net;
using Microsoft.Extensions.Logging;

namespace Braze.Transport;

/// <summary>
/// Paces requests to one Braze workspace: fixed windows aligned on the clock as Braze's are (default 3,000 requests
/// per 3 s) plus what the server says in <c>X-RateLimit-Remaining</c> / <c>-Reset</c>: never more requests in a window
/// than Braze has left (counting requests in flight), spread out when few are left, and a pause until the reset after
/// a 429 or when none are left. In a fleet (<see cref="IBrazeRateLimitCoordinator"/>) each process keeps to its share
/// of both, and a 429 pauses every process. One instance is shared by every request of a named client.
/// </summary>
internal sealed class BrazeRequestPacer
{
    private static readonly TimeSpan s_resetMargin = TimeSpan.FromMilliseconds(50);
    private readonly int _permitLimit;
    private readonly TimeSpan _window;
    private readonly string _group;
    private readonly IBrazeRateLimitCoordinator? _fleet;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BrazeMetrics? _metrics;
    private readonly double _slowFraction;
    private readonly TimeSpan _baseBackoff;
    private readonly TimeSpan _maxBackoff;
    private readonly object _gate = new();
    private DateTimeOffset _pausedUntil;
    private DateTimeOffset _windowReset;
    private long _budget = long.MaxValue;
    private TimeSpan _spacing;
    private DateTimeOffset _nextSlot;
    private int _inFlight;
    private int _consecutive429;
    private long _windowIndex = -1;
    private int _windowCount;

    /// <summary>Creates the pacer of <c>/users/track</c> (<see cref="BrazeOptions.RateLimitPerWindow"/> per <see cref="BrazeOptions.RateLimitWindow"/>).</summary>
    public BrazeRequestPacer(BrazeOptions options, TimeProvider? timeProvider = null, ILogger? logger = null, BrazeMetrics? metrics = null, IBrazeRateLimitCoordinator? fleet = null)
        : this(options, (options ?? throw new ArgumentNullException(nameof(options))).RateLimitPerWindow, options.RateLimitWindow, timeProvider, logger, metrics, RateLimitGroup.UsersTrack.Name, fleet)
    {
    }

    /// <summary>
    /// Creates a pacer of one endpoint group (<paramref name="group"/>, its name in a fleet): at most
    /// <paramref name="permitLimit"/> requests per <paramref name="window"/>, shared with the fleet's other processes.
    /// </summary>
    public BrazeRequestPacer(BrazeOptions options, int permitLimit, TimeSpan window, TimeProvider? timeProvider = null, ILogger? logger = null, BrazeMetrics? metrics = null, string? group = null, IBrazeRateLimitCoordinator? fleet = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _permitLimit = permitLimit;
        _window = window;
        _group = group ?? RateLimitGroup.Other.Name;
        _fleet = fleet;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _metrics = metrics;
        _slowFraction = options.SlowDownBelowRemainingFraction;
        _baseBackoff = options.RetryBaseDelay;
        _maxBackoff = options.RetryMaxDelay;
    }

    /// <summary>When requests may flow again after a 429 (this process's, or the fleet's) or an exhausted window (in the past when not paused).</summary>
    public DateTimeOffset PausedUntil
    {
        get
        {
            lock (_gate)
            {
                return Paused();
            }
        }
    }

    /// <summary>How many processes share the limits (1 without a fleet; a coordinator that fails counts as alone).</summary>
    private int Share => _fleet is { } fleet ? Math.Max(1, fleet.Instances) : 1;

    /// <summary>
    /// This process's requests per window: the whole limit alone; in a fleet its share, less one: a request sent at the
    /// very end of a window may reach Braze in the next, where the others' shares are already counted.
    /// </summary>
    private int Permits() => Share is var share and > 1 ? Math.Max(1, (_permitLimit / share) - 1) : _permitLimit;

    private DateTimeOffset Paused() => _fleet?.PausedUntil(_group) is { } shared && shared > _pausedUntil ? shared : _pausedUntil;

    /// <summary>Waits until one more request may be sent. Call <see cref="Observe"/> or <see cref="Abandon"/> once for each completed wait.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            bool reserved;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                if (_windowReset <= now)
                {
                    _budget = long.MaxValue;
                    _spacing = TimeSpan.Zero;
                }

                var index = now.UtcTicks / _window.Ticks;
                if (index != _windowIndex)
                {
                    _windowIndex = index;
                    _windowCount = 0;
                }

                var paused = Paused();
                if (paused > now)
                {
                    wait = paused - now;
                    reserved = false;
                }
                else if (_budget <= 0)
                {
                    // Braze has no requests left in this window: wait for its reset.
                    wait = _windowReset - now + s_resetMargin;
                    reserved = false;
                }
                else if (_windowCount >= Permits())
                {
                    // This process's share of the window is spent: wait for the next one (aligned on the clock, as Braze's).
                    wait = new DateTimeOffset((index + 1) * _window.Ticks, TimeSpan.Zero) - now;
                    reserved = false;
                }
                else
                {
                    var slot = now;
                    if (_spacing > TimeSpan.Zero)
                    {
                        slot = _nextSlot > now ? _nextSlot : now;
                        _nextSlot = slot + _spacing;
                    }

                    wait = slot - now;
                    _budget--;
                    _inFlight++;
                    _windowCount++;
                    reserved = true;
                }
            }

            if (!reserved)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    Abandon();
                    throw;
                }
            }

            break;
        }
    }

    /// <summary>Releases a wait whose request was not sent or got no response.</summary>
    public void Abandon()
    {
        lock (_gate)
        {
            _inFlight = Math.Max(0, _inFlight - 1);
        }
    }

    /// <summary>Learns from a response: rate-limit headers and 429s.</summary>
    public void Observe(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var now = _time.GetUtcNow();
        var info = RateLimitInfo.From(response, now);
        lock (_gate)
        {
            _inFlight = Math.Max(0, _inFlight - 1);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                _consecutive429++;
                _metrics?.RateLimited.Add(1);
                var wait = info?.WaitTime(now) ?? Backoff(_consecutive429);
                if (wait > _maxBackoff)
                {
                    // Whatever the server says, one 429 never stalls the client longer than RetryMaxDelay.
                    wait = _maxBackoff;
                }

                var until = now + wait + s_resetMargin;
                if (until > _pausedUntil)
                {
                    _pausedUntil = until;
                }

                _fleet?.Pause(_group, until); // every process of the fleet waits for the same reset

                Log.RateLimitPause(_logger, 429, info?.Remaining, (long)(until - now).TotalMilliseconds);
                return;
            }

            _consecutive429 = 0;
            if (info is not { Remaining: { } remaining, Reset: { } reset } || reset <= now)
            {
                return;
            }

            // Requests still in flight will count against what Braze reports as remaining; in a fleet, this process's share of it.
            var budget = (remaining / Share) - _inFlight;
            if (reset != _windowReset || budget < _budget)
            {
                _windowReset = reset;
                _budget = budget;
            }

            if (_budget <= 0)
            {
                Log.RateLimitPause(_logger, (int)response.StatusCode, remaining, (long)(reset - now).TotalMilliseconds);
                _spacing = TimeSpan.Zero;
            }
            else if (info.Limit is { } limit && limit > 0 && remaining <= limit * _slowFraction)
            {
                _spacing = (reset - now) / Math.Max(1, _budget);
                Log.SlowDown(_logger, remaining, limit, reset);
            }
            else
            {
                _spacing = TimeSpan.Zero;
            }
        }
    }

    private TimeSpan Backoff(int attempt) => BrazeRetryPolicy.Backoff(attempt - 1, _baseBackoff, _maxBackoff, Random.Shared.NextDouble());
}

/// <summary>
/// The pacers of the endpoints Braze limits on their own (the identity endpoints), one per
/// <see cref="RateLimitGroup"/>, made on first use with the group's documented limit and shared by every handler of a
/// workspace (handlers are recycled by the HTTP client factory; the pacers must outlive them).
/// </summary>
internal sealed class BrazeEndpointPacers(BrazeOptions options, TimeProvider? timeProvider = null, ILogger? logger = null, BrazeMetrics? metrics = null, IBrazeRateLimitCoordinator? fleet = null)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<RateLimitGroup, Lazy<BrazeRequestPacer>> _pacers = new();

    /// <summary>The pacer of <paramref name="group"/>.</summary>
    public BrazeRequestPacer For(RateLimitGroup group)
        => _pacers.GetOrAdd(group, g => new Lazy<BrazeRequestPacer>(() => new BrazeRequestPacer(options, g.DefaultPermits, g.Window, timeProvider, logger, metrics, g.Name, fleet))).Value;
}

/// <summary>
/// Runs every request of a named client through the <see cref="BrazeRequestPacer"/> of its rate-limit group and records
/// metrics. The request's <see cref="BrazeEndpoint"/> descriptor names the group: Braze limits <c>/users/track</c> and
/// the other endpoints separately, so their headers and 429s never pause each other.
/// </summary>
internal sealed class BrazeRateLimitHandler : DelegatingHandler
{
    private readonly BrazeRequestPacer _pacer;
    private readonly BrazeRequestPacer _otherPacer;
    private readonly BrazeEndpointPacers? _endpointPacers;
    private readonly BrazeMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the handler.</summary>
    public BrazeRateLimitHandler(BrazeRequestPacer pacer, BrazeMetrics? metrics = null, TimeProvider? timeProvider = null, ILogger? logger = null, BrazeRequestPacer? otherEndpoints = null, BrazeEndpointPacers? endpointPacers = null)
    {
        _pacer = pacer ?? throw new ArgumentNullException(nameof(pacer));
        _otherPacer = otherEndpoints ?? pacer;
        _endpointPacers = endpointPacers;
        _metrics = metrics;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The descriptor says which rate limit the request counts against; a request without one is paced with the others.
        var descriptor = BrazeEndpoints.Of(request);
        var endpoint = descriptor?.Path ?? "unknown";
        var pacer = descriptor?.Group switch
        {
            null => _otherPacer,
            var g when g == RateLimitGroup.UsersTrack => _pacer,
            var g when g == RateLimitGroup.Other || _endpointPacers is null => _otherPacer,
            var g => _endpointPacers.For(g),
        };
        var attempt = BrazeEndpoints.NextAttempt(request);
        var objects = BrazeEndpoints.ObjectsOf(request);
        using var activity = BrazeTelemetry.Source.HasListeners() ? BrazeTelemetry.Source.StartActivity("braze.send", System.Diagnostics.ActivityKind.Client) : null;
        if (activity is not null)
        {
            activity.SetTag("braze.endpoint", endpoint);
            activity.SetTag("braze.objects", objects);
            activity.SetTag("braze.attempt", attempt);
            if (attempt > 1 && BrazeEndpoints.LastFailure(request) is { } retryReason)
            {
                activity.SetTag("braze.retry_reason", retryReason);
            }
        }

        await pacer.WaitAsync(cancellationToken).ConfigureAwait(false);
        var start = _time.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            pacer.Abandon();
            var elapsed = _time.GetElapsedTime(start);
            var reason = TransportFailure.Of(ex).Reason;
            _metrics?.Requests.Add(1, new("endpoint", endpoint), new("status", "none"));
            _metrics?.Duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("endpoint", endpoint));
            Log.NoResponse(_logger, endpoint, attempt, (long)elapsed.TotalMilliseconds, reason);
            BrazeEndpoints.RecordFailure(request, reason);
            BrazeTelemetry.Fail(activity, ex);
            throw;
        }

        activity?.SetTag("http.response.status_code", (int)response.StatusCode);
        if (!response.IsSuccessStatusCode)
        {
            BrazeEndpoints.RecordFailure(request, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
        }

        pacer.Observe(response);
        var took = _time.GetElapsedTime(start);
        _metrics?.Requests.Add(1, new("endpoint", endpoint), new("status", (int)response.StatusCode));
        _metrics?.Duration.Record(took.TotalSeconds, new KeyValuePair<string, object?>("endpoint", endpoint));
        Log.Response(_logger, request.Method.Method, endpoint, (int)response.StatusCode, objects, attempt, (long)took.TotalMilliseconds);
        return response;
    }
}
