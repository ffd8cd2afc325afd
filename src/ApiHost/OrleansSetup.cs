using OrleansTokens.Hosting;

namespace OrleansTokens.ApiHost;

/// <summary>
/// Connects the API host to Orleans: a co-hosted silo (<c>Embedded</c>) or an external client (<c>Client</c>).
/// </summary>
public static class OrleansSetup
{
    /// <summary>Configuration key that selects how the API host reaches the grains.</summary>
    public const string ModeKey = "OrleansTokens:Mode";

    public static WebApplicationBuilder AddOrleans(this WebApplicationBuilder builder)
    {
        var mode = builder.Configuration[ModeKey] ?? "Embedded";
        if (string.Equals(mode, "Embedded", StringComparison.OrdinalIgnoreCase))
        {
            builder.UseOrleans(silo =>
                silo.AddOrleansTokensSilo(builder.Configuration, builder.Environment.ContentRootPath));
        }
        else if (string.Equals(mode, "Client", StringComparison.OrdinalIgnoreCase))
        {
            builder.UseOrleansClient(client => client.AddOrleansTokensClient(builder.Configuration));

            // The client keeps retrying until a silo replies. Starting services together lets the HTTP server
            // come up meanwhile, serving health probes and returning 503 for requests that need the cluster.
            builder.Services.Configure<HostOptions>(options => options.ServicesStartConcurrently = true);
        }
        else
        {
            throw new InvalidOperationException(
                $"{ModeKey} is '{mode}'. Set it to 'Embedded' to run a silo in this process, "
                + "or to 'Client' to connect to a separate silo cluster.");
        }

        return builder;
    }
}
