using Microsoft.Extensions.DependencyInjection;
using Braze;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// <c>builder.AddBraze()</c>: the SDK on a host builder, configured from its <c>Braze</c> section, the way .NET Aspire
/// client integrations are (<c>builder.AddRedisClient("cache")</c>).
/// </summary>
public static class BrazeHostApplicationBuilderExtensions
{
    /// <summary>
    /// Registers the Braze SDK (<see cref="IBrazeClient"/>, <see cref="IBrazeTracker"/>) bound to the configuration
    /// section <c>Braze</c> (for a named workspace <paramref name="name"/>, the section <c>Braze:{name}</c>, resolved
    /// as a keyed service), then <paramref name="configure"/>; validated when the host starts.
    /// </summary>
    /// <returns>The HTTP client builder of the Braze pipeline.</returns>
    public static IHttpClientBuilder AddBraze(this IHostApplicationBuilder builder, string? name = null, Action<BrazeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(string.IsNullOrEmpty(name) ? "Braze" : "Braze:" + name);
        var http = builder.Services.AddBraze(name ?? Options.Options.DefaultName, section);
        if (configure is not null)
        {
            builder.Services.Configure(name ?? Options.Options.DefaultName, configure);
        }

        return http;
    }
}
