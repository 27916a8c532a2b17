using System.Net.Sockets;
using System.Security.Authentication;
using Polly.Timeout;

namespace Braze.Transport;

/// <summary>
/// What a failure without an answer says about what reached Braze. <see cref="NothingSent"/>: the request never left
/// this process or never got past connecting (refused, DNS, TLS handshake or certificate, refused by the SDK's own
/// handlers): nothing was applied, and sending it again is safe on any endpoint. Otherwise the request may have been
/// written before the failure (a timeout, a dropped connection): the outcome is unknown.
/// </summary>
/// <param name="NothingSent">True when Braze certainly received nothing.</param>
/// <param name="Reason">What happened, in words safe to show: never a header value, never the key.</param>
internal readonly record struct TransportFailure(bool NothingSent, string Reason)
{
    /// <summary>Classifies <paramref name="exception"/> by the first cause in its chain that tells.</summary>
    public static TransportFailure Of(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case BrazeException braze:
                    return new(true, braze.Message);
                case AuthenticationException:
                    return new(true, "the TLS handshake failed (certificate or protocol)");
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }:
                    return new(true, "the connection could not be made" + Socket(e));
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }:
                    return new(true, "the host name did not resolve");
                case HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }:
                    return new(true, "the TLS handshake failed (certificate or protocol)");
                case TimeoutRejectedException or TimeoutException or TaskCanceledException:
                    return new(false, "the request timed out");
            }
        }

        return exception switch
        {
            null => new(false, "no response"),
            _ when Find<HttpRequestException>(exception) is { } http => new(false, $"the connection failed after the request was sent ({http.HttpRequestError})"),
            _ when Find<IOException>(exception) is not null => new(false, "the connection failed after the request was sent"),
            _ => new(false, $"the request failed ({exception.GetType().Name})"),
        };
    }

    /// <summary>The sentence an exception carries: what happened, and whether Braze may have applied the request.</summary>
    public string Describe() => NothingSent
        ? $"No request reached Braze: {Reason}. Nothing was applied; sending it again is safe."
        : $"No answer from Braze after the retries: {Reason}. Braze may or may not have applied the request.";

    private static string Socket(Exception e) => Find<SocketException>(e) is { } socket ? $" ({socket.SocketErrorCode})" : string.Empty;

    private static T? Find<T>(Exception e)
        where T : Exception
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is T found)
            {
                return found;
            }
        }

        return null;
    }
}
