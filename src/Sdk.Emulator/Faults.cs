using System.Text.Json;

namespace Braze.Emulator;

/// <summary>The fault chosen for one request.</summary>
internal enum Fault
{
    None,
    RateLimited,
    InternalError,
    BadGateway,
    Unavailable,
    DropBeforeApply,
    DropAfterApply,
}

/// <summary>Draws faults from a seeded random source; thread-safe; settings replaceable at run time.</summary>
internal sealed class FaultInjector
{
    private readonly object _gate = new();
    private FaultSettings _settings;
    private Random _random;

    public FaultInjector(FaultSettings settings)
    {
        _settings = settings;
        _random = new Random(settings.Seed);
    }

    public FaultSettings Settings
    {
        get
        {
            lock (_gate)
            {
                return _settings;
            }
        }

        set
        {
            lock (_gate)
            {
                _settings = value;
                _random = new Random(value.Seed);
            }
        }
    }

    /// <summary>Chooses the fault and the added latency for a request to <paramref name="path"/>.</summary>
    public (Fault Fault, int LatencyMs) Draw(string path)
    {
        lock (_gate)
        {
            var s = _settings;
            if (!s.Any || !path.StartsWith(s.PathPrefix, StringComparison.Ordinal))
            {
                return (Fault.None, 0);
            }

            var latency = _random.NextDouble() < s.Latency ? s.LatencyMilliseconds : 0;
            var roll = _random.NextDouble();
            var fault = Fault.None;
            foreach (var (share, kind) in new[]
            {
                (s.RateLimited, Fault.RateLimited), (s.InternalError, Fault.InternalError), (s.BadGateway, Fault.BadGateway),
                (s.Unavailable, Fault.Unavailable), (s.DropBeforeApply, Fault.DropBeforeApply), (s.DropAfterApply, Fault.DropAfterApply),
            })
            {
                if (roll < share)
                {
                    fault = kind;
                    break;
                }

                roll -= share;
            }

            return (fault, latency);
        }
    }

    /// <summary>Reads settings from JSON (camelCase or snake_case names); unknown names are ignored.</summary>
    public static FaultSettings Parse(JsonElement json)
    {
        var s = new FaultSettings();
        foreach (var p in json.EnumerateObject())
        {
            var name = p.Name.Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
            switch (name)
            {
                case "SEED": s.Seed = p.Value.GetInt32(); break;
                case "RATELIMITED": s.RateLimited = p.Value.GetDouble(); break;
                case "INTERNALERROR": s.InternalError = p.Value.GetDouble(); break;
                case "BADGATEWAY": s.BadGateway = p.Value.GetDouble(); break;
                case "UNAVAILABLE": s.Unavailable = p.Value.GetDouble(); break;
                case "DROPBEFOREAPPLY": s.DropBeforeApply = p.Value.GetDouble(); break;
                case "DROPAFTERAPPLY": s.DropAfterApply = p.Value.GetDouble(); break;
                case "LATENCY": s.Latency = p.Value.GetDouble(); break;
                case "LATENCYMILLISECONDS": s.LatencyMilliseconds = p.Value.GetInt32(); break;
                case "PATHPREFIX": s.PathPrefix = p.Value.GetString() ?? "/users/track"; break;
                default: break;
            }
        }

        return s;
    }

    public static void Write(Utf8JsonWriter writer, FaultSettings s)
    {
        writer.WriteStartObject();
        writer.WriteNumber("seed", s.Seed);
        writer.WriteNumber("rate_limited", s.RateLimited);
        writer.WriteNumber("internal_error", s.InternalError);
        writer.WriteNumber("bad_gateway", s.BadGateway);
        writer.WriteNumber("unavailable", s.Unavailable);
        writer.WriteNumber("drop_before_apply", s.DropBeforeApply);
        writer.WriteNumber("drop_after_apply", s.DropAfterApply);
        writer.WriteNumber("latency", s.Latency);
        writer.WriteNumber("latency_milliseconds", s.LatencyMilliseconds);
        writer.WriteString("path_prefix", s.PathPrefix);
        writer.WriteEndObject();
    }
}
