using System.Diagnostics;

namespace Braze.Transport;

/// <summary>
/// The SDK's traces (activity source <c>Braze.Sdk</c>, named like the meter): one span per client operation
/// (<c>braze.track</c>, <c>braze.schedule</c>, ...), one per batch the tracker sends (<c>braze.batch</c>, linked to the
/// span of every caller whose item it carries), and one per HTTP attempt (<c>braze.send</c>: endpoint, objects,
/// status, attempt, and what made the previous attempt fail). Tags carry counts, paths, statuses and reasons only:
/// never the API key, an identifier, an email address or a phone number.
/// </summary>
internal static class BrazeTelemetry
{
    /// <summary>The activity source name to subscribe to (OpenTelemetry: <c>AddSource("Braze.Sdk")</c>).</summary>
    public const string SourceName = BrazeMetrics.MeterName;

    public static readonly ActivitySource Source = new(SourceName, typeof(BrazeTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Starts an operation's span (null when nobody listens), tagged with its endpoint and object count.</summary>
    public static Activity? StartOperation(string name, BrazeEndpoint? endpoint = null, int? objects = null)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(name, ActivityKind.Internal);
        if (activity is not null)
        {
            if (endpoint is not null)
            {
                activity.SetTag("braze.endpoint", endpoint.Path);
            }

            if (objects is { } count)
            {
                activity.SetTag("braze.objects", count);
            }
        }

        return activity;
    }

    /// <summary>Marks a span failed with the exception's type (its message is not copied: it may name values).</summary>
    public static void Fail(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error);
        activity.SetTag("error.type", exception.GetType().FullName);
    }
}
