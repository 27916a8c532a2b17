using System.Net.Http.Headers;
using Braze.Configuration;
using Microsoft.Extensions.Options;

namespace Braze.Transport;

/// <summary>Adds <c>Authorization: Bearer &lt;key&gt;</c> to every request. The key is read from options and never logged.</summary>
internal sealed class BrazeAuthHandler : DelegatingHandler
{
    private readonly IOptionsMonitor<BrazeOptions> _options;
    private readonly string _name;

    /// <summary>Creates the handler for the named options instance.</summary>
    public BrazeAuthHandler(IOptionsMonitor<BrazeOptions> options, string name)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _name = name ?? string.Empty;
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = _options.Get(_name).ApiKey;
        if (string.IsNullOrEmpty(key))
        {
            throw new BrazeException("No Braze API key is configured (Braze:ApiKey); nothing was sent.");
        }

        if (!BrazeOptionsValidator.IsHeaderSafe(key))
        {
            // Options validation refuses such a key on start; a key changed at run time is refused here, before sending.
            throw new BrazeException("Braze:ApiKey holds characters that cannot be sent in an HTTP header; nothing was sent.");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return base.SendAsync(request, cancellationToken);
    }
}
